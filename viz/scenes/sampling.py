"""Sampling the user's callables once: values on grids, lazily cached slices, phi(t) around steps.

Everything a worker process or a figure needs from a user function is computed here, in the
main process, so only arrays travel and user code never runs per frame.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

import numpy as np

from .trace import Trace

__all__ = ["PHI_SAMPLES", "PHI_SPAN", "DrawnRows", "LazyGrids", "Surface", "evaluate", "phi_samples",
           "weights_of"]

Surface = Callable[..., np.ndarray]
PHI_SPAN = 1.6  # the inset shows phi on [0, PHI_SPAN * t*], so the chosen minimum sits inside
PHI_SAMPLES = 41


class LazyGrids(Mapping[int, np.ndarray]):
    """Surface grids of a problem with more than two variables, computed on first use.

    The slice follows the current point, so there is one grid per step; caching a few keeps
    memory flat while the animator walks forward.
    """

    def __init__(self, compute: Callable[[int], np.ndarray], keys: np.ndarray, *, keep: int = 8):
        self._compute, self._keys, self._keep = compute, np.unique(keys), keep
        self._cache: dict[int, np.ndarray] = {}

    def __getitem__(self, key: int) -> np.ndarray:
        if key not in self._cache:
            if key not in self._keys:
                raise KeyError(key)
            if len(self._cache) >= self._keep:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = self._compute(key)
        return self._cache[key]

    def __iter__(self) -> Iterator[int]:
        return iter(int(k) for k in self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __reduce__(self):  # pickling a lazy grid would ship user code to workers
        raise TypeError("lazy slice grids do not pickle: send Scene.restricted(...) to workers")


def evaluate(fn: Surface, coords: Sequence[np.ndarray | float], shape: tuple[int, ...]) -> np.ndarray:
    """``fn(*coords)`` as a float array of `shape` (constants broadcast, overflow allowed as inf)."""
    with np.errstate(all="ignore"):
        z = np.asarray(fn(*coords), dtype=float)
    return np.array(np.broadcast_to(z, shape), dtype=float)




class DrawnRows:
    """Per-iterate rows kept only for the iterates drawn: ``rows[i]`` is row `i` (NaN if not drawn).

    Indexes like the full ``(N, width)`` array for the rows that exist (``rows[i]``,
    ``rows[i, j]``), while holding ``len(drawn) * width`` floats, so a long run drawn with
    ``every=`` costs memory per frame, not per iterate.
    """

    def __init__(self, drawn: np.ndarray, values: np.ndarray, n_rows: int):
        self.drawn, self.values, self.shape = drawn, values, (n_rows, values.shape[1])
        self._where = {int(i): r for r, i in enumerate(drawn)}
        self._missing = np.full(values.shape[1], np.nan)
        for a in (drawn, values, self._missing):
            a.flags.writeable = False

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, key: int | tuple[int, int]) -> np.ndarray | float:
        i, rest = (key[0], key[1:]) if isinstance(key, tuple) else (key, ())
        i = int(i) + (self.shape[0] if int(i) < 0 else 0)
        if not 0 <= i < self.shape[0]:
            raise IndexError(f"row {key!r} of {self.shape[0]}")
        r = self._where.get(i)
        row = self._missing if r is None else self.values[r]
        return row[rest] if rest else row


def phi_samples(trace: Trace, functions: list[Surface], m_index: np.ndarray,
                drawn: np.ndarray | None = None) -> DrawnRows:
    """phi(t) = F(x_prev + t d) around each recorded step of the `drawn` iterates (default all),
    all steps of one M in one call."""
    drawn = np.arange(len(trace)) if drawn is None else np.unique(np.asarray(drawn, dtype=int))
    s = np.linspace(0.0, PHI_SPAN, PHI_SAMPLES)
    out = np.full((len(drawn), PHI_SAMPLES), np.nan)
    step, direction = trace.step[drawn], trace.direction[drawn]
    start = trace.x[drawn] - step[:, None] * direction
    has = np.isfinite(step) & np.isfinite(direction).all(axis=1) & (step > 0)
    for m, fn in enumerate(functions):
        rows = np.flatnonzero(has & (m_index[drawn] == m))
        if rows.size == 0:
            continue
        t = step[rows, None] * s[None, :]  # (R, P)
        pts = start[rows, None, :] + t[..., None] * direction[rows, None, :]  # (R, P, n)
        out[rows] = evaluate(fn, [pts[..., c] for c in range(trace.n)], t.shape)
    return DrawnRows(drawn, out, len(trace))


def weights_of(M: np.ndarray) -> tuple[list[float], np.ndarray]:
    """The distinct penalty weights of a run in order of appearance, and each iterate's index into
    them (NaN, a run without weights, is one weight of its own)."""
    Ms: list[float] = []
    m_index = np.empty(len(M), dtype=int)
    for i, value in enumerate(M):
        key = float(value)
        found = next((j for j, m in enumerate(Ms) if m == key or (m != m and key != key)), None)
        if found is None:
            Ms.append(key)
            found = len(Ms) - 1
        m_index[i] = found
    return Ms, m_index
