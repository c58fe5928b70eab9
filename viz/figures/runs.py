"""`RunsFigure`: several runs over one surface, each in its colour, in the `SceneFigure` layout.

Per run: one 3D line and one contour-view line (each with its current point as the end marker),
an f curve and a gradient-norm curve, a phi(t) curve in the line-search inset and a one-line
label in the run's colour. Per frame only the runs still moving are updated and drawn; a run
that has finished becomes part of the pixel background (redrawn once, when it finishes), so a
frame costs what its moving runs cost.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.patches import FancyBboxPatch
from matplotlib.transforms import Affine2D, ScaledTranslation

from ..scenes.limits import log10, log_floor, value_limits
from .axes import decade_axis, iterate_ticks
from .glyph_text import GlyphText
from .inset import PHI_STAR, inset_shown, phi_axes, searched
from .layout import Z_LABEL, Z_PATH, panel_rects
from .lines3d import add_line3d
from .surface import SceneFigure

__all__ = ["RunsFigure"]

# A finished run is drawn below the moving ones, in the background as in a full drawing.
_FINISHED_DROP = 4


def text_color(color: str) -> tuple[float, float, float]:
    """`color` darkened until it reads on a white label box (light colours would not)."""
    rgb = np.array(to_rgb(color))
    luminance = float(rgb @ [0.299, 0.587, 0.114])
    return tuple(rgb * min(1.0, 0.45 / luminance)) if luminance > 0.45 else tuple(rgb)


# One end-marker shape per run, each with its glyph for the run's label line (a legend in the
# label box): runs that end at the same point show as shapes nested inside each other.
MARKERS = ("o", "s", "D", "^", "v", "p", "h", "*")
GLYPHS = ("●", "■", "◆", "▲", "▼", "⬟", "⬢", "★")


def run_marker(r: int) -> str:
    """The end marker of run r."""
    return MARKERS[r % len(MARKERS)]


def _width(r: int) -> float:
    """Line width of run r, in font sizes: the first run (the one a demo is about) boldest, the
    others thinner and drawn over it (see `_per_run`), so a run retracing another's path (CG's
    first step is steepest descent's) shows as a thin line inside a wider one."""
    return 0.36 if r == 0 else max(0.12, 0.2 - 0.02 * r)


def _marker_size(r: int) -> float:
    """End marker size of run r, in font sizes: shrinking with r, so that markers of runs ending
    together are drawn nested (the later, smaller ones on top), none hidden."""
    return max(0.45, 1.1 - 0.13 * r)


def _per_run(runs: Any, make: Any) -> list[Any]:
    """``[make(r, run) for each run]``, created in order: artists of equal zorder are drawn in
    order of creation, so later (thinner) runs lie over the first."""
    return [make(r, run) for r, run in enumerate(runs)]


def _floor(values: np.ndarray) -> float:
    """Where zeros are drawn on a log axis: below the smallest value, but at most 16 decades
    under the largest (an exact 1e-31 would squash every other run's progress)."""
    finite = values[np.isfinite(values)]
    return max(log_floor(values), 1e-16 * float(finite.max(initial=0.0)))


