"""Optimizers over plain numpy callables; each is a generator of immutable `Iterate` records.

Line-search descent: `gradient_descent`, `newton`, `conjugate_gradient`, with a ``line_search=`` of
`exact` (the first local minimizer along the ray), `armijo` or `fixed`; a custom search is a function
of a `Line` returning a `LineSearchResult`, and `PiecewisePolynomial` lets the exact search solve phi
by polynomial roots. Machine learning: `sgd`, `momentum`, `nesterov`, `adam` (on `minibatches`), and
the `MLP` with its `Activation` and `Loss`. Streams: every optimizer yields `Iterate` records and
returns a `Result` with a `Status`; `run` drains a stream to its `Result`, `mapped` transforms the
records and keeps the `Result`; `frozen_array` is the read-only copy records hold (for records of
your own, like the outer methods'). `guarded_value` and `guarded_array` evaluate a function with numeric
trouble turned into NaN (a status later), never an exception or a warning.
"""

from ._activations import Activation
from ._descent import conjugate_gradient, gradient_descent, newton
from ._guard import guarded_array, guarded_value
from ._line_search import Line, LineSearchResult, PiecewisePolynomial, armijo, exact, fixed
from ._losses import Loss
from ._mlp import MLP
from ._stochastic import adam, minibatches, momentum, nesterov, sgd
from ._stream import Iterate, Result, Status, frozen_array, mapped, run

__all__ = [
    "MLP",
    "Activation",
    "Iterate",
    "Line",
    "LineSearchResult",
    "Loss",
    "PiecewisePolynomial",
    "Result",
    "Status",
    "adam",
    "armijo",
    "conjugate_gradient",
    "exact",
    "fixed",
    "frozen_array",
    "mapped",
    "gradient_descent",
    "guarded_array",
    "guarded_value",
    "minibatches",
    "momentum",
    "nesterov",
    "newton",
    "run",
    "sgd",
]
