"""`Animator`: an optimizer's iterates on the 3D surface, the contour view and convergence plots."""

from __future__ import annotations

import concurrent.futures as cf
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.animation import AbstractMovieWriter
from matplotlib.figure import Figure

from .export import FrameExport, export_frames, export_frames_parallel, gif_writer, mp4_writer, write_movie
from .figures import CachedFigure, figure_for
from .live import default_frames_dir, has_display, open_window
from .scenes import Framing, Style, Trace
from .scenes.limits import Domain
from .scenes.select import scene_of

__all__ = ["Animator"]

Surface = Callable[..., np.ndarray]


class Animator:
    """Animate a stream of iterates over the surface of the function it minimizes.

    The figure shows, in step: the 3D surface with the path and the current point, the contour
    view (with the feasible set for constrained problems), f/F and the gradient norm (and the
    constraint violation) against the iterate, and the line search phi(t) of the last step.

    Parameters
    ----------
    iterates : iterable or mapping of str to iterable
        Iterates with ``k, x, fun, grad`` and optionally ``step, direction`` and, for penalty
        runs, ``outer, M, objective, violation`` (e.g. `optimizers.Iterate`). Consumed lazily,
        one record at a time, into a `Trace` of plain arrays before drawing starts (see Notes).
        A mapping ``{name: iterable}`` compares several runs of a 2-variable function over one
        `surface`: frame k shows every run up to its own k-th drawn iterate (a finished run
        stays at its last point), each in its colour, with one label line per run, a legend, and
        one f and one gradient-norm curve per run. The animation is as long as the longest run.
    surface : callable, optional
        Vectorized function of the iterates: ``surface(X1, ..., Xn)`` on broadcastable arrays,
        i.e. ``F(X, Y)`` for two variables. Needed unless `surface_of_M` covers every iterate.
    surface_of_M : callable, optional
        ``M -> surface`` for penalty runs, e.g. ``lambda M: problem.penalized_function(M).surface``;
        the surface is redrawn whenever an iterate's M differs from the previous one.
    equalities : sequence of callable
        Vectorized h_i; the curves h_i = 0 are drawn on the contour view (solid where feasible).
    inequalities : sequence of callable
        Vectorized g_j; the region where all g_j <= 0 is hatched on the contour view.
    title : str, optional
        LaTeX for the title, e.g. ``sympy.latex(F)`` (made mathtext-safe; falls back to text).
    domain : ((xmin, xmax), (ymin, ymax)), optional
        Fixed limits of the shown coordinates; default: a square around the trajectory.
    zlim : (low, high), optional
        Fixed z-range; default: the lowest value seen up to the first surface's top. Surfaces
        rising above it (larger M) are cut flat there: the walls visibly rise out of the box.
    coords : (int, int)
        The coordinates shown; with more than two variables, a slice through the current point.
    grid : int
        Grid points per side for the surface functions.
    frames : int, optional
        At most this many frames (the stream is read no further, and closed if a generator).
    every : int
        Draw every `every`-th iterate (the last one always).
    figsize : (float, float)
        Inches; pixel sizes are rounded to even numbers (H.264 needs them).
    dpi : float
        Pixels per inch of every frame.
    view : (float, float), optional
        Camera elevation and azimuth in degrees; default (30, -60), or (52, -60) with
        constraints: a penalty valley along a constraint curve is then seen from high enough that
        its near wall never crosses it.
    turn : float
        Slow camera turn in degrees per frame (0 keeps the fast cached rendering).
    cmap : str
        Colormap.
    alpha : float
        Surface opacity.
    colors : sequence of str, optional
        One colour per run of a mapping (default: `viz.scenes.RUN_COLORS`, chosen to stand out on
        viridis).
    style : {"lecture", "paper"}
        The look: large text and few ticks for a projector (text at least 14 px high at
        1280x720, scaling with `figsize` and `dpi`), or denser for a page or notebook.

    Attributes
    ----------
    framing : Framing
        The framing options above (domain, zlim, coords, grid, frames, every, figsize, dpi),
        checked once here; `remake` starts from it.
    scene : Scene
        Everything the frames draw, as plain data.

    Raises
    ------
    ValueError
        For an option out of range (one line naming it) or a stream that cannot be drawn.

    Notes
    -----
    Axis limits, the z-range and the convergence axes are fixed for the whole animation, so
    nothing jumps. A domain "from the trajectory" needs the whole trajectory, so the stream is
    read to its end (or to `frames`) first. That keeps a few floats per iterate (about 1 MB for
    10,000 iterates of a 2-variable problem), never images: memory stays flat in the number of
    frames, and any frame k can be redrawn exactly with ``update(k)``.

    Examples
    --------
    >>> anim = Animator(gradient_descent(f, grad, x0), f_xy)  # doctest: +SKIP
    >>> anim.save_frames("frames/")                           # doctest: +SKIP
    >>> race = Animator({"steepest descent": gradient_descent(f, grad, x0),
    ...                  "Newton": newton(f, grad, hess, x0)}, f_xy)  # doctest: +SKIP
    """

    # the constructor's keywords that `framing` holds (what `remake` passes on from it)
    _framing_keywords: tuple[str, ...] = ("domain", "zlim", "coords", "grid", "frames", "every", "figsize",
                                          "dpi")

    def __init__(
        self,
        iterates: Iterable[Any] | Mapping[str, Iterable[Any]],
        surface: Surface | None = None,
        *,
        surface_of_M: Callable[[float], Surface] | None = None,
        equalities: Sequence[Surface] = (),
        inequalities: Sequence[Surface] = (),
        title: str | None = None,
        domain: Domain | None = None,
        zlim: tuple[float, float] | None = None,
        coords: tuple[int, int] = (0, 1),
        grid: int = 60,
        frames: int | None = None,
        every: int = 1,
        figsize: tuple[float, float] = (12.8, 7.2),
        dpi: float = 100.0,
        view: tuple[float, float] | None = None,
        turn: float = 0.0,
        cmap: str = "viridis",
        alpha: float = 0.75,
        colors: Sequence[str] | None = None,
        style: str = "lecture",
    ):
        if surface is None and surface_of_M is None:
            raise ValueError("give the surface: a vectorized F(X, Y), or surface_of_M=lambda M: F")
        self.framing = Framing(domain=domain, zlim=zlim, coords=coords, grid=grid, frames=frames, every=every,
                               figsize=figsize, dpi=dpi)
        # What `remake` needs beside the framing: the callables and the look, as given.
        self._options: dict[str, Any] | None = dict(
            surface=surface, surface_of_M=surface_of_M, equalities=equalities, inequalities=inequalities,
            title=title, view=view, turn=turn, cmap=cmap, alpha=alpha, colors=colors, style=style)
        if view is None:
            view = (52.0, -60.0) if equalities or inequalities else (30.0, -60.0)
        look = Style(figsize=self.framing.figsize, dpi=self.framing.dpi, cmap=cmap, alpha=alpha,
                     elev=view[0], azim=view[1], turn=turn, look=style)
        self._view: CachedFigure | None = None
        self.scene = scene_of(iterates, surface, surface_of_M=surface_of_M, equalities=equalities,
                              inequalities=inequalities, title=title, colors=colors, framing=self.framing,
                              style=look)

    @classmethod
    def from_scene(cls, scene: Any) -> Animator:
        """An animator for a ready scene (plain data, e.g. received by a worker process).

        It draws and exports like any other, but has no callables, so it cannot be `remake`-d.
        """
        self = cls.__new__(cls)
        self.scene, self._view, self._options = scene, None, None
        return self

    # -- the figure -----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.scene)

    @property
    def trace(self) -> Trace:
        """The run as arrays (every iterate read, drawn or not)."""
        return self.scene.trace

    @property
    def traces(self) -> dict[str, Trace]:
        """Every run by name (one run: ``{"": trace}``)."""
        if self.scene.runs:
            return {run.name: run.trace for run in self.scene.runs}
        return {"": self.scene.trace}

    @property
    def view(self) -> CachedFigure:
        """The figure and its artists (created on first use, off-screen)."""
        if self._view is None:
            self._view = figure_for(self.scene)
        return self._view

    @property
    def figure(self) -> Figure:
        """The matplotlib figure."""
        return self.view.figure

    def update(self, frame: int) -> list[Any]:
        """Move the artists to `frame` (0 <= frame < len(self)); returns the changed artists."""
        return self.view.update(frame)

    def render(self, frame: int) -> np.ndarray:
        """RGBA pixels of `frame`, shape (height, width, 4)."""
        return self.view.render(frame)

    def iterate_of(self, frame: int) -> int:
        """Index in the trace of the iterate that `frame` shows."""
        return int(self.scene.frames[frame])

    # -- export ---------------------------------------------------------------------------------
    def save_frames(self, directory: str | os.PathLike[str], *, overwrite: bool = False, quiet: bool = False,
                    fps: float = 10.0, tex: bool = True, parallel: bool = False,
                    executor: cf.Executor | None = None) -> FrameExport:
        """Write PNG frames ``frame_0000.png, ...`` and ``frames.tex`` to `directory`.

        Parameters
        ----------
        directory : path
            Created if missing; refused if it holds earlier frames, unless `overwrite`.
        overwrite : bool
            Replace earlier frames (all of them, so none are left from a longer export).
        quiet : bool
            No progress bar or messages.
        fps : float
            Frame rate written into ``frames.tex``.
        tex : bool
            Also write ``frames.tex`` (LaTeX ``animate`` package).
        parallel : bool
            Render across processes (a process pool over the cores unless `executor` is given).
        executor : concurrent.futures.Executor, optional
            Run the chunks here instead (implies `parallel`); e.g. a Dask or Ray executor.

        Returns
        -------
        FrameExport

        Raises
        ------
        FileExistsError
            Earlier frames in `directory` and not `overwrite`.
        ExportInterrupted
            Ctrl-C: only complete frames remain; the exception says how many.
        """
        if parallel or executor is not None:
            return export_frames_parallel(self.scene, directory, executor=executor, overwrite=overwrite,
                                          quiet=quiet, tex=tex, fps=fps)
        return export_frames(self.view, directory, overwrite=overwrite, quiet=quiet, tex=tex, fps=fps)

    def save_gif(self, path: str | os.PathLike[str], *, fps: float = 10.0, quiet: bool = False) -> Path:
        """Write an animated GIF with matplotlib's Pillow writer (frames held until the end)."""
        return write_movie(self.view, path, gif_writer(fps=fps), quiet=quiet)

    def save_mp4(self, path: str | os.PathLike[str], *, fps: float = 10.0, quiet: bool = False) -> Path:
        """Write an H.264 MP4 (yuv420p, even size) with matplotlib's ffmpeg writer.

        Raises
        ------
        FFmpegNotFoundError
            No ffmpeg; the message says how to install one.
        """
        return write_movie(self.view, path, mp4_writer(fps=fps), quiet=quiet)

    def save(self, path: str | os.PathLike[str], writer: AbstractMovieWriter, *, quiet: bool = False) -> Path:
        """Write the animation with any matplotlib movie writer."""
        return write_movie(self.view, path, writer, quiet=quiet)

    # -- live -----------------------------------------------------------------------------------
    @property
    def can_remake(self) -> bool:
        """True when the animator holds its callables (not made by `from_scene`), so `remake` works."""
        return self._options is not None

    def remake(self, iterates: Iterable[Any], **changes: Any) -> Animator:
        """The same animator (class, callables, framing, look) for other `iterates`, with `changes`
        applied: framing fields (``domain=``, ``zlim=``, ...) replace those of `framing`, others
        (``view=``, ``title=``, ...) the constructor's options.

        Raises
        ------
        ValueError
            The animator was made with `from_scene`: there are no callables to evaluate.
        """
        if self._options is None:
            raise ValueError("an animator made from a Scene cannot be remade: construct it from a stream")
        framing = {name: getattr(self.framing, name) for name in self._framing_keywords}
        return type(self)(iterates, **{**self._options, **framing, **changes})

    def show(self, *, interval: float = 125.0, repeat: bool = False, block: bool = True,
             fallback_dir: str | os.PathLike[str] | None = None, quiet: bool = False,
             rerun: Callable[..., Iterable[Any]] | None = None, params: Mapping[str, float] | None = None,
             save_dir: str | os.PathLike[str] | None = None, lecture_dpi: float = 200.0) -> Any:
        """Play the animation in an interactive window; without a display, export frames.

        The window has the export's panels above a strip of controls: play/pause (space), step
        (right arrow; left steps back), restart (r), a history slider, a speed slider, save frame
        (s, a PNG at `lecture_dpi`) and export (e, every frame). Both keep the camera the mouse set.
        With `rerun`, a click on the contour view restarts from that point, and text boxes set
        `params`; the new run streams in while it plays.

        Parameters
        ----------
        interval : float
            Milliseconds between frames (the fallback's ``frames.tex`` plays at that rate too).
        repeat : bool
            Loop when the end is reached.
        block : bool
            Passed to ``plt.show``.
        fallback_dir : path, optional
            Where frames go when there is no display (default ``./optviz-frames``, or a fresh
            ``-2``, ``-3``... sibling if that holds frames).
        quiet : bool
            No progress bar or messages (fallback only).
        rerun : callable, optional
            ``rerun(x0=..., **params)`` returning a fresh iterate stream, for restarts.
        params : mapping of str to float, optional
            `rerun`'s parameters and their values for the first run, e.g. ``{"M0": 1, "C": 10}``.
        save_dir : path, optional
            Where saved frames and exports go (default: the working directory).
        lecture_dpi : float
            Pixels per inch of a saved frame.

        Returns
        -------
        Player or FrameExport
            The player (keep a reference while the window is open), or what the fallback wrote.
        """
        if not has_display():
            import matplotlib as mpl

            directory = Path(fallback_dir) if fallback_dir is not None else default_frames_dir()
            result = self.save_frames(directory, quiet=quiet, fps=1000.0 / interval)
            print(f"No display available (matplotlib backend {mpl.get_backend()!r}): wrote "
                  f"{result.count} frames to {result.directory.resolve()}/ instead of showing them.",
                  file=sys.stdout, flush=True)
            return result
        return open_window(self, interval=interval, repeat=repeat, block=block, rerun=rerun, params=params,
                           save_dir=save_dir, lecture_dpi=lecture_dpi)

    def close(self) -> None:
        """Release the off-screen figure."""
        if self._view is not None:
            self._view.close()
            self._view = None