class RunsFigure(SceneFigure):
    """The figure of a `Scene` with several `runs` (see `viz.scenes.build_runs_scene`)."""

    # -- construction ---------------------------------------------------------------------------
    def _build_paths3d(self) -> None:
        sc, ax, fs = self.scene, self.ax3d, self._font
        self._shown = [-1] * len(sc.runs)
        self._finished: tuple[bool, ...] = ()
        self.paths3d = _per_run(sc.runs, lambda r, run: add_line3d(
            ax, color=run.color, lw=_width(r) * fs, marker=run_marker(r), markevery=[-1], mec="black",
            mew=0.06 * fs, ms=_marker_size(r) * fs, zorder=Z_PATH))
        width = max(len(run.name) for run in sc.runs)
        self._name_width = width
        self._label_stack(0.8 * fs)

    def _label_stack(self, size: float) -> None:
        """One label line per run, in its colour, stacked in one white box at the 3D panel's top
        left (one box, not one each: five runs' boxes would reach down into the z ticks)."""
        sc, ax, fig = self.scene, self.ax3d, self.figure
        to_points = 72 / sc.style.dpi
        px = size / to_points
        line, pad = np.ceil(1.25 * px) * to_points, round(0.35 * px) * to_points
        longest = max(len(self._run_label(r, int(i))) for r, run in enumerate(sc.runs)
                      for i in np.unique(run.index))
        probe = GlyphText(0, 0, "0" * longest, transform=fig.transFigure, fontsize=size, box=False)
        probe.set_figure(fig)
        width = probe.get_window_extent(fig.canvas.get_renderer()).width * to_points + 2 * pad
        height = len(sc.runs) * line + 2 * pad
        # in points from the labels' anchor, placed when drawn (the 3D panel settles its box then)
        at_anchor = Affine2D().scale(fig.dpi / 72) + ScaledTranslation(0.02, 0.98, ax.transAxes)
        box = FancyBboxPatch((0, -height), width, height, boxstyle=f"round,pad=0,rounding_size={0.6 * pad}",
                             transform=at_anchor, fc=(1, 1, 1, 0.92), ec="0.6", lw=0.06 * size, zorder=5)
        fig.add_artist(box)
        self.labels3d = []
        for r, run in enumerate(sc.runs):
            label = GlyphText(0.02, 0.98, transform=ax.transAxes, fontsize=size, color=text_color(run.color),
                              offset=(pad, -pad - r * line), box=False, zorder=Z_LABEL)
            fig.add_artist(label)
            self.labels3d.append(label)

    def _build_paths2d(self) -> None:
        ax, fs = self.ax2d, self._font
        self.paths2d = _per_run(self.scene.runs, lambda r, run: ax.plot(
            [], [], color=run.color, lw=0.9 * _width(r) * fs, marker=run_marker(r), markevery=[-1],
            mec="black", mew=0.06 * fs, ms=0.9 * _marker_size(r) * fs, zorder=Z_PATH)[0])

    def _build_convergence(self) -> None:
        sc, fs = self.scene, self._font
        runs = sc.runs
        values, logs = self._convergence_axes()
        values.set_xlim(0, max(1, max(int(run.index[-1]) for run in runs)))
        # Axis limits from what is drawn while in view: a diverging run leaves through the top.
        def shown(run: Any, series: np.ndarray) -> np.ndarray:
            upto = int(run.index[-1]) + 1
            return series[:upto][np.isfinite(run.xy[:upto]).all(axis=1)]

        funs = np.concatenate([shown(run, run.trace.fun) for run in runs])
        finite = funs[np.isfinite(funs)]
        log_values = finite.size > 0 and finite.min() >= 0 and finite.max() > 100 * finite[finite > 0].min(
            initial=np.inf)
        if log_values:  # f* = 0 is common (Newton hits it exactly): zeros sit on the floor
            floor = _floor(finite)
            self._value_data = [log10(np.maximum(run.trace.fun, floor)) for run in runs]
            decade_axis(values, value_limits(np.maximum(finite, floor), log=True))
        else:
            self._value_data = [np.asarray(run.trace.fun) for run in runs]
            values.set_ylim(*value_limits(funs, log=False))
        grads = np.concatenate([shown(run, run.trace.grad_norm) for run in runs])
        floor = _floor(grads)
        self._log_data = [log10(np.maximum(run.trace.grad_norm, floor)) for run in runs]
        decade_axis(logs, value_limits(np.maximum(grads, floor), log=True))
        style = dict(zorder=Z_PATH, markevery=[-1], mec="black", mew=0.04 * fs)

        def curve(ax: Any, r: int, run: Any) -> Any:
            return ax.plot([], [], color=run.color, lw=(0.25 if r == 0 else 0.15) * fs, marker=run_marker(r),
                           ms=0.6 * _marker_size(r) * fs, **style)[0]

        self._value_lines = _per_run(runs, lambda r, run: curve(values, r, run))
        self._log_lines = _per_run(runs, lambda r, run: curve(logs, r, run))
        is_penalty = sc.trace.is_penalty
        values.set_ylabel("F" if is_penalty else "f", fontsize=0.8 * fs, labelpad=0.1 * fs)
        logs.set_ylabel("‖∇F‖" if is_penalty else "‖∇f‖", fontsize=0.8 * fs, labelpad=0.1 * fs)
        for ax in (values, logs):
            ax.grid(True, lw=0.05 * fs, alpha=0.5)
        self.ax_values, self.ax_log = values, logs

    def _convergence_axes(self) -> tuple[Any, Any]:
        # No legend: each run's label box, in its colour, names it (a legend of long names would
        # need small text or half the panel's width).
        _, values_rect, log_rect = panel_rects(inset_shown(self.scene))
        values = self.figure.add_axes(values_rect)
        logs = self.figure.add_axes(log_rect, sharex=values)
        fs = self._font
        values.tick_params(labelbottom=False, labelsize=0.75 * fs)
        logs.tick_params(labelsize=0.75 * fs)
        logs.set_xlabel("iterate", fontsize=0.85 * fs, labelpad=0.05 * fs)
        iterate_ticks(logs.xaxis, self.scene.style)
        return values, logs

    def _build_phi(self) -> None:
        fs = self._font
        self._phi_runs = [searched(run.trace) for run in self.scene.runs]
        self._phi_on = any(self._phi_runs)
        ax = self.ax_phi = phi_axes(self.figure, fs, penalized=False, shown=self._phi_on)
        self.phi_lines = _per_run(self.scene.runs, lambda r, run: ax.plot(
            [], [], color=run.color, lw=0.15 * fs, zorder=Z_PATH, marker=run_marker(r), markevery=[PHI_STAR],
            mec="black", mew=0.05 * fs, ms=0.5 * fs)[0])

    def _collect_dynamic(self) -> None:
        # Per run, its artists and their zorder while moving (a finished run's sit lower).
        self._run_artists = [
            [(a, Z_PATH) for a in (self.paths2d[r], self._value_lines[r], self._log_lines[r],
                                    self.phi_lines[r], self.paths3d[r])]
            + [(self.labels3d[r], Z_LABEL)]
            for r in range(len(self.scene.runs))
        ]
        self._wanted = {id(a): True for artists in self._run_artists for a, _ in artists}
        self._set_finished(tuple(False for _ in self.scene.runs))

    def _set_finished(self, finished: tuple[bool, ...]) -> None:
        """Move finished runs into the background (drawn lower) and the others into the frame loop."""
        for artists, done in zip(self._run_artists, finished, strict=True):
            for artist, z in artists:
                artist.set_zorder(z - _FINISHED_DROP if done else z)
        moving = [r for r, done in enumerate(finished) if not done]
        # The order of a full drawing within each axes: by zorder, then order of creation (first run first).
        self._dynamic2d = [self._run_artists[r][j][0] for j in range(4) for r in moving]
        self._dynamic3d = [self.paths3d[r] for r in moving] + [self.labels3d[r] for r in moving]
        self._dynamic = [*self._dynamic2d, *self._dynamic3d]
        self._finished = finished

    # -- per frame ------------------------------------------------------------------------------
    def update(self, frame: int) -> list[Any]:
        """Move every run to `frame` (each to its own iterate; a finished run stays at its last).

        Returns
        -------
        list of Artist
            The artists of the runs still moving.
        """
        self._check_frame(frame)
        sc = self.scene
        self._begin_frame(frame, 0)
        for r, run in enumerate(sc.runs):
            i = int(run.index[frame])
            if i != self._shown[r]:  # a finished run is not touched again
                self._move_run(r, i)
        finished = tuple(frame >= run.end_frame for run in sc.runs)
        if finished != self._finished:
            self._set_finished(finished)
        return list(self._dynamic)

    def _move_run(self, r: int, i: int) -> None:
        run, (lo, hi) = self.scene.runs[r], self.scene.zlim
        x, y = run.xy[: i + 1, 0], run.xy[: i + 1, 1]
        z = np.where(run.z[: i + 1] <= hi, run.z[: i + 1], np.nan)  # above the box: a gap
        if np.isfinite(run.z[i]):
            z[-1] = min(max(float(run.z[i]), lo), hi)  # the current point always stays in view
        self.paths3d[r].set_data_3d(x, y, z)
        self.paths2d[r].set_data(x, y)
        steps = self._x_axis[: i + 1]
        self._value_lines[r].set_data(steps, self._value_data[r][: i + 1])
        self._log_lines[r].set_data(steps, self._log_data[r][: i + 1])
        self._show_phi(self.phi_lines[r], run.phi[i], self._phi_runs[r])
        self.labels3d[r].set_text(self._run_label(r, i))
        self._shown[r] = i

    def _run_label(self, r: int, i: int) -> str:
        run = self.scene.runs[r]
        tr = run.trace
        text = (f"{GLYPHS[r % len(GLYPHS)]} {run.name:<{self._name_width}} k={tr.k[i]:<3d} "
                f"f={_short(f'{tr.fun[i]:.3g}'):<8} "
                f"‖∇f‖={_short(f'{tr.grad_norm[i]:.1e}')}")
        if i == len(tr) - 1 and run.status:
            text += f" {run.status}"
        elif not np.isfinite(run.xy[i]).all():
            text += " out of view"
        return text

    def _background_state(self) -> Any:
        return self._finished


def _short(number: str) -> str:
    """A formatted number without the exponent's plus sign and leading zero ("1.1e148", "3e-05" -> "3e-5"):
    the label box stays within the 3D panel even for a diverging run."""
    return number.replace("e+0", "e").replace("e+", "e").replace("e-0", "e-")
