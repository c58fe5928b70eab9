"""One numeric guard for every evaluation, and one check of start points, shared by all optimizers."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["array_or_nan", "guarded_array", "guarded_value", "start_point", "value_or_nan"]

# Numeric trouble inside a user's function: it becomes NaN (and then a status), never an exception.
NUMERIC_ERRORS = (OverflowError, ZeroDivisionError, FloatingPointError)


def guarded_value(function: Callable[..., Any], *args: Any) -> float:
    """``float(function(*args))``, NaN on overflow or division by zero, and no RuntimeWarning."""
    with np.errstate(all="ignore"):
        return value_or_nan(function, *args)


def guarded_array(function: Callable[..., Any], shape: tuple[int, ...], *args: Any) -> np.ndarray:
    """``function(*args)`` as a float array of `shape`, all NaN on numeric trouble, without warnings."""
    with np.errstate(all="ignore"):
        return array_or_nan(function, shape, *args)


def value_or_nan(function: Callable[..., Any], *args: Any) -> float:
    """`guarded_value` for a caller that already holds ``np.errstate(all="ignore")`` (it costs ~1 us)."""
    try:
        return float(function(*args))
    except NUMERIC_ERRORS:
        return math.nan


def array_or_nan(function: Callable[..., Any], shape: tuple[int, ...], *args: Any) -> np.ndarray:
    """`guarded_array` for a caller that already holds ``np.errstate(all="ignore")``."""
    try:
        out = np.asarray(function(*args), dtype=float)
        return out if out.shape == shape else out.reshape(shape)  # no view: it may be kept uncopied
    except NUMERIC_ERRORS:
        return np.full(shape, math.nan)


def start_point(x0: Any) -> np.ndarray:
    """`x0` as a fresh 1-D float array; ValueError unless non-empty and finite."""
    try:
        x = np.array(x0, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"x0 must be a non-empty 1-D array of numbers, got {x0!r}") from None
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"x0 must be a non-empty 1-D array of numbers, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"x0 must be finite, got {x0!r}")
    return x
