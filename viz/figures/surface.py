"""`SceneFigure`: one figure whose artists are created once and mutated for every frame.

Panels: the 3D surface, the contour view, two convergence panels and the line-search inset.
`update` moves the artists to a frame; `render` also returns its pixels, re-drawing only the
artists that change (the static layers are kept as a pixel background until M or the camera
changes). Because the trajectory is drawn with ``computed_zorder=False`` above the surface, the
cached and the full drawing are the same image, which the tests check pixel for pixel.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..scenes import Scene
from ..scenes.limits import log10, log_floor, value_limits
from .axes import decade_axis, iterate_ticks, tick_bins
from .base import CachedFigure
from .glyph_text import GlyphText
from .inset import PHI_S, PHI_STAR, distinct, inset_shown, phi_axes, scaled_phi, searched
from .layers import constraint_layers, lifted_layers, solution_markers, surface_layers
from .layout import (
    F_COLOR,
    GRAD_COLOR,
    OBJ_COLOR,
    PATH_COLOR,
    POINT_COLOR,
    RECT_3D,
    VIOL_COLOR,
    Z_LABEL,
    Z_PATH,
    Z_POINT,
    panel_rects,
)
from .lines3d import add_line3d
from .retarget import Retarget
from .slices import slice_constraints
from .status import status_text
from .title import fitted_title

__all__ = ["SceneFigure"]


class SceneFigure(Retarget, CachedFigure):
    """The figure and its artists for one `Scene`.

    Parameters
    ----------
    scene : Scene
        What to draw.
    figure : matplotlib.figure.Figure, optional
        Draw into this figure (e.g. a pyplot one for the live view); by default a new
        off-screen figure with an Agg canvas, which is safe in worker processes.
    """

    def __init__(self, scene: Scene, figure: Figure | None = None):
        super().__init__(scene, figure)
        self._key: int | None = None
        self._static_artists: list[Any] = []
        self._frame: int | None = None
        self._old_key: int | None = None
        self._old_start = -1
        self._bind(scene)
        self._build()

    @property
    def _penalized(self) -> bool:
        """The run minimizes F(x; M) of constraints (not f alone, at M = 1 with nothing to penalize)."""
        sc = self.scene
        return sc.trace.is_penalty and bool(sc.equalities or sc.inequalities)

    # -- construction -------------------------------------------------------------------------
    def _build(self) -> None:
        sc, fig, fs = self.scene, self.figure, self._font
        fig.patch.set_facecolor("white")
        self._title = fitted_title(fig, sc.title, sc.note, fontsize=1.25 * fs)
        self.ax3d = self._add_axes3d(RECT_3D, sc.axis_names, "F" if self._penalized else "f")
        self._build_paths3d()
        self._build_contour()
        self._build_paths2d()
        self._stars = [] if sc.runs else solution_markers(self.ax3d, self.ax2d, sc, font=fs)
        self._final = False
        self._build_convergence()
        self._build_phi()
        self._scale_ticks()
        self._collect_dynamic()

    def _build_paths3d(self) -> None:
        ax, fs = self.ax3d, self._font
        self.old3d = add_line3d(ax, color=PATH_COLOR, lw=0.12 * fs, alpha=0.45, zorder=Z_PATH)
        self.path3d = add_line3d(ax, color=PATH_COLOR, lw=0.22 * fs, zorder=Z_PATH)
        self.drop3d = add_line3d(ax, color=PATH_COLOR, lw=0.1 * fs, ls=":", zorder=Z_PATH)
        self.point3d = add_line3d(ax, marker="o", ls="none", color=POINT_COLOR, mec="black", mew=0.06 * fs,
                                  ms=0.8 * fs, zorder=Z_POINT)
        self.label3d = GlyphText(0.02, 0.98, transform=ax.transAxes, fontsize=0.95 * fs, zorder=Z_LABEL)
        ax.add_artist(self.label3d)

    def _collect_dynamic(self) -> None:
        # Drawing order of the full figure: the 2D axes, then the 3D axes (zorder 1, so its labels
        # may overlap a neighbour the same way in both drawings), each artist by zorder. The
        # cached drawing repeats exactly this order.
        self._dynamic2d = [self.path2d, self.label2d, *self._value_lines, *self._log_lines,
                           self.phi_line, self.phi_text, self.phi_max, self.phi_min]
        self._dynamic3d = [self.path3d, self.drop3d, self.point3d, self.label3d]
        self._dynamic = [*self._dynamic2d, *self._dynamic3d]
        self._wanted = {id(a): True for a in self._dynamic}

    def _build_contour(self) -> None:
        sc, fs = self.scene, self._font
        ax = self.figure.add_axes(panel_rects(inset_shown(sc))[0])
        (x0, x1), (y0, y1) = sc.domain
        ax.set(xlim=(x0, x1), ylim=(y0, y1))
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel(sc.axis_names[0], fontsize=fs, labelpad=0.1 * fs)
        ax.set_ylabel(sc.axis_names[1], fontsize=fs, labelpad=0.1 * fs)
        ax.tick_params(labelsize=0.75 * fs)
        before = set(ax.get_children())
        self.feasible_shading, self.equality_curves = constraint_layers(ax, sc, fs)
        # with a moving slice, these make way for each slice's own (see `_set_surface`)
        self._slice_artists = [a for a in ax.get_children() if a not in before and a is not ax.get_legend()]
        self.ax2d = ax

    def _build_paths2d(self) -> None:
        ax, fs = self.ax2d, self._font
        (self.old2d,) = ax.plot([], [], color=PATH_COLOR, lw=0.12 * fs, alpha=0.45, zorder=Z_PATH)
        # One artist for the path and the current point (its marker, on the last vertex only):
        # every artist drawn per frame costs time, so lines carry their own end markers.
        (self.path2d,) = ax.plot([], [], color=PATH_COLOR, lw=0.2 * fs, marker="o", markevery=[-1],
                                 mfc=POINT_COLOR, mec="black", mew=0.06 * fs, ms=0.75 * fs, zorder=Z_PATH)
        self.label2d = GlyphText(0, 0, transform=ax.transData, fontsize=0.8 * fs, zorder=Z_LABEL)
        ax.add_artist(self.label2d)

    def _build_convergence(self) -> None:
        sc, fs, tr = self.scene, self._font, self.scene.trace
        last = int(sc.frames[-1])
        shown = slice(0, last + 1)
        xlim = (0, max(last, 1))
        _, values_rect, log_rect = panel_rects(inset_shown(sc))
        values = self.figure.add_axes(values_rect)
        logs = self.figure.add_axes(log_rect, sharex=values)
        values.set_xlim(*xlim)
        values.tick_params(labelbottom=False, labelsize=0.75 * fs)
        logs.tick_params(labelsize=0.75 * fs)
        logs.set_xlabel("iterate", fontsize=0.85 * fs, labelpad=0.05 * fs)
        iterate_ticks(logs.xaxis, sc.style)
        penalized = self._penalized
        series = [(tr.fun, "F" if penalized else "f", F_COLOR)]
        if penalized:
            series.append((tr.objective, "f", OBJ_COLOR))
        data = np.concatenate([s[0][shown] for s in series])
        finite = data[np.isfinite(data)]
        log_values = finite.size > 0 and finite.min() > 0 and finite.max() > 100 * finite.min()
        if log_values:
            decade_axis(values, value_limits(data, log=True))
        else:
            values.set_ylim(*value_limits(data, log=False))
            values.yaxis.set_major_locator(MaxNLocator(nbins=max(2, tick_bins(sc.style) - 1)))
        self._value_data = [log10(s[0]) if log_values else s[0] for s in series]
        # Each curve before the current weight M is background, redrawn only when M changes:
        # per frame only the current run's part is drawn, however long the whole run is.
        self._value_old = [values.plot([], [], color=c, lw=0.15 * fs, zorder=Z_PATH)[0]
                           for _, _, c in series]
        self._value_lines = [values.plot([], [], color=c, lw=0.15 * fs, label=name, zorder=Z_PATH,
                                         marker="o", markevery=[-1], ms=0.45 * fs)[0]
                             for _, name, c in series]
        log_series = [(tr.grad_norm, "‖∇F‖" if penalized else "‖∇f‖", GRAD_COLOR)]
        if penalized and np.isfinite(tr.violation).any():
            log_series.append((tr.violation, "viol.", VIOL_COLOR))
        floor = log_floor(np.concatenate([s[0][shown] for s in log_series]))
        lifted = [np.maximum(s[0], floor) for s in log_series]
        decade_axis(logs, value_limits(np.concatenate([d[shown] for d in lifted]), log=True))
        self._log_data = [log10(d) for d in lifted]
        self._log_old = [logs.plot([], [], color=c, lw=0.15 * fs, zorder=Z_PATH)[0]
                         for _, _, c in log_series]
        # the current iterate is a dot at each curve's tip (a cursor line across the panel would
        # change whole pixel rows every frame, which the PNG encoder pays for)
        self._log_lines = [logs.plot([], [], color=c, lw=0.15 * fs, label=name, zorder=Z_PATH, marker="o",
                                     markevery=[-1], ms=0.45 * fs)[0]
                           for _, name, c in log_series]
        for ax in (values, logs):  # legends beside the panels, never under the moving lines
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=0.75 * fs, frameon=False,
                      borderaxespad=0.0, handlelength=1.2)
            ax.grid(True, lw=0.05 * fs, alpha=0.5)
        if penalized:  # mark where M grows: the start of each outer iteration
            starts = np.flatnonzero(np.diff(sc.m_index[shown]) != 0) + 1
            for ax in (values, logs):
                for s in starts:
                    ax.axvline(s, color="0.6", lw=0.08 * fs, ls="--", zorder=1)
        self.ax_values, self.ax_log = values, logs

    def _build_phi(self) -> None:
        fs = self._font
        self._phi_on = searched(self.scene.trace)
        ax = self.ax_phi = phi_axes(self.figure, fs, penalized=self._penalized, shown=self._phi_on,
                                    values=True)
        (self.phi_line,) = ax.plot([], [], color=F_COLOR, lw=0.15 * fs, zorder=Z_PATH, marker="o",
                                   markevery=[PHI_STAR], mfc=POINT_COLOR, mec="black", mew=0.05 * fs,
                                   ms=0.6 * fs)
        # t* inside, top right; phi's max and min as the y ticks' labels, per frame
        texts = [((0.97, 0.97), "right", "top"), ((0.0, 1.0 / 1.42 + 0.12 / 1.42), "right", "center"),
                 ((0.0, 0.12 / 1.42), "right", "center")]
        self.phi_text, self.phi_max, self.phi_min = (
            GlyphText(*xy, transform=ax.transAxes, fontsize=0.75 * fs, ha=ha, va=va, box=False,
                      offset=(-0.3 * fs if xy[0] == 0 else 0.0, 0.0), zorder=Z_LABEL)
            for xy, ha, va in texts)
        for text in (self.phi_text, self.phi_max, self.phi_min):
            ax.add_artist(text)

    # -- per frame ------------------------------------------------------------------------------
    def azim(self, frame: int) -> float:
        """Camera azimuth of `frame` (turning by ``style.turn`` degrees per frame)."""
        return self.scene.style.azim + self.scene.style.turn * frame

    def update(self, frame: int) -> list[Any]:
        """Move every artist to `frame` (swapping the surface only when its function changed).

        Returns
        -------
        list of Artist
            The artists that change per frame (for a caller that blits 2D panels).
        """
        self._check_frame(frame)
        sc = self.scene
        i = int(sc.frames[frame])
        key = int(sc.grid_key[i])
        self._begin_frame(frame, key)
        m = int(sc.m_index[i])
        s = int(self._run_start[i])  # where the current M began: earlier steps are drawn faded
        x, y = self._xy[: i + 1, 0], self._xy[: i + 1, 1]
        lo, hi = sc.z_range(m)
        final = i == len(sc.trace) - 1  # x* is marked on the last iterate (a background change)
        if final != self._final:
            for star in self._stars:
                star.set_visible(final)
            self._final = final
        z = sc.heights[m, : i + 1]
        z = np.where(z <= hi, z, np.nan)  # above the box: a gap, like the surface there
        zi = min(max(float(sc.heights[m, i]), lo), hi)  # the current point always stays in view
        if (key, s) != (self._old_key, self._old_start):
            self.old3d.set_data_3d(x[: s + 1], y[: s + 1], z[: s + 1])
            self.old2d.set_data(x[: s + 1], y[: s + 1])
            for olds, series in ((self._value_old, self._value_data), (self._log_old, self._log_data)):
                for line, data in zip(olds, series, strict=True):
                    line.set_data(self._x_axis[: s + 1], data[: s + 1])
            self._old_key, self._old_start = key, s
        self.path3d.set_data_3d(x[s:], y[s:], z[s:])
        self.point3d.set_data_3d(x[-1:], y[-1:], [zi])
        self.drop3d.set_data_3d([x[-1], x[-1]], [y[-1], y[-1]], [lo, zi])
        self.path2d.set_data(x[s:], y[s:])
        self._place_label2d(i)
        self.label3d.set_text(self._label(i))
        for lines, series in ((self._value_lines, self._value_data), (self._log_lines, self._log_data)):
            for line, data in zip(lines, series, strict=True):
                line.set_data(self._x_axis[s: i + 1], data[s: i + 1])
        self._update_phi(i)
        return list(self._dynamic)

    def _begin_frame(self, frame: int, key: int) -> None:
        """What every update starts with: swap in surface `key` if it changed, turn the camera."""
        self._frame = frame
        if key != self._key:
            self._set_surface(key)
        if self.scene.style.turn:
            self.ax3d.view_init(elev=self.scene.style.elev, azim=self.azim(frame))

    def _set_surface(self, key: int) -> None:
        # Called only when M (or, beyond 2 variables, the slice) changes: the expensive redraw.
        for artist in self._static_artists:
            artist.remove()
        sc = self.scene
        i = int(sc.frames[self._frame]) if self._frame is not None else int(key)
        m = int(sc.m_index[i])
        self._static_artists = [
            *surface_layers(self.ax3d, self.ax2d, sc, key, m, font=self._font),
            *lifted_layers(self.ax3d, self.ax2d, sc, m, int(self._run_start[i]), font=self._font, key=key)]
        if sc.slice_constraints:  # the constraints of this slice through the current point
            self._slice_artists = slice_constraints(self.ax2d, sc, key, self._font, self._slice_artists)
        self._key = key

    def _label(self, i: int) -> str:
        return status_text(self.scene, i, penalized=self._penalized, off_surface=self._off_surface)

    def _place_label2d(self, i: int) -> None:
        (x0, x1), (y0, y1) = self.scene.domain
        x, y = self._xy[i]
        right = x > (x0 + x1) / 2  # put the label on the side with room, so it is never clipped
        top = y > (y0 + y1) / 2
        off = 0.8 * self._font
        self.label2d.set_anchor((x, y), ha="right" if right else "left", va="top" if top else "bottom",
                                offset=(-off if right else off, -off if top else off))
        self.label2d.set_text(f"k={self.scene.trace.k[i]}")  # x itself is in the status box

    def _update_phi(self, i: int) -> None:
        shown = self._show_phi(self.phi_line, self.scene.phi[i], self._phi_on)
        phi = self.scene.phi[i]
        texts = ([f"t* = {self.scene.trace.step[i]:.3g}", *distinct(np.nanmax(phi), np.nanmin(phi))]
                 if shown else ["start", "", ""])
        for artist, text in zip((self.phi_text, self.phi_max, self.phi_min), texts, strict=True):
            self._wanted[id(artist)] = self._phi_on
            artist.set_visible(self._phi_on)
            artist.set_text(text)

    def _show_phi(self, line: Any, phi: np.ndarray, enabled: bool = True) -> bool:
        """Draw phi(t) on `line`, scaled to [0, 1] (t* sits at 1), if `enabled` and at least two
        samples exist; otherwise hide the line. Returns its visibility."""
        scaled = scaled_phi(phi) if enabled else None
        visible = scaled is not None
        self._wanted[id(line)] = visible
        line.set_visible(visible)
        if visible:
            line.set_data(PHI_S, scaled)
        return visible

    # -- pixels (see CachedFigure.render) -----------------------------------------------------
    def _background_key(self) -> Any:
        # The faded path of earlier weights M is part of the background: it only changes with M.
        return self._key, self._background_state(), bool(self.scene.style.turn)

    def _background_state(self) -> Any:
        """What, beside the surface and camera, the pixel background shows (here: the faded path
        of earlier weights M); the background is redrawn when it changes."""
        return self._old_start, self._final

    def _hidden_in_background(self) -> list[Any]:
        # With a turning camera the 3D panel is drawn whole every frame.
        return [*self._dynamic, self.ax3d] if self.scene.style.turn else self._dynamic

    def _draw_moving(self, renderer: Any) -> None:
        for artist in self._dynamic2d:
            artist.draw(renderer)
        if self.scene.style.turn:
            self.ax3d.draw(renderer)
        else:
            for artist in self._dynamic3d:
                artist.draw(renderer)

