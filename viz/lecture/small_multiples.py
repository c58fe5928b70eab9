"""Small multiples: the contours of F(x; M) for several weights M side by side, with x(M) on each.

Nocedal & Wright, figs. 17.1-17.2: as M grows the valley of the quadratic penalty around the
constraint curve narrows, and its minimizer x(M) creeps towards x*. Every panel has the same
domain; the levels are quantiles of F over that panel's grid, denser near the bottom, so the
valley reads in every panel although F's range grows with M.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from matplotlib.colors import BoundaryNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .page import LECTURE_SIZE, lecture_figure, style_axes

__all__ = ["quantile_levels", "small_multiples"]

PATH_COLOR, STAR_COLOR = "#e6194b", "white"
MAX_PANELS = 6


def quantile_levels(Z: np.ndarray, count: int = 14) -> np.ndarray:
    """`count` increasing contour levels at log-spaced quantiles (0.2 % to 100 %) of the finite values of `Z`.

    A level at quantile q encloses the fraction q of the panel with lower values: log-spaced
    fractions put levels inside the valley however narrow it is (its area shrinks like
    1/sqrt(M)), and the same number on its walls, however steep they are.
    """
    finite = Z[np.isfinite(Z)]
    if finite.size == 0:
        return np.array([])
    levels = np.unique(np.quantile(finite, np.concatenate([[0.0], np.geomspace(2e-3, 1.0, count - 1)])))
    return levels if levels.size >= 2 else np.array([])


def _checked(weights: Sequence[float], domain: Any, minimizers: Any, x_star: Any
             ) -> tuple[np.ndarray, tuple[tuple[float, float], ...], np.ndarray | None, np.ndarray | None]:
    weights = np.asarray(weights, dtype=float).ravel()
    if not 1 <= weights.size <= MAX_PANELS or not np.all(np.isfinite(weights) & (weights > 0)):
        raise ValueError(f"weights must be 1 to {MAX_PANELS} positive numbers, got {weights.tolist()}")
    try:
        (a, b), (c, d) = ((float(lo), float(hi)) for lo, hi in domain)
    except (TypeError, ValueError):
        raise ValueError(f"domain must be ((x1min, x1max), (x2min, x2max)), got {domain!r}") from None
    if not (a < b and c < d):
        raise ValueError(f"domain: each minimum must be below its maximum, got {domain!r}")
    if minimizers is not None:
        minimizers = np.asarray(minimizers, dtype=float)
        if minimizers.shape != (weights.size, 2):
            raise ValueError(f"minimizers must hold one point x(M) per weight, shape ({weights.size}, 2); "
                             f"got {minimizers.shape}")
    if x_star is not None:
        x_star = np.asarray(x_star, dtype=float).ravel()
        if x_star.shape != (2,):
            raise ValueError(f"x_star must be one point (x1, x2), got {x_star.tolist()}")
    return weights, ((a, b), (c, d)), minimizers, x_star


def small_multiples(surface_of_M: Callable[[float], Callable[..., np.ndarray]], weights: Sequence[float],
                    domain: Any, *, minimizers: Any = None, x_star: Any = None,
                    equalities: Sequence[Callable[..., np.ndarray]] = (),
                    inequalities: Sequence[Callable[..., np.ndarray]] = (), title: str | None = None,
                    labels: tuple[str, str] = ("$x_1$", "$x_2$"), weight_name: str = "M", grid: int = 200,
                    levels: int = 14, figsize: Any = LECTURE_SIZE, dpi: float = 100.0) -> Figure:
    """One contour panel of F(x; M) per weight M, on one shared domain.

    Parameters
    ----------
    surface_of_M : callable
        ``surface_of_M(M)`` returns the vectorized F(x1, x2; M) (broadcast arrays in, array out).
    weights : sequence of float
        The weights, one panel each (1 to 6), e.g. ``(1, 10, 100, 1000)``.
    domain : ((x1min, x1max), (x2min, x2max))
        The region every panel shows.
    minimizers : array_like, shape (len(weights), 2), optional
        x(M) for each weight: marked on its panel, with the path of x(M) up to it.
    x_star : array_like, shape (2,), optional
        The constrained minimizer, marked on every panel.
    equalities, inequalities : sequence of callable
        h_i(x1, x2) and g_j(x1, x2) on broadcast arrays: the curves h_i = 0 are drawn solid,
        g_j = 0 dashed.
    title, labels
        The figure's title and the axis names.
    weight_name : str
        The weight's symbol in the panel titles and legend: ``"M"``, or ``"t"`` for a barrier
        B(x; t), whose x(t) trace the central path.
    grid, levels : int
        Samples per axis, and the number of contour levels per panel (`quantile_levels`).
    figsize, dpi
        Size in inches and pixels per inch.

    Returns
    -------
    matplotlib.figure.Figure
        An off-screen figure; each axes' gid is ``"M = <weight>"`` (with `weight_name`).

    Raises
    ------
    ValueError
        For weights, domain, points or size that cannot be drawn.
    """
    weights, ((a, b), (c, d)), minimizers, x_star = _checked(weights, domain, minimizers, x_star)
    figure, sizes = lecture_figure(figsize, dpi)
    X, Y = np.meshgrid(np.linspace(a, b, grid), np.linspace(c, d, grid))
    curves = [(h, "-") for h in equalities] + [(g, "--") for g in inequalities]
    with np.errstate(all="ignore"):
        curve_values = [(np.asarray(fn(X, Y), dtype=float), style) for fn, style in curves]
    rows = 1 if weights.size <= 4 else 2
    cols = int(np.ceil(weights.size / rows))
    axes = figure.subplots(rows, cols, squeeze=False, sharex=True, sharey=True).ravel()
    for i, (M, ax) in enumerate(zip(weights, axes, strict=False)):
        ax.set_gid(f"{weight_name} = {M:g}")
        style_axes(ax, sizes)
        ax.grid(False)
        with np.errstate(all="ignore"):
            Z = np.asarray(surface_of_M(float(M))(X, Y), dtype=float) * np.ones_like(X)
        lv = quantile_levels(Z, levels)
        if lv.size:
            Zm = np.ma.masked_invalid(Z)
            # One colour per band (not per value): the valley's few low bands stay distinct.
            ax.contourf(X, Y, Zm, levels=lv, cmap="viridis", norm=BoundaryNorm(lv, 256, extend="max"),
                        alpha=0.8, extend="max")
            ax.contour(X, Y, Zm, levels=lv, colors="0.25", linewidths=0.7, negative_linestyles="solid")
        for values, style in curve_values:
            ax.contour(X, Y, values, levels=[0.0], colors="black", linewidths=1.4, linestyles=style)
        heading, xM = f"{weight_name} = {M:g}", f"x({weight_name})"
        if minimizers is not None:
            ax.plot(minimizers[: i + 1, 0], minimizers[: i + 1, 1], color=PATH_COLOR, linewidth=1.8,
                    zorder=4, gid=f"path {xM}")
            ax.plot(*minimizers[i], marker="o", markersize=10, color=PATH_COLOR, markeredgecolor="black",
                    zorder=6, gid=xM)
            if x_star is not None:  # the distance says how far x(M) is, where the markers coincide
                heading += f"\n|{xM} \u2212 x*| = {np.linalg.norm(minimizers[i] - x_star):.2g}"
            else:
                heading += f"\n{xM} = (" + ", ".join(f"{v:.4g}" for v in minimizers[i]) + ")"
        if x_star is not None:
            ax.plot(*x_star, marker="*", markersize=13, color=STAR_COLOR, markeredgecolor="black",
                    zorder=7, gid="x*")  # above x(M), which covers it as M grows
        ax.set_title(heading, fontsize=sizes["panel"])
        ax.set_xlim(a, b)
        ax.set_ylim(c, d)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel(labels[0], fontsize=sizes["label"])
        if i % cols == 0:
            ax.set_ylabel(labels[1], fontsize=sizes["label"])
        ax.xaxis.get_major_locator().set_params(nbins=4)
        ax.yaxis.get_major_locator().set_params(nbins=4)
    for ax in axes[weights.size:]:
        figure.delaxes(ax)  # no empty panel
    handles = []
    if minimizers is not None:
        handles.append(Line2D([], [], marker="o", markersize=10, color=PATH_COLOR, markeredgecolor="black",
                              linewidth=1.8, label=f"x({weight_name}), and its path"))
    if x_star is not None:
        handles.append(Line2D([], [], marker="*", markersize=13, color=STAR_COLOR, markeredgecolor="black",
                              linestyle="none", label="x*"))
    if equalities:
        handles.append(Line2D([], [], color="black", linewidth=1.4, label="h(x) = 0"))
    if inequalities:
        handles.append(Line2D([], [], color="black", linewidth=1.4, linestyle="--", label="g(x) = 0"))
    if handles:
        figure.legend(handles=handles, loc="outside lower center", ncols=len(handles),
                      fontsize=sizes["label"], frameon=False)
    if title:
        figure.suptitle(title, fontsize=sizes["title"])
    return figure
