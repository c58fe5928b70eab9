"""`Kept`: a pixel background, made anew by redrawing only the panels that changed.

A figure re-pointed at another run of the same problem (`SceneFigure.retarget`) keeps its
surface, contours, title and controls; only some panels (the convergence plots, whose limits
follow the run) differ. Their region of the old background is filled with the figure's colour
and those panels are drawn into it: the picture a full drawing makes, provided nothing else draws
there. That is checked, not assumed: the region (where the replaced panels drew, and where the
new ones draw) must miss every other panel's drawn extent (`Axes.get_tightbbox`) and every
figure-level artist; otherwise `apply` declines and the caller draws the whole figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.transforms import Bbox

__all__ = ["Kept", "drawn_extents"]

PAD = 2  # pixels around the region: antialiased edges reach half a pixel past a tight box


def drawn_extents(axes: list[Any], renderer: Any, known: dict[Any, Any] | None = None) -> list[Bbox]:
    """Where each of `axes` draws, in display pixels (labels and legends included); `known`:
    extents measured when they were last redrawn (`Kept.apply`), valid while they are unchanged."""
    drawn = (known or {}).get("drawn", {})
    return [drawn[ax] if ax in drawn else ax.get_tightbbox(renderer) for ax in axes]


def _clusters(boxes: list[Bbox]) -> list[Bbox]:
    """`boxes` (padded) merged where they overlap: the separate regions to redraw."""
    regions: list[Bbox] = []
    for box in boxes:
        box = box.padded(PAD)
        while (hit := next((r for r in regions if r.overlaps(box)), None)) is not None:
            regions.remove(hit)
            box = Bbox.union([hit, box])
        regions.append(box)
    return regions


def _project(figure: Any) -> None:
    """Give each 3D panel the projection a drawing would (`Axes3D.draw` sets it, and the moving
    artists drawn over a restored background use it): limits or camera may differ since the
    panel was last drawn, say a kept background of the first weight's z-range."""
    for ax in figure.axes:
        if hasattr(ax, "get_proj"):
            ax._unstale_viewLim()
            ax.apply_aspect()
            ax.M = ax.get_proj()
            ax.invM = np.linalg.inv(ax.M)


@dataclass
class Kept:
    """A pixel background drawn for background key `key`, and the panels changed since.

    `axes` changed after it was drawn; `replaced` holds the extents of what they drew then
    (measured before the change). `others`, shared by a figure's backgrounds, caches panel extents
    per figure size and camera (measuring a 3D panel costs a fifth of drawing it).
    """

    key: Any
    region: Any  # canvas.copy_from_bbox of the whole figure
    pixels: np.ndarray
    others: dict[Any, list[Bbox]]
    axes: list[Any] = field(default_factory=list)
    replaced: list[Bbox] = field(default_factory=list)

    def changed(self, axes: list[Any], replaced: list[Bbox]) -> None:
        """Panels `axes` changed since this background was drawn; they drew in `replaced`."""
        self.axes.extend(ax for ax in axes if ax not in self.axes)
        self.replaced.extend(replaced)

    def apply(self, canvas: Any) -> bool:
        """Put this background on `canvas`, its changed panels redrawn into it; False (the canvas
        then holds nothing worth keeping) when another artist shares their region, so only a full
        drawing is exact."""
        if not self.axes:
            canvas.restore_region(self.region)
            _project(canvas.figure)
            return True
        figure, renderer = canvas.figure, canvas.get_renderer()
        color = to_rgba(figure.get_facecolor())
        if color[3] != 1.0 or not figure.patch.get_visible():
            return False
        order = {ax: i for i, ax in enumerate(figure.axes)}
        drawn = sorted((ax for ax in self.axes if ax in order), key=lambda a: (a.get_zorder(), order[a]))
        extents = drawn_extents(drawn, renderer)
        self.others["drawn"] = dict(zip(drawn, extents, strict=True))  # until they change again
        regions = _clusters([*self.replaced, *extents])
        others = self._other_extents(figure, renderer, drawn)
        if any(box.overlaps(region) for box in others for region in regions):
            return False
        canvas.restore_region(self.region)
        pixels = np.asarray(canvas.buffer_rgba())
        height, width = pixels.shape[:2]
        for region in regions:
            x0, x1 = max(int(np.floor(region.x0)), 0), min(int(np.ceil(region.x1)), width)
            y0, y1 = max(int(np.floor(height - region.y1)), 0), min(int(np.ceil(height - region.y0)), height)
            pixels[y0:y1, x0:x1] = np.round(np.multiply(color, 255)).astype(np.uint8)
        for ax in drawn:  # in a full drawing's order
            ax.apply_aspect()
            ax.draw(renderer)
        _project(figure)
        return True

    def _other_extents(self, figure: Any, renderer: Any, drawn: list[Any]) -> list[Bbox]:
        others = [ax for ax in figure.axes if ax not in drawn and ax.get_visible()]
        cache = self.others.setdefault("others", {})  # ax -> (figure size and camera, extent)
        for gone in [ax for ax in cache if ax not in figure.axes]:
            del cache[gone]
        boxes = []
        for ax in others:  # static while the figure's size and the camera stay
            seen = (figure.bbox.bounds, ax.get_proj().tobytes() if hasattr(ax, "get_proj") else None)
            if cache.get(ax, (None,))[0] != seen:
                cache[ax] = seen, ax.get_tightbbox(renderer)
            boxes.append(cache[ax][1])
        loose = [a for a in figure.get_children()  # figure-level texts, lines, legends
                 if a is not figure.patch and not hasattr(a, "get_axes_locator") and a.get_visible()
                 and not (hasattr(a, "get_text") and not a.get_text())]
        return [*boxes, *(a.get_window_extent(renderer) for a in loose)]
