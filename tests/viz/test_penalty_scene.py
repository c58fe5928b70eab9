"""What keeps a penalty scene readable at every M: per-weight z-ranges, contour levels, the
constraints lifted onto the surface, the outer minimizers, and a clean cut at the box's top."""

from __future__ import annotations

import numpy as np
import pytest
from viz_streams import seed_equality, seed_F, seed_inequality, seed_penalty_stream

from viz import collect
from viz.figures.layers import surface_polygons
from viz.scenes import Framing, build_scene
from viz.scenes.curves import contour_levels, zero_segments
from viz.scenes.limits import BOX_SHARE


@pytest.fixture(scope="module")
def scene():
    return build_scene(collect(seed_penalty_stream()), None, surface_of_M=seed_F,
                       equalities=[seed_equality], inequalities=[seed_inequality], framing=Framing(grid=40))


def test_every_weight_keeps_its_share_of_the_domain_in_the_box(scene):
    tops = scene.zlims[:, 1]
    assert (np.diff(tops) >= 0).all() and tops[-1] > 100 * tops[0]  # the walls rise
    assert tuple(scene.zlims[0]) == pytest.approx(scene.z_range(0))
    for m in range(len(scene.Ms)):
        lo, hi = scene.z_range(m)
        Z = scene.grids[m]
        assert (Z <= hi).mean() >= BOX_SHARE - 1e-9  # the valley never narrows out of the grid
        assert lo <= Z.min()
        mine = scene.m_index == m
        assert lo <= scene.heights[m, mine].min()  # the path's own points are above the floor


def test_constraints_are_lifted_onto_each_surface_exactly(scene):
    line = scene.equality_line
    ok = np.isfinite(line).all(axis=1)
    assert ok.sum() > 20
    np.testing.assert_allclose(seed_equality(*line[ok].T), 0, atol=1e-12)  # h = x1 + x2 - 1 is linear
    for m, M in enumerate(scene.Ms):
        np.testing.assert_allclose(scene.equality_heights[m, ok], seed_F(M)(*line[ok].T))
    g = scene.inequality_line[np.isfinite(scene.inequality_line).all(axis=1)]
    np.testing.assert_allclose(g[:, 1], 1.0, atol=1e-12)


def test_outer_ends_are_the_last_iterate_of_each_weight(scene):
    tr = scene.trace
    ends = scene.outer_ends
    assert ends[-1] == len(tr) - 1 and len(ends) == len(set(tr.outer.tolist()))
    assert (tr.outer[ends[:-1]] != tr.outer[ends[:-1] + 1]).all()


def test_zero_segments_trace_a_circle():
    xs = ys = np.linspace(-2, 2, 41)
    X, Y = np.meshgrid(xs, ys)
    s = zero_segments(xs, ys, X**2 + Y**2 - 2)
    r = np.hypot(s[..., 0], s[..., 1])
    assert np.abs(r - np.sqrt(2)).max() < 0.01
    # every cell the circle crosses contributes: the segments add up to its length
    length = np.linalg.norm(s[:, 1] - s[:, 0], axis=1).sum()
    assert length == pytest.approx(2 * np.pi * np.sqrt(2), rel=0.01)


def test_contour_levels_resolve_a_valley_floor_decades_below_its_walls():
    xs = np.linspace(-2, 2, 200)
    X, Y = np.meshgrid(xs, np.linspace(-1, 3, 200))
    Z = (1 - X) ** 2 + 100 * (Y - X**2) ** 2  # Rosenbrock: the floor ~1e-3 of the walls
    levels = contour_levels(Z)
    assert (np.diff(levels) > 0).all() and levels[0] == Z.min() and levels[-1] == Z.max()
    assert (levels < 0.01 * Z.max()).sum() >= 5  # even spacing would put none there
    # equal areas: each band holds about the same share of the picture
    bands = np.histogram(Z, bins=levels)[0] / Z.size
    assert bands.max() < 2.5 / (len(levels) - 1)
    # a quadratic bowl keeps evenly spaced levels (area below c grows like c)
    r2 = X**2 + (Y - 1) ** 2
    bowl = contour_levels(np.where(r2 <= 1, r2, np.nan))
    assert np.diff(bowl).max() < 1.3 * np.diff(bowl).min()


def test_cut_at_the_top_is_exact_and_clean():
    xs = np.linspace(-2, 2, 31)
    X, Y = np.meshgrid(xs, xs)
    Z = 50 * (X**2 + Y**2 - 2) ** 2  # a steep ring, like the circle equality at large M
    polygons, _ = surface_polygons(X, Y, Z, 10.0, 31)
    top = np.concatenate(polygons)
    assert top[:, 2].max() <= 10.0 + 1e-9  # nothing pokes through the ceiling
    # the cut edge follows the contour F = ceiling (no teeth): every point at the ceiling lies
    # within a fraction of a cell of one of the ring's two true edges
    at = top[np.isclose(top[:, 2], 10.0)]
    r = np.hypot(at[:, 0], at[:, 1])
    edges = np.sqrt(2 + np.array([-1, 1]) * np.sqrt(10.0 / 50))
    gap = np.abs(r[:, None] - edges[None, :]).min(axis=1)
    assert len(at) > 50 and gap.max() < 0.25 * (xs[1] - xs[0])
