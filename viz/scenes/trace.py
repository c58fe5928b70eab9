"""`Trace`: the run as plain arrays, collected once from any iterable of iterates.

The animator keeps the *records* of a run (a few floats per iterate), never images: a trace of
10,000 iterates of a 2-variable problem is about 1 MB. Plain arrays also pickle, so frame ranges
can be rendered in other processes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Trace", "collect"]


@dataclass(frozen=True, eq=False)
class Trace:
    """An optimization run as arrays, one row per iterate (the stream's order).

    Attributes
    ----------
    k : ndarray of int, shape (N,)
        The iterates' own counters (a penalty run may restart them per outer iteration).
    x : ndarray, shape (N, n)
        The points.
    fun : ndarray, shape (N,)
        Value of the minimized function (F for penalty runs).
    grad_norm : ndarray, shape (N,)
        Euclidean norm of its gradient.
    step : ndarray, shape (N,)
        Step length that led to the point; NaN where the iterate carries none.
    direction : ndarray, shape (N, n)
        Search direction of that step; NaN rows where none.
    M : ndarray, shape (N,)
        Penalty weight; NaN for plain (unconstrained) runs.
    objective : ndarray, shape (N,)
        The objective f; NaN for plain runs.
    violation : ndarray, shape (N,)
        Maximum constraint violation; NaN for plain runs.
    outer : ndarray of int, shape (N,)
        Outer (penalty) iteration; -1 for plain runs.
    result : object or None
        What the stream returned when it ended (an `optimizers.Result`, whose ``status`` says
        why), or None if it returned nothing or was stopped early.
    """

    k: np.ndarray
    x: np.ndarray
    fun: np.ndarray
    grad_norm: np.ndarray
    step: np.ndarray
    direction: np.ndarray
    M: np.ndarray
    objective: np.ndarray
    violation: np.ndarray
    outer: np.ndarray
    result: Any = None

    def __len__(self) -> int:
        return len(self.fun)

    @property
    def n(self) -> int:
        """Number of variables."""
        return self.x.shape[1]

    @property
    def is_penalty(self) -> bool:
        """True when the iterates carried a penalty weight M."""
        return bool(np.isfinite(self.M).any())

    @property
    def status(self) -> str:
        """The name of the stream's end status, e.g. ``"CONVERGED"`` or ``"DIVERGED"`` ("" if none).

        The one place viz reads a status: ``result.status.name`` (an enum such as
        `optimizers.Status`) or ``result.status`` itself when it is a string; viz never imports
        the optimizers to compare with their enum.
        """
        status = getattr(self.result, "status", None)
        if status is None:
            return ""
        return str(getattr(status, "name", status))

    @property
    def previous_x(self) -> np.ndarray:
        """Start of each step, ``x - step * direction`` (NaN rows where no step was recorded)."""
        return self.x - self.step[:, None] * self.direction


_FIELDS = ("k", "x", "fun", "grad_norm", "step", "direction", "M", "objective", "violation", "outer")


def collect(iterates: Iterable[Any], *, limit: int | None = None) -> Trace:
    """Drain `iterates` (consumed lazily, one at a time) into a `Trace`.

    Parameters
    ----------
    iterates : iterable
        Objects with ``k, x, fun, grad`` and optionally ``step, direction, M, objective,
        violation, outer`` (duck-typed: `optimizers.Iterate` and its penalty subclass fit).
    limit : int, optional
        Stop after this many iterates; a generator stopped early is closed, which is how an
        optimizer stream is told to stop.

    Returns
    -------
    Trace

    Raises
    ------
    ValueError
        If the stream is empty, a point has no coordinates, or sizes change.
    """
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be a positive number of iterates, got {limit!r}")
    rows: dict[str, list[Any]] = {name: [] for name in _FIELDS}
    n = None
    iterator = iter(iterates)
    result = None
    try:
        while True:
            try:
                it = next(iterator)
            except StopIteration as stop:  # a generator's return value: the run's Result
                result = stop.value
                break
            x = np.asarray(it.x, dtype=float).ravel()
            if n is None:
                n = x.size
                if n < 1:
                    raise ValueError("viz draws points with at least 1 coordinate, got an empty x")
            elif x.size != n:
                raise ValueError(f"iterate {len(rows['k'])} has {x.size} coordinates, earlier ones {n}")
            step = getattr(it, "step", None)
            direction = getattr(it, "direction", None)
            has_step = step is not None and direction is not None
            rows["k"].append(int(it.k))
            rows["x"].append(x)
            rows["fun"].append(float(it.fun))
            with np.errstate(over="ignore"):  # a diverging run's last gradient may overflow: inf
                rows["grad_norm"].append(float(np.linalg.norm(np.asarray(it.grad, dtype=float))))
            rows["step"].append(float(step) if has_step else np.nan)
            rows["direction"].append(np.asarray(direction, float).ravel() if has_step else np.full(n, np.nan))
            rows["M"].append(float(getattr(it, "M", np.nan)))
            rows["objective"].append(float(getattr(it, "objective", np.nan)))
            rows["violation"].append(float(getattr(it, "violation", np.nan)))
            rows["outer"].append(int(getattr(it, "outer", -1)))
            if limit is not None and len(rows["k"]) >= limit:
                break
    finally:
        close = getattr(iterator, "close", None)
        if limit is not None and close is not None and len(rows["k"]) >= limit:
            close()
    if n is None:
        raise ValueError("the iterate stream is empty: nothing to draw")
    arrays = {name: np.array(values) for name, values in rows.items()}
    arrays["k"] = arrays["k"].astype(int)
    arrays["outer"] = arrays["outer"].astype(int)
    for a in arrays.values():
        a.flags.writeable = False
    return Trace(**arrays, result=result)
