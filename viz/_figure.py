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
from matplotlib import colormaps
from matplotlib.colors import Colormap, Normalize
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from mpl_toolkits.mplot3d.art3d import Poly3DCollection

from ._glyph_text import GlyphText
from ._layout_math import decade_axis, even_figsize, log10, log_floor, value_limits
from ._lines3d import ProjectedLine3D
from ._scene import PHI_SAMPLES, PHI_SPAN, Scene, Style
from ._surface import surface_polygons

__all__ = ["PATH_COLOR", "POINT_COLOR", "SceneFigure"]

ABOVE_COLOR = "0.85"
PATH_COLOR = "#e6194b"  # a red far from every viridis colour, so tests can find the path's pixels
POINT_COLOR = "#ff7f0e"
F_COLOR, OBJ_COLOR, GRAD_COLOR, VIOL_COLOR = "#1f77b4", "#2ca02c", "#9467bd", "#d62728"
# Panel rectangles in figure fractions (left, bottom, width, height): fixed, no layout engine,
# so nothing moves between frames and nothing overlaps (the pixel cache relies on that).
_RECT_3D = (0.0, 0.0, 0.52, 0.9)
_RECT_CONTOUR = (0.585, 0.43, 0.25, 0.45)
_RECT_PHI = (0.865, 0.52, 0.12, 0.27)
_RECT_VALUES = (0.575, 0.225, 0.335, 0.135)
_RECT_LOG = (0.575, 0.065, 0.335, 0.135)
# Dynamic artists sit above every static one of their axes, in the full drawing as in the cache.
_Z_PATH, _Z_POINT, _Z_LABEL = 20, 21, 22


def sized_figure(style: Style, figure: Figure | None = None) -> tuple[Figure, tuple[float, float]]:
    """`figure` (or a new off-screen Agg figure) at the style's dpi and even-pixel size, and that size."""
    figsize = even_figsize(style.figsize, style.dpi)
    if figure is None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        figure = Figure(figsize=figsize, dpi=style.dpi)
        FigureCanvasAgg(figure)
    else:
        figure.set_dpi(style.dpi)
        figure.set_size_inches(*figsize)
    return figure, figsize


