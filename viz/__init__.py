"""viz: animate optimizer iterates on 3D surfaces and export lecture-ready frames, GIF and MP4.

Imports numpy and matplotlib only (never sympy): the functions drawn are plain vectorized callables.
A frame is made in one direction, one sub-package each: ``scenes`` (iterates collected into a
`Trace`, then plain data: domain, grids, per-frame positions), ``figures`` (artists created once,
moved per frame), ``export`` (PNG frames, GIF, MP4) and ``live`` (the window, notebooks), with
the animators on top.

The API:

- `Animator`: one run (or a mapping of runs) on the surface of the function it minimizes.
- `NetworkAnimator`: a network's output surface morphing over its training.
- `Player`: what drives the live window of ``Animator.show`` (returned by it).
- `Framing`: the framing options (domain, zlim, coords, grid, frames, every, figsize, dpi), checked.
- `collect`, `Trace`: an iterate stream drained into plain arrays.
- `Plane`, `filter_normalized_direction`, `pca_directions`: loss landscapes over a plane of parameters.
- `to_jshtml`: the animation as an HTML player for notebooks; `has_display`: can a window open?
- `FrameExport`: what a frame export wrote.
- `lecture`: still lecture figures of constrained runs, from plain data: ``lecture.OuterRun``,
  ``lecture.outer_figure`` (per-outer-step panels), ``lecture.small_multiples`` (contours of F for
  several M with x(M)), ``lecture.save_figure`` (an atomic PNG).
- `ExportInterrupted` (Ctrl-C during an export), `FFmpegNotFoundError` (MP4 without ffmpeg).
"""

from . import lecture
from ._animator import Animator
from ._network_animator import NetworkAnimator
from .export import ExportInterrupted, FFmpegNotFoundError, FrameExport
from .live import Player, has_display, to_jshtml
from .scenes import Framing, Plane, Trace, collect, filter_normalized_direction, pca_directions

__all__ = [
    "Animator",
    "ExportInterrupted",
    "FFmpegNotFoundError",
    "FrameExport",
    "Framing",
    "NetworkAnimator",
    "Plane",
    "Player",
    "Trace",
    "collect",
    "filter_normalized_direction",
    "has_display",
    "lecture",
    "pca_directions",
    "to_jshtml",
]
