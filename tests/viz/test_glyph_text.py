"""The cached-glyph text artist: draws readable text where asked, as matplotlib's text does."""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from viz.figures.glyph_text import FAMILY, GlyphText


def draw(**kwargs):
    fig = Figure(figsize=(3, 1.5), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    text = GlyphText(0.5, 0.5, transform=ax.transAxes, fontsize=10, **kwargs)
    ax.add_artist(text)
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int), text


def ink(pixels):
    rows, cols = np.nonzero(pixels.sum(axis=-1) < 600)
    return rows, cols


def test_text_is_drawn_at_the_anchor_with_alignment():
    px, _ = draw(text="x = (1.5, 2)\nF = 3", ha="left", va="top", box=False)
    rows, cols = ink(px)
    assert rows.size > 50
    assert cols.min() >= 149 and rows.min() >= 74  # right of and below the centre anchor
    px, _ = draw(text="x = (1.5, 2)", ha="right", va="bottom", box=False)
    rows, cols = ink(px)
    assert cols.max() <= 151 and rows.max() <= 76


def test_glyphs_match_matplotlib_text_ink():
    px, _ = draw(text="k = 12", box=False)
    fig = Figure(figsize=(3, 1.5), dpi=100)
    FigureCanvasAgg(fig)
    fig.text(0.5, 0.5, "k = 12", fontsize=10, family=FAMILY, va="top")
    fig.canvas.draw()
    ref = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int)
    ours, theirs = (255 - px).sum(), (255 - ref).sum()
    assert abs(ours - theirs) < 0.15 * theirs  # the same amount of ink, to antialiasing


def test_box_and_empty_text():
    px, text = draw(text="", box=True)
    assert ink(px)[0].size == 0  # nothing at all for empty text
    text.set_text("M = 10")
    assert text.get_text() == "M = 10"
    px, _ = draw(text="M = 10", box=True)
    assert ink(px)[0].size > 20


def test_window_extent_is_where_the_box_is_drawn():
    for box in (True, False):
        for dpi_text in ("k=12\nf = 3.5", "x"):
            pixels, text = draw(text=dpi_text, box=box, ha="center", va="center")
            extent = text.get_window_extent()
            rows, cols = np.nonzero((pixels < 250).any(axis=-1))  # the box's grey edge, or the ink
            height = pixels.shape[0]
            # drawn pixels lie inside the extent (to a pixel of antialiasing), and fill it if boxed
            assert cols.min() >= extent.x0 - 1 and cols.max() <= extent.x1 + 1
            assert height - rows.max() - 1 >= extent.y0 - 1 and height - rows.min() <= extent.y1 + 1
            if box:
                assert cols.min() <= extent.x0 + 1 and cols.max() >= extent.x1 - 2
