"""The live window's logic, headless: real matplotlib events dispatched on an Agg canvas."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backend_bases import KeyEvent, MouseEvent
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from viz_streams import make_seed, seed_penalty_stream

from viz import Animator
from viz.live import Player, live_figsize


class Stream:
    """A generator wrapper that remembers being closed (how an optimizer is told to stop)."""

    def __init__(self, iterable):
        self.inner, self.closed = iter(iterable), False

    def __iter__(self):
        return self

    def __next__(self):
        return next(self.inner)

    def close(self):
        self.closed = True


class IdleCanvas(FigureCanvasAgg):
    """Agg draws at once on draw_idle; a window coalesces: so do we (tests draw when they need)."""

    def draw_idle(self, *args, **kwargs):
        self.stale = True


def make_player(anim=None, **options):
    anim = anim or make_seed(inner=4)
    style = anim.scene.style
    fig = Figure(figsize=live_figsize(style.figsize), dpi=style.dpi)
    IdleCanvas(fig)
    return Player(anim, fig, **options)


def key(player, name):
    KeyEvent("key_press_event", player.figure.canvas, key=name, x=5, y=5)._process()


def click(player, ax, fx, fy):
    """Press and release mouse button 1 at axes fraction (fx, fy) of `ax`."""
    canvas = player.figure.canvas
    canvas.draw()  # widgets map clicks through the drawn layout
    x, y = ax.transAxes.transform((fx, fy))
    MouseEvent("button_press_event", canvas, x, y, button=1)._process()
    MouseEvent("button_release_event", canvas, x, y, button=1)._process()


def label(player):
    return player.view.label3d.get_text().split("\n")[0]


def seed_rerun(calls):
    def rerun(x0, M0, C):
        calls.append((tuple(x0), M0, C))
        return Stream(seed_penalty_stream(x0=x0, M0=M0, C=C, inner=4))

    return rerun


def test_keys_play_step_and_scrub_like_the_export():
    p = make_player()
    assert p.playing and p.frame == 0
    p.tick()
    assert p.frame == 1
    key(p, " ")
    assert not p.playing
    p.tick()
    assert p.frame == 1  # paused: the timer no longer advances
    key(p, "right")
    assert p.frame == 2 and p.controls.history.val == 2
    key(p, "left")
    assert p.frame == 1
    click(p, p.controls.history.ax, 0.999, 0.5)  # drag the history slider to its end
    last = len(p.view) - 1
    assert p.frame == last
    # the window shows iterate k exactly as the export does
    export = p.animator.view
    export.update(last)
    assert label(p) == export.label3d.get_text().split("\n")[0]
    np.testing.assert_array_equal(p.view.path2d.get_xydata(), export.path2d.get_xydata())


def test_buttons_match_keys():
    p = make_player()
    click(p, p.controls.buttons["play"].ax, 0.5, 0.5)
    assert not p.playing
    click(p, p.controls.buttons["step"].ax, 0.5, 0.5)
    assert p.frame == 1
    click(p, p.controls.buttons["restart"].ax, 0.5, 0.5)  # no rerun: replay from the start
    assert p.frame == 0 and p.playing
    click(p, p.view.ax2d, 0.5, 0.5)  # no rerun: a start point cannot be set, and the user is told
    assert "rerun" in p.controls.status.get_text() and p.frame == 0


def test_toolbar_keys_do_not_fire_and_other_keys_pass(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    fig = plt.figure()
    try:
        anim = make_seed(inner=4)
        p = Player(anim, fig, save_dir=tmp_path, lecture_dpi=30)
        passed = []
        monkeypatch.setattr("viz.live.player.key_press_handler", lambda event, *a: passed.append(event.key))
        for name in ("s", "r", "right", "g"):
            key(p, name)
        p.wait()  # saved in a thread
        assert passed == ["g"]  # s, r, right are ours on this figure only
        assert len(list(tmp_path.glob("*.png"))) == 1
    finally:
        plt.close(fig)


def test_speed_slider_sets_the_timer():
    p = make_player(fps=4.0)
    assert p.timer.interval == 250
    click(p, p.controls.speed.ax, 0.5, 0.5)
    assert p.timer.interval == int(1000 / p.controls.speed.val) < 250


def test_click_on_contour_restarts_from_there_and_streams_in():
    calls = []
    p = make_player(rerun=seed_rerun(calls), params={"M0": 1.0, "C": 10.0}, budget=1e-9, rebuild_every=0.0)
    domain = p.animator.scene.domain
    click(p, p.view.ax2d, 0.25, 0.75)
    (x0, M0, C), = calls
    (a, b), (c, d) = domain
    np.testing.assert_allclose(x0, (a + 0.25 * (b - a), c + 0.75 * (d - c)), rtol=1e-6)
    assert (M0, C) == (1.0, 10.0)
    p.tick()  # one iterate per tick at this budget: the first one is shown at once
    assert len(p.animator.trace) == 1 and p.frame == 0
    np.testing.assert_allclose(p.animator.trace.x[0], x0)
    for _ in range(200):
        p.tick()
    assert p._stream is None and not p.playing  # read to its end, played to its end
    assert p.frame == len(p.view) - 1 == p.controls.history.valmax
    assert p.animator.scene.domain == domain  # fixed by the first run: nothing jumps


def test_params_restart_and_bad_values_are_reported():
    calls = []
    p = make_player(rerun=seed_rerun(calls), params={"M0": 1.0, "C": 10.0})
    p.controls.params["C"].set_val("4")
    assert calls[-1][1:] == (1.0, 4.0) and p.params["C"] == 4.0
    p.controls.params["M0"].set_val("abc")
    assert len(calls) == 1 and "M0 must be a number" in p.controls.status.get_text()


def test_restart_closes_the_running_stream_and_close_stops_everything():
    streams = []

    def rerun(x0, lr):
        streams.append(Stream(seed_penalty_stream(x0=x0, inner=4)))
        return streams[-1]

    p = make_player(rerun=rerun, params={"lr": 0.1}, budget=1e-9)
    key(p, "r")
    p.tick()
    key(p, "r")
    assert streams[0].closed and not streams[1].closed
    p.figure.canvas.callbacks.process("close_event", None)
    assert streams[1].closed and p.closed
    frame = p.frame
    p.tick()
    assert p.frame == frame


def test_rotation_is_kept_by_rebuilds_saves_and_exports(tmp_path):
    calls = []
    p = make_player(rerun=seed_rerun(calls), params={"M0": 1.0, "C": 10.0}, save_dir=tmp_path, lecture_dpi=40)
    p.view.ax3d.view_init(elev=60.0, azim=10.0)  # what a mouse drag does
    key(p, "r")
    for _ in range(50):
        p.tick()
    assert (p.view.ax3d.elev, p.view.ax3d.azim) == (60.0, 10.0)
    key(p, " ")
    key(p, "s")
    key(p, "e")
    p.wait()  # saved and exported in threads
    (png,) = tmp_path.glob("optviz-iterate-*.png")
    (folder,) = tmp_path.glob("optviz-frames*")
    assert len(list(folder.glob("frame_*.png"))) == len(p.view)
    from PIL import Image

    with Image.open(png) as image:
        saved = np.asarray(image.convert("RGB"))
        assert image.info["dpi"] == pytest.approx((40, 40), abs=0.1)  # recorded, as the export does
    offscreen = p._offscreen(dpi=40)
    assert offscreen.scene.style.elev == 60.0 and offscreen.scene.style.azim == 10.0
    np.testing.assert_array_equal(saved, offscreen.render(p.frame)[..., :3])
    offscreen.close()
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically: no temporary file left
    assert saved.shape[1] == round(p.animator.scene.style.figsize[0] * 40 / 2) * 2


def test_panels_sit_above_the_controls():
    p = make_player()
    strip_top = max(ax.get_position().y1 for ax in p.figure.axes if ax not in p._panels)
    assert min(ax.get_position().y0 for ax in p._panels) > strip_top


def test_params_need_rerun_and_rerun_needs_callables():
    with pytest.raises(ValueError, match="rerun"):
        make_player(params={"M0": 1.0})
    scene_only = Animator.from_scene(make_seed(inner=4).scene)
    with pytest.raises(ValueError, match="from_scene"):
        make_player(scene_only, rerun=lambda x0: iter(()))
    with pytest.raises(ValueError, match="cannot be remade"):
        scene_only.remake([])


def test_remake_is_the_same_animator_for_other_iterates():
    anim = make_seed(inner=4)
    other = anim.remake(seed_penalty_stream(x0=(1.0, 1.5), inner=4), domain=anim.scene.domain)
    assert type(other) is Animator and other.scene.domain == anim.scene.domain
    assert other.scene.title == anim.scene.title and other.scene.style == anim.scene.style
    np.testing.assert_allclose(other.trace.x[0], (1.0, 1.5))


def test_export_runs_beside_the_window_and_closing_stops_it_with_complete_frames(tmp_path):
    from PIL import Image

    p = make_player(save_dir=tmp_path)
    job = p.export()
    assert job.running and p.controls.status.get_text().startswith("export")
    while job.running and job.done < 2:  # the window's thread is free meanwhile
        p.tick()
    p.figure.canvas.callbacks.process("close_event", None)  # the window closes mid-export
    assert not job.running and p.closed
    (folder,) = tmp_path.glob("optviz-frames*")
    frames = sorted(folder.glob("frame_*.png"))
    assert 2 <= len(frames) < len(p.view), job.error
    assert job.error == f"stopped: {len(frames)} of {len(p.view)} frames complete"
    for frame in frames:  # every frame left is whole
        with Image.open(frame) as image:
            image.load()
    assert not list(folder.glob(".*.tmp"))


def test_export_progress_and_result_reach_the_status_line(tmp_path):
    p = make_player(save_dir=tmp_path)
    p.toggle()
    p.export()
    p.wait()
    assert p.controls.status.get_text() == f"exported {len(p.view)} frames to optviz-frames/"
