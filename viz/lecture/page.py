"""What the lecture figures share: an off-screen figure sized for the hall, its fonts, its PNG file.

Text is sized in points from the figure height (the lecture size 12.8 x 7.2 in at 100 dpi gives
15 px ticks and legends), so it scales with ``figsize`` and ``dpi`` alike. The figures are static
pictures, drawn once, so matplotlib's constrained layout places the panels: no label clipped,
no panel over another.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ..export import write_png

__all__ = ["RUN_COLORS", "lecture_figure", "save_figure", "style_axes", "text_sizes"]

# Colour-blind-safe and far from viridis (the contours): one colour per run.
RUN_COLORS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9")
LECTURE_SIZE = (12.8, 7.2)


def _checked_size(figsize: Any, dpi: Any) -> tuple[tuple[float, float], float]:
    try:
        w, h = (float(v) for v in figsize)
        dpi = float(dpi)
    except (TypeError, ValueError):
        raise ValueError(f"figsize must be two numbers (inches) and dpi one, got {figsize!r}, {dpi!r}"
                         ) from None
    if not (0.5 <= w <= 100 and 0.5 <= h <= 100 and 10 <= dpi <= 1000):
        raise ValueError(f"figsize {w:g} x {h:g} in at {dpi:g} dpi is out of range "
                         "(0.5..100 in, 10..1000 dpi)")
    return (w, h), dpi


def text_sizes(figsize: tuple[float, float]) -> dict[str, float]:
    """Font sizes in points at 7.2 in high: ticks and legends 11, labels 12, panel titles 13, title 15."""
    scale = figsize[1] / LECTURE_SIZE[1]
    return {name: size * scale for name, size in
            dict(tick=11.0, legend=11.0, label=12.0, panel=13.0, title=15.0).items()}


def lecture_figure(figsize: Any = LECTURE_SIZE, dpi: Any = 100.0) -> tuple[Figure, dict[str, float]]:
    """A new off-screen Agg figure with constrained layout, and its `text_sizes`.

    Raises
    ------
    ValueError
        If `figsize` or `dpi` is not a usable size.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figsize, dpi = _checked_size(figsize, dpi)
    figure = Figure(figsize=figsize, dpi=dpi, layout="constrained")
    FigureCanvasAgg(figure)
    sizes = text_sizes(figsize)
    figure.get_layout_engine().set(h_pad=0.06 * sizes["tick"] / 11, w_pad=0.06 * sizes["tick"] / 11)
    return figure, sizes


def style_axes(ax: Any, sizes: dict[str, float]) -> None:
    """Ticks and grid of a lecture panel."""
    ax.tick_params(labelsize=sizes["tick"], which="both")
    ax.grid(True, which="major", color="0.88", linewidth=0.8)
    ax.set_axisbelow(True)


def save_figure(figure: Figure, path: str | os.PathLike[str]) -> Path:
    """Draw `figure` and write it to `path` as a PNG, atomically (the old file survives an interruption).

    Returns
    -------
    Path
        `path`, holding the figure at its own size and dpi.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    canvas.draw()
    return write_png(path, np.asarray(canvas.buffer_rgba()), dpi=figure.dpi)
