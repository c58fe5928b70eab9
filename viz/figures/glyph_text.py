"""`GlyphText`: a monospace text artist that draws from a cache of glyph images.

Matplotlib renders every glyph of every text afresh at each draw (about 0.1 ms a glyph), which
made the per-frame labels the most expensive part of an exported frame. The labels change every
frame but only ever use a few dozen characters, so each character is rendered once, by
matplotlib itself, into a coverage bitmap; a label is then composed with numpy slicing and drawn
as one image (``renderer.draw_image``). Monospace keeps the composition a fixed-advance grid.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.colors import to_rgba
from matplotlib.patches import BoxStyle
from matplotlib.transforms import Affine2D, Bbox, Transform

__all__ = ["GlyphText"]

FAMILY = "DejaVu Sans Mono"  # ships with matplotlib, so frames look the same on every machine


class _Atlas:
    """Coverage bitmaps of single characters at one pixel size, rendered by matplotlib on demand."""

    def __init__(self, size_px: float):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.size_px = size_px
        self._fig = Figure(figsize=(1, 1), dpi=72)  # 1 point = 1 pixel at 72 dpi
        FigureCanvasAgg(self._fig)
        self._fig.patch.set_alpha(0.0)
        self._renderer = self._fig.canvas.get_renderer()
        probe = self._fig.text(0, 0, "0" * 20, fontsize=size_px, family=FAMILY)
        self.advance = probe.get_window_extent(self._renderer).width / 20
        probe.remove()
        self.line = int(np.ceil(1.25 * size_px))
        self.ascent = int(np.ceil(0.95 * size_px))  # baseline position from the cell's top
        self.cell = int(np.ceil(self.advance)) + 2
        self._fig.set_size_inches((self.cell + 4) / 72, (self.line + 4) / 72)
        self._fig.canvas.draw()
        self._renderer = self._fig.canvas.get_renderer()
        self._glyphs: dict[str, np.ndarray] = {}
        self._lines: dict[str, np.ndarray] = {}

    def glyph(self, ch: str) -> np.ndarray:
        if ch not in self._glyphs:
            self._glyphs[ch] = self._render(ch)
        return self._glyphs[ch]

    def _render(self, ch: str) -> np.ndarray:
        if ch == " ":
            return np.zeros((self.line, self.cell), dtype=np.float32)
        fig, renderer = self._fig, self._renderer
        w, h = self.cell + 4, self.line + 4
        renderer.clear()
        text = fig.text(2 / w, 1 - (2 + self.ascent) / h, ch, fontsize=self.size_px, family=FAMILY,
                        va="baseline", ha="left", color="black")
        text.draw(renderer)
        alpha = np.asarray(renderer.buffer_rgba())[2: 2 + self.line, 2: 2 + self.cell, 3].copy()
        text.remove()
        return alpha.astype(np.float32) / 255.0

    def _render_line(self, s: str) -> np.ndarray:
        out = np.zeros((self.line, int(np.ceil(len(s) * self.advance)) + self.cell), dtype=np.float32)
        for col, ch in enumerate(s):
            g = self.glyph(ch)
            x = int(round(col * self.advance))
            np.maximum(out[:, x: x + g.shape[1]], g, out=out[:, x: x + g.shape[1]])
        return out

    def text_line(self, s: str) -> np.ndarray:
        """Coverage of one line; recent lines are kept (labels repeat most of theirs)."""
        cached = self._lines.get(s)
        if cached is None:
            cached = self._lines[s] = self._render_line(s)
            if len(self._lines) > 512:
                self._lines.pop(next(iter(self._lines)))
        return cached

    def compose(self, text: str) -> np.ndarray:
        """Coverage in [0, 1] of `text` (lines split on newlines), top row first."""
        rows = [self.text_line(s) for s in text.split("\n")]
        out = np.zeros((self.line * len(rows), max(r.shape[1] for r in rows)), dtype=np.float32)
        for i, r in enumerate(rows):
            out[i * self.line: (i + 1) * self.line, : r.shape[1]] = r
        used = np.flatnonzero(out.any(axis=0))
        return out[:, : used[-1] + 2] if used.size else out[:, :1]


@functools.lru_cache(maxsize=16)
def _atlas(size_px: float) -> _Atlas:
    return _Atlas(size_px)


class GlyphText(Artist):
    """Monospace text, optionally in a rounded box, anchored at a point of `transform`.

    Parameters
    ----------
    x, y : float
        Anchor in `transform` coordinates.
    text : str
        The text; newlines start new lines.
    transform : Transform
        E.g. ``ax.transAxes`` or ``ax.transData``.
    fontsize : float
        Size in points.
    ha, va : str
        Alignment of the text block to the anchor: left/center/right, top/center/bottom.
    offset : (float, float)
        Shift from the anchor in points.
    box : bool
        Draw a white rounded box behind the text.
    """

    def __init__(self, x: float, y: float, text: str = "", *, transform: Transform, fontsize: float,
                 color: Any = "black", ha: str = "left", va: str = "top",
                 offset: tuple[float, float] = (0.0, 0.0), box: bool = True, zorder: float = 5):
        super().__init__()
        self._xy = (x, y)
        self._text = text
        self.set_transform(transform)
        self.fontsize = fontsize
        self._rgba = np.array(to_rgba(color)) * 255
        self.ha, self.va, self.offset, self.box = ha, va, offset, box
        self.set_zorder(zorder)
        self._composed: tuple[Any, np.ndarray, np.ndarray | None] | None = None  # see `_coverage`

    def set_text(self, text: str) -> None:
        self._text = str(text)
        self.stale = True

    def get_text(self) -> str:
        return self._text

    def set_anchor(self, xy: tuple[float, float], *, ha: str | None = None, va: str | None = None,
                   offset: tuple[float, float] | None = None) -> None:
        """Move the anchor (and optionally change alignment and offset)."""
        self._xy = xy
        self.ha = ha or self.ha
        self.va = va or self.va
        self.offset = offset if offset is not None else self.offset
        self.stale = True

    def _coverage(self, atlas: _Atlas) -> np.ndarray:
        """The text's coverage, composed again only when the text or its size changed (labels
        such as phi's max and min stay the same for many frames)."""
        key = (self._text, atlas.size_px)
        if self._composed is None or self._composed[0] != key:
            self._composed = (key, atlas.compose(self._text), None)
        return self._composed[1]

    def _image(self, coverage: np.ndarray) -> np.ndarray:
        """The RGBA image drawn for `coverage` (bottom row first), kept while the text stays."""
        key, kept, image = self._composed or (None, None, None)
        if image is None or kept is not coverage:
            h, w = coverage.shape
            image = np.empty((h, w, 4), dtype=np.uint8)
            image[..., :3] = self._rgba[:3].astype(np.uint8)
            image[..., 3] = (coverage * self._rgba[3]).astype(np.uint8)
            image = np.ascontiguousarray(image[::-1])
            if kept is coverage:
                self._composed = (key, coverage, image)
        return image

    def _layout(self, renderer: Any) -> tuple[_Atlas, np.ndarray, int, int, int]:
        """The atlas, the text's coverage, its padding and the box's lower left pixel."""
        atlas = _atlas(round(float(renderer.points_to_pixels(self.fontsize)), 2))
        coverage = self._coverage(atlas)
        h, w = coverage.shape
        pad = int(round(0.35 * atlas.size_px)) if self.box else 0
        ax, ay = self.get_transform().transform(self._xy)
        ax += renderer.points_to_pixels(self.offset[0])
        ay += renderer.points_to_pixels(self.offset[1])
        total_w, total_h = w + 2 * pad, h + 2 * pad
        left = ax - {"left": 0, "center": total_w / 2, "right": total_w}[self.ha]
        bottom = ay - {"bottom": 0, "center": total_h / 2, "top": total_h}[self.va]
        return atlas, coverage, pad, int(round(left)), int(round(bottom))

    def get_window_extent(self, renderer: Any = None) -> Bbox:
        """The box (or the text, without one) in display pixels, as `draw` places it."""
        renderer = renderer if renderer is not None else self.figure.canvas.get_renderer()
        if not self._text:
            return Bbox.null()
        _, coverage, pad, left, bottom = self._layout(renderer)
        h, w = coverage.shape
        return Bbox.from_bounds(left, bottom, w + 2 * pad, h + 2 * pad)

    def draw(self, renderer: Any) -> None:
        if not self.get_visible() or not self._text:
            return
        atlas, coverage, pad, left, bottom = self._layout(renderer)
        h, w = coverage.shape
        total_w, total_h = w + 2 * pad, h + 2 * pad
        gc = renderer.new_gc()
        gc.set_alpha(self.get_alpha() if self.get_alpha() is not None else 1.0)
        if self.box:
            path = BoxStyle.Round(pad=0, rounding_size=0.6 * pad)(0, 0, total_w, total_h, 1.0)
            gc.set_linewidth(0.06 * self.fontsize)
            gc.set_foreground((0.6, 0.6, 0.6, 1.0))
            renderer.draw_path(gc, path, Affine2D().translate(left, bottom), (1.0, 1.0, 1.0, 0.92))
        renderer.draw_image(gc, left + pad, bottom + pad, self._image(coverage))
        gc.restore()
        self.stale = False
