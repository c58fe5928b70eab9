"""`LineFigure`: a one-variable run: F(x; M) curves over a line, the moving point, the feasible set.

The main panel draws every weight's curve once: the current M bold, earlier ones faint (so the
penalty is seen rising with M), later ones not yet; the feasible interval shaded, equality
points as vertical lines, finished outer minimizers x(M) as diamonds and x* as a star at the end.
Two small panels show F (and f) and the gradient norm against the iterate. Restyling the curves
happens only when M changes (a new pixel background); per frame only the point, the current
run's path, the label and the convergence tips move.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure

from ..scenes.limits import log10, log_floor, value_limits
from ..scenes.line import LineScene
from .axes import decade_axis
from .base import CachedFigure
from .glyph_text import GlyphText
from .layout import F_COLOR, GRAD_COLOR, OBJ_COLOR, PATH_COLOR, POINT_COLOR, Z_LABEL, Z_PATH, Z_POINT
from .title import fitted_title

__all__ = ["LineFigure"]

RECT_LINE = (0.07, 0.1, 0.55, 0.76)
RECT_LINE_VALUES = (0.7, 0.53, 0.27, 0.33)
RECT_LINE_LOG = (0.7, 0.1, 0.27, 0.33)


class LineFigure(CachedFigure):
    """The figure and its artists for one `LineScene`."""

    def __init__(self, scene: LineScene, figure: Figure | None = None):
        super().__init__(scene, figure)
        self._m: int | None = None
        self._final = False
        tr = scene.trace
        change = np.flatnonzero(np.diff(scene.m_index)) + 1
        self._run_start = np.zeros(len(tr), dtype=int)
        for c in change:
            self._run_start[c:] = c
        self._build()

    def _build(self) -> None:
        sc, fig, fs = self.scene, self.figure, self._font
        fig.patch.set_facecolor("white")
        fitted_title(fig, sc.title, fontsize=1.25 * fs)
        ax = fig.add_axes(RECT_LINE)
        ax.set(xlim=(sc.xs[0], sc.xs[-1]), ylim=sc.ylim)
        penalty = sc.trace.is_penalty
        ax.set_xlabel("$x_1$", fontsize=fs)
        ax.set_ylabel("F(x; M)" if penalty else "f(x)", fontsize=fs)
        ax.tick_params(labelsize=0.8 * fs)
        ax.grid(True, lw=0.05 * fs, alpha=0.5)
        if not sc.feasible.all():
            ax.fill_between(sc.xs, 0, 1, where=sc.feasible, transform=ax.get_xaxis_transform(),
                            color="tab:green", alpha=0.15, lw=0, label="feasible", zorder=0)
        for r in sc.roots:
            ax.axvline(r, color="black", lw=0.15 * fs, ls="--", zorder=1)
        cmap = colormaps["viridis"]
        count = len(sc.Ms)
        self._curves = [ax.plot(sc.xs, c, color=cmap(0.85 * j / max(1, count - 1)), zorder=2)[0]
                        for j, c in enumerate(sc.curves)]
        (self._minimizers,) = ax.plot([], [], marker="D", ls="none", mfc="white", mec="black",
                                      mew=0.08 * fs, ms=0.6 * fs, zorder=Z_PATH - 1)
        (self._star,) = ax.plot(sc.trace.x[-1:, 0], sc.heights[-1:], marker="*", ls="none", mfc="gold",
                                mec="black", mew=0.08 * fs, ms=1.6 * fs, zorder=Z_PATH - 1, visible=False)
        (self.path,) = ax.plot([], [], color=PATH_COLOR, lw=0.15 * fs, marker="o", ms=0.35 * fs,
                               zorder=Z_PATH)
        (self.point,) = ax.plot([], [], marker="o", ls="none", mfc=POINT_COLOR, mec="black",
                                mew=0.06 * fs, ms=0.8 * fs, zorder=Z_POINT)
        self.label = GlyphText(0.02, 0.98, transform=ax.transAxes, fontsize=0.9 * fs, zorder=Z_LABEL)
        ax.add_artist(self.label)
        self.ax = ax
        self._build_convergence()
        self._dynamic = [self.path, self.point, self.label, *self._tips]
        self._wanted = {id(a): True for a in self._dynamic}

    def _build_convergence(self) -> None:
        sc, fs, tr = self.scene, self._font, self.scene.trace
        last = int(sc.frames[-1])
        values = self.figure.add_axes(RECT_LINE_VALUES)
        logs = self.figure.add_axes(RECT_LINE_LOG, sharex=values)
        values.set_xlim(0, max(last, 1))
        values.tick_params(labelbottom=False, labelsize=0.7 * fs)
        logs.tick_params(labelsize=0.7 * fs)
        logs.set_xlabel("iterate", fontsize=0.85 * fs)
        series = [(tr.fun, "F" if tr.is_penalty else "f", F_COLOR)]
        if tr.is_penalty:
            series.append((tr.objective, "f", OBJ_COLOR))
        values.set_ylim(*value_limits(np.concatenate([s[0][: last + 1] for s in series]), log=False))
        floor = log_floor(tr.grad_norm[: last + 1])
        grad = log10(np.maximum(tr.grad_norm, floor))
        decade_axis(logs, value_limits(np.maximum(tr.grad_norm[: last + 1], floor), log=True))
        self._series = [s[0] for s in series] + [grad]
        self._tips = [values.plot([], [], color=c, lw=0.15 * fs, label=name, marker="o", markevery=[-1],
                                  ms=0.45 * fs, zorder=Z_PATH)[0] for _, name, c in series]
        self._tips.append(logs.plot([], [], color=GRAD_COLOR, lw=0.15 * fs, marker="o", markevery=[-1],
                                    ms=0.45 * fs, label="‖∇F‖" if tr.is_penalty else "‖∇f‖",
                                    zorder=Z_PATH)[0])
        for ax in (values, logs):
            ax.legend(loc="upper right", fontsize=0.75 * fs, framealpha=0.85)
            ax.grid(True, lw=0.05 * fs, alpha=0.5)
        self._x_axis = np.arange(len(tr))

    def update(self, frame: int) -> list[Any]:
        """Move the artists to `frame` (restyling the curves only when M changed)."""
        self._check_frame(frame)
        sc, tr = self.scene, self.scene.trace
        i = int(sc.frames[frame])
        m = int(sc.m_index[i])
        if m != self._m:
            self._set_weight(m, int(self._run_start[i]))
        final = i == len(tr) - 1
        if final != self._final:
            self._star.set_visible(final)
            self._final = final
        s = int(self._run_start[i])
        lo, hi = sc.ylim
        y = np.clip(sc.heights[s: i + 1], lo, hi)  # the point stays in view on a curve risen out of it
        self.path.set_data(tr.x[s: i + 1, 0], y)
        self.point.set_data(tr.x[i: i + 1, 0], y[-1:])
        head = f"outer {tr.outer[i]}, k = {tr.k[i]}" if tr.outer[i] >= 0 else f"k = {tr.k[i]}"
        lines = [f"{head}   (iterate {i})", f"x = {tr.x[i, 0]:.6g}"]
        if tr.is_penalty:
            lines.append(f"F = {tr.fun[i]:.6g}   M = {tr.M[i]:.3g}")
            lines.append(f"f = {tr.objective[i]:.6g}   viol = {tr.violation[i]:.2e}")
        else:
            lines.append(f"f = {tr.fun[i]:.6g}")
        self.label.set_text("\n".join(lines))
        for tip, data in zip(self._tips, self._series, strict=True):
            tip.set_data(self._x_axis[: i + 1], data[: i + 1])
        return list(self._dynamic)

    def _set_weight(self, m: int, start: int) -> None:
        fs = self._font
        for j, curve in enumerate(self._curves):
            curve.set_visible(j <= m)
            curve.set_linewidth((0.35 if j == m else 0.12) * fs)
            curve.set_alpha(1.0 if j == m else 0.4)
            label = f"M = {self.scene.Ms[j]:g}" if np.isfinite(self.scene.Ms[j]) else "f"
            curve.set_label(label if j <= m else "_hidden")
        ends = self.scene.outer_ends[self.scene.outer_ends < start]
        lo, hi = self.scene.ylim
        self._minimizers.set_data(self.scene.trace.x[ends, 0], np.clip(self.scene.heights[ends], lo, hi))
        self._minimizers.set_label("x(M) of earlier M" if ends.size else "_hidden")
        self.ax.legend(loc="upper right", fontsize=0.8 * fs, framealpha=0.85)
        self._m = m

    def _background_key(self) -> Any:
        return self._m, self._final

    def _draw_moving(self, renderer: Any) -> None:
        for artist in self._dynamic:
            artist.draw(renderer)
