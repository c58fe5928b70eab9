"""Zero curves of the constraints as line segments, and contour levels for a surface's range.

Plain numpy, so the scene can lift the curves h = 0 and g = 0 onto every surface F(x; M) by
evaluating F exactly at their points (no interpolation from the grid, which misses a valley
narrower than a cell).
"""

from __future__ import annotations

import numpy as np

__all__ = ["contour_levels", "segments_as_line", "zero_components", "zero_segments"]


def zero_segments(xs: np.ndarray, ys: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The zero level of `values` on the grid ``(ys, xs)`` as segments (marching squares).

    Each cell whose corners change sign contributes one segment (two for a saddle cell) between
    the linearly interpolated crossings of its edges.

    Returns
    -------
    ndarray, shape (S, 2, 2)
        Segment ends ``(x, y)``.
    """
    V = np.asarray(values, dtype=float)
    X, Y = np.meshgrid(xs, ys)
    # corners of each cell, counter-clockwise: (0,0), (0,1), (1,1), (1,0) as (row, col) offsets
    c = [(slice(None, -1), slice(None, -1)), (slice(None, -1), slice(1, None)),
         (slice(1, None), slice(1, None)), (slice(1, None), slice(None, -1))]
    v = np.stack([V[r, k] for r, k in c], axis=-1).reshape(-1, 4)
    p = np.stack([np.stack([X[r, k], Y[r, k]], axis=-1) for r, k in c], axis=-2).reshape(-1, 4, 2)
    ok = np.isfinite(v).all(axis=1)
    v, p = v[ok], p[ok]
    a, b = v, np.roll(v, -1, axis=1)
    crosses = (a > 0) != (b > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(crosses, a / (a - b), 0.0)
    pts = p + s[..., None] * (np.roll(p, -1, axis=1) - p)  # (C, 4, 2) crossing on each edge
    n = crosses.sum(axis=1)
    out = []
    two = n == 2
    if two.any():
        sel = np.argsort(~crosses[two], axis=1, kind="stable")[:, :2]
        out.append(np.take_along_axis(pts[two], sel[..., None], axis=1))
    four = n == 4  # a saddle: pair edges 0-1 and 2-3 (either pairing is a fair guess)
    if four.any():
        q = pts[four]
        out.append(np.concatenate([q[:, [0, 1]], q[:, [2, 3]]]))
    return np.concatenate(out) if out else np.empty((0, 2, 2))


def zero_components(xs: np.ndarray, ys: np.ndarray, values: np.ndarray) -> list[tuple[np.ndarray, bool]]:
    """The zero level of `values` on the grid ``(ys, xs)`` as connected pieces of curve.

    The cells whose corners change sign, grouped by touching (edges or corners): each group is
    one curve as the grid sees it, a circle one group, two branches of a hyperbola two.

    Returns
    -------
    list of (ndarray, bool)
        Per piece, the centres ``(x, y)`` of its cells, shape (K, 2), and whether it reaches the
        grid's border (an open curve, or one larger than the grid: the grid sees only part of it).
    """
    V = np.asarray(values, dtype=float)
    corners = np.stack([V[:-1, :-1], V[:-1, 1:], V[1:, 1:], V[1:, :-1]])
    positive = corners > 0
    crossed = np.isfinite(corners).all(axis=0) & positive.any(axis=0) & ~positive.all(axis=0)
    rows, cols = crossed.shape
    seen = np.zeros_like(crossed)
    cx, cy = (xs[:-1] + xs[1:]) / 2, (ys[:-1] + ys[1:]) / 2
    pieces = []
    for start in zip(*np.nonzero(crossed), strict=True):
        if seen[start]:
            continue
        seen[start] = True
        stack, cells = [start], []
        while stack:  # flood fill over the crossed cells, 8 neighbours
            r, c = stack.pop()
            cells.append((r, c))
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    q = (r + dr, c + dc)
                    if 0 <= q[0] < rows and 0 <= q[1] < cols and crossed[q] and not seen[q]:
                        seen[q] = True
                        stack.append(q)
        r, c = np.array(cells).T
        border = bool((r == 0).any() or (c == 0).any() or (r == rows - 1).any() or (c == cols - 1).any())
        pieces.append((np.column_stack([cx[c], cy[r]]), border))
    return pieces


def segments_as_line(segments: np.ndarray) -> np.ndarray:
    """Segments ``(S, 2, k)`` as one polyline ``(3 S, k)`` broken by NaN rows (one artist draws all)."""
    gap = np.full((len(segments), 1, segments.shape[2]), np.nan)
    return np.concatenate([segments, gap], axis=1).reshape(-1, segments.shape[2])


def contour_levels(values: np.ndarray, *, count: int = 16, low: float | None = None,
                   high: float | None = None) -> np.ndarray:
    """Contour levels covering `values` (NaN and inf ignored), at equal-area quantiles.

    Evenly spaced levels leave a valley whose floor is 1e-3 of the walls' height (Rosenbrock,
    any penalty at large M) one uncontoured blob. Levels at the quantiles of the values give
    every band the same share of the picture: for a quadratic bowl (area below c grows like c)
    they are evenly spaced, and where the values span decades they crowd towards the floor; and
    when the range is more than 8 times the median (walls decades above the floor) the lowest
    band is split again by three log-spaced levels, so the valley floor is contoured too.
    `low` and `high` widen the range (a box's floor and ceiling).

    Returns
    -------
    ndarray, strictly increasing, at least 2 levels
    """
    z = np.asarray(values, dtype=float)
    z = z[np.isfinite(z)]
    lo = float(z.min()) if z.size else 0.0
    hi = float(z.max()) if z.size else 1.0
    lo = lo if low is None else min(lo, low)
    hi = hi if high is None else max(hi, high)
    if hi - lo < 1e-12 * max(1.0, abs(lo)):
        return np.array([lo - 0.5, lo + 0.5])
    inner = np.quantile(z, np.linspace(0, 1, count)[1:-1]) if z.size else np.empty(0)
    if inner.size and hi - lo > 8 * float(np.quantile(z - lo, 0.5)):
        # the range spans decades (walls far above the typical value): split the lowest band,
        # the valley floor, again at log-spaced levels
        first = max(float(np.quantile(z - lo, 0.005)), 1e-9 * (hi - lo))
        if inner[0] - lo > 4 * first:
            inner = np.concatenate([lo + np.geomspace(first, inner[0] - lo, 4)[:-1], inner])
    levels = np.unique(np.concatenate([[lo], inner, [hi]]))
    # nearly equal quantiles (a flat floor) would make bands no one can see: keep them apart
    keep = np.concatenate([[True], np.diff(levels) > 1e-9 * (hi - lo)])
    levels = levels[keep]
    levels[-1] = hi
    return levels if len(levels) >= 2 else np.array([lo, hi])

