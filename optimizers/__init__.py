"""Optimizers over plain numpy callables; each is a generator of immutable `Iterate` records."""

from ._activations import Activation
from ._descent import conjugate_gradient, gradient_descent, newton
from ._guard import guarded_array, guarded_value
from ._line_search import Line, LineSearchResult, PiecewisePolynomial, armijo, exact, fixed
from ._losses import Loss
from ._mlp import MLP
from ._stochastic import adam, minibatches, momentum, nesterov, sgd
from ._stream import Iterate, Result, Status, mapped, run

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
