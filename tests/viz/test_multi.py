"""Several named runs over one surface: frame clock, colours, finished runs, legend, export."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_rgb

from optimizers import conjugate_gradient, gradient_descent, newton
from viz import Animator
from viz.figures import RunsFigure, SceneFigure
from viz.scenes.runs import clip_to_domain

H = np.diag([2.0, 20.0])  # f = x1^2 + 10 x2^2


def fun(x):
    return float(x @ H @ x) / 2


def grad(x):
    return H @ x


def hess(x):
    return H


def surface(X, Y):
    return X**2 + 10 * Y**2


X0 = (4.0, 1.0)
SMALL = dict(figsize=(6.4, 3.6), dpi=80)


def streams(**extra):
    return {
        "steepest descent": gradient_descent(fun, grad, X0, line_search="exact", max_iter=12, tol=1e-6),
        "conjugate gradient": conjugate_gradient(fun, grad, X0, line_search="exact", tol=1e-6),
        "Newton": newton(fun, grad, hess, X0, tol=1e-6),
        **extra,
    }


@pytest.fixture(scope="module")
def race():
    anim = Animator(streams(), surface, domain=((-1, 5), (-3, 3)), **SMALL)
    yield anim
    anim.close()


def test_frame_count_is_the_longest_run_and_each_run_keeps_its_clock(race):
    lengths = {name: len(tr) for name, tr in race.traces.items()}
    assert lengths == {"steepest descent": 13, "conjugate gradient": 3, "Newton": 2}
    assert len(race) == 13
    for run in race.scene.runs:
        assert run.index.tolist() == [min(f, len(run.trace) - 1) for f in range(13)]


@pytest.mark.parametrize("frame", [0, 1, 2, 5, 12])
def test_each_run_is_drawn_in_its_colour_up_to_its_own_iterate(race, frame):
    view = race.view
    assert isinstance(view, RunsFigure)
    view.update(frame)
    for r, run in enumerate(race.scene.runs):
        shown = min(frame, len(run.trace) - 1) + 1
        xy = view.paths2d[r].get_xydata()
        assert len(xy) == shown
        np.testing.assert_allclose(xy, run.trace.x[:shown])
        assert len(view.paths3d[r].get_data_3d()[0]) == shown
        assert len(view._value_lines[r].get_xdata()) == shown
        for line in (view.paths2d[r], view.paths3d[r], view._value_lines[r], view._log_lines[r]):
            assert to_rgb(line.get_color()) == to_rgb(run.color)
    assert len({run.color for run in race.scene.runs}) == 3


def test_finished_runs_stay_and_leave_the_frame_loop(race):
    view = race.view
    newton_run = race.scene.runs[2]
    assert newton_run.end_frame == 1
    moving = view.update(5)
    assert view.paths2d[2].get_xydata().tolist() == newton_run.trace.x.tolist()  # stays at its end
    assert view.paths2d[2] not in moving and view.paths2d[0] in moving  # finished: in the background
    assert view.labels3d[2].get_text().endswith("converged")


def test_one_label_line_per_run_with_its_marker_shape(race):
    from viz.figures.runs import GLYPHS, MARKERS

    view = race.view
    view.update(3)
    names = [run.name for run in race.scene.runs]
    for r, (label, name) in enumerate(zip(view.labels3d, names, strict=True)):
        text = label.get_text()
        assert text.startswith(f"{GLYPHS[r]} {name}") and "k=" in text and "\n" not in text
        assert view.paths2d[r].get_marker() == view.paths3d[r].get_marker() == MARKERS[r]
    # the first run (the one a demo is about) is the boldest; end markers shrink, so they nest
    widths = [line.get_linewidth() for line in view.paths2d]
    sizes = [line.get_markersize() for line in view.paths2d]
    assert widths[0] == max(widths) and all(a > b for a, b in zip(sizes, sizes[1:], strict=False))


def test_run_colours_reach_the_pixels(race):
    px = race.render(len(race) - 1)[..., :3].astype(int)
    for run in race.scene.runs:
        target = (np.array(to_rgb(run.color)) * 255).round().astype(int)
        assert (np.abs(px - target).max(axis=-1) <= 12).sum() > 10, run.name


def full_draw(view: SceneFigure, frame: int) -> np.ndarray:
    view.update(frame)
    view.figure.canvas.draw()
    return np.asarray(view.figure.canvas.buffer_rgba()).copy()


def test_cached_rendering_equals_a_full_drawing():
    anim = Animator(streams(), surface, domain=((-1, 5), (-3, 3)), **SMALL)
    try:
        for frame in (0, 1, 2, 3, 12, 4):  # runs finish at 1 and 2; then back to an earlier frame
            cached = anim.view.render(frame)
            reference = full_draw(anim.view, frame)
            differ = np.any(cached != reference, axis=-1)
            assert differ.mean() < 1e-4, f"frame {frame}: {differ.sum()} pixels differ"
    finally:
        anim.close()


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")  # the optimizer's own, before DIVERGED
def test_a_diverging_run_is_cut_at_the_frame_and_still_renders():
    wild = gradient_descent(fun, grad, X0, line_search="fixed", step=0.2, max_iter=2000)  # |1 - 20 t| = 3
    anim = Animator(streams(diverging=wild), surface, domain=((-1, 5), (-3, 3)), **SMALL)
    try:
        run = anim.scene.runs[-1]
        assert run.status == "diverged"
        assert anim.scene.domain == ((-1, 5), (-3, 3))
        drawn = run.xy[np.isfinite(run.xy).all(axis=1)]
        assert len(drawn) < len(run.trace)
        assert np.isclose(np.abs(drawn[-1, 1]), 3.0)  # ends on the box's edge
        px = anim.render(len(anim) - 1)
        assert px.shape[:2] == anim.render(0).shape[:2]
    finally:
        anim.close()


def test_clip_to_domain_moves_the_exit_point_onto_the_edge():
    xy = np.array([[0.0, 0.0], [0.5, 0.5], [3.0, 1.0], [9.0, 9.0]])
    out = clip_to_domain(xy, ((-1.0, 1.0), (-1.0, 1.0)))
    np.testing.assert_allclose(out[:2], xy[:2])
    np.testing.assert_allclose(out[2], [1.0, 0.6])
    assert np.isnan(out[3]).all()


def test_single_stream_is_unchanged_and_export_sizes_match(tmp_path):
    single = Animator(gradient_descent(fun, grad, X0, max_iter=3), surface, **SMALL)
    several = Animator(streams(), surface, frames=4, **SMALL)
    try:
        assert single.scene.runs == () and type(single.view) is SceneFigure
        a = single.save_frames(tmp_path / "one", quiet=True)
        b = several.save_frames(tmp_path / "many", quiet=True)
        assert a.count == b.count == 4
        assert a.size == b.size
    finally:
        single.close()
        several.close()


def test_every_and_frames_apply_to_every_run():
    anim = Animator(streams(), surface, every=5, **SMALL)
    assert anim.scene.frames.tolist() == [0, 5, 10, 12]
    assert [run.index.tolist() for run in anim.scene.runs][2] == [0, 1, 1, 1]


def test_bad_comparisons_are_refused():
    with pytest.raises(ValueError, match="surface_of_M"):
        Animator(streams(), surface_of_M=lambda M: surface)
    with pytest.raises(ValueError, match="2-variable"):
        f3 = lambda x: float(x @ x)  # noqa: E731
        Animator({"a": gradient_descent(f3, lambda x: 2 * x, (1.0, 1.0, 1.0), max_iter=2)}, surface)
