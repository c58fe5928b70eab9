"""The Scene: framing, fixed z-range, surfaces per M, phi samples, slices, pickling."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from viz_streams import quadratic_stream, quadratic_surface, seed_F, seed_penalty_stream

from viz import collect
from viz.scenes import PHI_SAMPLES, PHI_SPAN, Framing, build_scene, even_figsize, frame_positions
from viz.scenes.curves import zero_components
from viz.scenes.limits import domain_from_points, domain_with_curves, value_limits


@given(st.integers(1, 300), st.integers(1, 20), st.one_of(st.none(), st.integers(1, 50)))
def test_frame_positions(n, every, frames):
    idx = frame_positions(n, every=every, frames=frames)
    assert (idx[0] == 0 or (frames == 1 and every == 1)) and (np.diff(idx) > 0).all() and idx[-1] <= n - 1
    if frames is None or every > 1:
        assert (np.diff(idx) <= every).all()
    if frames is None or every == 1 or frames >= len(frame_positions(n, every=every)):
        assert idx[-1] == n - 1  # the final iterate is always shown
    if frames is not None:
        assert len(idx) <= frames
    if frames is not None and every == 1:  # spread over the whole run, as evenly as can be
        assert len(idx) == min(frames, n)
        if len(idx) > 2:
            gaps = np.diff(idx)
            assert gaps.max() - gaps.min() <= 1


@given(st.lists(st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3)), min_size=1, max_size=30))
def test_domain_contains_the_points_and_is_square(points):
    p = np.array(points)
    (x0, x1), (y0, y1) = domain_from_points(p)
    assert x0 < p[:, 0].min() + 1e-9 and p[:, 0].max() - 1e-9 < x1
    assert y0 < p[:, 1].min() + 1e-9 and p[:, 1].max() - 1e-9 < y1
    assert np.isclose(x1 - x0, y1 - y0)



ARC = np.array([[1.5, 0.5], [0.9, -1.0], [0.3, -1.6], [-1.0, -1.0]])  # a path over part of a circle


def circle(r, centre=(0.0, 0.0)):
    return lambda X, Y: [(X - centre[0]) ** 2 + (Y - centre[1]) ** 2 - r**2]


def test_domain_widens_to_hold_a_closed_constraint_curve_the_path_meets():
    plain = domain_from_points(ARC)
    assert plain[1][1] < np.sqrt(2)  # the path's own box cuts the top of x1^2 + x2^2 = 2
    (x0, x1), (y0, y1) = domain_with_curves(ARC, circle(np.sqrt(2)))
    assert x1 - x0 == pytest.approx(y1 - y0)  # still square
    r, margin = np.sqrt(2), 0.2 * np.sqrt(2)  # the whole circle, with room around it
    assert x0 < -r - margin and x1 > r + margin and y0 < -r - margin and y1 > r + margin
    assert (x0, y0) < tuple(ARC.min(axis=0)) and (x1, y1) > tuple(ARC.max(axis=0))
    assert x1 - x0 < 2.5 * (plain[0][1] - plain[0][0])  # bounded: not much beyond the curve


@pytest.mark.parametrize("values_on", [
    lambda X, Y: [X + Y - 0.3],  # a line: unbounded, the path's box shows the part near the path
    circle(50.0, centre=(50.0, 0.0)),  # a circle larger than the search box: locally a line
    circle(0.3, centre=(6.0, 6.0)),  # a small closed curve far from the path
    lambda X, Y: [X**2 + Y**2 + 1],  # no zero set at all
])
def test_domain_does_not_chase_open_or_distant_curves(values_on):
    assert domain_with_curves(ARC, values_on) == domain_from_points(ARC)


def test_zero_components_group_cells_by_curve():
    xs = ys = np.linspace(-3, 3, 61)
    X, Y = np.meshgrid(xs, ys)
    two = np.minimum((X + 1.5) ** 2 + Y**2 - 0.5, (X - 1.5) ** 2 + Y**2 - 0.5)  # two separate circles
    pieces = zero_components(xs, ys, two)
    assert len(pieces) == 2 and not any(border for _, border in pieces)
    centres = sorted(cells.mean(axis=0)[0] for cells, _ in pieces)
    assert centres == pytest.approx([-1.5, 1.5], abs=0.05)
    for cells, _ in pieces:  # every cell lies on its circle, to within a cell's diagonal
        d = np.hypot(np.abs(cells[:, 0]) - 1.5, cells[:, 1])
        assert np.all(np.abs(d - np.sqrt(0.5)) < 0.1 * np.sqrt(2))
    (line, border), = zero_components(xs, ys, X - 0.33)
    assert border and np.allclose(line[:, 0], 0.3 + 0.05, atol=0.051)


@given(st.floats(0.5, 30), st.floats(0.5, 30), st.sampled_from([50, 72, 96, 100, 133, 150]))
def test_even_figsize_gives_even_pixels(w, h, dpi):
    fw, fh = even_figsize((w, h), dpi)
    pw, ph = fw * dpi, fh * dpi
    assert round(pw) % 2 == 0 and round(ph) % 2 == 0
    assert abs(pw - round(pw)) < 1e-6 and abs(ph - round(ph)) < 1e-6


def test_value_limits_cover_values():
    lo, hi = value_limits(np.array([1e-8, 1e-2, np.nan]), log=True)
    assert lo < 1e-8 and hi > 1e-2
    lo, hi = value_limits(np.array([3.0, 3.0]), log=False)
    assert lo < 3 < hi


@pytest.fixture(scope="module")
def seed_scene():
    return build_scene(collect(seed_penalty_stream(inner=5)), None, surface_of_M=seed_F,
                       framing=Framing(grid=30))


def test_one_surface_per_M_and_heights_on_it(seed_scene):
    sc = seed_scene
    assert len(sc.grids) == len(sc.Ms) == len(set(sc.trace.M))
    for m, M in enumerate(sc.Ms):
        X, Y = np.meshgrid(sc.xs, sc.ys)
        np.testing.assert_allclose(sc.grids[m], seed_F(M)(X, Y))
        np.testing.assert_allclose(sc.heights[m], seed_F(M)(*sc.trace.x.T))
    # each iterate's own height is the value it reports
    own = sc.heights[sc.m_index, np.arange(len(sc.trace))]
    np.testing.assert_allclose(own, sc.trace.fun)


def test_zlim_covers_the_trajectory_and_first_surface(seed_scene):
    lo, hi = seed_scene.zlim
    first = seed_scene.grids[0]
    assert lo <= first.min() and hi >= first.max()
    assert lo <= seed_scene.trace.fun.min() and seed_scene.trace.fun.max() <= hi


def test_domain_from_the_trajectory_contains_it(seed_scene):
    (x0, x1), (y0, y1) = seed_scene.domain
    x = seed_scene.trace.x
    assert x0 < x[:, 0].min() and x[:, 0].max() < x1 and y0 < x[:, 1].min() and x[:, 1].max() < y1


def test_phi_samples_start_at_the_previous_point_and_hit_the_step(seed_scene):
    sc = seed_scene
    tr = sc.trace
    i = int(np.flatnonzero(np.isfinite(tr.step))[3])
    F = seed_F(tr.M[i])
    assert sc.phi[i, 0] == pytest.approx(F(*tr.previous_x[i]))
    star = int(round((PHI_SAMPLES - 1) / PHI_SPAN))
    assert sc.phi[i, star] == pytest.approx(tr.fun[i], rel=1e-9, abs=1e-12)
    # exact line search: t* minimizes phi on the sampled line
    assert sc.phi[i, star] <= np.nanmin(sc.phi[i]) + 1e-9 * max(1.0, abs(tr.fun[i]))
    assert np.isnan(sc.phi[0]).all()  # the start point carries no step


def test_scene_pickles_for_workers(seed_scene):
    back = pickle.loads(pickle.dumps(seed_scene.restricted([0, 1, 2])))
    assert len(back) == len(seed_scene) and set(back.grids) == {0}


def test_more_than_two_variables_use_a_slice_through_the_current_point():
    n = 4
    tr = collect(quadratic_stream(n=n, steps=6))
    f = quadratic_surface(n=n)
    sc = build_scene(tr, f, framing=Framing(coords=(0, 2), grid=12))
    assert "slice" in sc.note and sc.axis_names == ("$x_{1}$", "$x_{3}$")
    i = 3
    Z = sc.grids[int(sc.grid_key[i])]
    X, Y = np.meshgrid(sc.xs, sc.ys)
    x = tr.x[i]
    np.testing.assert_allclose(Z, f(X, x[1], Y, x[3]))
    with pytest.raises(TypeError, match="restricted"):
        pickle.dumps(sc.grids)
    plain = sc.restricted([i])
    assert set(plain.grids) == {int(sc.grid_key[i])}
    pickle.dumps(plain)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(coords=(0, 0)), "coords"),
        (dict(coords=(0, 5)), "coords"),
        (dict(domain=((1, 0), (0, 1))), "domain"),
        (dict(zlim=(2, 1)), "zlim"),
        (dict(grid=2), "grid"),
    ],
)
def test_bad_options_raise(kwargs, message):
    tr = collect(quadratic_stream(steps=2))
    with pytest.raises(ValueError, match=message):
        build_scene(tr, quadratic_surface(), framing=Framing(**kwargs))


@pytest.mark.parametrize("kwargs", [dict(every=0), dict(frames=0), dict(dpi=0), dict(figsize=(0, 1)),
                                    dict(coords=(-1, 1))])
def test_framing_is_checked_once_when_made(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        Framing(**kwargs)


def test_surface_is_required():
    tr = collect(quadratic_stream(steps=2))
    with pytest.raises(ValueError, match="surface"):
        build_scene(tr, None)
    with pytest.raises(ValueError, match="carrying M"):
        build_scene(tr, None, surface_of_M=seed_F)


def test_constant_surfaces_broadcast():
    tr = collect(quadratic_stream(steps=2))
    sc = build_scene(tr, lambda x, y: 3.0, framing=Framing(grid=8))
    assert sc.grids[0].shape == (8, 8) and (sc.grids[0] == 3).all()
    assert sc.zlim[0] < 3 < sc.zlim[1]
