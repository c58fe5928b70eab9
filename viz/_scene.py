"""`Scene`: everything a frame needs, as plain picklable data, computed once from callables.

The animator evaluates the user's surface and constraint functions here, in the main process:
one grid per penalty weight M, the path's heights on each of those surfaces, and the line-search
function phi(t) sampled around every step. Worker processes then only receive arrays (lambdified
functions do not pickle) and never call user code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ._layout_math import Domain, domain_from_points, z_limits
from ._title import mathtext
from ._trace import Trace

__all__ = ["PHI_SAMPLES", "PHI_SPAN", "Scene", "Style", "build_scene", "frame_positions"]

Surface = Callable[..., np.ndarray]
PHI_SPAN = 1.6  # the inset shows phi on [0, PHI_SPAN * t*], so the chosen minimum sits inside
PHI_SAMPLES = 41
_ZLIM_SAMPLE_SLICES = 24


@dataclass(frozen=True)
class Style:
    """How frames look; all sizes are fixed for the whole animation.

    Attributes
    ----------
    figsize : (float, float)
        Figure size in inches (nudged so pixel sizes are even).
    dpi : float
        Pixels per inch.
    cmap : str
        Colormap of the surface and the filled contours.
    alpha : float
        Surface opacity.
    elev, azim : float
        Camera angles in degrees (`Axes3D.view_init`).
    turn : float
        Camera turn in degrees per frame (0: a fixed camera, which is also the fast path).
    surface_count : int
        Polygons per side of the 3D surface (the contour view uses the full grid).
    """

    figsize: tuple[float, float] = (12.8, 7.2)
    dpi: float = 100.0
    cmap: str = "viridis"
    alpha: float = 0.75
    elev: float = 32.0
    azim: float = -125.0
    turn: float = 0.0
    surface_count: int = 36


@dataclass(frozen=True, eq=False)
class Scene:
    """Plain data for drawing every frame of one animation.

    Attributes
    ----------
    trace : Trace
        The run.
    frames : ndarray of int
        Trace index drawn in each frame.
    coords : (int, int)
        The two coordinates shown (a 2D slice when the problem has more).
    xs, ys : ndarray
        Grid axes over `domain`.
    domain : ((float, float), (float, float))
        Fixed x and y limits.
    zlim : (float, float)
        Fixed z-range; surfaces are clipped to it.
    m_index : ndarray of int
        Per trace index, which surface function (which M) applies.
    Ms : tuple of float
        The penalty weights in order of appearance (NaN for a plain run).
    grid_key : ndarray of int
        Per trace index, the key of its surface grid in `grids` (the M index for 2 variables;
        for more, the trace index where its slice first appears).
    grids : mapping of int to ndarray
        Surface values on the grid, shape ``(len(ys), len(xs))``.
    heights : ndarray, shape (len(Ms), N)
        The surface value of every trace point under each M: the path drawn on surface m.
    phi : ndarray, shape (N, PHI_SAMPLES)
        phi(t) = F(x_prev + t d) at ``t = linspace(0, PHI_SPAN, PHI_SAMPLES) * step``; NaN rows
        where the iterate carries no step.
    equalities, inequalities : tuple of ndarray
        h_i and g_j on the grid (feasible where all g_j <= 0 and on the curves h_i = 0).
    title : str
        Figure title, already mathtext-safe.
    axis_names : (str, str)
        Names of the shown coordinates.
    style : Style
    runs : tuple of Run
        For a comparison of several runs (`viz._runs.build_runs_scene`), each run's arrays; then
        `trace` is the longest run. Empty for a single run.
    """

    trace: Trace
    frames: np.ndarray
    coords: tuple[int, int]
    xs: np.ndarray
    ys: np.ndarray
    domain: Domain
    zlim: tuple[float, float]
    m_index: np.ndarray
    Ms: tuple[float, ...]
    grid_key: np.ndarray
    grids: Mapping[int, np.ndarray]
    heights: np.ndarray
    phi: np.ndarray
    equalities: tuple[np.ndarray, ...] = ()
    inequalities: tuple[np.ndarray, ...] = ()
    title: str = ""
    axis_names: tuple[str, str] = ("$x_1$", "$x_2$")
    style: Style = field(default_factory=Style)
    runs: tuple[Any, ...] = ()

    def __len__(self) -> int:
        return len(self.frames)

    def make_figure(self, figure: Any = None) -> Any:
        """The figure and artists drawing this scene (a `SceneFigure`, or a `RunsFigure` for runs)."""
        if self.runs:
            from ._runs_figure import RunsFigure  # the figure modules import this one

            return RunsFigure(self, figure)
        from ._figure import SceneFigure

        return SceneFigure(self, figure)

    def restricted(self, positions: Sequence[int]) -> Scene:
        """A copy whose `grids` is a plain dict holding only what frames `positions` draw.

        This is what a worker process receives: the surfaces of its chunk, computed here.
        """
        keys = {int(self.grid_key[self.frames[p]]) for p in positions}
        return replace(self, grids={key: np.asarray(self.grids[key]) for key in sorted(keys)})


class _SliceGrids(Mapping[int, np.ndarray]):
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


def frame_positions(n_trace: int, *, every: int = 1, frames: int | None = None) -> np.ndarray:
    """Trace indices drawn as frames: every `every`-th, always ending on the last, at most `frames`."""
    if every < 1:
        raise ValueError(f"every must be a positive integer, got {every!r}")
    if frames is not None and frames < 1:
        raise ValueError(f"frames must be a positive integer, got {frames!r}")
    idx = np.arange(0, n_trace, every)
    if idx[-1] != n_trace - 1:
        idx = np.append(idx, n_trace - 1)
    return idx[:frames] if frames is not None else idx


def build_scene(
    trace: Trace,
    surface: Surface | None,
    *,
    surface_of_M: Callable[[float], Surface] | None = None,
    equalities: Sequence[Surface] = (),
    inequalities: Sequence[Surface] = (),
    title: str | None = None,
    domain: Domain | None = None,
    zlim: tuple[float, float] | None = None,
    coords: tuple[int, int] = (0, 1),
    grid: int = 60,
    every: int = 1,
    frames: int | None = None,
    style: Style = Style(),
) -> Scene:
    """Evaluate the user's callables once and return the `Scene` (see `Animator` for parameters)."""
    n = trace.n
    ci, cj = coords
    if not (0 <= ci < n and 0 <= cj < n and ci != cj):
        raise ValueError(f"coords must be two different indices below {n}, got {coords!r}")
    if surface is None and surface_of_M is None:
        raise ValueError("give the surface: a vectorized F(X, Y), or surface_of_M=lambda M: F")
    if surface_of_M is not None and not trace.is_penalty and surface is None:
        raise ValueError("surface_of_M needs iterates carrying M; pass surface=F for a plain run")
    if grid < 4:
        raise ValueError(f"grid must be at least 4 points per side, got {grid!r}")

    positions = frame_positions(len(trace), every=every, frames=frames)
    shown = trace.x[:, [ci, cj]]
    dom = domain if domain is not None else domain_from_points(shown[: positions[-1] + 1])
    (x0, x1), (y0, y1) = dom
    if not (x0 < x1 and y0 < y1):
        raise ValueError(f"domain must be ((xmin, xmax), (ymin, ymax)) with min < max, got {dom!r}")
    xs, ys = np.linspace(x0, x1, grid), np.linspace(y0, y1, grid)
    X, Y = np.meshgrid(xs, ys)

    # One surface function per distinct M, in order of appearance (NaN keys a plain run).
    Ms: list[float] = []
    m_index = np.empty(len(trace), dtype=int)
    for i, M in enumerate(trace.M):
        key = float(M)
        found = next((j for j, m in enumerate(Ms) if m == key or (m != m and key != key)), None)
        if found is None:
            Ms.append(key)
            found = len(Ms) - 1
        m_index[i] = found
    functions: list[Surface] = []
    for M in Ms:
        use_M = surface_of_M is not None and np.isfinite(M)
        fn = surface_of_M(M) if use_M else surface
        if fn is None:
            raise ValueError("an iterate carries no M: pass surface=F for it as well as surface_of_M")
        functions.append(fn)

    def plane(point: np.ndarray) -> list[np.ndarray | float]:
        # The displayed coordinates vary over the grid; the others stay at `point`'s values.
        cols: list[np.ndarray | float] = [float(v) for v in point]
        cols[ci], cols[cj] = X, Y
        return [np.full(X.shape, c) if not isinstance(c, np.ndarray) else c for c in cols]

    heights = np.vstack([evaluate(fn, list(trace.x.T), (len(trace),)) for fn in functions])
    phi = _phi_samples(trace, functions, m_index)

    grids: Mapping[int, np.ndarray]
    if n == 2:
        grid_key = m_index.copy()
        grids = {m: evaluate(functions[m], [X, Y], X.shape) for m in range(len(Ms))}
        zlim_grids = [grids[m] for m in range(len(Ms))]
    else:
        grid_key = _slice_keys(trace, m_index, coords)
        grids = _SliceGrids(lambda s: evaluate(functions[m_index[s]], plane(trace.x[s]), X.shape),
                            grid_key[positions])
        sample = grid_key[positions[np.linspace(0, len(positions) - 1, _ZLIM_SAMPLE_SLICES).astype(int)]]
        zlim_grids = [grids[int(s)] for s in dict.fromkeys(sample.tolist())]
    if zlim is None:
        first = zlim_grids[int(m_index[positions[0]])] if n == 2 else zlim_grids[0]
        own = heights[m_index[: positions[-1] + 1], np.arange(positions[-1] + 1)]
        zlim = z_limits(first, zlim_grids, own)
    elif not zlim[0] < zlim[1]:
        raise ValueError(f"zlim must be (low, high) with low < high, got {zlim!r}")

    last = trace.x[positions[-1]]  # constraints on a slice: drawn through the final point
    eq = tuple(evaluate(h, plane(last) if n > 2 else [X, Y], X.shape) for h in equalities)
    ineq = tuple(evaluate(g, plane(last) if n > 2 else [X, Y], X.shape) for g in inequalities)

    names = (f"$x_{{{ci + 1}}}$", f"$x_{{{cj + 1}}}$")
    text = mathtext(title) if title else ""
    if n > 2:
        others = [f"$x_{{{c + 1}}}$" for c in range(n) if c not in (ci, cj)]
        fixed = ", ".join(others) if len(others) <= 4 else f"the other {len(others)} coordinates"
        text += ("\n" if text else "") + (f"2D slice through the current point: {names[0]}, {names[1]} "
                                          f"vary; {fixed} at the current point's values (see the label)")
    return Scene(trace=trace, frames=positions, coords=(ci, cj), xs=xs, ys=ys, domain=dom,
                 zlim=(float(zlim[0]), float(zlim[1])), m_index=m_index, Ms=tuple(Ms),
                 grid_key=grid_key, grids=grids, heights=heights, phi=phi, equalities=eq,
                 inequalities=ineq, title=text, axis_names=names, style=style)


