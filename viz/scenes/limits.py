"""Fixed limits: the domain from the trajectory, the z-range, axis limits (plain numpy).

Everything here is decided once per animation, so nothing on screen jumps between frames.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .curves import zero_components

__all__ = ["BOX_SHARE", "Domain", "domain_from_points", "domain_with_curves", "log10", "log_floor",
           "value_limits", "weight_z_limits", "z_limits"]

Domain = tuple[tuple[float, float], tuple[float, float]]


def domain_from_points(points: np.ndarray, *, pad: float = 0.25, min_span: float = 1e-3) -> Domain:
    """A square box around 2D `points`, padded by `pad` times its side.

    Square, because the contour view is drawn with equal axes so that gradients look orthogonal
    to level lines (they are).

    Parameters
    ----------
    points : ndarray, shape (N, 2)
        The displayed coordinates of the trajectory (non-finite rows are ignored).
    pad : float
        Fraction of the side added on each side.
    min_span : float
        Smallest side, relative to the points' magnitude, so a trajectory that does not move
        still gets a visible box.

    Returns
    -------
    ((xmin, xmax), (ymin, ymax))
    """
    p = np.asarray(points, dtype=float)
    p = p[np.isfinite(p).all(axis=1)]
    if len(p) == 0:
        raise ValueError("no finite points to frame: pass domain=((xmin, xmax), (ymin, ymax))")
    lo, hi = p.min(axis=0), p.max(axis=0)
    centre = (lo + hi) / 2
    side = max(float((hi - lo).max()), min_span * max(1.0, float(np.abs(p).max())))
    half = side * (0.5 + pad)
    return ((centre[0] - half, centre[0] + half), (centre[1] - half, centre[1] + half))


def domain_with_curves(points: np.ndarray, values_on: Callable[[np.ndarray, np.ndarray], list[np.ndarray]],
                       *, pad: float = 0.25, reach: float = 1.0, grid: int = 81) -> Domain:
    """The square box around `points` (see `domain_from_points`), widened to hold every closed
    constraint curve that passes through it.

    A circle h = x1^2 + x2^2 - 2 = 0 around a path that covers only part of it was cut at the top;
    a lecture shows the whole feasible set. The curves are found on a grid over a box `reach`
    times the path's box larger on each side (`values_on(X, Y)` gives the constraints' values
    there): a curve that closes within it and enters the path's box is held whole, with the same
    margin as the path. An open curve (a line, a branch leaving the search box) is not followed:
    the path's box already shows the part of it near the path, and chasing it would shrink the
    path to nothing.

    Returns
    -------
    ((xmin, xmax), (ymin, ymax))
    """
    dom = domain_from_points(points, pad=pad)
    (x0, x1), (y0, y1) = dom
    centre, half = np.array([(x0 + x1) / 2, (y0 + y1) / 2]), (x1 - x0) / 2
    xs = np.linspace(centre[0] - (1 + reach) * half, centre[0] + (1 + reach) * half, grid)
    ys = np.linspace(centre[1] - (1 + reach) * half, centre[1] + (1 + reach) * half, grid)
    X, Y = np.meshgrid(xs, ys)
    held = []
    for values in values_on(X, Y):
        for cells, reaches_border in zero_components(xs, ys, values):
            inside = (np.abs(cells - centre) <= half).all(axis=1)
            if inside.any() and not reaches_border:
                held.append(cells)
    if not held:
        return dom
    p = np.asarray(points, dtype=float)
    p = p[np.isfinite(p).all(axis=1)]
    return domain_from_points(np.vstack([p, *held]), pad=pad)


def z_limits(first_grid: np.ndarray, other_grids: list[np.ndarray], heights: np.ndarray
             ) -> tuple[float, float]:
    """The fixed z-range: floor at the lowest value anywhere, ceiling at the first surface's top.

    For penalty runs the later surfaces (larger M) rise far above the first one; clipping them
    at the first surface's ceiling is what lets students see the walls rise out of a fixed box.
    The ceiling also covers every value the trajectory itself takes.
    """
    finite = [g[np.isfinite(g)] for g in [first_grid, *other_grids]]
    finite = [f for f in finite if f.size]
    h = np.asarray(heights, dtype=float)
    h = h[np.isfinite(h)]
    if not finite and not h.size:
        raise ValueError("the surface is not finite anywhere on the domain: pass zlim=(low, high)")
    floor = min([float(f.min()) for f in finite] + ([float(h.min())] if h.size else []))
    first = first_grid[np.isfinite(first_grid)]
    top = [float(first.max())] if first.size else []
    ceiling = max(top + ([float(h.max())] if h.size else []))
    if ceiling - floor < 1e-12 * max(1.0, abs(floor)):
        ceiling = floor + max(1.0, abs(floor))
    margin = 0.03 * (ceiling - floor)
    return floor - margin, ceiling + margin


BOX_SHARE = 0.5  # at least this share of the domain lies inside the 3D box, for every weight M


def weight_z_limits(grid: np.ndarray, heights: np.ndarray, base: tuple[float, float], *,
                    share: float = BOX_SHARE) -> tuple[float, float]:
    """The z-range of one penalty weight's surface: the valley stays in the box as M grows.

    A fixed ceiling (the first surface's top) leaves a valley of width ~ sqrt(ceiling / M): at
    M = 1e6 narrower than a grid cell, and the picture empties. Here the ceiling is the larger of
    the first ceiling and the `share`-quantile of this surface's values, so at least `share` of
    the domain is drawn at every M while the walls still visibly rise out of the first box (the
    z-axis climbs between outer iterations). The floor follows the surface's lowest value on the
    grid or the path (`heights`: this weight's iterates on it).

    Returns
    -------
    (low, high)
    """
    z = np.asarray(grid, dtype=float)
    z = z[np.isfinite(z)]
    h = np.asarray(heights, dtype=float)
    h = h[np.isfinite(h)]
    if not z.size:
        return base
    floor = min([float(z.min())] + ([float(h.min())] if h.size else []))
    ceiling = max(base[1], float(np.quantile(z, share)))
    if ceiling - floor < 1e-12 * max(1.0, abs(floor)):
        ceiling = floor + max(1.0, abs(floor))
    margin = 0.03 * (ceiling - floor)
    return floor - margin, ceiling + margin


def value_limits(values: np.ndarray, *, log: bool) -> tuple[float, float]:
    """Axis limits covering `values` (NaNs ignored), with a margin in the axis' own scale."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if log:
        v = v[v > 0]
    if v.size == 0:
        return (1e-3, 1.0) if log else (0.0, 1.0)
    lo, hi = float(v.min()), float(v.max())
    if log:
        lo_e, hi_e = math.log10(lo), math.log10(hi)
        if hi_e - lo_e < 1e-9:
            lo_e, hi_e = lo_e - 1, hi_e + 1
        m = 0.05 * (hi_e - lo_e)
        return 10 ** (lo_e - m), 10 ** (hi_e + m)
    if hi - lo < 1e-12 * max(1.0, abs(lo)):
        lo, hi = lo - max(1.0, abs(lo)) * 0.5, hi + max(1.0, abs(hi)) * 0.5
    m = 0.05 * (hi - lo)
    return lo - m, hi + m


def log10(values: np.ndarray) -> np.ndarray:
    """log10, with zeros and negatives quietly NaN or -inf (they are lifted or hidden)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log10(values)


def log_floor(values: np.ndarray) -> float:
    """A tenth of the smallest positive value: where zero gradients or violations are drawn."""
    v = values[np.isfinite(values) & (values > 0)]
    return float(v.min()) / 10 if v.size else 1e-16
