"""The live view: FuncAnimation over a frame sequence; headless machines get frames instead."""

from __future__ import annotations

import gc

import matplotlib.pyplot as plt
import pytest
from viz_streams import CountingWriter

import viz._animator as animator_module
from viz import has_display
from viz._live import default_frames_dir


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
    import viz._live as live

    monkeypatch.setattr(live.mpl, "get_backend", lambda: "TkAgg")
    monkeypatch.setattr(live.sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert not live.has_display()
    monkeypatch.setenv("DISPLAY", ":0")
    assert live.has_display()


def test_live_animation_steps_through_every_frame(quad_anim, monkeypatch, tmp_path):
    # pretend there is a display, then drive the FuncAnimation with a counting writer
    monkeypatch.setattr(animator_module, "has_display", lambda: True)
    monkeypatch.setattr(plt, "show", lambda **kwargs: None)
    animation = quad_anim.show(interval=1)
    try:
        writer = CountingWriter()
        animation.save(str(tmp_path / "live.txt"), writer=writer)
        assert writer.frames == len(quad_anim)
        # frames is a sequence, not a one-shot generator: it can play again
        assert list(animation._iter_gen()) == list(range(len(quad_anim)))
    finally:
        plt.close("all")


@pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")
def test_show_returns_the_animation_and_keeps_it_alive(quad_anim, monkeypatch):
    monkeypatch.setattr(animator_module, "has_display", lambda: True)
    monkeypatch.setattr(plt, "show", lambda **kwargs: None)
    animation = quad_anim.show()
    try:
        assert animation._fig._optviz_animation is animation
    finally:
        plt.close("all")
        del animation
        gc.collect()  # matplotlib warns when an unplayed animation is collected: here, not later


@pytest.mark.parametrize("backend", ["agg", "pdf", "svg", "module://matplotlib_inline.backend_inline"])
def test_non_interactive_backends(monkeypatch, backend):
    import viz._live as live

    monkeypatch.setattr(live.mpl, "get_backend", lambda: backend)
    assert not live.has_display()
