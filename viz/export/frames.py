"""PNG frame export: serial or across processes, atomic and interrupt-safe, with a LaTeX snippet.

Frames are ``frame_0000.png, frame_0001.png, ...`` (zero-padded to the count), all the same
pixel size (figure size times dpi, never ``bbox_inches='tight'``), built in a staging folder and
moved into place, so an interrupted export leaves only complete frames. Beside them,
``frames.tex`` includes them with the LaTeX ``animate`` package for a Beamer slide.

In parallel, each task is a contiguous run of frames sent as plain data (`Scene.restricted`);
the worker builds its own figure once and writes its PNGs itself. On Ctrl-C the default pool's
workers stop after their current frame, and the count of complete frames is reported.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..figures import CachedFigure, figure_for
from ..scenes import Scene
from .atomic import write_atomic
from .png import BandedPngEncoder
from .progress import progress
from .swap import publish, staging

__all__ = ["ExportInterrupted", "FrameExport", "export_frames", "export_frames_parallel", "frame_name",
           "frames_tex", "prepare_directory"]

TEX_NAME = "frames.tex"


@dataclass(frozen=True)
class FrameExport:
    """What an export wrote.

    Attributes
    ----------
    directory : Path
        The folder holding the frames.
    count : int
        Frames written.
    size : (int, int)
        Width and height of every frame in pixels.
    seconds : float
        Wall time of the export.
    tex : Path or None
        The ``frames.tex`` snippet, if written.
    """

    directory: Path
    count: int
    size: tuple[int, int]
    seconds: float
    tex: Path | None = None

    @property
    def fps(self) -> float:
        """Frames written per second of wall time."""
        return self.count / self.seconds if self.seconds > 0 else float("inf")


class ExportInterrupted(KeyboardInterrupt):
    """Ctrl-C during an export: `written` complete frames are in `directory`, nothing partial.

    An export interrupted while replacing an earlier one keeps the earlier one (``written == 0``).

    A `KeyboardInterrupt`, so a program that does not catch it still stops as Ctrl-C should.
    """

    def __init__(self, directory: Path, written: int, total: int, *, message: str | None = None,
                 reported: bool = False):
        message = message or f"export interrupted: {written} of {total} frames complete in {directory}"
        super().__init__(message)
        self.directory, self.written, self.total = directory, written, total
        self.reported = reported  # the export has printed what it left (not quiet)


def frame_name(index: int, total: int) -> str:
    """``frame_0007.png``: zero-padded to at least 4 digits, more when `total` needs them."""
    return f"frame_{index:0{max(4, len(str(max(total - 1, 0))))}d}.png"


def _earlier_outputs(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(directory.glob("frame_*.png")) + ([directory / TEX_NAME] if (directory / TEX_NAME).exists()
                                                    else [])


def prepare_directory(directory: str | os.PathLike[str], *, overwrite: bool) -> Path:
    """Check `directory` can take an export: refuse a file, or earlier frames unless `overwrite`.

    Nothing is created or removed here: the export is built in a `staging` folder and
    published only when complete.

    Raises
    ------
    NotADirectoryError
        If `directory` is a file.
    FileExistsError
        If earlier frames are there and `overwrite` is false.
    """
    path = Path(directory)
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(f"{path} is a file; frames need a folder")
    earlier = _earlier_outputs(path)
    if earlier and not overwrite:
        raise FileExistsError(f"{path} already holds {len(earlier)} earlier frame file(s); pass "
                              "overwrite=True (demos: --overwrite) or choose an empty folder")
    return path


def _publish(staged: Path, directory: Path) -> None:
    """Move the export in `staged` into `directory` (frames first, frames.tex last; see `publish`)."""
    new = _earlier_outputs(staged)  # frames sort before frames.tex
    names = {f.name for f in new}
    publish(new, directory, stale=[old for old in _earlier_outputs(directory) if old.name not in names])


def _interrupted(path: Path, staged: Path, written: int, total: int, *, earlier: bool,
                 quiet: bool) -> ExportInterrupted:
    """Ctrl-C mid-export: an earlier export stays as it was; in an empty folder the complete frames stay."""
    if earlier:
        _say(f"Interrupted after {written} of {total} frames: the earlier export in {path} is unchanged",
             quiet)
        return ExportInterrupted(path, 0, total, message=f"export interrupted: the earlier export in {path} "
                                 "is unchanged", reported=not quiet)
    with contextlib.suppress(KeyboardInterrupt):  # a second Ctrl-C, held back while publishing
        _publish(staged, path)
    _say(f"Interrupted: {written} of {total} frames complete in {path}", quiet)
    return ExportInterrupted(path, written, total, reported=not quiet)


def frames_tex(directory: Path, count: int, *, fps: float, name: str | None = None) -> Path:
    """Write ``frames.tex``: an `animate` package ``\\animategraphics`` of the frames.

    ``\\input`` it from a document in the folder's parent (else edit the path prefix in the
    file); the preamble needs ``\\usepackage{animate}``. `name` is the folder the snippet names
    (default `directory`'s own: another when it is written in a staging folder).
    """
    first, last = frame_name(0, count)[6:-4], frame_name(count - 1, count)[6:-4]
    text = (
        "% Frames exported by optviz. Preamble: \\usepackage{animate}\n"
        "% The path below is relative to the main .tex file, assumed to sit in this folder's parent.\n"
        f"\\animategraphics[controls,loop,width=\\linewidth]{{{fps:g}}}{{{name or directory.name}/frame_}}"
        f"{{{first}}}{{{last}}}\n"
    )
    path = directory / TEX_NAME
    write_atomic(path, text.encode())
    return path


def _say(message: str, quiet: bool) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


def _write_staged(path: Path, data: bytes) -> None:
    """Write a frame into the staging folder in place: no temporary file and rename, as nothing
    there is published but the frames counted complete (a Ctrl-C mid-write removes the frame
    being written before publishing the rest, see `export_frames`)."""
    with open(path, "wb") as f:
        f.write(data)


def export_frames(view: CachedFigure, directory: str | os.PathLike[str], *, overwrite: bool = False,
                  quiet: bool = False, tex: bool = True, fps: float = 10.0) -> FrameExport:
    """Render every frame of `view` in this process and write the PNGs to `directory`.

    Raises
    ------
    FileExistsError
        If `directory` holds earlier frames and `overwrite` is false.
    ExportInterrupted
        On Ctrl-C, after reporting how many complete frames were written.
    """
    path = prepare_directory(directory, overwrite=overwrite)
    earlier = bool(_earlier_outputs(path))
    total = len(view)
    encoder = BandedPngEncoder(dpi=view.figure.dpi)
    start, written, size = time.perf_counter(), 0, (0, 0)
    with staging(path) as staged:
        try:
            with progress(total, label=f"PNG frames -> {path}", quiet=quiet) as bar:
                for frame in range(total):
                    pixels = view.render(frame, copy=False)
                    encoder.set_background(*view.background)
                    _write_staged(staged / frame_name(frame, total), encoder.encode(pixels))
                    size = (pixels.shape[1], pixels.shape[0])
                    written += 1
                    bar.update(1)
            if tex:
                frames_tex(staged, total, fps=fps, name=path.resolve().name)
        except KeyboardInterrupt:
            if written < total:  # the frame being written, perhaps in part (see `_write_staged`)
                (staged / frame_name(written, total)).unlink(missing_ok=True)
            raise _interrupted(path, staged, written, total, earlier=earlier, quiet=quiet) from None
        _publish(staged, path)
    tex_path = path / TEX_NAME if tex else None
    return FrameExport(path, written, size, time.perf_counter() - start, tex_path)


_STOP: Any = None  # in a worker of the default pool: the event the parent sets on Ctrl-C


def _render_chunk(scene: Scene, positions: Sequence[int], directory: str, total: int) -> tuple[int, int, int]:
    """Worker task: build one figure, render a contiguous run of frames, write them.

    Runs in another process (or on another machine); it receives only plain data. In the
    default pool it stops after the current frame once the parent asks (Ctrl-C).
    """
    view = figure_for(scene)  # an off-screen Agg figure: no backend or display involved
    encoder = BandedPngEncoder(dpi=view.figure.dpi)
    w = h = written = 0
    for frame in positions:
        if _STOP is not None and _STOP.is_set():
            break
        pixels = view.render(int(frame), copy=False)
        encoder.set_background(*view.background)
        write_atomic(Path(directory) / frame_name(int(frame), total), encoder.encode(pixels))
        h, w = pixels.shape[:2]
        written += 1
    view.close()
    return written, w, h


def _init_worker(stop: Any) -> None:
    # Ctrl-C is the parent's to handle: it sets `stop`, and each worker ends after its current
    # frame. (Terminating workers instead can leave the pool's feeder thread blocked for ever.)
    global _STOP
    _STOP = stop
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _one_blas_thread()


def _one_blas_thread() -> None:
    """Keep each worker's BLAS single-threaded: one process per core already uses every core, and
    BLAS threads spinning beside them slowed a 2-process export below the serial one."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional: without it a pool runs, only with BLAS threads competing
        return
    threadpool_limits(limits=1)


def default_executor(workers: int | None = None) -> cf.ProcessPoolExecutor:
    """A process pool over the machine's cores, whose workers stop early when asked.

    On Linux the workers are forked: nothing is re-imported, and a script without an
    ``if __name__ == "__main__":`` guard still works. Elsewhere Python's default ('spawn') needs
    that guard. Workers only use off-screen Agg figures, so no GUI state is touched after a fork.
    The pool's ``optviz_stop`` event, once set, makes running chunks return after their current frame.
    """
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)
    stop = context.Event()
    pool = cf.ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1, mp_context=context,
                                  initializer=_init_worker, initargs=(stop,))
    pool.optviz_stop = stop  # type: ignore[attr-defined]
    return pool


