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
from .axes import tick_bins
from .repaint import Kept

__all__ = ["CachedFigure", "font_size", "sized_figure"]

# The base font size in points of each look at the 12.8 x 7.2 in frame; every text of a figure is
# a fixed multiple of it, the smallest (tick labels, legends) 0.75: in the lecture look that is
# 10.5 pt, 14.6 px at 100 dpi.
BASE_POINTS = {"lecture": 14.0, "paper": 9.5}



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
    """The base font size in points of the style's look, scaling with the figure.

    At 12.8 x 7.2 in it is the look's `BASE_POINTS`; a smaller or larger figure scales it by the
    tighter of its two sides, so the layout (fixed figure fractions) holds the text at any size
    and aspect, and the text's pixel size scales with the dpi like everything else.
    """
    w, h = style.pixel_figsize
    return max(2.0, BASE_POINTS[style.look] * min(w / 12.8, h / 7.2))



def _longest_tick(axis: Any) -> int:
    """Characters of the axis' longest tick label, for its current limits."""
    locs = axis.get_major_locator().tick_values(*axis.get_view_interval())
    return max((len(t) for t in axis.get_major_formatter().format_ticks(locs)), default=0)


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
        self._kept: list[Kept] = []  # backgrounds to make the next one from (see `axes_changed`)
        self._extents: dict[Any, Any] = {}  # the unchanged panels' extents, for `Kept`
        # Keep the first background drawn since the last change too, not only the last: a live
        # window's restart (`SceneFigure.retarget`) starts on it. Off for exports (memory).
        self.keep_first = False

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
        # mplot3d adds fixed offsets in points (21 to axis names, 8 to tick labels): the pads
        # here make the whole distance scale with the font, so every size looks alike.
        # No tick at the ends of the floor's axes: where the x and y axes meet, their end labels
        # would overlap each other or the axis names. The names sit beyond the tick labels, the
        # longer those, the further.
        scale = fs / BASE_POINTS["lecture"]

        def pad(extra: float) -> float:
            return (21 + extra * fs) * scale - 21

        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_locator(MaxNLocator(tick_bins(sc.style), prune="both"))
        ax.zaxis.set_major_locator(MaxNLocator(tick_bins(sc.style)))
        for axis, name in zip((ax.xaxis, ax.yaxis), names, strict=True):
            axis.set_label_text(name, fontsize=fs)
            axis.labelpad = pad(0.6 + 0.35 * _longest_tick(axis))
        ax.set_zlabel(zlabel, fontsize=fs, labelpad=pad(0.3))
        ax.tick_params(labelsize=0.75 * fs, pad=8 * scale - 8)
        ax.view_init(elev=sc.style.elev, azim=sc.style.azim)
        return ax

    def _scale_ticks(self, axes: list[Any] | None = None) -> None:
        """Tick marks and their label gaps of the 2D axes (default: all) in proportion to the font
        (matplotlib's are fixed points, which at another size or dpi would crowd or clip the labels)."""
        fs = self._font
        for ax in self.figure.axes if axes is None else axes:
            if not hasattr(ax, "zaxis"):
                ax.tick_params(length=0.25 * fs, width=0.06 * fs, pad=0.25 * fs)

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
            kept = next((k for k in self._kept if k.key == key), None)
            if kept is None or not kept.apply(canvas):
                canvas.draw()
            self._bg = canvas.copy_from_bbox(self.figure.bbox)
            self._bg_key = key
            self._bg_pixels = np.asarray(canvas.buffer_rgba()).copy()
            self._keep(Kept(key, self._bg, self._bg_pixels, self._extents))
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
        self._kept = []

    def camera_moved(self) -> None:
        """The 3D camera moved: the `render` background (it holds the still 3D panel) is redrawn
        on the next frame; the `draw_panel` cache (everything but the panel) stays."""
        self._bg_key = None
        self._kept = []

    def axes_changed(self, axes: list[Any], replaced: list[Any] = ()) -> None:
        """Panels `axes` of the background changed (new limits, a button's label): the next
        `render` redraws them alone into a kept background (`Kept.apply`: exact, or a full drawing
        where another artist shares their region). `replaced` are the extents of what they drew
        before (`repaint.drawn_extents`, measured before the change)."""
        for kept in self._kept:
            kept.changed(axes, replaced)
        self._bg_key = None  # drawn anew, though its key may be the same

    def _keep(self, background: Kept) -> None:
        """Keep `background` in place of one with its key, or of the last one: the first stays."""
        same = [i for i, k in enumerate(self._kept) if k.key == background.key]
        if same:
            self._kept[same[0]] = background
        elif len(self._kept) < (2 if self.keep_first else 1):
            self._kept.append(background)
        else:
            self._kept[-1] = background

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
