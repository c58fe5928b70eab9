"""`CachedFigure`: one figure whose static layers are kept as pixels and moving artists drawn over.

The surface, runs and network figures share this machinery: a figure sized from the scene's
`Style` (a new off-screen Agg figure for export and workers, or the live window's own figure),
and `render`, which redraws the static layers only when they change (a new surface, a turning
camera, a resized window) and otherwise restores them and draws just the artists that move, in
the order a full drawing uses, so a cached frame is the picture a full drawing makes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..scenes import Style

__all__ = ["CachedFigure", "font_size", "sized_figure"]


def sized_figure(style: Style, figure: Figure | None = None) -> Figure:
    """`figure`, or a new off-screen Agg figure of the style's even-pixel size and dpi.

    A given figure (the live window's) keeps its size and dpi: its caller made it from the same
    `Style.pixel_figsize`, and the window may have been scaled for the screen since.
    """
    if figure is not None:
        return figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = Figure(figsize=style.pixel_figsize, dpi=style.dpi)
    FigureCanvasAgg(figure)
    return figure


def font_size(style: Style) -> float:
    """The base font size in points: 10 at the lecture size (7.2 in high), scaling with the height."""
    return max(4.0, 10.0 * style.pixel_figsize[1] / 7.2)


class CachedFigure:
    """Base of the figures: size, font, pixel background, `render`, `close`.

    Subclasses build their artists, list the moving ones in ``_dynamic`` and implement `update`,
    `_draw_moving` and, when more than the figure size decides the background, `_background_key`.

    Parameters
    ----------
    scene : Scene or NetworkScene
        What to draw (its ``style`` sizes the figure).
    figure : matplotlib.figure.Figure, optional
        Draw into this figure (e.g. the live window's); by default a new off-screen figure with
        an Agg canvas, which is safe in worker processes.
    """

    def __init__(self, scene: Any, figure: Figure | None = None):
        self.scene = scene
        self.figure = sized_figure(scene.style, figure)
        self._font = font_size(scene.style)
        self._dynamic: list[Any] = []
        self._wanted: dict[int, bool] = {}  # artists hidden for this frame (no phi curve, say)
        self._bg: Any = None
        self._bg_key: Any = None
        self._bg_pixels: np.ndarray | None = None
        self._bg_token = 0
        self.overlay: list[Any] = []  # a caller's artists drawn over every frame (a window's slider)
        self._panel_bg: Any = None
        self._panel_key: Any = None
        self._renders = 0  # how many frames `render` drew: the panel cache shows the last one

    def __len__(self) -> int:
        return len(self.scene)

    def update(self, frame: int) -> list[Any]:
        """Move the artists to `frame`; returns the artists that change per frame."""
        raise NotImplementedError

    def _add_axes3d(self, rect: tuple[float, ...], names: tuple[str, str], zlabel: str) -> Any:
        """The 3D panel at `rect`: the scene's fixed domain and z-range, axis labels, its camera.

        Drawn above its neighbours (zorder 1) with no background patch, which would paint over
        them when the panel is re-drawn alone; moving artists keep their zorder
        (``computed_zorder=False``), so a cached frame is drawn as a full one.
        """
        sc, fs = self.scene, self._font
        ax = self.figure.add_axes(rect, projection="3d", computed_zorder=False)
        ax.patch.set_visible(False)
        ax.set_zorder(1)
        (x0, x1), (y0, y1) = sc.domain
        ax.set(xlim=(x0, x1), ylim=(y0, y1), zlim=sc.zlim)
        ax.set_xlabel(names[0], fontsize=fs, labelpad=-0.2 * fs)
        ax.set_ylabel(names[1], fontsize=fs, labelpad=-0.2 * fs)
        ax.set_zlabel(zlabel, fontsize=fs, labelpad=-0.2 * fs)
        ax.tick_params(labelsize=0.75 * fs, pad=-0.1 * fs)
        for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
            axis.set_major_locator(MaxNLocator(5))
        ax.view_init(elev=sc.style.elev, azim=sc.style.azim)
        return ax

    def _check_frame(self, frame: int) -> None:
        if not 0 <= frame < len(self.scene):
            raise IndexError(f"frame {frame} out of range: the animation has {len(self.scene)} frames")

    def _background_key(self) -> Any:
        """What, beside the figure's size, the pixel background shows; it is redrawn on a change."""
        return None

    def _hidden_in_background(self) -> list[Any]:
        """The artists left out of the background (drawn per frame by `_draw_moving`)."""
        return self._dynamic

    def _draw_moving(self, renderer: Any) -> None:
        """Draw the moving artists over the restored background, in a full drawing's order."""
        raise NotImplementedError

    def render(self, frame: int, *, copy: bool = True) -> np.ndarray:
        """Draw `frame` and return its RGBA pixels, shape (height, width, 4).

        Static layers (surfaces, axes, title) are drawn once per background key and kept as a
        pixel background; each frame restores it and draws only the moving artists.
        """
        self.update(frame)
        self._renders += 1
        canvas = self.figure.canvas
        key = (self._background_key(), self.figure.bbox.bounds)
        if key != self._bg_key:
            hidden = [*self._hidden_in_background(), *self.overlay]
            for artist in hidden:
                artist.set_visible(False)
            canvas.draw()
            self._bg = canvas.copy_from_bbox(self.figure.bbox)
            self._bg_key = key
            self._bg_pixels = np.asarray(canvas.buffer_rgba()).copy()
            self._bg_token += 1
            for artist in hidden:
                artist.set_visible(self._wanted.get(id(artist), True))
        else:
            canvas.restore_region(self._bg)
        self._draw_moving(canvas.get_renderer())
        for artist in self.overlay:
            artist.draw(canvas.get_renderer())
        pixels = np.asarray(canvas.buffer_rgba())
        return pixels.copy() if copy else pixels

    def invalidate(self) -> None:
        """Forget the pixel backgrounds (something outside the figure's own drawing changed them,
        e.g. a widget or a resized window): the next `render` or `draw_panel` draws them again."""
        self._bg_key = self._panel_key = None

    def camera_moved(self) -> None:
        """The 3D camera moved: the `render` background (it holds the still 3D panel) is redrawn
        on the next frame; the `draw_panel` cache (everything but the panel) stays."""
        self._bg_key = None

    def draw_panel(self, ax: Any) -> None:
        """Redraw only the panel `ax` (a moving camera) over a pixel cache of everything else.

        The cache is the figure as last rendered, without `ax`; it is kept until the next
        `render` or `invalidate`. The caller shows the result (``canvas.blit``).
        Exact for a 3D panel from `_add_axes3d`: it has no background patch and is drawn above
        its neighbours, so the cache plus the panel is the full drawing.
        """
        canvas = self.figure.canvas
        key = (id(ax), self._renders, self.figure.bbox.bounds)
        if key != self._panel_key or self._panel_bg is None:
            ax.set_visible(False)
            try:
                canvas.draw()
            finally:
                ax.set_visible(True)
            self._panel_bg = canvas.copy_from_bbox(self.figure.bbox)
            self._panel_key = key
        else:
            canvas.restore_region(self._panel_bg)
        ax.draw(canvas.get_renderer())

    @property
    def background(self) -> tuple[int, np.ndarray | None]:
        """``(token, pixels)`` of the static layers behind the last `render`; the token changes
        whenever they are redrawn (new M, camera turn), so encoders can cache per background."""
        return self._bg_token, self._bg_pixels

    def close(self) -> None:
        """Release the figure (and its pyplot window, if it has one)."""
        if self.figure.canvas.manager is not None:
            import matplotlib.pyplot as plt

            plt.close(self.figure)
        self.figure.clear()