def export_frames_parallel(scene: Scene, directory: str | os.PathLike[str], *,
                           executor: cf.Executor | None = None, chunks: int | None = None,
                           overwrite: bool = False, quiet: bool = False, tex: bool = True,
                           fps: float = 10.0) -> FrameExport:
    """Render the frames of `scene` in parallel processes and write the PNGs to `directory`.

    Parameters
    ----------
    scene : Scene
        Plain data; each task receives it with only its chunk's surface grids.
    executor : concurrent.futures.Executor, optional
        Where chunks run; by default a process pool over the machine's cores (`default_executor`).
        Any executor works (Dask's or Ray's, for a cluster) if its workers can import optviz and
        write to `directory`. Not a thread pool: matplotlib is not thread-safe. On Ctrl-C, chunks
        not yet started are cancelled; with your own executor, chunks already running finish
        (their frames are complete too), so the reported count is a lower bound.
    chunks : int, optional
        Number of contiguous frame ranges (default: twice the pool's workers, for balance).

    Returns
    -------
    FrameExport
    """
    path = prepare_directory(directory, overwrite=overwrite)
    earlier = bool(_earlier_outputs(path))
    total = len(scene)
    own = executor is None
    pool = default_executor() if own else executor
    workers = getattr(pool, "_max_workers", None) or os.cpu_count() or 1
    n_chunks = max(1, min(total, chunks or 2 * workers))
    bounds = np.linspace(0, total, n_chunks + 1).round().astype(int)
    start, written, size = time.perf_counter(), 0, (0, 0)
    futures = []
    with staging(path) as staged:
        try:
            for a, b in zip(bounds[:-1], bounds[1:], strict=True):
                if b > a:
                    positions = list(range(int(a), int(b)))
                    futures.append(pool.submit(_render_chunk, scene.restricted(positions), positions,
                                               str(staged), total))
            with progress(total, label=f"PNG frames -> {path} ({workers} processes)", quiet=quiet) as bar:
                for future in cf.as_completed(futures):
                    count, w, h = future.result()
                    written += count
                    size = (w, h)
                    bar.update(count)
            if tex:
                frames_tex(staged, total, fps=fps, name=path.resolve().name)
        except KeyboardInterrupt:
            stop = getattr(pool, "optviz_stop", None)
            if stop is not None:
                stop.set()  # running chunks end after their current frame
            for future in futures:
                future.cancel()
            if own:
                pool.shutdown(wait=True, cancel_futures=True)
            for tmp in staged.glob(".frame_*.tmp"):  # a worker we could not stop may leave one
                tmp.unlink(missing_ok=True)
            done = len(list(staged.glob("frame_*.png")))
            raise _interrupted(path, staged, done, total, earlier=earlier, quiet=quiet) from None
        finally:
            if own:
                pool.shutdown(wait=True, cancel_futures=True)
        _publish(staged, path)
    tex_path = path / TEX_NAME if tex else None
    return FrameExport(path, written, size, time.perf_counter() - start, tex_path)
