"""The figure: panels, fixed limits, surface redrawn only per M, path in front, cached == full."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from mpl_toolkits.mplot3d import proj3d
from viz_streams import make_quadratic, make_seed

from viz.figures import PATH_COLOR, SceneFigure


def full_draw(view: SceneFigure, frame: int) -> np.ndarray:
    """The reference: move the artists, then let matplotlib draw the whole figure."""
    view.update(frame)
    view.figure.canvas.draw()
    return np.asarray(view.figure.canvas.buffer_rgba()).copy()


def m_change_frames(anim) -> list[int]:
    m = anim.scene.m_index[anim.scene.frames]
    return [int(f) for f in np.flatnonzero(np.diff(m)) + 1]


def test_frames_have_identical_size_and_are_not_blank(seed_anim):
    shapes = set()
    for frame in (0, 1, len(seed_anim) // 2, len(seed_anim) - 1):
        px = seed_anim.render(frame)
        shapes.add(px.shape)
        rgb = px[..., :3].astype(int)
        assert (rgb < 250).any(axis=-1).mean() > 0.05  # plenty of drawn pixels
    w, h = seed_anim.scene.style.figsize
    assert len(shapes) == 1
    (shape,) = shapes
    assert shape[0] % 2 == 0 and shape[1] % 2 == 0 and shape[2] == 4


@pytest.mark.parametrize("turn", [0.0, 7.0])
def test_cached_rendering_equals_a_full_drawing(turn):
    anim = make_seed(turn=turn, inner=4)
    try:
        change = m_change_frames(anim)
        frames = [0, 1, 2, change[0] - 1, change[0], change[0] + 1, len(anim) - 1]
        for frame in frames:
            cached = anim.view.render(frame)
            reference = full_draw(anim.view, frame)
            differ = np.any(cached != reference, axis=-1)
            assert differ.mean() < 1e-4, f"frame {frame}: {differ.sum()} pixels differ"
    finally:
        anim.close()


def test_surface_is_redrawn_only_when_M_changes():
    anim = make_seed(inner=4)
    view = anim.view
    calls = []
    original = view.ax3d.add_collection3d

    def spy(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    view.ax3d.add_collection3d = spy
    try:
        counts = set()
        for frame in range(len(anim)):
            view.render(frame)
            counts.add((len(view.ax3d.collections), len(view.ax2d.collections)))
        runs = 1 + len(m_change_frames(anim))
        # the first surface was drawn at construction time (frame 0 is shown at once)
        assert len(calls) in (runs, runs - 1)
        assert len(counts) <= 2  # artists are swapped, never accumulated
    finally:
        anim.close()


def test_limits_and_panel_positions_stay_fixed(seed_anim):
    # everything stays put, except the 3D box's z-range: fixed within a weight M, never falling
    # as M grows (the walls rise), and always the scene's own range for that weight
    view, sc = seed_anim.view, seed_anim.scene
    axes = [view.ax3d, view.ax2d, view.ax_values, view.ax_log, view.ax_phi]

    def state():
        out = [ax.get_position().bounds for ax in axes]
        out += [ax.get_xlim() + ax.get_ylim() for ax in axes]
        return out

    seed_anim.render(0)
    first = state()
    tops = []
    for frame in range(1, len(seed_anim), 3):
        seed_anim.render(frame)
        assert state() == first
        m = int(sc.m_index[sc.frames[frame]])
        assert view.ax3d.get_zlim() == pytest.approx(sc.z_range(m))
        tops.append(view.ax3d.get_zlim()[1])
    assert tops == sorted(tops) and tops[-1] > 10 * tops[0]


def test_path_is_drawn_in_front_of_the_surface():
    # a bowl seen from above: the whole path lies on the surface, which would hide it if
    # matplotlib's depth sorting were left on
    anim = make_quadratic(steps=6, figsize=(6.4, 3.6), dpi=100, view=(35, -60))
    try:
        frame = len(anim) - 1
        px = anim.render(frame)
        view = anim.view
        i = anim.iterate_of(frame)
        x, y = view.scene.trace.x[: i + 1].T
        z = view.scene.heights[0, : i + 1]
        xs, ys, _ = proj3d.proj_transform(x, y, z, view.ax3d.get_proj())
        disp = view.ax3d.transData.transform(np.column_stack([xs, ys]))
        red = np.array(to_rgb(PATH_COLOR)) * 255
        h = px.shape[0]
        hits = checked = 0
        for (xa, ya), (xb, yb) in zip(disp[:-1], disp[1:], strict=True):
            cx, cy = (xa + xb) / 2, (ya + yb) / 2
            if np.hypot(xb - xa, yb - ya) < 8 or np.hypot(cx - disp[-1, 0], cy - disp[-1, 1]) < 10:
                continue  # too short to sample, or under the current point's marker
            checked += 1
            r, c = int(round(h - cy)), int(round(cx))
            patch = px[max(r - 2, 0): r + 3, max(c - 2, 0): c + 3, :3].astype(float)
            if (np.abs(patch - red).sum(axis=-1) < 90).any():
                hits += 1
        assert checked >= 3
        assert hits == checked, f"path visible at {hits} of {checked} segment midpoints"
    finally:
        anim.close()


def test_labels_tell_iteration_point_value_and_M(seed_anim):
    view = seed_anim.view
    frame = len(seed_anim) - 1
    seed_anim.update(frame)
    i = seed_anim.iterate_of(frame)
    text = view.label3d.get_text()
    tr = seed_anim.trace
    assert f"k = {tr.k[i]}" in text and f"outer {tr.outer[i]}" in text
    assert "F = " in text and "M = " in text and f"{tr.M[i]:.3g}" in text
    assert f"{tr.x[i, 0]:.4g}" in text
    assert view.label2d.get_text().startswith(f"k={tr.k[i]}")


def test_line_search_inset(seed_anim):
    view = seed_anim.view
    seed_anim.update(0)  # the start point: no step to show
    assert not view.phi_line.get_visible() and view.phi_text.get_text() == "start"
    assert view.ax_phi.get_visible()  # an exact line search: the inset is drawn
    seed_anim.update(1)
    assert view.phi_line.get_visible() and view.phi_text.get_text().startswith("t* = ")
    phi_values = seed_anim.scene.phi[seed_anim.iterate_of(1)]  # its scale: phi's max and min
    assert float(view.phi_max.get_text()) == pytest.approx(np.nanmax(phi_values), rel=1e-2)
    assert float(view.phi_min.get_text()) == pytest.approx(np.nanmin(phi_values), rel=1e-2, abs=1e-3)
    s, phi = view.phi_line.get_data()
    assert np.nanmin(phi) >= -1e-12 and np.nanmax(phi) <= 1 + 1e-12
    # the marked step is the line's minimum (an exact line search)
    (star,) = view.phi_line.get_markevery()
    assert s[star] == pytest.approx(1.0)  # the marker sits at t = t*
    assert phi[star] == pytest.approx(np.nanmin(phi), abs=1e-6)


def test_constrained_contour_view_has_feasible_set_and_equality_curves(seed_anim):
    view = seed_anim.view
    assert view.feasible_shading is not None and view.feasible_shading.hatches == ["///"]
    assert len(view.equality_curves) == 1
    # the curve h = x1 + x2 - 1 = 0 passes through (0, 1), the optimum
    vertices = np.vstack([p.vertices for p in view.equality_curves[0].get_paths()])
    assert np.abs(vertices.sum(axis=1) - 1).max() < 1e-6
    legend = [t.get_text() for t in view.ax2d.get_legend().get_texts()]
    assert legend == ["g ≤ 0", "h = 0, g ≤ 0", "h = 0, g > 0"]


def test_slice_of_a_higher_dimensional_problem():
    anim = make_quadratic(n=3, steps=4, coords=(0, 2))
    try:
        px = anim.render(2)
        assert px.ndim == 3
        assert "slice" in anim.view._title.get_text()
        assert anim.view.label3d.get_text().count(",") == 2  # all three coordinates
    finally:
        anim.close()


def test_update_rejects_frames_out_of_range(quad_anim):
    with pytest.raises(IndexError, match="out of range"):
        quad_anim.update(len(quad_anim))


def test_camera_turns_when_asked():
    anim = make_quadratic(steps=3, turn=10.0)
    try:
        anim.update(0)
        a0 = anim.view.ax3d.azim
        anim.update(2)
        assert anim.view.ax3d.azim == pytest.approx(a0 + 20.0)
    finally:
        anim.close()


def test_surface_is_cut_exactly_at_the_ceiling():
    from viz.figures.layers import surface_polygons

    xs = np.linspace(0, 1, 11)
    X, Y = np.meshgrid(xs, xs)
    polygons, mean_z = surface_polygons(X, Y, X.copy(), 0.55, 11)  # the plane z = x
    assert len(polygons) == len(mean_z) == 10 * 6  # 5 whole columns of cells and one cut column
    top = max(p[:, 2].max() for p in polygons)
    right = max(p[:, 0].max() for p in polygons)
    assert top == pytest.approx(0.55) and right == pytest.approx(0.55)  # the cut is on the plane
    assert all(3 <= len(p) <= 5 for p in polygons)
    below, _ = surface_polygons(X, Y, X - 5, 0.0, 11)
    above, _ = surface_polygons(X, Y, X + 5, 0.0, 11)
    assert len(below) == 100 and above == []
    Z = X.copy()
    Z[0, 0] = np.nan
    assert len(surface_polygons(X, Y, Z, 2.0, 11)[0]) == 99  # undefined cells are left out
