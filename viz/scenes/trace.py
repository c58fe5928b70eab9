"""`Trace`: the run as plain arrays, collected once from any iterable of iterates.

The animator keeps the *records* of a run (a few floats per iterate), never images: a trace of
10,000 iterates of a 2-variable problem is about 1 MB. Plain arrays also pickle, so frame ranges
can be rendered in other processes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Returning", "Trace", "collect"]


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


class Returning:
    """`iterates`, iterated once, keeping what the stream returns in `result`.

    A ``for`` loop, ``map`` or a generator expression drops a generator's return value (an
    optimizer's `Result`); the generator below keeps it with the one line
    ``self.result = yield from iterator`` (viz imports no `optimizers.mapped`). Closing the
    iteration closes the stream too (``yield from`` passes ``close`` on), and `result` stays None
    for a stream stopped early or one that returns nothing.

    Examples
    --------
    >>> stream = Returning(run)                     # doctest: +SKIP
    >>> points = [it.x for it in stream]            # doctest: +SKIP
    >>> stream.result.status                        # doctest: +SKIP
    """

    def __init__(self, iterates: Iterable[Any]):
        self.iterates, self.result = iterates, None

    def __iter__(self) -> Iterator[Any]:
        self.result = yield from self.iterates


class _Growing:
    """Rows of floats appended one iterate at a time into one array that doubles when full.

    Amortized O(1) per row; `ndarray.resize` grows and finally trims the buffer in place (a
    ``realloc``, which for large blocks moves pages instead of copying), so the trace ends at
    ``(2 n + 8) * 8`` bytes per iterate plus the slack of the last doubling, with no Python object
    kept per iterate.
    """

    def __init__(self, n: int, capacity: int = 256):
        self.n, self.size = n, 0
        self.data = np.empty((capacity, 2 * n + 8))

    def append(self, row: np.ndarray) -> None:
        if self.size == len(self.data):
            self.data.resize((2 * len(self.data), self.data.shape[1]), refcheck=False)  # no views yet
        self.data[self.size] = row
        self.size += 1

    def columns(self) -> dict[str, np.ndarray]:
        """The trace's fields: read-only views of the trimmed buffer (k and outer as int copies)."""
        n, data = self.n, self.data
        data.resize((self.size, data.shape[1]), refcheck=False)
        data.flags.writeable = False
        out = {"k": data[:, 0].astype(int), "x": data[:, 1 : 1 + n], "direction": data[:, 1 + n : 1 + 2 * n],
               "outer": data[:, -1].astype(int)}
        for j, name in enumerate(_SCALARS):
            out[name] = data[:, 1 + 2 * n + j]
        for a in out.values():
            a.flags.writeable = False
        return out


# The float columns between x and direction (first) and outer (last) in `_Growing`.
_SCALARS = ("fun", "grad_norm", "step", "M", "objective", "violation")


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
        Its ``result`` is what the stream returned (see `Returning`).

    Raises
    ------
    ValueError
        If the stream is empty, a point has no coordinates, or sizes change.

    Notes
    -----
    Each iterate becomes one row of floats in a growing array (`_Growing`) and is then dropped, so
    memory per iterate is a few dozen bytes whatever the stream's records hold.
    """
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be a positive number of iterates, got {limit!r}")
    stream = Returning(iterates)
    rows: _Growing | None = None
    reading = iter(stream)
    try:
        for it in reading:
            x = np.asarray(it.x, dtype=float).ravel()
            if rows is None:
                if x.size < 1:
                    raise ValueError("viz draws points with at least 1 coordinate, got an empty x")
                rows = _Growing(x.size)
            elif x.size != rows.n:
                raise ValueError(f"iterate {rows.size} has {x.size} coordinates, earlier ones {rows.n}")
            rows.append(_row(it, x))
            if limit is not None and rows.size >= limit:
                break
    finally:
        # Stopped at `limit` (or by an error): close the stream, as a generator is told to stop.
        # An iterator without ``close`` (a table still printing the rest) is left to go on.
        if getattr(stream.iterates, "close", None) is not None:
            reading.close()
    if rows is None:
        raise ValueError("the iterate stream is empty: nothing to draw")
    return Trace(**rows.columns(), result=stream.result)


def _row(it: Any, x: np.ndarray) -> np.ndarray:
    """One iterate as `_Growing` stores it: k, x, direction, the `_SCALARS`, outer."""
    n = x.size
    step = getattr(it, "step", None)
    direction = getattr(it, "direction", None)
    has_step = step is not None and direction is not None
    with np.errstate(over="ignore"):  # a diverging run's last gradient may overflow: inf
        grad_norm = float(np.linalg.norm(np.asarray(it.grad, dtype=float)))
    row = np.empty(2 * n + 8)
    row[0] = int(it.k)
    row[1 : 1 + n] = x
    row[1 + n : 1 + 2 * n] = np.asarray(direction, float).ravel() if has_step else np.nan
    row[1 + 2 * n :] = (float(it.fun), grad_norm, float(step) if has_step else np.nan,
                        float(getattr(it, "M", np.nan)), float(getattr(it, "objective", np.nan)),
                        float(getattr(it, "violation", np.nan)), int(getattr(it, "outer", -1)))
    return row
