"""GIF and MP4 export through matplotlib's movie writers.

GIF uses matplotlib's Pillow writer; MP4 its ffmpeg writer (H.264, yuv420p, even frame size, so
slides and browsers play it). ffmpeg comes from matplotlib's ``animation.ffmpeg_path``, the PATH,
or the ``imageio-ffmpeg`` package (the ``optviz[video]`` extra), in that order. Both writers are fed
the animator's cached frame pixels instead of re-drawing the whole figure per frame.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import matplotlib as mpl
import numpy as np
from matplotlib.animation import AbstractMovieWriter, FFMpegWriter, PillowWriter

from ..figures import CachedFigure
from .atomic import umask
from .progress import progress
from .swap import signals_held

__all__ = ["FFmpegNotFoundError", "find_ffmpeg", "mp4_writer", "gif_writer", "write_movie"]

FFMPEG_HELP = ('MP4 export needs ffmpeg, and none was found. Install one with pip install "optviz[video]" '
               "(bundles ffmpeg through imageio-ffmpeg) or apt install ffmpeg (brew install ffmpeg on "
               "macOS), or set matplotlib.rcParams['animation.ffmpeg_path']. "
               "PNG frames and GIF need no ffmpeg.")


class FFmpegNotFoundError(RuntimeError):
    """No ffmpeg executable: the message says how to get one."""


def find_ffmpeg() -> str:
    """Path of an ffmpeg executable.

    Raises
    ------
    FFmpegNotFoundError
        With install instructions, when there is none.
    """
    configured = str(mpl.rcParams["animation.ffmpeg_path"])
    for candidate in (configured, "ffmpeg"):
        found = shutil.which(candidate)
        if found:
            return found
    try:
        import imageio_ffmpeg

        exe = imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError, OSError):
        exe = None
    if exe and os.path.isfile(exe):
        return exe
    raise FFmpegNotFoundError(FFMPEG_HELP)


class _PixelsPillowWriter(PillowWriter):
    """Pillow GIF writer taking ready pixels; frames are kept as palette images (1 byte a pixel).

    Pillow writes a GIF only at the end, so its frames stay in memory; a palette keeps that a
    quarter of RGBA. Use ``every=`` for long runs, or MP4/PNG, which stream.
    """

    def grab_pixels(self, rgba: np.ndarray) -> None:
        from PIL import Image

        image = Image.frombuffer("RGBA", (rgba.shape[1], rgba.shape[0]), np.ascontiguousarray(rgba),
                                 "raw", "RGBA", 0, 1)
        self._frames.append(image.convert("RGB").quantize(colors=255, method=Image.Quantize.FASTOCTREE))


class _PixelsFFMpegWriter(FFMpegWriter):
    """matplotlib's pipe-based ffmpeg writer, fed raw RGBA pixels of the figure's exact size."""

    def grab_pixels(self, rgba: np.ndarray) -> None:
        w, h = self.frame_size
        if rgba.shape[:2] != (h, w):
            raise ValueError(f"frame of {rgba.shape[1]}x{rgba.shape[0]} pixels, the movie is {w}x{h}")
        self._proc.stdin.write(np.ascontiguousarray(rgba).tobytes())


def gif_writer(*, fps: float = 10.0) -> AbstractMovieWriter:
    """matplotlib's Pillow writer for GIF (no external program needed)."""
    return _PixelsPillowWriter(fps=fps)


def mp4_writer(*, fps: float = 10.0, bitrate: int = -1) -> AbstractMovieWriter:
    """matplotlib's ffmpeg writer for H.264 MP4 in yuv420p.

    Raises
    ------
    FFmpegNotFoundError
        When no ffmpeg is available (never falls back to another writer with ffmpeg arguments).
    """
    exe = find_ffmpeg()
    mpl.rcParams["animation.ffmpeg_path"] = exe  # matplotlib's writer reads the path from here
    return _PixelsFFMpegWriter(fps=fps, codec="h264", bitrate=bitrate,
                               extra_args=["-pix_fmt", "yuv420p", "-movflags", "+faststart"])


def write_movie(view: CachedFigure, path: str | os.PathLike[str], writer: AbstractMovieWriter, *,
                quiet: bool = False) -> Path:
    """Write every frame of `view` with a matplotlib movie `writer` to `path`, atomically.

    Writers with ``grab_pixels`` get the cached frame pixels; any other
    `~matplotlib.animation.AbstractMovieWriter` (e.g. a test's frame counter) gets
    ``grab_frame()`` after each ``view.update``. The movie goes to a temporary file
    ``.<stem>.XXXX<suffix>`` beside `path` (the suffix tells the writer the format) that replaces
    `path` only when complete.

    Notes
    -----
    On any exception, Ctrl-C and SIGTERM included (the demos raise SIGTERM as a KeyboardInterrupt),
    the writer is abandoned rather than finished: ffmpeg is killed and waited for, so it cannot
    write on after the temporary file is removed, and matplotlib's ``finish`` (which fails on a
    movie of no frames) never replaces the interruption with its own error. The temporary file is
    created and ffmpeg started with the signals held back, so a signal lands before or after both.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fig = view.figure
    tmp: Path | None = None
    try:
        with signals_held():
            tmp = _temporary_beside(target)
            writer.setup(fig, str(tmp), dpi=fig.dpi)
        # as matplotlib's `saving`: a 'tight' bbox would change the frame size from frame to frame
        with progress(len(view), label=f"{target.suffix[1:].upper() or 'movie'} -> {target}",
                      quiet=quiet) as bar, mpl.rc_context({"savefig.bbox": None}):
            direct = hasattr(writer, "grab_pixels")
            for frame in range(len(view)):
                if direct:
                    writer.grab_pixels(view.render(frame, copy=False))
                else:
                    view.update(frame)
                    writer.grab_frame()
                bar.update(1)
        writer.finish()
        os.replace(tmp, target)
    except BaseException:
        _abandon(writer)
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise
    return target


def _temporary_beside(target: Path) -> Path:
    """An empty file ``.<stem>.XXXX<suffix>`` beside `target`, with the umask's usual permissions."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=target.suffix)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~umask())
    return Path(tmp)


def _abandon(writer: AbstractMovieWriter) -> None:
    """Stop a writer without finishing its movie: kill its external program (ffmpeg) and wait for it."""
    proc = getattr(writer, "_proc", None)
    if proc is None:
        return
    if proc.poll() is None:
        proc.kill()
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()
    proc.wait()
