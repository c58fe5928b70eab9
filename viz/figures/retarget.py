"""`Retarget`: point a drawn `SceneFigure` at another run of the same problem.

A restart in the live window (a click on the contour view, new M0 or C) runs the same problem
from another start: the domain, z-ranges, surfaces, contours, constraints and title are the same,
only the path and the convergence plots differ. Building a new figure and drawing it whole costs
about 0.25 s; retargeting keeps every panel but the two convergence plots (rebuilt: their limits
follow the run), keeps the drawn surface when the new run's first weight gives the same grid,
and lets the next background be made from a kept one by redrawing just those plots
(`repaint.Kept`). Anything the figure was built from that differs makes it decline, and the caller
builds a new figure.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from .inset import searched
from .layers import solution_markers
from .repaint import drawn_extents

__all__ = ["Retarget"]


def _same(a: Any, b: Any) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y, equal_nan=True) for x, y in zip(a, b, strict=True))


def _same_frame(old: Any, new: Any) -> bool:
    """Whether `new` draws into the panels made for `old`: same problem, framing and look (the
    camera aside: the window's own camera stays), one run of two variables. The z-ranges are
    compared per weight where a surface is kept (`_same_surface`)."""
    if type(old) is not type(new) or old.runs or new.runs or new.trace.n != 2 or old.trace.n != 2:
        return False
    look = dataclasses.replace(new.style, elev=old.style.elev, azim=old.style.azim)
    return (look == old.style and old.coords == new.coords and old.domain == new.domain
            and (old.title, old.note, old.axis_names) == (new.title, new.note, new.axis_names)
            and old.trace.is_penalty == new.trace.is_penalty
            and _same((old.xs, old.ys, old.equality_line, old.inequality_line),
                      (new.xs, new.ys, new.equality_line, new.inequality_line))
            and _same(old.equalities, new.equalities) and _same(old.inequalities, new.inequalities))


def _same_surface(old: Any, new: Any, key: int) -> bool:
    """Whether weight `key` (its grid, z-range and lifted constraints) is the same in both."""
    if key >= min(len(old.Ms), len(new.Ms)) or old.Ms[key] != new.Ms[key]:
        return False
    lifted = [(s.equality_heights[key] if len(s.equality_heights) else (),
               s.inequality_heights[key] if len(s.inequality_heights) else ()) for s in (old, new)]
    return (old.z_range(key) == new.z_range(key) and _same([old.grids[key], *lifted[0]],
                                                           [new.grids[key], *lifted[1]]))


class Retarget:
    """`retarget` for `SceneFigure` (a mixin: it reads and sets that figure's artists)."""

    def _bind(self, scene: Any) -> None:
        """The per-run arrays the frames read."""
        self.scene = scene
        tr = scene.trace
        self._xy = tr.x[:, list(scene.coords)]
        self._x_axis = np.arange(len(tr))
        # The value minimized is not the surface drawn (a loss on a plane, f for L_A): label both.
        own = scene.heights[scene.m_index, np.arange(len(tr))]
        with np.errstate(invalid="ignore"):
            gap = np.abs(own - tr.fun) > 1e-9 * (1.0 + np.abs(tr.fun))
        self._off_surface = bool(np.any(gap & np.isfinite(tr.fun)))
        change = np.flatnonzero(np.diff(scene.m_index)) + 1
        self._run_start = np.zeros(len(tr), dtype=int)
        for c in change:
            self._run_start[c:] = c

    def retarget(self, scene: Any) -> bool:
        """Show `scene`, another run of the problem this figure draws, in these panels.

        Returns
        -------
        bool
            False, with nothing changed, when `scene` differs in what the panels were built
            from (domain, z-range, grid, constraints, title, look, the line-search inset, or
            more than one run or two variables): build a new figure then. True when the figure
            now draws `scene`: the convergence plots and the solution's star are made anew,
            the surface of the first weight is kept if it is the same, and the next `render`
            redraws only what changed (`repaint.Kept`) into the last background, or the first
            one with `keep_first` (from the last frame of a finished run, say).
        """
        old = self.scene
        if not _same_frame(old, scene) or searched(scene.trace) != self._phi_on:
            return False
        first = int(scene.grid_key[scene.frames[0]])
        # The background of a first frame shows the problem alone (the first surface, no path
        # yet): kept from the last run if the first surface is the same.
        same_start = int(old.grid_key[old.frames[0]]) == first and _same_surface(old, scene, first)
        at = int(old.frames[self._frame]) if self._frame is not None else 0
        if not (same_start and self._key == first and int(self._run_start[at]) == 0):
            for artist in self._static_artists:  # drawn again for the new run by `update`
                artist.remove()
            self._static_artists, self._key = [], None
        renderer = self.figure.canvas.get_renderer()
        replaced = drawn_extents([self.ax_values, self.ax_log], renderer, self._extents)
        for artist in (*self._stars, self.ax_values, self.ax_log):
            artist.remove()
        self._bind(scene)
        self._stars = solution_markers(self.ax3d, self.ax2d, scene, font=self._font)
        self._final = False
        self._build_convergence()
        self._scale_ticks([self.ax_values, self.ax_log])
        self._collect_dynamic()
        self._frame, self._old_key, self._old_start = None, None, -1
        self.update(0)
        start = (self._background_key(), self.figure.bbox.bounds)
        if same_start:
            self._kept = [k for k in self._kept if k.key == start]  # the others show the old path
            self.axes_changed([self.ax_values, self.ax_log], replaced)
        else:
            self.invalidate()
        return True
