"""What the multiplier and barrier methods share: option checks and the drive of one inner run."""

from __future__ import annotations

import math
from collections.abc import Callable, Generator, Iterator

import numpy as np

from optimizers import Iterate, Result, Status

from ._problem import Problem
from ._sumt import METHODS, _inner

__all__ = ["FATAL", "check_options", "drive", "start_inner"]

# An inner run ending so stops the outer method: no later weight can repair it.
FATAL = (Status.DIVERGED, Status.UNBOUNDED, Status.LINE_SEARCH_FAILED)


def check_options(problem: Problem, x0, *, method: str, C: float, epsilon: float, max_outer: int,
                  weight0: tuple[str, float]) -> np.ndarray:
    """The start point as a float array; ValueError naming the first bad option."""
    x = np.array(x0, dtype=float)
    if x.shape != (problem.n,) or not np.all(np.isfinite(x)):
        names = ", ".join(map(str, problem.variables))
        raise ValueError(f"x0 must have {problem.n} finite numbers ({names}), got {list(np.ravel(x0))!r}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    name, value = weight0
    if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    if not (isinstance(C, int | float) and math.isfinite(C) and C > 1):
        raise ValueError(f"C must be a number greater than 1, got {C!r}")
    if not (isinstance(epsilon, int | float) and math.isfinite(epsilon) and epsilon > 0):
        raise ValueError(f"epsilon must be a positive number, got {epsilon!r}")
    if not (isinstance(max_outer, int) and max_outer >= 1):
        raise ValueError(f"max_outer must be a positive integer, got {max_outer!r}")
    return x


def start_inner(F, method: str, x: np.ndarray, options: dict) -> Iterator[Iterate]:
    """The inner minimizer's stream on the compiled function `F` (ValueError for bad options)."""
    return _inner(F, method, x, options)


def drive(stream: Iterator[Iterate], wrap: Callable[[Iterate], Iterate]) -> Generator[Iterate, None, Result]:
    """Yield ``wrap(it)`` for every iterate of an inner `stream`; return its `Result`."""
    while True:
        try:
            it = next(stream)
        except StopIteration as stop:
            return stop.value
        yield wrap(it)
