"""`Job`: the window's export and frame save, run in a thread so the window stays live.

A job draws into an off-screen Agg figure of its own (never the window's) and reports progress
through plain attributes that the player's timer reads, so the GUI toolkit is touched from its
own thread only. Closing the window asks a running job to stop between two frames and waits for
it: every frame is written atomically, so only complete frames remain.

matplotlib is not thread-safe (its mathtext parser shares state between threads): whatever
draws or builds artists, here or on the GUI thread, holds `MATPLOTLIB`; a job takes it per frame,
so the window waits at most one frame's drawing, and encoding and writing run beside it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..export import ExportInterrupted, export_frames, write_png
from ..figures import figure_for

__all__ = ["MATPLOTLIB", "Job", "Jobs", "Watched", "seen_from"]

MATPLOTLIB = threading.RLock()


class Job:
    """One piece of work in a daemon thread: ``work(job)`` returns what `result` holds.

    Parameters
    ----------
    name : str
        What the status line calls it ("export", "save").
    work : callable
        ``work(job)``; it may set ``job.total`` and ``job.done`` and should watch ``job.stop``.
    done : callable
        ``done(result)`` is the status line once the work returned.
    """

    def __init__(self, name: str, work: Callable[[Job], Any], done: Callable[[Any], str]):
        self.name, self._work, self.done_message = name, work, done
        self.stop = threading.Event()
        self.done, self.total = 0, 0
        self.result: Any = None
        self.error: str | None = None
        self.thread = threading.Thread(target=self._run, name=f"optviz-{name}", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.result = self._work(self)
        except ExportInterrupted as stopped:
            self.error = f"stopped: {stopped.written} of {stopped.total} frames complete"
        except Exception as error:  # reported in the window, which must not go down with it
            self.error = f"{type(error).__name__}: {error}"

    @property
    def running(self) -> bool:
        """True until the work returned or failed."""
        return self.thread.is_alive()

    def progress(self) -> str:
        """A status line: ``export 12/92``."""
        return f"{self.name} {self.done}/{self.total}..." if self.total else f"{self.name}..."

    def cancel(self, timeout: float = 30.0) -> None:
        """Ask the work to stop and wait for it (at most `timeout` seconds)."""
        self.stop.set()
        self.thread.join(timeout)


class Watched:
    """A figure whose `render` counts frames for `job` and stops, as Ctrl-C does, when asked.

    ``export_frames(Watched(view, job), ...)`` then writes complete frames only and raises
    `ExportInterrupted` saying how many.
    """

    def __init__(self, view: Any, job: Job):
        self.view, self.job = view, job
        job.total = len(view)

    def __len__(self) -> int:
        return len(self.view)

    @property
    def figure(self) -> Any:
        return self.view.figure

    @property
    def background(self) -> Any:
        return self.view.background

    def render(self, frame: int, *, copy: bool = True) -> Any:
        if self.job.stop.is_set():
            raise KeyboardInterrupt
        with MATPLOTLIB:
            pixels = self.view.render(frame, copy=copy)
        self.job.done = frame + 1
        return pixels


class Jobs:
    """The window's running saves and exports, each drawing a scene (immutable) off screen."""

    def __init__(self) -> None:
        self.running: list[Job] = []
        self._taken: set[Path] = set()  # names of saves still being written

    def save(self, scene: Any, frame: int, path: Path, *, dpi: float) -> Job:
        """Write frame `frame` of `scene` to `path` (or ``path-2``, ...: never over a file)."""
        path = _fresh(path, self._taken)
        self._taken.add(path)

        def work(job: Job) -> Path:
            with MATPLOTLIB:
                offscreen = figure_for(scene)
                try:
                    pixels = offscreen.render(frame)
                finally:
                    offscreen.close()
            path.parent.mkdir(parents=True, exist_ok=True)
            return write_png(path, pixels, dpi=dpi)

        return self._add(Job("save", work, lambda written: f"saved {written.name}"))

    def export(self, scene: Any, directory: Path) -> Job:
        """Write every frame of `scene` to `directory` (``export_frames``)."""

        def work(job: Job) -> Any:
            with MATPLOTLIB:
                offscreen = figure_for(scene)
            try:
                return export_frames(Watched(offscreen, job), directory, quiet=True)
            finally:
                with MATPLOTLIB:
                    offscreen.close()

        return self._add(Job("export", work, lambda r: f"exported {r.count} frames to {r.directory.name}/"))

    def poll(self) -> str | None:
        """The status line the jobs ask for (progress, or how the last one ended), if any."""
        message = None
        for job in list(self.running):
            if job.running:
                message = job.progress()
            else:
                self.running.remove(job)
                self._taken.discard(job.result)
                message = f"{job.name} failed: {job.error}" if job.error else job.done_message(job.result)
        return message

    def wait(self, timeout: float = 60.0) -> None:
        """Wait for every job to end."""
        for job in list(self.running):
            job.thread.join(timeout)

    def cancel(self) -> None:
        """Stop every job between two frames and wait for it."""
        for job in self.running:
            job.cancel()

    def _add(self, job: Job) -> Job:
        self.running.append(job)
        return job


def seen_from(scene: Any, ax3d: Any, frame: int, *, dpi: float | None = None) -> Any:
    """`scene` seen from the camera of the window's 3D panel `ax3d` (if any), at `dpi` (if given)."""
    style = scene.style
    if ax3d is not None:
        style = replace(style, elev=float(ax3d.elev), azim=float(ax3d.azim) - style.turn * frame)
    if dpi is not None:
        style = replace(style, dpi=dpi)
    return replace(scene, style=style)


def _fresh(path: Path, taken: set[Path]) -> Path:
    n = 1
    candidate = path
    while candidate.exists() or candidate in taken:
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate
