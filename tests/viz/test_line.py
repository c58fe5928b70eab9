"""One-variable runs: the line scene (F(x; M) curves, feasible interval) and its figure."""

from __future__ import annotations

import numpy as np
import pytest
from viz_streams import PenaltyIterate

from viz import Animator
from viz.figures import figure_for
from viz.figures.line import LineFigure
from viz.scenes.line import LineScene


def F_of(M):
    """F(x; M) = (x - 2)^2 + M max(0, x - 1)^2: minimize (x - 2)^2 subject to x <= 1."""
    return lambda X: (X - 2) ** 2 + M * np.maximum(0.0, X - 1) ** 2


def x_of(M):
    """The exact minimizer of F(x; M): x(M) = (2 + M) / (1 + M) (Nocedal & Wright, 17.1)."""
    return (2 + M) / (1 + M)


def penalty_stream(weights=(1.0, 10.0, 100.0)):
    """Newton's method on each F(x; M) (one exact step: F is quadratic where x > 1), from x0 = 3."""
    x, k = 3.0, 0
    for outer, M in enumerate(weights):
        for _ in range(2):
            g = 2 * (x - 2) + 2 * M * max(0.0, x - 1)
            yield PenaltyIterate(k=k, x=np.array([x]), fun=float(F_of(M)(x)), grad=np.array([g]), M=M,
                                 outer=outer, objective=(x - 2) ** 2, violation=max(0.0, x - 1))
            k += 1
            x = x_of(M)


@pytest.fixture
def line_anim():
    anim = Animator(penalty_stream(), surface_of_M=F_of, inequalities=[lambda X: X - 1],
                    figsize=(6.4, 3.6), dpi=60)
    yield anim
    anim.close()


def test_line_scene_evaluates_every_weight_and_the_feasible_interval(line_anim):
    sc = line_anim.scene
    assert isinstance(sc, LineScene)
    assert sc.Ms == (1.0, 10.0, 100.0)
    for m, M in enumerate(sc.Ms):
        np.testing.assert_allclose(sc.curves[m], F_of(M)(sc.xs))
    np.testing.assert_array_equal(sc.feasible, sc.xs <= 1)
    np.testing.assert_allclose(sc.heights, sc.trace.fun)
    # the outer minimizers are the last iterate of each weight: x(M) of the previous step
    np.testing.assert_allclose(sc.trace.x[sc.outer_ends[:-1], 0], [x_of(1.0), x_of(10.0)])


def test_curves_rise_with_M_current_bold_earlier_faint_later_hidden(line_anim):
    view = line_anim.view
    assert isinstance(view, LineFigure) and isinstance(figure_for(line_anim.scene), LineFigure)
    sc = line_anim.scene
    frame = int(np.flatnonzero(sc.m_index[sc.frames] == 1)[0])
    line_anim.render(frame)
    widths = [c.get_linewidth() for c in view._curves]
    assert [c.get_visible() for c in view._curves] == [True, True, False]
    assert widths[1] > 2 * widths[0]
    assert not view._star.get_visible()
    line_anim.render(len(line_anim) - 1)
    assert view._star.get_visible()
    # the point sits on its own curve
    i = int(sc.frames[-1])
    assert view.point.get_ydata()[0] == pytest.approx(F_of(100.0)(sc.trace.x[i, 0]))


def test_cached_frames_equal_full_drawings(line_anim):
    for frame in (0, 3, len(line_anim) - 1):
        cached = line_anim.render(frame)
        line_anim.figure.canvas.draw()
        full = np.asarray(line_anim.figure.canvas.buffer_rgba())
        np.testing.assert_array_equal(cached, full)


def test_one_variable_frames_export(tmp_path):
    anim = Animator(penalty_stream(), surface_of_M=F_of, figsize=(3.2, 1.8), dpi=50)
    try:
        result = anim.save_frames(tmp_path, quiet=True)
    finally:
        anim.close()
    assert result.count == 6 and len(list(tmp_path.glob("frame_*.png"))) == 6
