"""Figures: artists created once from a scene and moved per frame, over a cached pixel background.

`CachedFigure` holds what every figure shares (size, font, background cache, `render`, `close`);
`SceneFigure` draws one run on its surface, `RunsFigure` several runs, `NetworkFigure` a network's
surface morphing; `figure_for` picks the one for a scene. The primitives beside them: the fast
3D line, glyph-cached text, titles made mathtext-safe, decade axes and the surface's static layers.
"""

from .base import CachedFigure, font_size, sized_figure
from .glyph_text import GlyphText
from .layout import PATH_COLOR, POINT_COLOR
from .lines3d import ProjectedLine3D
from .network import NetworkFigure
from .runs import RunsFigure
from .select import figure_for
from .surface import SceneFigure
from .title import mathtext

__all__ = ["PATH_COLOR", "POINT_COLOR", "CachedFigure", "GlyphText", "NetworkFigure", "ProjectedLine3D",
           "RunsFigure", "SceneFigure", "figure_for", "font_size", "mathtext", "sized_figure"]
