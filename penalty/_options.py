"""The option checks the three outer methods share: the start point and the numeric options."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._problem import Problem

__all__ = ["METHODS", "check_options", "check_start"]

METHODS = ("gd", "newton", "cg")


def _counted(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def check_start(problem: Problem, x0: Any) -> np.ndarray:
    """`x0` as a fresh float array of length ``problem.n``; a one-line ValueError otherwise.

    The message reads like the command line's: ``x0 has 1 number, the problem has 2 variables (x1, x2)``.
    """
    names = ", ".join(map(str, problem.variables))
    try:
        items = None if isinstance(x0, str | bytes | dict) else list(x0)
    except TypeError:  # not iterable: a bare number, say
        items = None
    if items is None or any(isinstance(v, bool | np.bool_ | str | bytes) for v in items):
        raise ValueError(f"x0 must be a list of {_counted(problem.n, 'number')} ({names}), got {x0!r}"[:200])
    try:
        x = np.array(items, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"x0 must be a list of {_counted(problem.n, 'number')} ({names}), "
                         f"got {[str(v) for v in items]}") from None
    if x.ndim != 1:
        raise ValueError(f"x0 must be a flat list of {_counted(problem.n, 'number')} ({names}), "
                         f"got shape {x.shape}")
    if x.size != problem.n:
        raise ValueError(f"x0 has {_counted(x.size, 'number')}, "
                         f"the problem has {_counted(problem.n, 'variable')} ({names})")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"x0 must be finite numbers, got {x.tolist()}")
    return x


def _real(name: str, value: Any) -> float:
    """`value` as a float; bools are refused (True is no penalty weight, though Python says 1)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{name} must be a number, got {value!r}")
    return float(value)


def check_options(problem: Problem, x0: Any, *, method: str, C: float, epsilon: float, max_outer: int,
                  weight0: tuple[str, float], max_iter: int | None = None) -> np.ndarray:
    """The start point as a float array; ValueError naming the first bad option, in one line."""
    x = check_start(problem, x0)
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    name, value = weight0
    if not (math.isfinite(_real(name, value)) and value > 0):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    if not (math.isfinite(_real("C", C)) and C > 1):
        raise ValueError(f"C must be a number greater than 1, got {C!r}")
    if not (math.isfinite(_real("epsilon", epsilon)) and epsilon > 0):
        raise ValueError(f"epsilon must be a positive number, got {epsilon!r}")
    for label, count, least in (("max_outer", max_outer, 1), ("max_iter", max_iter, 0)):
        if label == "max_iter" and count is None:
            continue
        if isinstance(count, bool | np.bool_) or not (isinstance(count, int | np.integer) and count >= least):
            kind = "positive" if least else "non-negative"
            raise ValueError(f"{label} must be a {kind} integer, got {count!r}")
    return x
