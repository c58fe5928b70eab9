"""The surface figure's fixed layout: panel rectangles, colours and drawing order.

Panels sit at fixed figure fractions, with no layout engine, so nothing moves between frames and
nothing overlaps (the pixel cache relies on that). The runs figure uses the same layout.
"""

__all__ = ["ABOVE_COLOR", "F_COLOR", "GRAD_COLOR", "OBJ_COLOR", "PATH_COLOR", "POINT_COLOR", "RECT_3D",
           "RECT_CONTOUR", "RECT_LOG", "RECT_PHI", "RECT_VALUES", "VIOL_COLOR", "Z_LABEL", "Z_PATH",
           "Z_POINT", "panel_rects"]

Rect = tuple[float, float, float, float]

ABOVE_COLOR = "0.85"
PATH_COLOR = "#e6194b"  # a red far from every viridis colour, so tests can find the path's pixels
POINT_COLOR = "#ff7f0e"
F_COLOR, OBJ_COLOR, GRAD_COLOR, VIOL_COLOR = "#1f77b4", "#2ca02c", "#9467bd", "#d62728"
# Panel rectangles in figure fractions (left, bottom, width, height): fixed, no layout engine,
# so nothing moves between frames and nothing overlaps (the pixel cache relies on that).
RECT_3D = (0.0, 0.06, 0.52, 0.82)
RECT_CONTOUR = (0.585, 0.43, 0.25, 0.45)
RECT_PHI = (0.885, 0.5, 0.1, 0.27)
RECT_VALUES = (0.575, 0.225, 0.335, 0.135)
RECT_LOG = (0.575, 0.065, 0.335, 0.135)
# Without the line-search inset its corner is free: the contour view (square, so only more height
# makes it larger) takes the right column's width and grows 10% taller, the two convergence
# panels each give up 14 px of height for it (at 1280x720).
_WIDE_CONTOUR = (0.585, 0.385, 0.395, 0.495)
_LOW_VALUES = (0.575, 0.2, 0.335, 0.115)
_LOW_LOG = (0.575, 0.065, 0.335, 0.115)
# Dynamic artists sit above every static one of their axes, in the full drawing as in the cache.
Z_PATH, Z_POINT, Z_LABEL = 20, 21, 22


def panel_rects(inset: bool) -> tuple[Rect, Rect, Rect]:
    """The contour view's and the two convergence panels' rectangles, ``(contour, values, log)``:
    beside the line-search inset if `inset`, else larger, over the space the inset would take."""
    return (RECT_CONTOUR, RECT_VALUES, RECT_LOG) if inset else (_WIDE_CONTOUR, _LOW_VALUES, _LOW_LOG)
