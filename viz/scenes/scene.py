"""`Scene`: everything a frame needs, as plain picklable data, computed once from callables.

The animator evaluates the user's surface and constraint functions here, in the main process:
one grid per penalty weight M, the path's heights on each of those surfaces, and the line-search
function phi(t) sampled around every step. Worker processes then only receive arrays (lambdified
functions do not pickle) and never call user code.

Readable at every M. A fixed box emptied as M grew: the valley of F(x; M) = f + M p narrows like
1 / sqrt(M) under a fixed ceiling, so by M = 1e6 it was thinner than a grid cell and 0.5% of the
frame was coloured. So each weight gets its own z-range (`Scene.zlims`): the first surface's
top, raised where needed so that at least `BOX_SHARE` of the domain lies in the box. The box's
top climbs between outer iterations (the walls are seen to rise, the z-ticks say by how much)
while the valley stays resolved on the same grid. The surface is cut exactly at that top (each
cell clipped against the plane, `figures.layers.surface_polygons`), the contour levels are
equal-area quantiles of the values in the box (log-refined at the floor, `curves.contour_levels`),
the constraint curves h = 0 and g = 0 are lifted onto every surface by evaluating F on them
exactly, and the outer minimizers x(M) (`outer_ends`) are kept for the markers. All of it is
computed here, once per weight; frames only move artists.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .curves import segments_as_line, zero_segments
from .framing import DEFAULT_FRAMING, DEFAULT_STYLE, Framing, Style
from .limits import Domain, domain_from_points, domain_with_curves, weight_z_limits, z_limits
from .sampling import DrawnRows, LazyGrids, Surface, evaluate, phi_samples, weights_of
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
        The first weight's z-range (the whole animation's, for a plain run or a given `zlim`).
    zlims : ndarray, shape (len(Ms), 2)
        The z-range of each weight's surface, which is cut exactly at its top: the first
        surface's top, or higher where that would leave less than `BOX_SHARE` of the domain in
        the box (see `weight_z_limits`), so the valley stays resolved and the walls are seen to
        rise (the z-axis climbs) between outer iterations.
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
    equality_line, inequality_line : ndarray, shape (P, 2)
        The curves h_i = 0 and g_j = 0 as one polyline each (NaN rows between segments).
    equality_heights, inequality_heights : ndarray, shape (len(Ms), P)
        F of each weight evaluated exactly on those curves: the constraints lifted onto the surface.
    outer_ends : ndarray of int
        Trace index of the last iterate of each outer weight: the path of minimizers x(M).
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
    slice_constraints : mapping of int to (tuple of ndarray, tuple of ndarray)
        With more than two variables and constraints: per grid key, ``(h_i, g_j)`` on that key's
        slice through the current point, so the constraints drawn are those of the slice shown.
        Empty otherwise (`equalities` and `inequalities` then hold for every frame).
    slice_lifted : mapping of int to (ndarray, ndarray, ndarray, ndarray)
        With more than two variables and constraints: per grid key, the curves h_i = 0 and
        g_j = 0 of that key's slice and its weight's F on them, ``(equality_line,
        equality_z, inequality_line, inequality_z)``: the constraints lifted onto the surface
        shown (see `lifted_curves`). Empty otherwise.
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
    zlims: np.ndarray | None = None
    equality_line: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))
    inequality_line: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))
    equality_heights: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))
    inequality_heights: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))
    outer_ends: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=int))
    title: str = ""
    note: str = ""
    axis_names: tuple[str, str] = ("$x_1$", "$x_2$")
    style: Style = field(default_factory=Style)
    runs: tuple[Any, ...] = ()
    slice_constraints: Mapping[int, tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]] = field(
        default_factory=dict)
    slice_lifted: Mapping[int, tuple[np.ndarray, ...]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.frames)

    def z_range(self, m: int) -> tuple[float, float]:
        """The z-range of weight `m`'s surface (the fixed `zlim` when none is set per weight)."""
        if self.zlims is None:
            return self.zlim
        return float(self.zlims[m, 0]), float(self.zlims[m, 1])

    def lifted_curves(self, key: int, m: int) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
        """The constraints lifted onto surface `key` (of weight `m`): ``((line, z), (line, z))`` for
        h = 0 and g = 0, each line (P, 2) with F's value z (P,) at its points; for a slice, the
        curves of that slice (through the current point), not those of another."""
        if self.slice_lifted:
            eq_line, eq_z, ineq_line, ineq_z = self.slice_lifted[key]
            return (eq_line, eq_z), (ineq_line, ineq_z)
        eq_z = self.equality_heights[m] if len(self.equality_line) else np.empty(0)
        ineq_z = self.inequality_heights[m] if len(self.inequality_line) else np.empty(0)
        return (self.equality_line, eq_z), (self.inequality_line, ineq_z)

    def restricted(self, positions: Sequence[int]) -> Scene:
        """A copy whose `grids` is a plain dict holding only what frames `positions` draw.

        This is what a worker process receives: the surfaces of its chunk, computed here.
        """
        keys = sorted({int(self.grid_key[self.frames[p]]) for p in positions})
        constraints = {key: self.slice_constraints[key] for key in keys} if self.slice_constraints else {}
        lifted = {key: self.slice_lifted[key] for key in keys} if self.slice_lifted else {}
        return replace(self, grids={key: np.asarray(self.grids[key]) for key in keys},
                       slice_constraints=constraints, slice_lifted=lifted)


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
    last = trace.x[positions[-1]]  # the whole run's constraints, for a slice: those through the final point
    constraints = (*equalities, *inequalities)
    if framing.domain is not None:
        dom = framing.domain
    elif constraints:  # the path's box, widened to hold the closed constraint curves it meets
        dom = domain_with_curves(shown[: positions[-1] + 1], lambda GX, GY: [
            evaluate(c, _plane(last, coords, GX, GY) if n > 2 else [GX, GY], GX.shape) for c in constraints])
    else:
        dom = domain_from_points(shown[: positions[-1] + 1])
    (x0, x1), (y0, y1) = dom
    xs, ys = np.linspace(x0, x1, grid), np.linspace(y0, y1, grid)
    X, Y = np.meshgrid(xs, ys)

    # One surface function per distinct M, in order of appearance (NaN keys a plain run).
    Ms, m_index = weights_of(trace.M)
    functions: list[Surface] = []
    for M in Ms:
        use_M = surface_of_M is not None and np.isfinite(M)
        fn = surface_of_M(M) if use_M else surface
        if fn is None:
            raise ValueError("an iterate carries no M: pass surface=F for it as well as surface_of_M")
        functions.append(fn)

    def plane(point: np.ndarray) -> list[np.ndarray]:
        return _plane(point, coords, X, Y)

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
    own = heights[m_index[: positions[-1] + 1], np.arange(positions[-1] + 1)]
    given = zlim is not None
    if zlim is None:
        first = zlim_grids[int(m_index[positions[0]])] if n == 2 else zlim_grids[0]
        zlim = z_limits(first, zlim_grids, own)
    zlim = (float(zlim[0]), float(zlim[1]))
    zlims = np.tile(zlim, (len(Ms), 1))
    if not given and len(Ms) > 1:
        for m in range(len(Ms)):
            mine = m_index[: positions[-1] + 1] == m
            shown_m = positions[m_index[positions] == m]
            if n > 2 and not shown_m.size:
                continue
            grid_m = grids[m] if n == 2 else grids[int(grid_key[shown_m[0]])]
            zlims[m] = weight_z_limits(grid_m, own[mine], zlim)

    eq = tuple(evaluate(h, plane(last) if n > 2 else [X, Y], X.shape) for h in equalities)
    ineq = tuple(evaluate(g, plane(last) if n > 2 else [X, Y], X.shape) for g in inequalities)

    def lifted(values: tuple[np.ndarray, ...], point: np.ndarray, fns: Sequence[Surface]
               ) -> tuple[np.ndarray, np.ndarray]:
        # the zero curves on the plane through `point`, and each of `fns` on them, evaluated
        # exactly (not read off the grid)
        segments = [zero_segments(xs, ys, v) for v in values]
        line = segments_as_line(np.concatenate(segments)) if segments else np.empty((0, 2))
        cols: list[np.ndarray | float] = [float(v) for v in point]
        cols[ci], cols[cj] = line[:, 0], line[:, 1]
        z = np.vstack([evaluate(fn, cols, (len(line),)) for fn in fns]) if len(line) else \
            np.empty((len(fns), 0))
        return line, z

    eq_line, eq_z = lifted(eq, last, functions)
    ineq_line, ineq_z = lifted(ineq, last, functions)
    ends = np.flatnonzero(np.diff(trace.outer) != 0)
    outer_ends = np.append(ends, len(trace) - 1) if trace.is_penalty else np.empty(0, dtype=int)
    sliced: Mapping[int, Any] = {}
    sliced_lifted: Mapping[int, Any] = {}
    if n > 2 and (equalities or inequalities):  # the constraints of each slice, as its surface
        sliced = LazyGrids(lambda s: (
            tuple(evaluate(h, plane(trace.x[s]), X.shape) for h in equalities),
            tuple(evaluate(g, plane(trace.x[s]), X.shape) for g in inequalities)), grid_key[positions])

        def lifted_on_slice(s: int) -> tuple[np.ndarray, ...]:
            # the slice's curves lifted onto its own surface (its weight's F, through trace.x[s])
            h_s, g_s = sliced[s]
            fn = [functions[m_index[s]]]
            (e_line, e_z), (i_line, i_z) = (lifted(v, trace.x[s], fn) for v in (h_s, g_s))
            return e_line, e_z[0], i_line, i_z[0]

        sliced_lifted = LazyGrids(lifted_on_slice, grid_key[positions])

    names = (f"$x_{{{ci + 1}}}$", f"$x_{{{cj + 1}}}$")
    note = ""
    if n > 2:
        others = [f"$x_{{{c + 1}}}$" for c in range(n) if c not in (ci, cj)]
        fixed = ", ".join(others) if len(others) <= 4 else f"the other {len(others)} coordinates"
        note = (f"2D slice through the current point: {names[0]}, {names[1]} "
                f"vary; {fixed} at the current point's values (see the label)")
    return Scene(trace=trace, frames=positions, coords=(ci, cj), xs=xs, ys=ys, domain=dom,
                 zlim=zlim, zlims=zlims, m_index=m_index, Ms=tuple(Ms),
                 grid_key=grid_key, grids=grids, heights=heights, phi=phi, equalities=eq,
                 inequalities=ineq, equality_line=eq_line, inequality_line=ineq_line,
                 equality_heights=eq_z, inequality_heights=ineq_z, outer_ends=outer_ends,
                 title=title or "", note=note, axis_names=names, style=style, slice_constraints=sliced,
                 slice_lifted=sliced_lifted)


def _plane(point: np.ndarray, coords: tuple[int, int], X: np.ndarray, Y: np.ndarray) -> list[np.ndarray]:
    """Every coordinate on the grid (X, Y): the displayed two vary over it, the others stay at
    `point`'s values."""
    cols: list[np.ndarray] = [np.full(X.shape, float(v)) for v in point]
    cols[coords[0]], cols[coords[1]] = X, Y
    return cols


def _slice_keys(trace: Trace, m_index: np.ndarray, coords: tuple[int, int]) -> np.ndarray:
    """Per trace index, the first index with the same M and the same off-slice coordinates."""
    others = np.delete(trace.x, list(coords), axis=1)
    keys = np.arange(len(trace))
    for i in range(1, len(trace)):
        same = m_index[i] == m_index[i - 1] and np.array_equal(others[i], others[i - 1])
        keys[i] = keys[i - 1] if same else i
    return keys