def _slice_keys(trace: Trace, m_index: np.ndarray, coords: tuple[int, int]) -> np.ndarray:
    """Per trace index, the first index with the same M and the same off-slice coordinates."""
    others = np.delete(trace.x, list(coords), axis=1)
    keys = np.arange(len(trace))
    for i in range(1, len(trace)):
        same = m_index[i] == m_index[i - 1] and np.array_equal(others[i], others[i - 1])
        keys[i] = keys[i - 1] if same else i
    return keys


def _phi_samples(trace: Trace, functions: list[Surface], m_index: np.ndarray) -> np.ndarray:
    """phi(t) = F(x_prev + t d) around each recorded step, all steps of one M in one call."""
    s = np.linspace(0.0, PHI_SPAN, PHI_SAMPLES)
    out = np.full((len(trace), PHI_SAMPLES), np.nan)
    has = np.isfinite(trace.step) & np.isfinite(trace.direction).all(axis=1) & (trace.step > 0)
    start = trace.previous_x
    for m, fn in enumerate(functions):
        rows = np.flatnonzero(has & (m_index == m))
        if rows.size == 0:
            continue
        t = trace.step[rows, None] * s[None, :]  # (R, P)
        pts = start[rows, None, :] + t[..., None] * trace.direction[rows, None, :]  # (R, P, n)
        out[rows] = evaluate(fn, [pts[..., c] for c in range(trace.n)], t.shape)
    return out
