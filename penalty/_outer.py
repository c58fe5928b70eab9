"""One entry point for the three outer methods: exterior penalty, method of multipliers, log barrier."""

from __future__ import annotations

from collections.abc import Generator

from optimizers import run

from ._barrier import log_barrier
from ._multipliers import method_of_multipliers
from ._problem import Problem
from ._sumt import PenaltyIterate, PenaltyResult, exterior_penalty

__all__ = ["OUTER_METHODS", "iterates", "solve"]

OUTER_METHODS = {"penalty": exterior_penalty, "multipliers": method_of_multipliers, "barrier": log_barrier}


def iterates(problem: Problem, x0, *, outer: str = "penalty", **options
             ) -> Generator[PenaltyIterate, None, PenaltyResult]:
    """The stream of one outer method: `exterior_penalty`, `method_of_multipliers` or `log_barrier`.

    Parameters
    ----------
    problem : Problem
    x0 : array_like
    outer : {"penalty", "multipliers", "barrier"}
    **options
        That method's options (``method=``, ``line_search=``, ...); each has its own defaults.

    Raises
    ------
    ValueError
        At the call, for an unknown `outer` or a bad option.
    """
    if outer not in OUTER_METHODS:
        raise ValueError(f"outer must be one of {', '.join(OUTER_METHODS)}; got {outer!r}")
    return OUTER_METHODS[outer](problem, x0, **options)


def solve(problem: Problem, x0, *, outer: str = "penalty", **options) -> PenaltyResult:
    """Run an outer method to the end and return its `PenaltyResult` (options as in `iterates`).

    Examples
    --------
    >>> problem = Problem("-x1 + x2", ["x1 + x2 = 1", "x2 >= 1"])
    >>> result = solve(problem, [-0.5, 0.2], outer="multipliers", method="newton")
    >>> result.success, round(result.fun, 8), result.multipliers.round(6).tolist()
    (True, 1.0, [1.0, 2.0])
    """
    return run(iterates(problem, x0, outer=outer, **options))
