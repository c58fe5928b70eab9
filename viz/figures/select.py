"""`figure_for`: the one place that maps a scene to the figure drawing it.

Scenes are plain data and know nothing of figures; export, the live window and the animators
ask here instead.
"""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

from ..scenes import NetworkScene
from ..scenes.line import LineScene
from .base import CachedFigure
from .line import LineFigure
from .network import NetworkFigure
from .runs import RunsFigure
from .surface import SceneFigure

__all__ = ["figure_for"]


def figure_for(scene: Any, figure: Figure | None = None) -> CachedFigure:
    """The figure and artists drawing `scene`.

    A `NetworkScene` gets a `NetworkFigure`; a `LineScene` (one variable) a `LineFigure`; a
    `Scene` with several runs a `RunsFigure`; any other `Scene` a `SceneFigure`. `figure` (the
    live window's) is drawn into as it is; by default a new off-screen Agg figure of the scene's
    size.
    """
    if isinstance(scene, NetworkScene):
        return NetworkFigure(scene, figure)
    if isinstance(scene, LineScene):
        return LineFigure(scene, figure)
    if scene.runs:
        return RunsFigure(scene, figure)
    return SceneFigure(scene, figure)
