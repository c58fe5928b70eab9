"""The live view: a timer-driven player; notebooks get ipympl or HTML; headless machines get frames."""

from __future__ import annotations

import importlib
import os

import matplotlib.pyplot as plt
import pytest
from viz_streams import make_quadratic

import viz._animator as animator_module
from viz import has_display
from viz.live import default_frames_dir, embedded_frames, to_jshtml


def test_agg_is_not_a_display():
    assert not has_display()


def test_headless_show_exports_frames_and_says_where(quad_anim, tmp_path, capsys):
    result = quad_anim.show(fallback_dir=tmp_path / "live", quiet=True)
    assert result.count == len(quad_anim)
    assert len(list((tmp_path / "live").glob("frame_*.png"))) == len(quad_anim)
    out = capsys.readouterr().out
    assert "No display" in out and str((tmp_path / "live").resolve()) in out


def test_default_frames_dir_never_reuses_a_folder_with_frames(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = default_frames_dir()
    assert first.name == "optviz-frames"
    first.mkdir()
    (first / "frame_0000.png").write_bytes(b"x")
    assert default_frames_dir().name == "optviz-frames-2"


def test_no_display_variable_means_no_display(monkeypatch):
    import viz.live.display as live

    monkeypatch.setattr(live.mpl, "get_backend", lambda: "TkAgg")
    monkeypatch.setattr(live.sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert not live.has_display()
    monkeypatch.setenv("DISPLAY", ":0")
    assert live.has_display()


def test_show_plays_every_frame_and_keeps_the_player_alive(quad_anim, monkeypatch):
    # pretend there is a display; the timer's ticks are called by hand
    monkeypatch.setattr(animator_module, "has_display", lambda: True)
    monkeypatch.setattr(plt, "show", lambda **kwargs: None)
    player = quad_anim.show(interval=1)
    try:
        assert player.figure._optviz_player is player
        shown = [player.frame]
        while player.playing:
            player.tick()
            shown.append(player.frame)
        assert shown == list(range(len(quad_anim))) + [len(quad_anim) - 1]
    finally:
        plt.close("all")


def test_notebook_html_embeds_every_frame(quad_anim):
    html = to_jshtml(quad_anim, fps=5)
    assert embedded_frames(html) == len(quad_anim)
    with pytest.raises(ValueError, match="embed_limit_mb"):
        to_jshtml(quad_anim, embed_limit_mb=0.001)  # matplotlib would silently drop frames


@pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")  # ipympl vs traitlets
def test_player_runs_on_ipympl_canvas():
    backend = plt.get_backend()
    try:  # CI installs the [test] extra, ipympl included: never skip there
        ipympl = pytest.importorskip("ipympl.backend_nbagg") if not os.environ.get("CI") else \
            importlib.import_module("ipympl.backend_nbagg")
    finally:
        plt.switch_backend(backend)  # importing ipympl makes it pyplot's backend
    from matplotlib.backend_bases import KeyEvent
    from matplotlib.figure import Figure

    from viz.live import Player

    anim = make_quadratic()
    fig = Figure(figsize=anim.scene.style.figsize, dpi=anim.scene.style.dpi)
    ipympl.new_figure_manager_given_figure(1, fig)  # what %matplotlib widget does for a figure
    assert isinstance(fig.canvas, ipympl.Canvas)
    player = Player(anim, fig, fps=20)
    player.tick()
    KeyEvent("key_press_event", fig.canvas, key=" ")._process()
    KeyEvent("key_press_event", fig.canvas, key="right")._process()
    assert player.frame == 2 and not player.playing
    fig.canvas.draw()
    assert player.view.label3d.get_text().startswith("k = 2")
    player.close()


def test_ipympl_backend_needs_no_x_display(monkeypatch):
    import viz.live.display as live

    monkeypatch.setattr(live.mpl, "get_backend", lambda: "module://ipympl.backend_nbagg")
    monkeypatch.setattr(live.sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert live.has_display()


@pytest.mark.parametrize("backend", ["agg", "pdf", "svg", "module://matplotlib_inline.backend_inline"])
def test_non_interactive_backends(monkeypatch, backend):
    import viz.live.display as live

    monkeypatch.setattr(live.mpl, "get_backend", lambda: backend)
    assert not live.has_display()
