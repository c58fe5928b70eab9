"""The constraints of the slice shown: with more than two variables, redrawn with each slice.

A slice through the current point moves with it, and so do the curves h_i = 0 and the feasible
set of the g_j in that plane; they are redrawn when the surface is (a new slice), never per frame.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .layers import constraint_layers

__all__ = ["slice_constraints"]


def slice_constraints(ax: Any, scene: Any, key: int, font: float, old: list[Any]) -> list[Any]:
    """Remove `old` (the previous slice's constraint artists) from the contour view `ax` and draw
    the constraints of slice `key`; returns the artists drawn (to remove on the next change)."""
    for artist in old:
        artist.remove()
    before = set(ax.get_children())
    equalities, inequalities = scene.slice_constraints[key]
    constraint_layers(ax, replace(scene, equalities=equalities, inequalities=inequalities), font)
    return [a for a in ax.get_children() if a not in before and a is not ax.get_legend()]