class SceneFigure:
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
        self.scene = scene
        self.figure, figsize = sized_figure(scene.style, figure)
        self._font = max(4.0, 10.0 * figsize[1] / 7.2)
        self._norm = Normalize(*scene.zlim)
        self._key: int | None = None
        self._static_artists: list[Any] = []
        self._bg: Any = None
        self._bg_key: tuple[Any, ...] | None = None
        self._frame: int | None = None
        self._bg_pixels: np.ndarray | None = None
        self._bg_token = 0
        self._old_key: int | None = None
        self._old_start = -1
        tr = scene.trace
        self._xy = tr.x[:, list(scene.coords)]
        self._x_axis = np.arange(len(tr))
        change = np.flatnonzero(np.diff(scene.m_index)) + 1
        self._run_start = np.zeros(len(tr), dtype=int)
        for c in change:
            self._run_start[c:] = c
        self._build()

    # -- construction -------------------------------------------------------------------------
    def _build(self) -> None:
        sc, fig, fs = self.scene, self.figure, self._font
        fig.patch.set_facecolor("white")
        if sc.title:
            self._title = fig.suptitle(sc.title, fontsize=1.25 * fs, y=0.985, va="top")
            self._fit_title()
        ax = fig.add_axes(_RECT_3D, projection="3d", computed_zorder=False)
        ax.patch.set_visible(False)  # its rectangle would paint over neighbours when re-drawn alone
        ax.set_zorder(1)
        (x0, x1), (y0, y1) = sc.domain
        ax.set(xlim=(x0, x1), ylim=(y0, y1), zlim=sc.zlim)
        ax.set_xlabel(sc.axis_names[0], fontsize=fs, labelpad=-0.2 * fs)
        ax.set_ylabel(sc.axis_names[1], fontsize=fs, labelpad=-0.2 * fs)
        ax.set_zlabel("F" if sc.trace.is_penalty else "f", fontsize=fs, labelpad=-0.2 * fs)
        ax.tick_params(labelsize=0.75 * fs, pad=-0.1 * fs)
        for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
            axis.set_major_locator(MaxNLocator(5))
        ax.view_init(elev=sc.style.elev, azim=sc.style.azim)
        self.ax3d = ax
        self._build_paths3d()
        self._build_contour()
        self._build_paths2d()
        self._build_convergence()
        self._build_phi()
        self._collect_dynamic()

    def _build_paths3d(self) -> None:
        ax, fs = self.ax3d, self._font
        self.old3d = _line3d(ax, color=PATH_COLOR, lw=0.12 * fs, alpha=0.45, zorder=_Z_PATH)
        self.path3d = _line3d(ax, color=PATH_COLOR, lw=0.22 * fs, zorder=_Z_PATH)
        self.drop3d = _line3d(ax, color=PATH_COLOR, lw=0.1 * fs, ls=":", zorder=_Z_PATH)
        self.point3d = _line3d(ax, marker="o", ls="none", color=POINT_COLOR, mec="black", mew=0.06 * fs,
                               ms=0.8 * fs, zorder=_Z_POINT)
        self.label3d = GlyphText(0.02, 0.98, transform=ax.transAxes, fontsize=0.95 * fs, zorder=_Z_LABEL)
        ax.add_artist(self.label3d)

    def _collect_dynamic(self) -> None:
        # Drawing order of the full figure: the 2D axes, then the 3D axes (zorder 1, so its labels
        # may overlap a neighbour the same way in both drawings), each artist by zorder. The
        # cached drawing repeats exactly this order.
        self._dynamic2d = [self.path2d, self.label2d, *self._value_lines, *self._log_lines,
                           self.phi_line, self.phi_text]
        self._dynamic3d = [self.path3d, self.drop3d, self.point3d, self.label3d]
        self._dynamic = [*self._dynamic2d, *self._dynamic3d]
        self._wanted = {id(a): True for a in self._dynamic}

    def _fit_title(self) -> None:
        # Long penalized functions must not be clipped: shrink the title once to fit the width.
        _shrink_to(self._title, 0.97 * self.figure.bbox.width, self.figure.canvas.get_renderer())

    def _build_contour(self) -> None:
        sc, fs = self.scene, self._font
        ax = self.figure.add_axes(_RECT_CONTOUR)
        (x0, x1), (y0, y1) = sc.domain
        ax.set(xlim=(x0, x1), ylim=(y0, y1))
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel(sc.axis_names[0], fontsize=fs, labelpad=0.1 * fs)
        ax.set_ylabel(sc.axis_names[1], fontsize=fs, labelpad=0.1 * fs)
        ax.tick_params(labelsize=0.75 * fs)
        X, Y = np.meshgrid(sc.xs, sc.ys)
        handles = []
        if sc.inequalities:
            feasible = np.all([g <= 0 for g in sc.inequalities], axis=0)
            self.feasible_shading = ax.contourf(X, Y, feasible.astype(float), levels=[0.5, 1.5],
                                                colors="none", hatches=["///"], zorder=3)
            for g in sc.inequalities:
                ax.contour(X, Y, g, levels=[0.0], colors="black", linewidths=0.08 * fs, zorder=3)
            from matplotlib.patches import Patch

            handles.append(Patch(fc="none", hatch="///", ec="black", lw=0.05 * fs, label="g ≤ 0"))
        else:
            feasible = np.ones(X.shape, dtype=bool)
            self.feasible_shading = None
        from matplotlib.lines import Line2D

        self.equality_curves = []
        for h in sc.equalities:
            self.equality_curves.append(ax.contour(X, Y, h, levels=[0.0], colors="black", linewidths=0.1 * fs,
                                                   linestyles="--", zorder=4))
            ax.contour(X, Y, np.ma.masked_where(~feasible, h), levels=[0.0], colors="black",
                       linewidths=0.3 * fs, zorder=4)
        if sc.equalities:
            handles.append(Line2D([], [], color="black", ls="--", lw=0.1 * fs, label="h = 0"))
        if handles:
            ax.legend(handles=handles, loc="lower left", fontsize=0.7 * fs, framealpha=0.85,
                      handlelength=1.5, borderpad=0.3)
        self.ax2d = ax

    def _build_paths2d(self) -> None:
        ax, fs = self.ax2d, self._font
        (self.old2d,) = ax.plot([], [], color=PATH_COLOR, lw=0.12 * fs, alpha=0.45, zorder=_Z_PATH)
        # One artist for the path and the current point (its marker, on the last vertex only):
        # every artist drawn per frame costs time, so lines carry their own end markers.
        (self.path2d,) = ax.plot([], [], color=PATH_COLOR, lw=0.2 * fs, marker="o", markevery=[-1],
                                 mfc=POINT_COLOR, mec="black", mew=0.06 * fs, ms=0.75 * fs, zorder=_Z_PATH)
        self.label2d = GlyphText(0, 0, transform=ax.transData, fontsize=0.8 * fs, zorder=_Z_LABEL)
        ax.add_artist(self.label2d)

    def _build_convergence(self) -> None:
        sc, fs, tr = self.scene, self._font, self.scene.trace
        last = int(sc.frames[-1])
        shown = slice(0, last + 1)
        xlim = (0, max(last, 1))
        values = self.figure.add_axes(_RECT_VALUES)
        logs = self.figure.add_axes(_RECT_LOG, sharex=values)
        values.set_xlim(*xlim)
        values.tick_params(labelbottom=False, labelsize=0.7 * fs)
        logs.tick_params(labelsize=0.7 * fs)
        logs.set_xlabel("iterate", fontsize=0.85 * fs, labelpad=0.05 * fs)
        series = [(tr.fun, "F" if tr.is_penalty else "f", F_COLOR)]
        if tr.is_penalty:
            series.append((tr.objective, "f", OBJ_COLOR))
        data = np.concatenate([s[0][shown] for s in series])
        finite = data[np.isfinite(data)]
        log_values = finite.size > 0 and finite.min() > 0 and finite.max() > 100 * finite.min()
        if log_values:
            decade_axis(values, value_limits(data, log=True))
        else:
            values.set_ylim(*value_limits(data, log=False))
        self._value_lines = [values.plot([], [], color=c, lw=0.15 * fs, label=name, zorder=_Z_PATH,
                                         marker="o", markevery=[-1], ms=0.45 * fs)[0]
                             for _, name, c in series]
        self._value_data = [log10(s[0]) if log_values else s[0] for s in series]
        # Each curve before the current weight M is background, redrawn only when M changes:
        # per frame only the current run's part is drawn, however long the whole run is.
        self._value_old = [values.plot([], [], color=c, lw=0.15 * fs, zorder=_Z_PATH)[0]
                           for _, _, c in series]
        log_series = [(tr.grad_norm, "‖∇F‖" if tr.is_penalty else "‖∇f‖", GRAD_COLOR)]
        if tr.is_penalty and np.isfinite(tr.violation).any():
            log_series.append((tr.violation, "viol.", VIOL_COLOR))
        floor = log_floor(np.concatenate([s[0][shown] for s in log_series]))
        lifted = [np.maximum(s[0], floor) for s in log_series]
        decade_axis(logs, value_limits(np.concatenate([d[shown] for d in lifted]), log=True))
        self._log_data = [log10(d) for d in lifted]
        self._log_old = [logs.plot([], [], color=c, lw=0.15 * fs, zorder=_Z_PATH)[0]
                         for _, _, c in log_series]
        # the current iterate is a dot at each curve's tip (a cursor line across the panel would
        # change whole pixel rows every frame, which the PNG encoder pays for)
        self._log_lines = [logs.plot([], [], color=c, lw=0.15 * fs, label=name, zorder=_Z_PATH, marker="o",
                                     markevery=[-1], ms=0.45 * fs)[0]
                           for _, name, c in log_series]
        for ax in (values, logs):  # legends beside the panels, never under the moving lines
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=0.75 * fs, frameon=False,
                      borderaxespad=0.0, handlelength=1.2)
            ax.grid(True, lw=0.05 * fs, alpha=0.5)
        if tr.is_penalty:  # mark where M grows: the start of each outer iteration
            starts = np.flatnonzero(np.diff(sc.m_index[shown]) != 0) + 1
            for ax in (values, logs):
                for s in starts:
                    ax.axvline(s, color="0.6", lw=0.08 * fs, ls="--", zorder=1)
        self.ax_values, self.ax_log = values, logs

    def _build_phi(self) -> None:
        fs = self._font
        ax = self._build_phi_axes()
        (self.phi_line,) = ax.plot([], [], color=F_COLOR, lw=0.15 * fs, zorder=_Z_PATH, marker="o",
                                   markevery=[self._phi_star], mfc=POINT_COLOR, mec="black", mew=0.05 * fs,
                                   ms=0.6 * fs)
        self.phi_text = GlyphText(0.5, 0.97, transform=ax.transAxes, fontsize=0.7 * fs, ha="center",
                                  va="top", box=False, zorder=_Z_LABEL)
        ax.add_artist(self.phi_text)

    def _build_phi_axes(self) -> Any:
        fs = self._font
        ax = self.figure.add_axes(_RECT_PHI)
        ax.set(xlim=(0, PHI_SPAN), ylim=(-0.12, 1.3), yticks=[])
        ax.set_xticks([0, 1], ["0", "t*"])
        ax.tick_params(labelsize=0.75 * fs, pad=0.1 * fs)
        title = ax.set_title("line search\n" + r"$\varphi(t) = F(x_{k-1} + t\,d)$", fontsize=0.75 * fs,
                             pad=0.3 * fs, linespacing=1.1)
        _shrink_to(title, (1 - _RECT_PHI[0]) * self.figure.bbox.width,  # never past the right edge
                   self.figure.canvas.get_renderer())
        ax.axvline(1.0, color="0.7", lw=0.08 * fs, zorder=1)
        self._phi_s = np.linspace(0.0, PHI_SPAN, PHI_SAMPLES)
        self._phi_star = int(np.argmin(np.abs(self._phi_s - 1.0)))  # the sample at t = t*
        self.ax_phi = ax
        return ax

    # -- per frame ------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.scene)

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
        if not 0 <= frame < len(self.scene):
            raise IndexError(f"frame {frame} out of range: the animation has {len(self.scene)} frames")
        sc = self.scene
        i = int(sc.frames[frame])
        self._frame = frame
        key = int(sc.grid_key[i])
        if key != self._key:
            self._set_surface(key)
        if sc.style.turn:
            self.ax3d.view_init(elev=sc.style.elev, azim=self.azim(frame))
        m = int(sc.m_index[i])
        s = int(self._run_start[i])  # where the current M began: earlier steps are drawn faded
        x, y = self._xy[: i + 1, 0], self._xy[: i + 1, 1]
        lo, hi = sc.zlim
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

    def _set_surface(self, key: int) -> None:
        # Called only when M (or, beyond 2 variables, the slice) changes: the expensive redraw.
        for artist in self._static_artists:
            artist.remove()
        sc, fs = self.scene, self._font
        lo, hi = sc.zlim
        Z = np.asarray(sc.grids[key], dtype=float)
        Zc = np.clip(Z, lo, hi)
        X, Y = np.meshgrid(sc.xs, sc.ys)
        cmap = sc.style.cmap
        polygons, mean_z = surface_polygons(X, Y, Z, hi, sc.style.surface_count)
        surf = Poly3DCollection(polygons, cmap=cmap, norm=self._norm, alpha=sc.style.alpha,
                                linewidths=0.03 * fs, edgecolors=(0, 0, 0, 0.15), zorder=1)
        surf.set_array(mean_z)
        self.ax3d.add_collection3d(surf)  # limits are fixed: no autoscaling
        levels = np.linspace(lo, hi, 21)
        floor = self.ax3d.contour(X, Y, Zc, levels=levels[1:-1:2], zdir="z", offset=lo, cmap=cmap,
                                  norm=self._norm, linewidths=0.06 * fs, zorder=0.5)
        # Above the ceiling: light grey, "off the scale", as the 3D view leaves it out.
        over = plt_colormap(cmap).with_extremes(over=ABOVE_COLOR)
        filled = self.ax2d.contourf(X, Y, np.where(Z <= hi, Zc, hi + (hi - lo)), levels=levels, cmap=over,
                                    norm=self._norm, extend="max", zorder=0)
        finite = Z[np.isfinite(Z) & (Z < hi)]
        artists = [surf, floor, filled]
        if finite.size:
            # Quantile levels show the valley's shape even where a steep wall spans most colours.
            q = np.unique(np.quantile(finite, np.linspace(0.03, 0.97, 14)))
            if q.size:
                artists.append(self.ax2d.contour(X, Y, Zc, levels=q, colors="white", linewidths=0.06 * fs,
                                                 alpha=0.7, zorder=1))
        self._static_artists = artists
        self._key = key

    def _label(self, i: int) -> str:
        tr = self.scene.trace
        x = tr.x[i]
        coords = ", ".join(f"{v:.4g}" for v in x[:6]) + (", …" if len(x) > 6 else "")
        head = f"outer {tr.outer[i]}, k = {tr.k[i]}" if tr.outer[i] >= 0 else f"k = {tr.k[i]}"
        lines = [f"{head}   (iterate {i})", f"x = ({coords})"]
        if tr.is_penalty:
            lines.append(f"F = {tr.fun[i]:.6g}   M = {tr.M[i]:.3g}")
            lines.append(f"f = {tr.objective[i]:.6g}   viol = {tr.violation[i]:.2e}")
        else:
            lines.append(f"f = {tr.fun[i]:.6g}")
        lines.append(f"‖grad‖ = {tr.grad_norm[i]:.2e}")
        return "\n".join(lines)

    def _place_label2d(self, i: int) -> None:
        (x0, x1), (y0, y1) = self.scene.domain
        x, y = self._xy[i]
        right = x > (x0 + x1) / 2  # put the label on the side with room, so it is never clipped
        top = y > (y0 + y1) / 2
        off = 0.8 * self._font
        self.label2d.set_anchor((x, y), ha="right" if right else "left", va="top" if top else "bottom",
                                offset=(-off if right else off, -off if top else off))
        self.label2d.set_text(f"k={self.scene.trace.k[i]} ({x:.3g}, {y:.3g})")

    def _update_phi(self, i: int) -> None:
        phi = self.scene.phi[i]
        ok = np.isfinite(phi)
        visible = bool(ok.sum() >= 2)
        self._wanted[id(self.phi_line)] = visible
        self.phi_line.set_visible(visible)
        if not visible:
            self.phi_text.set_text("(no step recorded)")
            return
        lo, hi = np.nanmin(phi[ok]), np.nanmax(phi[ok])
        scale = hi - lo if hi > lo else 1.0
        norm = (phi - lo) / scale  # shape, not size, is what the inset teaches; t* is at s = 1
        self.phi_line.set_data(self._phi_s, norm)
        self.phi_text.set_text(f"t* = {self.scene.trace.step[i]:.3g}")

    # -- pixels ----------------------------------------------------------------------------------
    def render(self, frame: int, *, copy: bool = True) -> np.ndarray:
        """Draw `frame` and return its RGBA pixels, shape (height, width, 4).

        Static layers (surface, contours, axes, title) are drawn once per surface and camera
        angle and kept as a pixel background; each frame restores it and draws only the moving
        artists. With a turning camera the 3D panel is drawn whole every frame.
        """
        self.update(frame)
        canvas = self.figure.canvas
        turning = bool(self.scene.style.turn)
        # The faded path of earlier weights M is part of the background: it only changes with M.
        key = (self._key, self._background_state(), turning, self.figure.bbox.bounds)
        if key != self._bg_key:
            hidden = [*self._dynamic, self.ax3d] if turning else self._dynamic
            for artist in hidden:
                artist.set_visible(False)
            canvas.draw()
            self._bg = canvas.copy_from_bbox(self.figure.bbox)
            self._bg_key = key
            self._bg_pixels = np.asarray(canvas.buffer_rgba()).copy()
            self._bg_token += 1
            for artist in self._dynamic:
                artist.set_visible(self._wanted[id(artist)])
            self.ax3d.set_visible(True)
        else:
            canvas.restore_region(self._bg)
        renderer = canvas.get_renderer()
        for artist in self._dynamic2d:
            artist.draw(renderer)
        if turning:
            self.ax3d.draw(renderer)
        else:
            for artist in self._dynamic3d:
                artist.draw(renderer)
        pixels = np.asarray(canvas.buffer_rgba())
        return pixels.copy() if copy else pixels

    def _background_state(self) -> Any:
        """What, beside the surface and camera, the pixel background shows (here: the faded path
        of earlier weights M); the background is redrawn when it changes."""
        return self._old_start

    @property
    def background(self) -> tuple[int, np.ndarray | None]:
        """``(token, pixels)`` of the static layers behind the last `render`; the token changes
        whenever they are redrawn (new M, camera turn), so encoders can cache per background."""
        return self._bg_token, self._bg_pixels

    def close(self) -> None:
        """Release the figure (and its pyplot window, if it has one)."""
        if self.figure.canvas.manager is not None:
            import matplotlib.pyplot as plt

            plt.close(self.figure)
        self.figure.clear()


def _shrink_to(text: Any, width: float, renderer: Any) -> None:
    """Reduce `text`'s font size, once, until it is at most `width` pixels wide."""
    actual = text.get_window_extent(renderer).width
    if actual > width:
        text.set_fontsize(text.get_fontsize() * width / actual)


def _line3d(ax: Any, **style: Any) -> ProjectedLine3D:
    line = ProjectedLine3D([], [], [], **style)
    ax.add_line(line)
    return line


def plt_colormap(cmap: str | Colormap) -> Colormap:
    """A colormap from its name (or itself)."""
    return colormaps[cmap] if isinstance(cmap, str) else cmap
