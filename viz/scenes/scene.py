"""`Scene`: everything a frame needs, as plain picklable data, computed once from callables.

The animator evaluates the user's surface and constraint functions here, in the main process:
one grid per penalty weight M, the path's heights on each of those surfaces, and the line-search
function phi(t) sampled around every step. Worker processes then only receive arrays (lambdified
functions do not pickle) and never call user code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .framing import DEFAULT_FRAMING, DEFAULT_STYLE, Framing, Style
from .limits import Domain, domain_from_points, z_limits
from .sampling import DrawnRows, LazyGrids, Surface, evaluate, phi_samples
from .trace import Trace

__all__ = ["Scene", "build_scene"]

_ZLIM_SAMPLE_SLICES = 24


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
    phi : DrawnRows, shape (N, PHI_SAMPLES)
        phi(t) = F(x_prev + t d) at ``t = linspace(0, PHI_SPAN, PHI_SAMPLES) * step``, kept for the
        drawn iterates only (``phi[i]``); NaN rows where the iterate carries no step or is not drawn.
    equalities, inequalities : tuple of ndarray
        h_i and g_j on the grid (feasible where all g_j <= 0 and on the curves h_i = 0).
    title : str
        The user's title (LaTeX allowed; the figure makes it mathtext-safe).
    note : str
        A second title line (here: what a 2D slice of a larger problem shows).
    axis_names : (str, str)
        Names of the shown coordinates.
    style : Style
    runs : tuple of Run
        For a comparison of several runs (`build_runs_scene`), each run's arrays; then
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
    phi: DrawnRows
    equalities: tuple[np.ndarray, ...] = ()
    inequalities: tuple[np.ndarray, ...] = ()
    title: str = ""
    note: str = ""
    axis_names: tuple[str, str] = ("$x_1$", "$x_2$")
    style: Style = field(default_factory=Style)
    runs: tuple[Any, ...] = ()

    def __len__(self) -> int:
        return len(self.frames)

    def restricted(self, positions: Sequence[int]) -> Scene:
        """A copy whose `grids` is a plain dict holding only what frames `positions` draw.

        This is what a worker process receives: the surfaces of its chunk, computed here.
        """
        keys = {int(self.grid_key[self.frames[p]]) for p in positions}
        return replace(self, grids={key: np.asarray(self.grids[key]) for key in sorted(keys)})


def build_scene(
    trace: Trace,
    surface: Surface | None,
    *,
    surface_of_M: Callable[[float], Surface] | None = None,
    equalities: Sequence[Surface] = (),
    inequalities: Sequence[Surface] = (),
    title: str | None = None,
    framing: Framing = DEFAULT_FRAMING,
    style: Style = DEFAULT_STYLE,
) -> Scene:
    """Evaluate the user's callables once and return the `Scene` (see `Animator` for parameters)."""
    n = trace.n
    coords = framing.coords
    ci, cj = coords
    if not (ci < n and cj < n):
        raise ValueError(f"coords must be two different indices below {n}, got {coords!r}")
    if surface is None and surface_of_M is None:
        raise ValueError("give the surface: a vectorized F(X, Y), or surface_of_M=lambda M: F")
    if surface_of_M is not None and not trace.is_penalty and surface is None:
        raise ValueError("surface_of_M needs iterates carrying M; pass surface=F for a plain run")
    grid, zlim = framing.grid, framing.zlim

    positions = framing.positions(len(trace))
    shown = trace.x[:, [ci, cj]]
    dom = framing.domain if framing.domain is not None else domain_from_points(shown[: positions[-1] + 1])
    (x0, x1), (y0, y1) = dom
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
    phi = phi_samples(trace, functions, m_index, positions)  # only the frames need it

    grids: Mapping[int, np.ndarray]
    if n == 2:
        grid_key = m_index.copy()
        grids = {m: evaluate(functions[m], [X, Y], X.shape) for m in range(len(Ms))}
        zlim_grids = [grids[m] for m in range(len(Ms))]
    else:
        grid_key = _slice_keys(trace, m_index, coords)
        grids = LazyGrids(lambda s: evaluate(functions[m_index[s]], plane(trace.x[s]), X.shape),
                            grid_key[positions])
        sample = grid_key[positions[np.linspace(0, len(positions) - 1, _ZLIM_SAMPLE_SLICES).astype(int)]]
        zlim_grids = [grids[int(s)] for s in dict.fromkeys(sample.tolist())]
    if zlim is None:
        first = zlim_grids[int(m_index[positions[0]])] if n == 2 else zlim_grids[0]
        own = heights[m_index[: positions[-1] + 1], np.arange(positions[-1] + 1)]
        zlim = z_limits(first, zlim_grids, own)

    last = trace.x[positions[-1]]  # constraints on a slice: drawn through the final point
    eq = tuple(evaluate(h, plane(last) if n > 2 else [X, Y], X.shape) for h in equalities)
    ineq = tuple(evaluate(g, plane(last) if n > 2 else [X, Y], X.shape) for g in inequalities)

    names = (f"$x_{{{ci + 1}}}$", f"$x_{{{cj + 1}}}$")
    note = ""
    if n > 2:
        others = [f"$x_{{{c + 1}}}$" for c in range(n) if c not in (ci, cj)]
        fixed = ", ".join(others) if len(others) <= 4 else f"the other {len(others)} coordinates"
        note = (f"2D slice through the current point: {names[0]}, {names[1]} "
                f"vary; {fixed} at the current point's values (see the label)")
    return Scene(trace=trace, frames=positions, coords=(ci, cj), xs=xs, ys=ys, domain=dom,
                 zlim=(float(zlim[0]), float(zlim[1])), m_index=m_index, Ms=tuple(Ms),
                 grid_key=grid_key, grids=grids, heights=heights, phi=phi, equalities=eq,
                 inequalities=ineq, title=title or "", note=note, axis_names=names, style=style)


def _slice_keys(trace: Trace, m_index: np.ndarray, coords: tuple[int, int]) -> np.ndarray:
    """Per trace index, the first index with the same M and the same off-slice coordinates."""
    others = np.delete(trace.x, list(coords), axis=1)
    keys = np.arange(len(trace))
    for i in range(1, len(trace)):
        same = m_index[i] == m_index[i - 1] and np.array_equal(others[i], others[i - 1])
        keys[i] = keys[i - 1] if same else i
    return keys
