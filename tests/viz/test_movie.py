"""GIF and MP4: decoded back to the right frame count and size; ffmpeg lookup; fake writer."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import matplotlib as mpl
import pytest
from matplotlib.animation import FFMpegWriter
from PIL import Image
from viz_streams import CountingWriter, make_quadratic

from viz import FFmpegNotFoundError
from viz.export import find_ffmpeg


def test_fake_writer_sees_every_frame_once(quad_anim, tmp_path):
    writer = CountingWriter()
    path = quad_anim.save(tmp_path / "count.txt", writer, quiet=True)
    assert writer.frames == len(quad_anim) and writer.finished
    assert path.read_text() == str(len(quad_anim))


def test_gif_decodes_to_every_frame(quad_anim, tmp_path):
    path = quad_anim.save_gif(tmp_path / "a.gif", fps=5, quiet=True)
    image = Image.open(path)
    assert image.n_frames == len(quad_anim)
    h, w = quad_anim.render(0).shape[:2]
    assert image.size == (w, h)
    assert image.info["duration"] == 200
    assert [p.name for p in tmp_path.iterdir()] == ["a.gif"]  # no temporary file left


def test_mp4_decodes_to_every_frame_in_yuv420p(tmp_path):
    import imageio_ffmpeg  # in the [test] extra

    anim = make_quadratic(steps=9, figsize=(3.3, 1.9), dpi=50)  # odd pixel sizes asked for
    path = anim.save_mp4(tmp_path / "a.mp4", fps=5, quiet=True)
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    count = sum(1 for _ in reader)
    assert count == len(anim)
    assert meta["codec"] == "h264" and meta["pix_fmt"].startswith("yuv420p")
    w, h = meta["size"]
    assert w % 2 == 0 and h % 2 == 0
    assert (w, h) == anim.render(0).shape[1::-1]
    anim.close()


def test_missing_ffmpeg_gives_install_instructions(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    monkeypatch.setitem(mpl.rcParams, "animation.ffmpeg_path", "no-such-ffmpeg")
    with pytest.raises(FFmpegNotFoundError) as info:
        find_ffmpeg()
    message = str(info.value)
    assert 'pip install "optviz[video]"' in message and "apt install ffmpeg" in message


def test_missing_ffmpeg_never_falls_back_to_another_writer(quad_anim, tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    monkeypatch.setitem(mpl.rcParams, "animation.ffmpeg_path", "no-such-ffmpeg")
    with pytest.raises(FFmpegNotFoundError):
        quad_anim.save_mp4(tmp_path / "a.mp4", quiet=True)
    assert not list(tmp_path.iterdir())


def test_imageio_ffmpeg_is_found_and_used(monkeypatch):
    import imageio_ffmpeg  # in the [test] extra

    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name: None if "ffmpeg" in str(name) else real_which(name))
    monkeypatch.setitem(mpl.rcParams, "animation.ffmpeg_path", "ffmpeg")
    assert find_ffmpeg() == imageio_ffmpeg.get_ffmpeg_exe()
    from viz.export import mp4_writer

    writer = mp4_writer(fps=4)
    assert isinstance(writer, FFMpegWriter)
    assert mpl.rcParams["animation.ffmpeg_path"] == imageio_ffmpeg.get_ffmpeg_exe()


def test_failed_movie_leaves_no_file(quad_anim, tmp_path):
    class Broken(CountingWriter):
        def grab_frame(self, **kwargs):
            if self.frames == 2:
                raise KeyboardInterrupt
            super().grab_frame(**kwargs)

    with pytest.raises(KeyboardInterrupt):
        quad_anim.save(tmp_path / "x.txt", Broken(), quiet=True)
    assert not list(tmp_path.iterdir())


def _interrupt_at(monkeypatch, frame):
    from viz.figures import SceneFigure

    original = SceneFigure.render

    def render(self, i, **kwargs):
        if i == frame:
            raise KeyboardInterrupt
        return original(self, i, **kwargs)

    monkeypatch.setattr(SceneFigure, "render", render)


def test_gif_interrupted_before_its_first_frame_is_the_interruption_and_no_file(quad_anim, tmp_path,
                                                                                monkeypatch):
    _interrupt_at(monkeypatch, 0)  # matplotlib's finish would raise IndexError here
    with pytest.raises(KeyboardInterrupt) as info:
        quad_anim.save_gif(tmp_path / "a.gif", quiet=True)
    assert info.value.__context__ is None
    assert not list(tmp_path.iterdir())


def test_mp4_interrupted_kills_and_waits_for_ffmpeg_and_leaves_no_file(quad_anim, tmp_path, monkeypatch):
    from viz.export import mp4_writer, write_movie

    writer = mp4_writer(fps=5)
    _interrupt_at(monkeypatch, 2)
    with pytest.raises(KeyboardInterrupt):
        write_movie(quad_anim.view, tmp_path / "a.mp4", writer, quiet=True)
    assert writer._proc.returncode is not None  # ffmpeg is gone: it cannot write on
    assert not list(tmp_path.iterdir())


def test_a_signal_while_ffmpeg_starts_is_held_until_it_can_be_stopped(quad_anim, tmp_path):
    import os
    import signal

    from viz.export import mp4_writer, write_movie

    writer = mp4_writer(fps=5)
    setup = writer.setup

    def setup_then_ctrl_c(*args, **kwargs):
        setup(*args, **kwargs)  # ffmpeg has started: a Ctrl-C now must not orphan it
        os.kill(os.getpid(), signal.SIGINT)

    writer.setup = setup_then_ctrl_c
    with pytest.raises(KeyboardInterrupt):
        write_movie(quad_anim.view, tmp_path / "a.mp4", writer, quiet=True)
    assert writer._proc.returncode is not None
    assert not list(tmp_path.iterdir())


def test_movie_temporary_file_has_the_target_suffix_in_its_folder(quad_anim, tmp_path):
    seen = []

    class Spy(CountingWriter):
        def setup(self, fig, outfile, dpi=None):
            seen.append(outfile)
            super().setup(fig, outfile, dpi=dpi)

    quad_anim.save(tmp_path / "sub" / "movie.gif", Spy(), quiet=True)
    tmp = seen[0]
    assert Path(tmp).parent == tmp_path / "sub" and tmp.endswith(".gif")
    assert Path(tmp).name.startswith(".movie.")
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == ["movie.gif"]
