"""`Framing`: the options that fix what every frame shows, validated once, and the frame clock.

The public constructors (`Animator`, `NetworkAnimator`) turn their keywords into one frozen
`Framing`; everything downstream (scene building, figure sizing, the live window's restarts)
reads that record and checks nothing again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .limits import Domain

__all__ = ["DEFAULT_FRAMING", "DEFAULT_STYLE", "LOOKS", "Framing", "Style", "even_figsize", "frame_positions"]

# The looks a figure can have: "lecture" (large text and few ticks, for a projector at the back
# of a hall) and "paper" (denser, for a notebook or a printed page).
LOOKS = ("lecture", "paper")


@dataclass(frozen=True)
class Framing:
    """What the animation shows and at what size, checked when made.

    Attributes
    ----------
    domain : ((xmin, xmax), (ymin, ymax)) or None
        Fixed limits of the shown coordinates; None: a square around the trajectory.
    zlim : (low, high) or None
        Fixed z-range; None: from the surfaces and the trajectory.
    coords : (int, int)
        The two coordinates shown.
    grid : int
        Grid points per side for the surface functions.
    frames : int or None
        At most this many frames: spread evenly over the whole run, first and last iterate
        included (the stream is read to its end); with ``every > 1``, the first `frames` of
        every `every`-th iterate instead (the stream is read no further).
    every : int
        Draw every `every`-th iterate (the last one always).
    figsize : (float, float)
        Inches (pixel sizes are rounded to even numbers, see `even_figsize`).
    dpi : float
        Pixels per inch.

    Raises
    ------
    ValueError
        Naming the option and the value, for anything out of range.
    """

    domain: Domain | None = None
    zlim: tuple[float, float] | None = None
    coords: tuple[int, int] = (0, 1)
    grid: int = 60
    frames: int | None = None
    every: int = 1
    figsize: tuple[float, float] = (12.8, 7.2)
    dpi: float = 100.0

    def __post_init__(self) -> None:
        if self.every < 1:
            raise ValueError(f"every must be a positive integer, got {self.every!r}")
        if self.frames is not None and self.frames < 1:
            raise ValueError(f"frames must be a positive integer, got {self.frames!r}")
        if self.dpi <= 0 or min(self.figsize) <= 0:
            raise ValueError(f"figsize and dpi must be positive, got figsize={self.figsize!r}, "
                             f"dpi={self.dpi!r}")
        if self.grid < 4:
            raise ValueError(f"grid must be at least 4 points per side, got {self.grid!r}")
        ci, cj = self.coords
        if not (ci >= 0 and cj >= 0 and ci != cj):
            raise ValueError(f"coords must be two different indices, got {self.coords!r}")
        if self.domain is not None:
            (x0, x1), (y0, y1) = self.domain
            if not (x0 < x1 and y0 < y1):
                raise ValueError("domain must be ((xmin, xmax), (ymin, ymax)) with min < max, "
                                 f"got {self.domain!r}")
        if self.zlim is not None and not self.zlim[0] < self.zlim[1]:
            raise ValueError(f"zlim must be (low, high) with low < high, got {self.zlim!r}")
        object.__setattr__(self, "coords", (int(ci), int(cj)))
        object.__setattr__(self, "figsize", (float(self.figsize[0]), float(self.figsize[1])))
        object.__setattr__(self, "dpi", float(self.dpi))

    @property
    def read_limit(self) -> int | None:
        """How many iterates the frames need (None: all of them, also to spread `frames` frames)."""
        if self.frames is None or self.every == 1:
            return None
        return (self.frames - 1) * self.every + 1

    def positions(self, n_trace: int) -> np.ndarray:
        """Trace indices drawn as frames (see `frame_positions`)."""
        return frame_positions(n_trace, every=self.every, frames=self.frames)


@dataclass(frozen=True)
class Style:
    """How frames look; all sizes are fixed for the whole animation.

    Attributes
    ----------
    figsize : (float, float)
        Figure size in inches (nudged so pixel sizes are even), from the `Framing`.
    dpi : float
        Pixels per inch, from the `Framing`.
    cmap : str
        Colormap of the surface and the filled contours.
    alpha : float
        Surface opacity.
    elev, azim : float
        Camera angles in degrees (`Axes3D.view_init`).
    turn : float
        Camera turn in degrees per frame (0: a fixed camera, which is also the fast path).
    surface_count : int
        Polygons per side of the 3D surface (the contour view uses the full grid).
    look : str
        ``"lecture"`` (default: text at least 14 px high at 1280x720, scaling with size and dpi,
        few large ticks) or ``"paper"`` (denser: smaller text, more ticks). One of `LOOKS`.

    Raises
    ------
    ValueError
        For a `look` not in `LOOKS`.
    """

    figsize: tuple[float, float] = (12.8, 7.2)
    dpi: float = 100.0
    cmap: str = "viridis"
    alpha: float = 0.75
    elev: float = 32.0
    azim: float = -125.0
    turn: float = 0.0
    surface_count: int = 36
    look: str = "lecture"

    def __post_init__(self) -> None:
        if self.look not in LOOKS:
            raise ValueError(f"style must be one of {', '.join(map(repr, LOOKS))}, got {self.look!r}")

    @property
    def pixel_figsize(self) -> tuple[float, float]:
        """`figsize` nudged to even pixel sizes: the size every frame (and the live panels) has."""
        return even_figsize(self.figsize, self.dpi)


def frame_positions(n_trace: int, *, every: int = 1, frames: int | None = None) -> np.ndarray:
    """Trace indices drawn as frames.

    Every `every`-th, always ending on the last. `frames` caps the count: with ``every == 1``
    the frames are spread evenly across the whole run (``--frames 40`` of 5,000 iterates shows
    the whole run, first and last iterate included; one frame shows the last); with
    ``every > 1`` it keeps the first `frames` of every `every`-th iterate (what
    `Framing.read_limit` reads).
    """
    if frames is not None and every == 1 and frames < n_trace:
        if frames == 1:  # one frame: the outcome
            return np.array([n_trace - 1])
        return np.unique(np.linspace(0, n_trace - 1, frames).round().astype(int))
    idx = np.arange(0, n_trace, every)
    if idx[-1] != n_trace - 1:
        idx = np.append(idx, n_trace - 1)
    return idx[:frames] if frames is not None else idx


def even_figsize(figsize: tuple[float, float], dpi: float) -> tuple[float, float]:
    """`figsize` nudged so that both pixel dimensions are even integers.

    H.264 in yuv420p (what slides and browsers play) needs even dimensions; fixing it once here
    keeps PNG, GIF and MP4 frames the same size.
    """
    w, h = (2 * max(1, round(s * dpi / 2)) for s in figsize)
    return w / dpi, h / dpi


DEFAULT_FRAMING = Framing()
DEFAULT_STYLE = Style()
