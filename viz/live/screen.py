"""`Screen`: what the live window puts on screen, drawn the cheap way.

A frame is the export's cached rendering (`CachedFigure.render`: the pixel background, the
moving artists and the window's overlay, i.e. the history slider and status line); a camera move
is the 3D panel alone over a cache of the rest (`CachedFigure.draw_panel`); either is then
blitted. Any other drawing of the figure (a widget, a resized window) makes both caches stale.
"""

from __future__ import annotations

from typing import Any

from ..figures.repaint import drawn_extents
from .worker import MATPLOTLIB

__all__ = ["Screen"]


class Screen:
    """Draw a `CachedFigure` (``view``) living in a window's `canvas`, and show it."""

    def __init__(self, canvas: Any):
        self.canvas, self.view = canvas, None
        self._drawing = False
        self._cid = canvas.mpl_connect("draw_event", self._on_draw)

    def frame(self, frame: int) -> None:
        """Draw `frame` and show it."""
        self._draw(self.view.render, frame, copy=False)

    def panel(self) -> None:
        """Draw the 3D panel alone (the camera moved) and show it."""
        self._draw(self.view.draw_panel, self.view.ax3d)
        self.view.camera_moved()

    def stale(self) -> None:
        """Something only a full drawing shows changed (a widget redrew itself)."""
        self.view.invalidate()

    def changed(self, ax: Any, change: Any) -> None:
        """Apply `change()` to panel `ax` of the background (a button's label): the next frame
        redraws that panel alone (`CachedFigure.axes_changed`)."""
        with MATPLOTLIB:
            before = drawn_extents([ax], self.canvas.get_renderer())
            change()
        self.view.axes_changed([ax], before)

    def close(self) -> None:
        """Stop watching the canvas's drawings."""
        self.canvas.mpl_disconnect(self._cid)

    def _draw(self, how: Any, *args: Any, **kwargs: Any) -> None:
        if self.view.figure.canvas is not self.canvas:  # the window closed (a redraw was pending)
            return
        self._drawing = True
        try:
            with MATPLOTLIB:  # an export's thread may be drawing its own figure
                how(*args, **kwargs)
        finally:
            self._drawing = False
        self.canvas.blit(self.view.figure.bbox)

    def _on_draw(self, _: Any) -> None:
        if not self._drawing and self.view is not None:
            self.view.invalidate()
