"""`Player`: the animation in a live window, under the lecturer's hands.

The figure and its panels are the export's (`viz.figures.figure_for`), and each frame is drawn
by the export's cached rendering (`CachedFigure.render`: a pixel background, the moving artists
over it, the history slider and status line on top), so the window shows iterate k exactly as
the PNG of frame k. A timer drives everything on the GUI thread: each tick reads the optimizer
stream for a bounded time, rebuilds the panels when enough new iterates arrived, and advances
the frame. A mouse drag or scroll on the 3D panel redraws that panel alone (`Camera`); export
and save run in a thread (`Job`) with their progress in the status line. Restarts (a click on
the contour view, new parameters) call the user's ``rerun(x0=..., **params)`` for a fresh stream
and read it the same way, with the domain and z-range kept from the first run so nothing jumps.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backend_bases import key_press_handler
from matplotlib.figure import Figure

from ..figures import CachedFigure, figure_for
from .camera import Camera, Soon
from .controls import Controls, live_figsize, make_controls
from .display import default_frames_dir
from .panels import new_panels, retarget_panels
from .screen import Screen
from .worker import Job, Jobs, seen_from

__all__ = ["Player", "live_figsize"]

Rerun = Callable[..., Iterable[Any]]


class Player:
    """Drive an `Animator`'s figure live: timer playback, widgets, keys and restarts.

    Parameters
    ----------
    animator : Animator
        The recorded first run; its scene fixes the domain and z-range of every later run.
    figure : matplotlib.figure.Figure
        An empty figure to draw into (a pyplot window, an ipympl canvas, or Agg in tests).
    rerun : callable, optional
        ``rerun(x0=..., **params)`` returns a fresh iterate stream; enables restarting from a
        clicked start point and from new parameter values. Without it, restart replays.
    params : mapping of str to float, optional
        Initial values of `rerun`'s parameters (e.g. ``{"M0": 1.0, "C": 10.0}``), one text box each.
    fps : float
        Playback speed (also a slider).
    repeat : bool
        Loop at the end instead of pausing.
    save_dir : path, optional
        Where "save frame" and "export" write (default: the working directory).
    lecture_dpi : float
        Pixels per inch of a saved frame.
    budget : float
        Seconds per tick spent reading the stream (one slow step may overrun it, never two).
    rebuild_every : float
        Seconds between panel rebuilds while a stream grows (each costs about one full redraw).
    """

    def __init__(self, animator: Any, figure: Figure, *, rerun: Rerun | None = None,
                 params: Mapping[str, float] | None = None, fps: float = 8.0, repeat: bool = False,
                 save_dir: str | os.PathLike[str] | None = None, lecture_dpi: float = 200.0,
                 budget: float = 0.03, rebuild_every: float = 0.5):
        if fps <= 0 or lecture_dpi <= 0 or budget <= 0:
            raise ValueError(f"fps, lecture_dpi and budget must be positive, got {fps!r}, {lecture_dpi!r}, "
                             f"{budget!r}")
        if params and rerun is None:
            raise ValueError("params need rerun=lambda x0, **params: stream to restart the run with them")
        if rerun is not None and not animator.can_remake:
            raise ValueError("rerun needs an animator built from a stream (not Animator.from_scene)")
        self.animator, self.figure, self.rerun = animator, figure, rerun
        self.params = {name: float(v) for name, v in (params or {}).items()}
        self.repeat, self.budget, self.rebuild_every = repeat, budget, rebuild_every
        self.save_dir = Path(save_dir) if save_dir is not None else Path.cwd()
        self.lecture_dpi = float(lecture_dpi)
        first = animator.scene
        self.x0 = np.array(first.trace.x[0], dtype=float)
        # a restart keeps the first run's domain and the z-range its first frame shows: the
        # same box, the same first picture (redrawn only where the new run differs)
        zlim = first.z_range(int(first.m_index[first.frames[0]])) if hasattr(first, "z_range") else first.zlim
        self._fixed = dict(domain=first.domain, zlim=zlim)
        self.frame, self.playing, self.closed = 0, True, False
        self._records: list[Any] = []  # the restarted run's iterates, as read so far
        self._shown = 0  # how many of them the panels show
        self._stream: Iterator[Any] | None = None
        self._built_at = 0.0
        self._sync = False
        self.jobs = Jobs()
        self.view: Any = None
        self.screen = Screen(figure.canvas)
        self.camera = Camera(figure.canvas, redraw=self.screen.panel)
        self._set_view(animator)
        self.controls: Controls = make_controls(figure, frames=len(self.view), fps=fps, params=self.params)
        self.controls.history.drawon = False  # drawn with every frame (the view's overlay)
        self.view.overlay = self.controls.overlay()
        self._redraw = Soon(figure.canvas, lambda: self.closed or self.screen.frame(self.frame),
                            fallback=figure.canvas.draw_idle)
        if self._redraw.live:  # a widget, a resize, the first show: one drawing through the cache
            figure.canvas.draw_idle = lambda *_, **__: (self.screen.stale(), self._redraw())
        self._wire()
        self.timer = figure.canvas.new_timer(interval=1000.0 / fps)
        self.timer.add_callback(self.tick)
        self.show_frame(0)

    # -- wiring -----------------------------------------------------------------------------------
    def _wire(self) -> None:
        c, canvas = self.controls, self.figure.canvas
        c.buttons["play"].on_clicked(lambda _: self.toggle())
        c.buttons["step"].on_clicked(lambda _: self.step(1))
        c.buttons["restart"].on_clicked(lambda _: self.restart())
        c.buttons["save"].on_clicked(lambda _: self.save_frame())
        c.buttons["export"].on_clicked(lambda _: self.export())
        c.history.on_changed(self._scrubbed)
        c.speed.on_changed(self._set_speed)
        for name, box in c.params.items():
            box.on_submit(lambda text, name=name: self._set_param(name, text))
        # The toolbar's keymap takes s (save dialog), r (home), left/right (view history): this
        # figure alone gets a handler that keeps our keys and passes the rest on.
        manager = canvas.manager
        if manager is not None and getattr(manager, "key_press_handler_id", None) is not None:
            canvas.mpl_disconnect(manager.key_press_handler_id)
            manager.key_press_handler_id = None
        self._cids = [canvas.mpl_connect("key_press_event", self._on_key),
                      canvas.mpl_connect("button_press_event", self._on_click),
                      canvas.mpl_connect("close_event", lambda _: self.close())]

    def _on_key(self, event: Any) -> None:
        if self.controls.typing():
            return
        actions = {" ": self.toggle, "right": lambda: self.step(1), "left": lambda: self.step(-1),
                   "r": self.restart, "s": self.save_frame, "e": self.export}
        if event.key in actions:
            actions[event.key]()
        elif self.figure.canvas.manager is not None:
            key_press_handler(event, self.figure.canvas, self.figure.canvas.toolbar)

    def _on_click(self, event: Any) -> None:
        toolbar = self.figure.canvas.toolbar
        if event.button != 1 or event.inaxes is not getattr(self.view, "ax2d", None) or event.xdata is None:
            return
        if toolbar is not None and getattr(toolbar, "mode", ""):  # zooming or panning, not picking
            return
        if self.rerun is None:
            self._say("a new start point needs show(rerun=lambda x0, ...: stream)")
            return
        x0 = self.x0.copy()
        x0[list(self.animator.scene.coords)] = event.xdata, event.ydata
        self.restart(x0=x0)

    # -- actions ----------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the timer (the window's event loop then plays)."""
        self.timer.start()

    def toggle(self) -> None:
        """Play or pause; play at the last frame starts over."""
        if not self.playing and self.frame >= len(self.view) - 1 and self._stream is None:
            self.show_frame(0)
        self.playing = not self.playing
        button = self.controls.buttons["play"]
        label = "pause ❚❚" if self.playing else "play ▶"
        if button.label.get_text() != label:  # the button is in the background
            self.screen.changed(button.ax, lambda: button.label.set_text(label))
        self._redraw()

    def step(self, by: int = 1) -> None:
        """Pause and move `by` frames (clamped to the recorded history)."""
        if self.playing:
            self.toggle()
        self.show_frame(self.frame + by)

    def restart(self, *, x0: np.ndarray | None = None, **params: float) -> None:
        """Run again from `x0` (default: the current start) with `params` changed; replay without rerun."""
        if self.rerun is None:
            self.show_frame(0)
            self.playing = False
            self.toggle()
            return
        new_x0 = self.x0 if x0 is None else np.asarray(x0, dtype=float)
        new_params = {**self.params, **params}
        try:
            stream = iter(self.rerun(x0=new_x0, **new_params))
        except ValueError as error:  # the optimizer validates eagerly: say why, keep the old run
            self._say(f"not restarted: {error}")
            return
        self._close_stream()
        self.x0, self.params = new_x0, new_params
        self._stream, self._records, self._shown = stream, [], 0
        self.frame = 0  # the new run is shown from its first frame
        self._say("running from (" + ", ".join(f"{v:.3g}" for v in new_x0[:4]) + ")")
        self.playing = False
        self.toggle()

    def save_frame(self) -> Job:
        """Write the current view (camera included) as a PNG at `lecture_dpi`, in a thread.

        Written atomically, with the dpi recorded, by the frame export's own PNG writer; the
        job's ``result`` is the path.
        """
        name = f"optviz-iterate-{self.animator.iterate_of(self.frame):04d}.png"
        return self._started(self.jobs.save(self._offscreen_scene(dpi=self.lecture_dpi), self.frame,
                                            self.save_dir / name, dpi=self.lecture_dpi))

    def export(self) -> Job:
        """Write every frame of the current run, with the window's camera, to a fresh folder, in a
        thread (progress in the status line); the job's ``result`` is the `FrameExport`."""
        directory = default_frames_dir(self.save_dir / "optviz-frames")
        return self._started(self.jobs.export(self._offscreen_scene(), directory))

    def wait(self, timeout: float = 60.0) -> None:
        """Wait for the running exports and saves (and say how they ended)."""
        self.jobs.wait(timeout)
        self._poll_jobs()

    def close(self) -> None:
        """Stop the timer, stop running exports between two frames, close the stream."""
        if self.closed:
            return
        self.closed = True
        self.timer.stop()
        self._redraw.stop()
        self.camera.close()
        self.jobs.cancel()
        self.screen.close()
        self._close_stream()
        for cid in self._cids:
            self.figure.canvas.mpl_disconnect(cid)

    def _started(self, job: Job) -> Job:
        self._say(job.progress())
        return job

    def _poll_jobs(self) -> None:
        message = self.jobs.poll()
        if message is not None and message != self.controls.status.get_text():
            self._say(message)

    # -- per tick ---------------------------------------------------------------------------------
    def tick(self) -> None:
        """Read the stream for up to `budget` seconds, rebuild if due, advance one frame."""
        if self.closed:
            return
        self._poll_jobs()
        grew = self._pull()
        if len(self._records) > self._shown and (
                self._shown == 0 or self._stream is None
                or time.perf_counter() - self._built_at > self.rebuild_every):
            self._rebuild()
        if self.playing and not self.camera.dragging:  # a drag holds the frame: one cache to draw on
            if self.frame < len(self.view) - 1:
                self.show_frame(self.frame + 1)
            elif self.repeat and self._stream is None:
                self.show_frame(0)
            elif self._stream is None and not grew:
                self.toggle()

    def _pull(self) -> bool:
        if self._stream is None:
            return False
        deadline, before = time.perf_counter() + self.budget, len(self._records)
        try:
            while True:  # at least one iterate per tick, however slow, then up to the budget
                self._records.append(next(self._stream))
                if time.perf_counter() >= deadline:
                    break
        except StopIteration:
            self._stream = None
            self._say(f"run finished: {len(self._records)} iterates")
        except Exception as error:  # a crashing user stream must not take the window down
            self._close_stream()
            self._say(f"run stopped: {type(error).__name__}: {error}")
        return len(self._records) > before

    # -- drawing ----------------------------------------------------------------------------------
    def show_frame(self, frame: int) -> None:
        """Draw `frame` (clamped) and move the history slider to it."""
        self.frame = int(min(max(frame, 0), len(self.view) - 1))
        self.view.update(self.frame)  # at once: the artists say which frame this is
        slider = self.controls.history
        if slider.val != self.frame:
            self._sync = True  # our own move, not the user scrubbing
            try:
                slider.set_val(self.frame)
            finally:
                self._sync = False
        self._redraw()

    def _scrubbed(self, value: float) -> None:
        if self._sync:
            return
        if self.playing:
            self.toggle()
        self.show_frame(int(value))

    def _set_speed(self, fps: float) -> None:
        self.timer.interval = int(1000.0 / fps)

    def _set_param(self, name: str, text: str) -> None:
        try:
            value = float(text)
        except ValueError:
            self._say(f"{name} must be a number, got {text!r}")
            return
        if value != self.params[name]:
            self.restart(**{name: value})

    def _say(self, message: str) -> None:
        self.controls.status.set_text(message)
        self._redraw()  # also when paused: no tick redraws then

    def _rebuild(self) -> None:
        ax3d = getattr(self.view, "ax3d", None)
        camera = (ax3d.elev, ax3d.azim) if ax3d is not None else None
        changes = dict(self._fixed, **({"view": camera} if camera is not None else {}))
        animator = self.animator.remake(list(self._records), **changes)
        if not self._retarget(animator):
            self._set_view(animator, camera=camera)
        self._shown = len(self._records)
        slider = self.controls.history
        slider.valmax = max(len(self.view) - 1, 1)
        slider.ax.set_xlim(slider.valmin, slider.valmax)
        self._built_at = time.perf_counter()
        self.show_frame(self.frame)

    def _retarget(self, animator: Any) -> bool:
        """Show `animator`'s run in the panels drawn now (see `retarget_panels`)."""
        panels = retarget_panels(self.view, self._panels, animator.scene)
        if panels is not None:
            self._panels, self.animator = panels, animator
        return panels is not None

    def _set_view(self, animator: Any, *, camera: tuple[float, float] | None = None) -> None:
        self.view, self._panels = new_panels(self.figure, animator.scene, self.view,
                                             getattr(self, "_panels", []), camera=camera)
        self.camera.attach(self.view)
        self.screen.view = self.view
        if hasattr(self, "controls"):
            self.view.overlay = self.controls.overlay()
        self.animator = animator

    def _offscreen(self, *, dpi: float | None = None) -> CachedFigure:
        """An off-screen figure of the current run, seen from the window's camera."""
        return figure_for(self._offscreen_scene(dpi=dpi))

    def _offscreen_scene(self, *, dpi: float | None = None) -> Any:
        return seen_from(self.animator.scene, getattr(self.view, "ax3d", None), self.frame, dpi=dpi)

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        close = getattr(stream, "close", None)
        if close is not None:
            close()
