"""`NetworkFigure`: a network's output surface morphing over training, beside its loss curve.

The surface figure draws one fixed surface with a moving point. Here the surface itself moves: frame by
frame, ``z = net(x1, x2; theta_k)`` for the parameters theta_k of the drawn iterate, one forward
pass over the grid points (and the training points) through a plain ``predict(theta, P)``
callable, so viz never sees the network. The new heights go into the same `Poly3DCollection`
with ``set_verts`` (measured: as fast as building a new collection, and no artist is created per
frame). Beside it: a top view (the same values as an image, the training points and, for a
classifier, the decision boundary p = 1/2) and the loss curve.

Axes, panes, ticks, the colour bar and the title are drawn once into a pixel background; each
frame restores it and draws only the moving artists, in the order a full drawing uses, so the
live view (which redraws everything) shows the same picture (to a few antialiased pixels where
tick marks meet the top view's image). That is most of the speed: the static layers cost
several times what the surface does.
"""

from __future__ import annotations

from typing import Any

import contourpy
import numpy as np
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from mpl_toolkits.mplot3d.art3d import Line3DCollection, Poly3DCollection

from ..scenes import NetworkScene, surface_cells
from ..scenes.limits import value_limits
from .axes import iterate_ticks
from .base import CachedFigure
from .glyph_text import GlyphText
from .lines3d import ProjectedLine3D
from .title import plain_or_math

__all__ = ["NetworkFigure"]

CLASS_COLORS = ("#2166ac", "#b2182b")  # the two ends of RdBu_r, the classifier's colormap
LOSS_COLOR = "#1f77b4"
_BEND_TOLERANCE = 0.01  # of the z-range: a block bending more than this is drawn fine
# Panel rectangles in figure fractions (left, bottom, width, height): fixed, no layout engine,
# so nothing moves between frames (the pixel background relies on it).
_RECT_3D = (0.0, 0.06, 0.57, 0.80)  # room below for the x1 label at lecture text sizes
_RECT_TOP = (0.6, 0.42, 0.3, 0.42)
_RECT_LOSS = (0.62, 0.08, 0.33, 0.24)
# Moving artists above every static one of their axes, in the full drawing as in the cached one.
_Z_SURFACE, _Z_STEMS, _Z_POINTS, _Z_BOUNDARY, _Z_LINE = 1, 2, 3, 4, 20


