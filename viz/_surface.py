"""The surface under a fixed ceiling: grid cells clipped exactly at the top of the box."""

from __future__ import annotations

import numpy as np

__all__ = ["surface_polygons"]


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
