"""The static layers of a surface figure: 3D polygons cut at the ceiling, contours, constraints.

Drawn only when the surface changes (a new penalty weight M, a new slice), never per frame.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import Colormap, Normalize
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from mpl_toolkits.mplot3d.art3d import Poly3DCollection

from .layout import ABOVE_COLOR

__all__ = ["constraint_layers", "plt_colormap", "surface_layers", "surface_polygons"]


def surface_layers(ax3d: Any, ax2d: Any, scene: Any, key: int, *, norm: Normalize, font: float) -> list[Any]:
    """Draw surface `key` of `scene` (a `Scene`): the 3D polygons and floor contours on `ax3d`,
    filled and quantile contours on `ax2d`; returns the artists (to remove on the next change)."""
    sc, fs = scene, font
    lo, hi = sc.zlim
    Z = np.asarray(sc.grids[key], dtype=float)
    Zc = np.clip(Z, lo, hi)
    X, Y = np.meshgrid(sc.xs, sc.ys)
    cmap = sc.style.cmap
    polygons, mean_z = surface_polygons(X, Y, Z, hi, sc.style.surface_count)
    surf = Poly3DCollection(polygons, cmap=cmap, norm=norm, alpha=sc.style.alpha,
                            linewidths=0.03 * fs, edgecolors=(0, 0, 0, 0.15), zorder=1)
    surf.set_array(mean_z)
    ax3d.add_collection3d(surf)  # limits are fixed: no autoscaling
    levels = np.linspace(lo, hi, 21)
    floor = ax3d.contour(X, Y, Zc, levels=levels[1:-1:2], zdir="z", offset=lo, cmap=cmap,
                         norm=norm, linewidths=0.06 * fs, zorder=0.5)
    # Above the ceiling: light grey, "off the scale", as the 3D view leaves it out.
    over = plt_colormap(cmap).with_extremes(over=ABOVE_COLOR)
    filled = ax2d.contourf(X, Y, np.where(Z <= hi, Zc, hi + (hi - lo)), levels=levels, cmap=over,
                           norm=norm, extend="max", zorder=0)
    finite = Z[np.isfinite(Z) & (Z < hi)]
    artists = [surf, floor, filled]
    if finite.size:
        # Quantile levels show the valley's shape even where a steep wall spans most colours.
        q = np.unique(np.quantile(finite, np.linspace(0.03, 0.97, 14)))
        if q.size:
            # solid always (matplotlib dashes negative levels of one-colour contours), so that no
            # contour looks like a dashed constraint curve
            artists.append(ax2d.contour(X, Y, Zc, levels=q, colors="white", linewidths=0.06 * fs,
                                        linestyles="solid", alpha=0.7, zorder=1))
    return artists


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
