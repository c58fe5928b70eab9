"""GIF and MP4: decoded back to the right frame count and size; ffmpeg lookup; fake writer."""

from __future__ import annotations

import shutil
import sys

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
