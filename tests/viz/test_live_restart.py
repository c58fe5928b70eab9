"""A restart re-points the drawn figure at the new run (`SceneFigure.retarget`) and redraws only
what changed (`figures.repaint.Kept`): every frame is the one a figure built afresh draws."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from test_player import IdleCanvas
from viz_streams import make_seed, seed_penalty_stream

from viz.figures import figure_for
from viz.live import Player, live_figsize

SIZE = dict(figsize=(9.6, 5.4), dpi=80)  # a small window (at the tests' thumbnail size, panels touch)


def runs(*starts, first=(-0.5, 0.2)):
    """The seed animator from `first`, and its remakes from `starts` (the window's fixed box)."""
    anim = make_seed(stream=seed_penalty_stream(x0=first, inner=4), **SIZE)
    fixed = dict(domain=anim.scene.domain, zlim=anim.scene.z_range(0))
    return anim, [anim.remake(seed_penalty_stream(x0=x0, inner=4), **fixed) for x0 in starts]


def counted(view):
    """`view`, its canvas counting full drawings in ``view.draws``."""
    canvas, view.draws = view.figure.canvas, 0
    draw = canvas.draw

    def counting(*args, **kwargs):
        view.draws += 1
        return draw(*args, **kwargs)

    canvas.draw = counting
    return view


def test_retargeted_figure_draws_what_a_new_one_draws_without_drawing_it_whole():
    _, (a, b) = runs((-0.4, 0.3), (0.5, 1.6))
    view = counted(figure_for(a.scene))
    view.keep_first = True  # as in the window
    view.render(0)
    view.render(len(view) - 1)  # the run has finished: its last frame shows
    assert view.retarget(b.scene)
    view.draws = 0
    first = view.render(0)
    assert view.draws == 0  # the first frame's background, kept, with the new convergence plots
    fresh = figure_for(b.scene)
    np.testing.assert_array_equal(first, fresh.render(0))
    for frame in (1, len(fresh) // 2, len(fresh) - 1):  # later weights: drawn for the new run
        np.testing.assert_array_equal(view.render(frame), fresh.render(frame))
    assert len(view) == len(fresh) and view.scene is b.scene


def test_retarget_declines_another_problem_and_changes_nothing():
    anim, (a,) = runs((-0.4, 0.3))
    other = anim.remake(seed_penalty_stream(x0=(-0.4, 0.3), inner=4), domain=((-2.0, 2.0), (-2.0, 2.0)))
    view = figure_for(a.scene)
    before = view.render(2).copy()
    assert not view.retarget(other.scene)
    assert view.scene is a.scene
    np.testing.assert_array_equal(view.render(2), before)


def test_an_artist_over_the_changed_panels_makes_it_draw_the_whole_figure():
    _, (a, b) = runs((-0.4, 0.3), (0.5, 1.6))
    view, fresh = counted(figure_for(a.scene)), figure_for(b.scene)
    for fig in (view.figure, fresh.figure):  # a note across the convergence plots
        fig.text(0.6, 0.2, "a note over the plots", fontsize=20)
    view.render(0)
    assert view.retarget(b.scene)
    view.draws = 0
    np.testing.assert_array_equal(view.render(0), fresh.render(0))
    assert view.draws == 1  # redrawing the plots alone would have painted over the note


def test_player_restart_keeps_the_panels_and_shows_the_frames_a_full_drawing_shows():
    anim, _ = runs()
    fig = Figure(figsize=live_figsize(anim.scene.style.pixel_figsize), dpi=anim.scene.style.dpi)
    IdleCanvas(fig)
    p = Player(anim, fig, rerun=lambda x0, M0, C: seed_penalty_stream(x0=x0, M0=M0, C=C, inner=4),
               params={"M0": 1.0, "C": 10.0})
    p.screen.frame(0)
    view, canvas = counted(p.view), fig.canvas
    for x0 in ((-0.4, 0.3), (0.5, 1.6)):
        p.show_frame(len(p.view) - 1)
        p.screen.frame(p.frame)
        view.draws = 0
        p.restart(x0=np.array(x0))
        p.tick()  # the whole (short) run is read, the panels re-pointed
        p.screen.frame(p.frame)
        assert p.view is view and view.draws == 0
        np.testing.assert_allclose(p.animator.trace.x[0], x0)
        shown = np.asarray(canvas.buffer_rgba()).copy()
        view.invalidate()  # the same frame drawn whole
        p.screen.frame(p.frame)
        np.testing.assert_array_equal(shown, np.asarray(canvas.buffer_rgba()))
    assert p.controls.history.valmax == len(p.view) - 1


def test_play_button_redraws_alone():
    anim, _ = runs()
    fig = Figure(figsize=live_figsize(anim.scene.style.pixel_figsize), dpi=anim.scene.style.dpi)
    IdleCanvas(fig)
    p = Player(anim, fig)
    p.screen.frame(0)
    view, canvas = counted(p.view), fig.canvas
    p.toggle()  # pause: the button says "play"
    p.screen.frame(p.frame)
    assert view.draws == 0 and p.controls.buttons["play"].label.get_text().startswith("play")
    shown = np.asarray(canvas.buffer_rgba()).copy()
    view.invalidate()
    p.screen.frame(p.frame)
    np.testing.assert_array_equal(shown, np.asarray(canvas.buffer_rgba()))
