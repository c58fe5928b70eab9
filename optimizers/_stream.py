"""Immutable records of an optimization run: `Iterate`, `Result`, `Status`, and `run`."""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Iterate", "Result", "Status", "Stream", "frozen_array", "mapped", "run", "stop_status"]


_FLOAT = np.dtype(float)  # numpy's one native float64 dtype: `is` is its cheapest test


def frozen_array(a: Any) -> np.ndarray:
    """`a` as a read-only float array that nothing else can change (so iterates never alias state).

    An array that is already read-only and owns its data is returned as it is: no one can write to
    it, so a copy would only cost time. Anything else is copied.
    """
    if isinstance(a, np.ndarray) and a.dtype is _FLOAT and a.base is None and not a.flags.writeable:
        return a
    out = np.array(a, dtype=float, copy=True)
    out.flags.writeable = False
    return out


class Status(enum.IntEnum):
    """Why a run ended; `MESSAGES` gives the sentence a user reads."""

    CONVERGED = 0
    MAX_ITER = 1
    LINE_SEARCH_FAILED = 2
    UNBOUNDED = 3
    DIVERGED = 4
    MAX_OUTER = 5
    STALLED = 6
    RUNNING = 7
    PLATEAU = 8

    @property
    def message(self) -> str:
        return MESSAGES[self]


MESSAGES = {
    Status.CONVERGED: "Converged: the stopping tolerance was met.",
    Status.MAX_ITER: "Stopped: the maximum number of iterations was reached.",
    Status.LINE_SEARCH_FAILED: "Stopped: the line search found no acceptable step.",
    Status.UNBOUNDED: "Stopped: the function decreases without bound along the search direction.",
    Status.DIVERGED: "Stopped: the iterates diverged (overflow or NaN).",
    Status.MAX_OUTER: "Stopped: the maximum number of penalty updates was reached.",
    Status.STALLED: "Stopped: the step no longer changes x in floating point (tol below rounding?).",
    Status.RUNNING: "The stream was closed before it finished.",
    Status.PLATEAU: "Stopped: the function is flat to rounding here (its slope underflows to 0, or is "
                    "too small to change it); that is no minimizer.",
}


@dataclass(frozen=True, kw_only=True)
class Iterate:
    """One point of an optimization run, immutable.

    Attributes
    ----------
    k : int
        Index in the stream; 0 is the start point.
    x : ndarray
        The point (read-only copy).
    fun : float
        Value of the minimized function at `x`.
    grad : ndarray
        Its gradient at `x` (read-only copy).
    step : float or None
        Step length `t` that led here from the previous point, ``x_prev = x - t * direction``.
    direction : ndarray or None
        Search direction of that step.
    nfev : int
        Function evaluations so far (gradient and line-search calls included).
    """

    k: int
    x: np.ndarray
    fun: float
    grad: np.ndarray
    step: float | None = None
    direction: np.ndarray | None = None
    nfev: int = 0

    def __post_init__(self) -> None:
        # Fields already in their final form (the optimizers hand over frozen arrays) are left as
        # they are: a record per iteration is the only object the per-step path creates.
        for name in ("x", "grad", "direction"):
            value = getattr(self, name)
            if value is not None and (frozen := frozen_array(value)) is not value:
                object.__setattr__(self, name, frozen)
        if type(self.fun) is not float:
            object.__setattr__(self, "fun", float(self.fun))

    @property
    def grad_norm(self) -> float:
        """Euclidean norm of the gradient (inf when it overflows)."""
        with np.errstate(over="ignore"):
            return float(np.linalg.norm(self.grad))

    @property
    def previous_x(self) -> np.ndarray | None:
        """The point this step started from, or None for a start point."""
        if self.direction is None or self.step is None:
            return None
        return self.x - self.step * self.direction

    def replace(self, **changes: Any) -> Iterate:
        """A copy with some fields changed (records are immutable)."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True, kw_only=True)
class Result:
    """Outcome of a run, modeled on `scipy.optimize.OptimizeResult`.

    Attributes
    ----------
    x : ndarray
        Final point.
    fun : float
        Function value at `x`.
    jac : ndarray
        Gradient at `x`.
    nit : int
        Number of steps taken.
    nfev : int
        Number of function and gradient evaluations.
    status : Status
        Why the run ended.
    success : bool
        True when `status` is ``Status.CONVERGED``.
    message : str
        `status` in words.
    """

    x: np.ndarray
    fun: float
    jac: np.ndarray
    nit: int
    nfev: int
    status: Status
    success: bool = dataclasses.field(init=False)
    message: str = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "x", frozen_array(self.x))
        object.__setattr__(self, "jac", frozen_array(self.jac))
        object.__setattr__(self, "status", Status(self.status))
        object.__setattr__(self, "success", self.status == Status.CONVERGED)
        object.__setattr__(self, "message", self.status.message)


Stream = Generator[Iterate, None, Result]


def stop_status(x: np.ndarray, f: float, g: np.ndarray, k: int, tol: float, max_iter: int) -> Status | None:
    """Why a run must stop at (x, f, g) after `k` steps, or None to go on.

    Non-finite values end it as DIVERGED; ``max|g| < tol`` as CONVERGED; `max_iter` steps as MAX_ITER.
    """
    g_max = _max_abs(g)  # NaN or inf anywhere makes the maximum non-finite
    if not (math.isfinite(f) and math.isfinite(g_max) and math.isfinite(_max_abs(x))):
        return Status.DIVERGED
    if g_max < tol:
        return Status.CONVERGED
    if k >= max_iter:
        return Status.MAX_ITER
    return None


def _max_abs(a: np.ndarray) -> float:
    """max |a_i|, NaN if any entry is NaN; on plain floats for short vectors (numpy's call costs more)."""
    if a.size > 16:
        return float(np.abs(a).max())
    values = a.tolist()
    if not all(map(math.isfinite, values)):
        return math.nan
    return max(map(abs, values))


def mapped(stream: Iterable[Any], transform: Callable[[Any], Any]) -> Generator[Any, None, Any]:
    """The stream with `transform` applied to every record, returning the stream's own `Result`.

    A plain ``map`` or generator expression drops the value a generator returns; this keeps it, so
    ``result = yield from mapped(stream, f)`` inside a generator, or `run` on the mapped stream,
    still gets the run's `Result` (None for an iterable that returns none).

    Examples
    --------
    >>> xs = mapped(gradient_descent(fun, grad, x0), lambda it: it.x)  # doctest: +SKIP
    """
    iterator = iter(stream)
    while True:
        try:
            record = next(iterator)
        except StopIteration as stop:
            return stop.value
        yield transform(record)


def run(stream: Iterable[Any]) -> Any:
    """Drain an iterate stream and return its `Result` (None if the stream returns none).

    Examples
    --------
    >>> result = run(gradient_descent(fun, grad, x0))  # doctest: +SKIP
    """
    iterator = iter(stream)
    while True:
        try:
            next(iterator)
        except StopIteration as stop:
            return stop.value
