"""The animation's panels in the live window: a new run drawn in new panels, or in the old ones.

The window's figure holds the controls (`controls.make_controls`) below the panels of one run's
figure (`viz.figures.figure_for`). A restarted run of the same problem is shown in the panels
already drawn (`SceneFigure.retarget`: only the convergence plots are made anew); any other run
gets new panels in place of the old.
"""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

from ..figures import CachedFigure, figure_for
from .camera import forget_axes
from .controls import lift_panels
from .worker import MATPLOTLIB

__all__ = ["new_panels", "retarget_panels"]


def new_panels(figure: Figure, scene: Any, old: CachedFigure | None, panels: list[Any], *,
               camera: tuple[float, float] | None = None) -> tuple[CachedFigure, list[Any]]:
    """Remove `panels` (those of `old`), draw `scene` into `figure` above the controls, seen from
    `camera` (elevation, azimuth); returns the new figure and its panels."""
    if old is not None:
        for ax in panels:
            forget_axes(figure.canvas, ax)
            ax.remove()
    before = set(figure.axes)
    # The window was made at the export's size (`live_figsize`); drawn into as it is, it keeps
    # the size the user gave it and the dpi the toolkit scaled for the screen.
    with MATPLOTLIB:  # an export's thread may be drawing
        view = figure_for(scene, figure)
    view.keep_first = True  # a restart starts on the first frame's background
    panels = [ax for ax in figure.axes if ax not in before]
    lift_panels(panels, getattr(figure, "_suptitle", None))
    if camera is not None:
        view.ax3d.view_init(elev=camera[0], azim=camera[1])
    if getattr(view, "ax3d", None) is not None:
        forget_axes(figure.canvas, view.ax3d)  # the Camera turns it, redrawing the panel alone
    return view, panels


def retarget_panels(view: CachedFigure, panels: list[Any], scene: Any) -> list[Any] | None:
    """Show `scene` in `view`'s panels if it is another run of the problem they draw (same
    domain, surfaces, look): its new panels lifted above the controls, and all of them returned.
    None, with nothing changed, when `view` cannot: build `new_panels` then."""
    retarget, figure = getattr(view, "retarget", None), view.figure
    before = set(figure.axes)
    with MATPLOTLIB:  # an export's thread may be drawing
        if retarget is None or not retarget(scene):
            return None
    new = [ax for ax in figure.axes if ax not in before]
    lift_panels(new, None)
    return [*(ax for ax in panels if ax in figure.axes), *new]
