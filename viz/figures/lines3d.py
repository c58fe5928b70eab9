"""`ProjectedLine3D`: a 3D line that projects its points with plain float arithmetic.

matplotlib's `Line3D` hands masked arrays to `Line2D` on every draw, and `Line2D` then checks
their units element by element, which made long trajectories the slowest thing in a frame. This
line does the same projection (the axes' current matrix ``M``, a perspective divide) on plain
arrays; undefined points (NaN) still break the line. It reads ``axes.M`` at draw time, so a turned
or mouse-rotated camera is followed exactly like `Line3D` would.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.lines import Line2D
from mpl_toolkits.mplot3d.art3d import Line3D

__all__ = ["ProjectedLine3D", "add_line3d"]


class ProjectedLine3D(Line3D):
    """A `Line3D` (same constructor and ``set_data_3d``) with a fast, masked-array-free draw."""

    def draw(self, renderer: Any) -> None:
        xs, ys, zs = (np.asarray(v, dtype=float) for v in self._verts3d)
        M = self.axes.M
        # Homogeneous coordinates through the axes' projection matrix, then the perspective divide.
        w = M[3, 0] * xs + M[3, 1] * ys + M[3, 2] * zs + M[3, 3]
        px = (M[0, 0] * xs + M[0, 1] * ys + M[0, 2] * zs + M[0, 3]) / w
        py = (M[1, 0] * xs + M[1, 1] * ys + M[1, 2] * zs + M[1, 3]) / w
        self.set_data(px, py)
        Line2D.draw(self, renderer)
        self.stale = False


def add_line3d(ax: Any, **style: Any) -> ProjectedLine3D:
    """A new, empty `ProjectedLine3D` with `style`, added to the 3D axes `ax`."""
    line = ProjectedLine3D([], [], [], **style)
    ax.add_line(line)
    return line
