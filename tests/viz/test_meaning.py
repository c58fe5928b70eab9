"""Panels, labels and legends say only what the stream carries: no penalty wording without
constraints, no line-search inset without a line search, a slice's value where the path is not on
the surface drawn, a `style` checked where it is given."""

from __future__ import annotations

import numpy as np
import pytest
from demo_figures import built_animator

from viz import Animator
from viz.figures.inset import searched

ARGS = ["--frames", "4", "--size", "6.4", "3.6", "--dpi", "50", "--no-show"]


def test_an_unconstrained_run_says_f_not_F_and_draws_no_violation():
    anim = built_animator("run_rosenbrock", ARGS)
    view = anim.view
    view.update(len(anim) - 1)
    assert anim.scene.trace.is_penalty  # a penalty run at M = 1 ...
    assert not view._penalized  # ... with nothing to penalize
    label = view.label3d.get_text()
    assert "M =" not in label and "viol" not in label and "outer" not in label and "f = " in label
    assert anim.figure.axes[0].get_zlabel() == "f"
    legends = [t.get_text() for ax in (view.ax_values, view.ax_log) for t in ax.get_legend().get_texts()]
    assert legends == ["f", "‖∇f‖"]
    assert anim.scene.title.startswith("f(x)")
    assert view.ax_phi.get_visible()  # Newton with a line search
    view.close()


def test_a_constrained_run_keeps_its_penalty_wording():
    anim = built_animator("penalty_seed", ARGS)
    view = anim.view
    view.update(len(anim) - 1)
    assert "M =" in view.label3d.get_text() and anim.figure.axes[0].get_zlabel() == "F"
    assert [t.get_text() for t in view.ax_log.get_legend().get_texts()] == ["‖∇F‖", "viol."]
    view.close()


def test_no_line_search_inset_for_fixed_steps_or_no_steps():
    anim = built_animator("loss_landscape", ARGS)  # a projected path: no steps recorded
    assert not searched(anim.scene.trace) and not anim.view.ax_phi.get_visible()
    # the path is on a plane through parameter space: the label gives the plane's value too
    anim.view.update(len(anim) - 1)
    assert "surface here" in anim.view.label3d.get_text()
    anim.view.close()
    race = built_animator("optimizer_race", ARGS)  # fixed steps, momentum, Adam, Newton at t = 1
    assert not race.view.ax_phi.get_visible()
    race.view.close()
    line_search = built_animator("line_search", ARGS)  # Armijo and exact among fixed steps
    shown = [searched(run.trace) for run in line_search.scene.runs]
    assert line_search.view.ax_phi.get_visible() and any(shown) and not all(shown)
    line_search.view.close()


def test_a_hidden_inset_gives_its_space_to_the_contour_view():
    def drawn(anim):  # the contour view's box as drawn (square: matplotlib shrinks it to fit)
        view = anim.view
        view.render(0)
        box = view.ax2d.get_window_extent()
        return view, box, view.ax_phi.get_position().transformed(view.figure.transFigure)

    hidden, wide, phi_place = drawn(built_animator("loss_landscape", ARGS))
    shown, narrow, _ = drawn(built_animator("line_search", ARGS))
    assert not hidden.ax_phi.get_visible() and shown.ax_phi.get_visible()
    assert wide.height > 1.08 * narrow.height and wide.width > 1.08 * narrow.width
    assert wide.x1 > phi_place.x0 + 0.3 * phi_place.width  # into where the inset would be
    for view in (hidden, shown):  # the convergence panels stay below the contour view's labels
        labels = view.ax2d.get_tightbbox(view.figure.canvas.get_renderer())
        assert view.ax_values.get_window_extent().y1 < labels.y0
        view.close()


def test_searched_tells_a_search_from_a_fixed_step():
    class T:
        def __init__(self, step):
            self.step = np.array(step, dtype=float)

    assert searched(T([np.nan, 0.3, 0.7, 0.2]))
    assert not searched(T([np.nan, 0.1, 0.1, 0.1]))
    assert not searched(T([np.nan, np.nan]))


def test_style_is_checked_by_the_constructor():
    from optimizers import gradient_descent

    def f(x):
        return float(x @ x)

    with pytest.raises(ValueError, match="style must be one of 'lecture', 'paper'"):
        Animator(gradient_descent(f, lambda x: 2 * x, [1.0, 1.0], max_iter=2), lambda X, Y: X**2 + Y**2,
                 style="poster")


def test_three_variables_draw_the_constraint_of_the_current_slice():
    from matplotlib.contour import ContourSet

    anim = built_animator("run_3_variables", ARGS)  # x1 + x2 + x3 = 1, sliced in (x1, x2)
    view = anim.view
    lines = []
    for frame in (0, len(anim) - 1):
        view.render(frame)
        x3 = anim.trace.x[anim.iterate_of(frame), 2]
        sets = [a for a in view._slice_artists if isinstance(a, ContourSet)]
        vertices = np.vstack([p.vertices for c in sets for p in c.get_paths() if len(p.vertices)])
        np.testing.assert_allclose(vertices.sum(axis=1), 1 - x3, atol=1e-6)  # x1 + x2 = 1 - x3 here
        # the 3D panel lifts the same slice's curve onto the surface shown: F at (x1, x2, x3)
        i = anim.iterate_of(frame)
        m = int(anim.scene.m_index[i])
        lifted = [a for a in view._static_artists if a.axes is view.ax3d and hasattr(a, "get_data_3d")
                  and a.get_color() == "black"]
        assert len(lifted) == 1
        x, y, z = (np.asarray(v, dtype=float) for v in lifted[0].get_data_3d())
        ok = np.isfinite(z)
        assert ok.sum() > 10
        np.testing.assert_allclose(x[ok] + y[ok], 1 - x3, atol=1e-9)
        M = anim.scene.Ms[m]
        F = x**2 + 2 * y**2 + 3 * x3**2 + M * (x + y + x3 - 1) ** 2
        np.testing.assert_allclose(z[ok], F[ok], rtol=1e-9)
        lines.append(1 - x3)
    assert abs(lines[0] - lines[1]) > 1e-3  # the slice moved, and the line with it
    view.close()


def test_phi_range_labels_have_the_digits_that_tell_them_apart():
    from viz.figures.inset import distinct

    assert distinct(2.5, 1.25) == ("2.5", "1.25")
    assert distinct(1.0012, 1.0004) == ("1.001", "1")
    assert distinct(1.0000002, 0.9999991) == ("+1e-06", "1")  # not "1" beside "1", nor 7 digits
    assert distinct(0.9999987500017, 0.99999875) == ("+2e-12", "1")
    assert distinct(2.0, 2.0) == ("+0", "2")
    high, low = distinct(0.99875, 0.998749)
    assert high != low
