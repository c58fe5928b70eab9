"""The static layers of a surface figure: 3D polygons cut at the ceiling, contours, constraints
lifted onto the surface, the outer minimizers x(M) and the solution x*.

Drawn only when the surface changes (a new penalty weight M, a new slice), never per frame.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import Colormap, Normalize
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter
from mpl_toolkits.mplot3d.art3d import Poly3DCollection

from ..scenes.curves import contour_levels
from .layout import ABOVE_COLOR
from .lines3d import add_line3d

__all__ = ["constraint_layers", "lifted_layers", "plt_colormap", "solution_markers", "surface_layers",
           "surface_polygons"]

Z_CURVE, Z_STAR = 15, 19  # above the surface (computed_zorder=False), below the moving path


def surface_layers(ax3d: Any, ax2d: Any, scene: Any, key: int, m: int, *, font: float) -> list[Any]:
    """Draw surface `key` (of weight `m`) of `scene` (a `Scene`): the 3D polygons cut exactly at
    the weight's ceiling and floor contours on `ax3d`, filled and line contours on `ax2d`; returns
    the artists (to remove on the next change).

    The contour view is coloured everywhere (levels over the grid's whole range, log-spaced where
    it spans decades, see `contour_levels`), and the 3D surface shares its colours: one value,
    one colour, in both panels.
    """
    sc, fs = scene, font
    lo, hi = sc.z_range(m)
    ax3d.set_zlim(lo, hi)  # per weight: the box rises with the walls (see Scene.zlims)
    # each tick says its value ("1.2e6"): a shared offset text would float beside the panel
    ax3d.zaxis.set_major_formatter(FuncFormatter(_short))
    Z = np.asarray(sc.grids[key], dtype=float)
    Z = np.where(np.isfinite(Z), Z, np.nan)
    X, Y = np.meshgrid(sc.xs, sc.ys)
    cmap = plt_colormap(sc.style.cmap)
    in_box = Z <= hi
    levels = contour_levels(Z[in_box], low=lo, high=hi)
    norm = LevelNorm(levels)
    # the full grid for two variables (drawn once per weight); a coarser mesh for slices, which
    # are redrawn every step
    count = len(sc.xs) if sc.trace.n == 2 else sc.style.surface_count
    polygons, mean_z = surface_polygons(X, Y, Z, hi, count)
    surf = Poly3DCollection(polygons, cmap=cmap, norm=norm, alpha=sc.style.alpha,
                            linewidths=0.03 * fs * min(1.0, 36 / count), edgecolors=(0, 0, 0, 0.12),
                            zorder=1)
    surf.set_array(mean_z)
    ax3d.add_collection3d(surf)  # limits are fixed: no autoscaling
    Zc = np.clip(np.nan_to_num(Z, nan=hi), lo, hi)
    floor = levels[1:-1]
    artists = [surf]
    if floor.size:
        artists.append(ax3d.contour(X, Y, Zc, levels=floor[:: max(1, len(floor) // 8)], zdir="z",
                                    offset=lo, cmap=cmap, norm=norm, linewidths=0.06 * fs, zorder=0.5))
    # Above the box's top: light grey, "off the scale" as the 3D view cuts it, with grey level
    # lines (log-spaced) so the rising walls still show their shape.
    over = cmap.with_extremes(over=ABOVE_COLOR)
    artists.append(ax2d.contourf(X, Y, np.where(in_box | np.isnan(Z), Z, 2 * hi - lo), levels=levels,
                                 cmap=over, norm=norm, extend="max", zorder=0))
    artists.append(ax2d.contour(X, Y, Z, levels=levels[1:-1], colors="white", linewidths=0.05 * fs,
                                linestyles="solid", alpha=0.6, zorder=1))
    walls = Z[np.isfinite(Z) & ~in_box]
    if walls.size > 1 and walls.max() > hi:
        above = contour_levels(walls, low=hi, count=8)[1:-1]
        artists.append(ax2d.contour(X, Y, Z, levels=above, colors="0.55", linewidths=0.05 * fs,
                                    linestyles="solid", zorder=1))
    return artists


def _short(value: float, _: Any = None) -> str:
    """A tick label of at most about five characters: 3 significant digits, short exponents."""
    return f"{value:.3g}".replace("e+0", "e").replace("e+", "e").replace("e-0", "e-")


def lifted_layers(ax3d: Any, ax2d: Any, scene: Any, m: int, start: int, *, font: float,
                  key: int | None = None) -> list[Any]:
    """The constraints lifted onto surface `key` of weight `m` (h = 0 black, the boundary g = 0
    dark grey, drawn at F's height, cut at the ceiling; for a slice, the curves of that slice) and
    the outer minimizers x(M) finished before trace index `start` (white diamonds on both panels);
    returns the artists."""
    sc, fs = scene, font
    lo, hi = sc.z_range(m)
    artists = []
    curves = sc.lifted_curves(m if key is None else key, m)
    # (solid both: the curves are chains of short cell segments, too short for a dash pattern)
    for (line, z), color, width in zip(curves, ("black", "0.35"), (0.25, 0.15), strict=True):
        if len(line):
            z = np.where((z >= lo) & (z <= hi), z, np.nan)
            artists.append(add_line3d(ax3d, color=color, lw=width * fs, zorder=Z_CURVE))
            artists[-1].set_data_3d(line[:, 0], line[:, 1], z)
    ends = sc.outer_ends[sc.outer_ends < start]
    if ends.size:
        x, y = sc.trace.x[ends][:, list(sc.coords)].T
        z = np.clip(sc.heights[m, ends], lo, hi)
        style = dict(marker="D", ls="-", color="white", mfc="white", mec="black", mew=0.08 * fs,
                     ms=0.6 * fs, lw=0.08 * fs)
        marks = add_line3d(ax3d, zorder=Z_CURVE, **style)
        marks.set_data_3d(x, y, z)
        artists.append(marks)
        artists.extend(ax2d.plot(x, y, zorder=Z_CURVE, **style))
    return artists


def solution_markers(ax3d: Any, ax2d: Any, scene: Any, *, font: float) -> list[Any]:
    """x*, the final point, as a star on both panels (hidden until the last frame)."""
    sc, fs = scene, font
    i = len(sc.trace) - 1
    x, y = sc.trace.x[i, list(sc.coords)]
    m = int(sc.m_index[i])
    lo, hi = sc.z_range(m)
    style = dict(marker="*", ls="none", mfc="gold", mec="black", mew=0.08 * fs, ms=1.6 * fs)
    star3d = add_line3d(ax3d, zorder=Z_STAR, **style)
    star3d.set_data_3d([x], [y], [min(max(float(sc.heights[m, i]), lo), hi)])
    (star2d,) = ax2d.plot([x], [y], zorder=Z_STAR, **style)
    for artist in (star3d, star2d):
        artist.set_visible(False)
    return [star3d, star2d]


def constraint_layers(ax: Any, scene: Any, font: float) -> tuple[Any, list[Any]]:
    """Draw the constraints of `scene` on the contour view `ax`: the feasible set of the g_j
    hatched, each h_i = 0 dashed (solid where feasible), and their legend.

    Returns
    -------
    (feasible_shading or None, equality_curves)
    """
    sc, fs = scene, font
    X, Y = np.meshgrid(sc.xs, sc.ys)
    handles = []
    if sc.inequalities:
        feasible = np.all([g <= 0 for g in sc.inequalities], axis=0)
        feasible_shading = ax.contourf(X, Y, feasible.astype(float), levels=[0.5, 1.5],
                                       colors="none", hatches=["///"], zorder=3)
        for g in sc.inequalities:
            ax.contour(X, Y, g, levels=[0.0], colors="black", linewidths=0.08 * fs, zorder=3)
        handles.append(Patch(fc="none", hatch="///", ec="black", lw=0.05 * fs, label="g ≤ 0"))
    else:
        feasible = np.ones(X.shape, dtype=bool)
        feasible_shading = None
    equality_curves = []
    for h in sc.equalities:
        equality_curves.append(ax.contour(X, Y, h, levels=[0.0], colors="black", linewidths=0.1 * fs,
                                          linestyles="--", zorder=4))
        ax.contour(X, Y, np.ma.masked_where(~feasible, h), levels=[0.0], colors="black",
                   linewidths=0.3 * fs, zorder=4)
    if sc.equalities:  # as drawn: thick where feasible, dashed where not
        if sc.inequalities:
            handles.append(Line2D([], [], color="black", lw=0.3 * fs, label="h = 0, g ≤ 0"))
            handles.append(Line2D([], [], color="black", ls="--", lw=0.1 * fs, label="h = 0, g > 0"))
        else:
            handles.append(Line2D([], [], color="black", lw=0.3 * fs, label="h = 0"))
    if handles:
        ax.legend(handles=handles, loc="lower left", fontsize=0.75 * fs, framealpha=0.85,
                  handlelength=1.5, borderpad=0.3)
    return feasible_shading, equality_curves


class LevelNorm(Normalize):
    """Values to [0, 1], piecewise linear between `levels` (mapped to evenly spaced colours).

    One norm for both panels: a value has the same colour on the 3D surface (continuous, so that
    neighbouring cells never alternate in a saw-tooth) as in its band of the contour view.
    """

    def __init__(self, levels: np.ndarray):
        super().__init__(float(levels[0]), float(levels[-1]))
        self._levels = np.asarray(levels, dtype=float)
        self._steps = np.linspace(0.0, 1.0, len(self._levels))

    def __call__(self, value: Any, clip: bool | None = None) -> Any:
        v = np.ma.asarray(value, dtype=float)
        out = np.interp(v.filled(np.nan), self._levels, self._steps, left=-0.01, right=1.01)
        return np.ma.masked_invalid(out)

    def inverse(self, value: Any) -> Any:
        return np.interp(value, self._steps, self._levels)


def plt_colormap(cmap: str | Colormap) -> Colormap:
    """A colormap from its name (or itself)."""
    return colormaps[cmap] if isinstance(cmap, str) else cmap


def surface_polygons(X: np.ndarray, Y: np.ndarray, Z: np.ndarray, ceiling: float, count: int
                     ) -> tuple[list[np.ndarray], np.ndarray]:
    """The surface's grid cells on a `count` x `count` subgrid, cut exactly at the ceiling.

    The surface is never rescaled: as M grows the walls rise out of the fixed box and the valley
    left inside narrows. Each quadrilateral cell is clipped against the plane z = ceiling (one
    Sutherland-Hodgman pass, vectorized over cells), so the walls end in a clean cut rather than
    in the ragged teeth of partly dropped cells. Cells touching an undefined value are left out.

    Returns
    -------
    polygons : list of ndarray, each (k, 3) with 3 <= k <= 5
    mean_z : ndarray
        Mean height of each polygon (its colour).
    """
    rows = np.unique(np.linspace(0, Z.shape[0] - 1, min(count, Z.shape[0])).round().astype(int))
    cols = np.unique(np.linspace(0, Z.shape[1] - 1, min(count, Z.shape[1])).round().astype(int))
    P = np.stack([a[np.ix_(rows, cols)] for a in (X, Y, Z)], axis=-1)  # (r, c, 3)
    corners = np.stack([P[:-1, :-1], P[:-1, 1:], P[1:, 1:], P[1:, :-1]], axis=2).reshape(-1, 4, 3)
    corners = corners[np.isfinite(corners).all(axis=(1, 2))]
    a = corners
    b = np.roll(corners, -1, axis=1)  # each corner's successor around the cell
    a_in, b_in = a[..., 2] <= ceiling, b[..., 2] <= ceiling
    with np.errstate(divide="ignore", invalid="ignore"):  # edges that do not cross: unused values
        s = (ceiling - a[..., 2]) / (b[..., 2] - a[..., 2])
        cut = a + s[..., None] * (b - a)
    cut[..., 2] = ceiling
    # Per edge: keep the start corner if inside, then the crossing if the edge leaves or enters.
    points = np.stack([a, cut], axis=2).reshape(len(a), 8, 3)
    keep = np.stack([a_in, a_in != b_in], axis=2).reshape(len(a), 8)
    counts = keep.sum(axis=1)
    polygons = [pts[k] for pts, k, n in zip(points, keep, counts, strict=True) if n >= 3]
    mean_z = np.array([poly[:, 2].mean() for poly in polygons])
    return polygons, mean_z
