"""Optimizers over plain numpy callables; each is a generator of immutable `Iterate` records."""

from ._descent import conjugate_gradient, gradient_descent, newton
from ._line_search import Line, LineSearchResult, PiecewisePolynomial, armijo, exact, fixed
from ._stream import Iterate, Result, Status, run

__all__ = [
    "Iterate",
    "Line",
    "LineSearchResult",
    "PiecewisePolynomial",
    "Result",
    "Status",
    "armijo",
    "conjugate_gradient",
    "exact",
    "fixed",
    "gradient_descent",
    "newton",
    "run",
]
