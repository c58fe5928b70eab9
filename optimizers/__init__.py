"""Optimizers over plain numpy callables; each is a generator of immutable `Iterate` records."""

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
    "exact",
    "fixed",
    "run",
]
