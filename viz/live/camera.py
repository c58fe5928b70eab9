"""`Camera`: turn (drag) and zoom (scroll) the 3D panel, redrawing only that panel.

matplotlib's own 3D mouse handling redraws the whole figure on every mouse move (about a tenth
of a second at 1280x720). Here a drag turns the camera in matplotlib's 'azel' style (across:
azimuth, up and down: elevation), a scroll zooms, and each move redraws only the 3D panel over a
pixel cache of the rest (`CachedFigure.draw_panel`), at most once per turn of the event loop
however many mouse events arrived. While the button is down the panel is drawn without its
floor contours and tick labels (`LightPanel`); on release the full panel is drawn again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from matplotlib.backend_bases import TimerBase

__all__ = ["Camera", "LightPanel", "Soon", "forget_axes"]

ZOOM = (0.5, 2.0)  # the scroll's range of the panel's zoom


class Soon:
    """Call `action` once at the next turn of the canvas's event loop, however often asked.

    Mouse moves and timer ticks arrive faster than frames draw: each asks, one draw answers.
    A canvas without an event loop (Agg) has timers that never fire; there `fallback` runs at once.
    """

    def __init__(self, canvas: Any, action: Callable[[], None], fallback: Callable[[], None] | None = None):
        self._action, self._fallback = action, fallback or action
        self._pending = False
        timer = canvas.new_timer(interval=0)
        self._timer = None if type(timer)._timer_start is TimerBase._timer_start else timer
        if self._timer is not None:
            self._timer.single_shot = True
            self._timer.add_callback(self._fire)

    @property
    def live(self) -> bool:
        """True on a canvas with an event loop (the call is deferred, not done at once)."""
        return self._timer is not None

    def __call__(self) -> None:
        if self._timer is None:
            self._fallback()
        elif not self._pending:
            self._pending = True
            self._timer.start()

    def _fire(self) -> None:
        self._pending = False
        self._action()

    def stop(self) -> None:
        """Forget a pending call."""
        self._pending = False
        if self._timer is not None:
            self._timer.stop()


class LightPanel:
    """The 3D panel while dragging: no floor contours, no tick or axis labels.

    Text is the dearest thing a 3D panel draws; the surface, panes, grid and paths stay, so the
    turn reads as before and shows the true surface (a coarser one misdraws narrow valleys).
    """

    def __init__(self, view: Any):
        self.ax = view.ax3d
        self._hidden: list[Any] = []

    def on(self) -> None:
        """Hide the floor contours and labels."""
        if self._hidden:
            return
        axes = (self.ax.xaxis, self.ax.yaxis, self.ax.zaxis)
        floors = [c for c in self.ax.collections
                  if type(c).__name__.startswith("QuadContourSet") and c.get_visible()]
        self._hidden = [*floors, *(axis.label for axis in axes if axis.label.get_visible())]
        for artist in self._hidden:
            artist.set_visible(False)
        for axis in axes:
            axis.set_tick_params(label1On=False)

    def off(self) -> None:
        """Back to the full panel."""
        if not self._hidden:
            return
        for axis in (self.ax.xaxis, self.ax.yaxis, self.ax.zaxis):
            axis.set_tick_params(label1On=True)
        for artist in self._hidden:
            artist.set_visible(True)
        self._hidden = []


class Camera:
    """Mouse control of a 3D panel's camera, with panel-only redraws.

    Parameters
    ----------
    canvas : FigureCanvas
        The window's canvas (its timer coalesces redraws; without an event loop, e.g. Agg, each
        move redraws at once).
    redraw : callable
        ``redraw()`` draws the panel and shows it (the player's `draw_panel` and blit).
    """

    def __init__(self, canvas: Any, *, redraw: Callable[[], None]):
        self.canvas, self._redraw = canvas, redraw
        self.ax: Any = None
        self.light: LightPanel | None = None
        self.dragging = False
        self.zoom = 1.0
        self.redraws = 0
        self._last = (0.0, 0.0)
        self.request = Soon(canvas, self.flush)  # redraw soon: once per event-loop turn
        self._cids = [canvas.mpl_connect(name, handler) for name, handler in (
            ("button_press_event", self._press), ("button_release_event", self._release),
            ("motion_notify_event", self._move), ("scroll_event", self._scroll))]

    def attach(self, view: Any) -> None:
        """Control `view`'s 3D panel (its own mouse handlers must be disconnected by the caller)."""
        self.ax = getattr(view, "ax3d", None)
        self.light = LightPanel(view) if self.ax is not None else None
        self.dragging = False
        if self.ax is not None and self.zoom != 1.0:  # a rebuilt panel keeps the zoom
            self.ax.set_box_aspect(None, zoom=self.zoom)

    def view_angles(self) -> tuple[float, float]:
        """``(elev, azim)`` of the panel, in degrees."""
        return float(self.ax.elev), float(self.ax.azim)

    def turn(self, d_elev: float, d_azim: float) -> None:
        """Turn the camera by the given degrees (elevation kept within +-90) and redraw."""
        elev, azim = self.view_angles()
        self.ax.view_init(elev=float(np.clip(elev + d_elev, -90.0, 90.0)), azim=azim + d_azim)
        self.request()

    def flush(self) -> None:
        """Redraw the panel now (coarse while dragging)."""
        if self.ax is None:
            return
        if self.dragging:
            self.light.on()
        else:
            self.light.off()
        self._redraw()
        self.redraws += 1

    def close(self) -> None:
        """Disconnect from the canvas."""
        self.request.stop()
        for cid in self._cids:
            self.canvas.mpl_disconnect(cid)

    # -- events ------------------------------------------------------------------------------------
    def _mine(self, event: Any) -> bool:
        toolbar = self.canvas.toolbar
        return (self.ax is not None and event.inaxes is self.ax
                and not (toolbar is not None and getattr(toolbar, "mode", "")))

    def _press(self, event: Any) -> None:
        if event.button == 1 and self._mine(event):
            self.dragging, self._last = True, (event.x, event.y)

    def _move(self, event: Any) -> None:
        if not self.dragging:
            return
        (x0, y0), (x, y) = self._last, (event.x, event.y)
        self._last = (x, y)
        w, h = self.ax.bbox.width, self.ax.bbox.height
        if (x, y) != (x0, y0) and w > 0 and h > 0:
            self.turn(-(y - y0) / h * 180.0, -(x - x0) / w * 180.0)

    def _release(self, event: Any) -> None:
        if self.dragging and event.button == 1:
            self.dragging = False
            self.request()

    def _scroll(self, event: Any) -> None:
        if not self._mine(event):
            return
        self.zoom = float(np.clip(self.zoom * 1.1 ** float(event.step), *ZOOM))
        self.ax.set_box_aspect(None, zoom=self.zoom)
        self.request()


def forget_axes(canvas: Any, ax: Any) -> None:
    """Disconnect the canvas callbacks bound to `ax` (Axes3D's mouse handlers, which redraw the
    whole figure per move, and which outlive ``ax.remove()``)."""
    for callbacks in list(canvas.callbacks.callbacks.values()):
        for cid, ref in list(callbacks.items()):
            if getattr(ref(), "__self__", None) is ax:
                canvas.callbacks.disconnect(cid)