class NetworkFigure(CachedFigure):
    """The figure and its artists for one `NetworkScene` (created once, mutated per frame).

    Parameters
    ----------
    scene : NetworkScene
    figure : matplotlib.figure.Figure, optional
        Draw into this figure (e.g. a pyplot one for the live view); by default a new
        off-screen figure with an Agg canvas.

    Attributes
    ----------
    cells : ndarray, shape (polygons, 4 * refine, 3)
        The surface polygons of the current frame (see `surface_cells`).
    residuals : ndarray, shape (N, 2, 3), or None
        Regression: each training point's segment from its target to the network's value.
    """

    def __init__(self, scene: NetworkScene, figure: Figure | None = None):
        super().__init__(scene, figure)
        self._norm = Normalize(*scene.zlim)
        self._grid_x, self._grid_y = np.meshgrid(scene.xs, scene.ys)
        self.residuals: np.ndarray | None = None
        self._build()

    # -- construction -------------------------------------------------------------------------
    def _build(self) -> None:
        sc, fig, fs = self.scene, self.figure, self._font
        fig.patch.set_facecolor("white")
        if sc.title:
            fig.suptitle(plain_or_math(sc.title), fontsize=1.25 * fs, y=0.985, va="top")
        self.headline = GlyphText(0.5, 0.925, transform=fig.transFigure, fontsize=1.05 * fs, ha="center",
                                  va="top", box=False, zorder=_Z_LINE)
        fig.add_artist(self.headline)
        self._build_3d()
        self._build_top()
        self._build_loss()
        self._scale_ticks()
        # Drawing order of the full figure: the 2D axes, then the 3D axes (zorder 1), each
        # artist by zorder; the cached drawing repeats exactly this order.
        self._dynamic = [*self._dynamic2d, *self._dynamic3d, self.headline]

    def _build_3d(self) -> None:
        sc, fs = self.scene, self._font
        ax = self.ax3d = self._add_axes3d(_RECT_3D, ("$x_1$", "$x_2$"),
                                          "P(class 1)" if self._classifier else "network output")
        self.cells = self._cells(np.zeros((len(sc.ys), len(sc.xs))))  # a placeholder until `update`
        # a classifier's walls are drawn in many small cells (see `surface_cells`): their edges
        # would hatch the wall dark and cost as much again to draw, so only a regression's have them
        edges = 0.0 if self._classifier else 0.03 * fs
        self.surface = Poly3DCollection(self.cells, cmap=sc.style.cmap,
                                        norm=self._norm, alpha=sc.style.alpha, linewidths=edges,
                                        edgecolors=(0, 0, 0, 0.15), zorder=_Z_SURFACE)
        ax.add_collection3d(self.surface, autolim=False)
        X, y, lo = sc.X, sc.y, sc.zlim[0]
        if self._classifier:
            # the training points on the floor, coloured by class; the boundary p = 1/2 beside them
            self.points3d = ax.scatter(X[:, 0], X[:, 1], np.full(len(X), lo), c=self._class_colors,
                                       s=(0.9 * fs) ** 2, edgecolors="black", linewidths=0.04 * fs,
                                       depthshade=False, zorder=_Z_POINTS)
            self.boundary3d = ProjectedLine3D([], [], [], color="black", lw=0.2 * fs, zorder=_Z_BOUNDARY)
            ax.add_line(self.boundary3d)
            self.stems = None
            self._dynamic3d = [self.surface, self.points3d, self.boundary3d]
        else:
            # the targets as points above their inputs, each tied to the surface by its residual
            self.stems = Line3DCollection([], colors="0.15", linewidths=0.07 * fs, zorder=_Z_STEMS)
            ax.add_collection3d(self.stems, autolim=False)
            self.points3d = ax.scatter(X[:, 0], X[:, 1], np.clip(y, *sc.zlim), c=y, cmap=sc.style.cmap,
                                       norm=self._norm, s=(0.8 * fs) ** 2, edgecolors="black",
                                       linewidths=0.05 * fs, depthshade=False, zorder=_Z_POINTS)
            self.boundary3d = None
            self._dynamic3d = [self.surface, self.stems, self.points3d]

    def _build_top(self) -> None:
        sc, fs = self.scene, self._font
        ax = self.figure.add_axes(_RECT_TOP)
        (x0, x1), (y0, y1) = sc.domain
        dx, dy = (x1 - x0) / (len(sc.xs) - 1), (y1 - y0) / (len(sc.ys) - 1)
        # grid values sit on pixel centres: the image reaches half a cell beyond the domain
        extent = (x0 - dx / 2, x1 + dx / 2, y0 - dy / 2, y1 + dy / 2)
        self.image = ax.imshow(np.zeros((len(sc.ys), len(sc.xs))), extent=extent, origin="lower",
                               cmap=sc.style.cmap, norm=self._norm, interpolation="bilinear", zorder=0)
        ax.set(xlim=(x0, x1), ylim=(y0, y1))
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel("$x_1$", fontsize=fs, labelpad=0.1 * fs)
        ax.set_ylabel("$x_2$", fontsize=fs, labelpad=0.1 * fs)
        ax.tick_params(labelsize=0.75 * fs)
        ax.set_title("top view: " + ("P(class 1), boundary P = 1/2" if self._classifier
                                     else "network output and targets"), fontsize=0.85 * fs, pad=0.4 * fs)
        X, y = sc.X, sc.y
        by_value = {} if self._classifier else dict(cmap=sc.style.cmap, norm=self._norm)
        self.points2d = ax.scatter(X[:, 0], X[:, 1], c=self._class_colors if self._classifier else y,
                                   s=(0.6 * fs) ** 2, edgecolors="black", linewidths=0.05 * fs, zorder=2,
                                   **by_value)
        bar = ax.inset_axes((1.04, 0.0, 0.045, 1.0))
        self.figure.colorbar(self.image, cax=bar)
        bar.tick_params(labelsize=0.75 * fs)
        # Drawn over the image in a full drawing, so redrawn over it here too. (So would be the
        # tick marks, whose antialiased inner ends touch the image's border pixels; redrawing
        # both axes would cost a third of a frame, so a cached frame differs from a full drawing
        # in those few pixels only.)
        over = [self.points2d, *ax.spines.values()]
        if self._classifier:
            (self.boundary2d,) = ax.plot([], [], color="black", lw=0.18 * fs, zorder=3)
            over.append(self.boundary2d)
        else:
            self.boundary2d = None
        self._dynamic2d_top = [self.image, *over]
        self.ax_top = ax

    def _build_loss(self) -> None:
        sc, fs, tr = self.scene, self._font, self.scene.trace
        ax = self.figure.add_axes(_RECT_LOSS)
        last = int(sc.frames[-1])
        self._steps = tr.k.astype(float)
        first, end = self._steps[0], max(self._steps[last], self._steps[0] + 1)
        ax.set_xlim(first - 0.02 * (end - first), end + 0.02 * (end - first))  # room for the end dots
        loss = tr.fun[: last + 1]
        finite = loss[np.isfinite(loss)]
        if finite.size and finite.min() > 0 and finite.max() > 30 * finite.min():
            ax.set_yscale("log")
            ax.set_ylim(*value_limits(loss, log=True))
        else:
            ax.set_ylim(*value_limits(loss, log=False))
        ax.set_xlabel(sc.step_name, fontsize=0.85 * fs, labelpad=0.05 * fs)
        iterate_ticks(ax.xaxis, sc.style)
        ax.set_ylabel("training loss", fontsize=0.85 * fs)
        ax.tick_params(labelsize=0.75 * fs)
        ax.grid(True, lw=0.05 * fs, alpha=0.5)
        (self.loss_line,) = ax.plot([], [], color=LOSS_COLOR, lw=0.15 * fs, marker="o", markevery=[-1],
                                    ms=0.5 * fs, zorder=_Z_LINE)
        self.ax_loss = ax
        self._dynamic2d = [*self._dynamic2d_top, self.loss_line]

    @property
    def _classifier(self) -> bool:
        return self.scene.kind == "classification"

    @property
    def _class_colors(self) -> list[str]:
        return [CLASS_COLORS[int(label)] for label in self.scene.y]

    def _cells(self, Z: np.ndarray) -> np.ndarray:
        """The surface's polygons for grid values Z (clipped to the z-range), see `surface_cells`."""
        lo, hi = self.scene.zlim
        Z = np.clip(np.nan_to_num(Z, nan=lo, posinf=hi, neginf=lo), lo, hi)  # a diverged net lies flat
        return surface_cells(self._grid_x, self._grid_y, Z, step=self.scene.refine,
                             tol=_BEND_TOLERANCE * (hi - lo), probability=self._classifier)

    # -- per frame ------------------------------------------------------------------------------
    def update(self, frame: int) -> list[Any]:
        """Move every artist to `frame`: the network's surface, image, residuals or boundary, the
        loss curve and the headline. Returns the artists that changed."""
        self._check_frame(frame)
        sc = self.scene
        i = int(sc.frames[frame])
        Z, at_points = sc.values(i)
        self.cells = self._cells(Z)
        self.surface.set_verts(self.cells)
        self.surface.set_array(self.cells[..., 2].mean(axis=1))
        self.image.set_data(Z)
        tr = sc.trace
        self.loss_line.set_data(self._steps[: i + 1], tr.fun[: i + 1])
        text = f"{sc.step_name} {tr.k[i]}   training loss {tr.fun[i]:.4g}"
        if self._classifier:
            bx, by = _boundary(sc.xs, sc.ys, Z)
            self.boundary3d.set_data_3d(bx, by, np.full(bx.shape, sc.zlim[0]))
            self.boundary2d.set_data(bx, by)
            accuracy = np.mean((at_points > 0.5) == (sc.y > 0.5))
            text += f"   accuracy {accuracy:.1%}"
        else:
            fit = np.clip(at_points, *sc.zlim)
            targets = np.clip(sc.y, *sc.zlim)
            x1, x2 = sc.X[:, 0], sc.X[:, 1]
            self.residuals = np.stack([np.column_stack([x1, x2, targets]), np.column_stack([x1, x2, fit])],
                                      axis=1)
            self.stems.set_segments(self.residuals)
        self.headline.set_text(text)
        return list(self._dynamic)

    # -- pixels (see CachedFigure.render) -----------------------------------------------------
    def _draw_moving(self, renderer: Any) -> None:
        for artist in self._dynamic2d:
            artist.draw(renderer)
        for artist in self._dynamic3d:
            if hasattr(artist, "do_3d_projection") and not isinstance(artist, ProjectedLine3D):
                artist.do_3d_projection()  # what Axes3D.draw does first for collections
            artist.draw(renderer)
        self.headline.draw(renderer)


def _boundary(xs: np.ndarray, ys: np.ndarray, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The curve(s) Z = 1/2 by marching squares, pieces separated by NaN (empty if none)."""
    generator = contourpy.contour_generator(xs, ys, Z, line_type=contourpy.LineType.ChunkCombinedNan)
    pieces = [p for p in generator.lines(0.5)[0] if p is not None]
    if not pieces:
        return np.empty(0), np.empty(0)
    line = np.concatenate(pieces)
    return line[:, 0], line[:, 1]
