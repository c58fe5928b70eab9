"""The per-outer-step figure: what each inner minimization of a penalty, multiplier or barrier run says.

Panels, each drawn only when some run has something to show in it:

- the violation at x(M) against M on log-log axes, with the slope -1 of the pure penalty
  (violation ~ 1/M, Nocedal & Wright, Thm. 17.2) drawn as a reference;
- the condition number kappa of the inner Hessian against M, with kappa ~ M as a reference
  (the ill-conditioning of N&W sec. 17.1: the Hessian of F has eigenvalues of order M);
- the multiplier estimates against the outer step, converging to lambda* (dashed);
- the inner iterations of each outer step, as bars;
- for a barrier, the duality gap against t, with m/t (Boyd & Vandenberghe, sec. 11.2.2).

Several runs share the panels, one colour each, with one legend below them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .outer_run import OuterRun, common_weight_name
from .page import LECTURE_SIZE, RUN_COLORS, lecture_figure, style_axes

__all__ = ["PANELS", "outer_figure"]

PANELS = ("violation", "condition", "multipliers", "inner", "gap")
MARKERS = ("o", "s", "^", "D", "v", "P")
REFERENCE = dict(color="0.35", linestyle="--", linewidth=1.6, zorder=1)


def _runs(runs: Any) -> list[OuterRun]:
    if isinstance(runs, OuterRun):
        return [runs]
    listed = list(runs.values()) if isinstance(runs, Mapping) else list(runs)
    if not listed or not all(isinstance(r, OuterRun) for r in listed):
        raise ValueError("outer_figure needs one OuterRun or a non-empty sequence of them "
                         "(build them with OuterRun.from_steps)")
    return listed


def _positive(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keep = np.isfinite(x) & np.isfinite(y) & (x > 0) & (y > 0)
    return x[keep], y[keep]


def _panels(runs: list[OuterRun]) -> list[str]:
    shown = []
    if any(_positive(r.weight, r.violation)[0].size for r in runs):
        shown.append("violation")
    if any(_positive(r.weight, r.condition)[0].size for r in runs):
        shown.append("condition")
    if any(r.multipliers.shape[1] for r in runs):
        shown.append("multipliers")
    shown.append("inner")
    if any(r.is_barrier and _positive(r.weight, r.gap)[0].size for r in runs):
        shown.append("gap")
    return shown


def _grid(figure: Figure, count: int) -> list[Any]:
    """Axes for `count` panels: one row up to three, 2 x 2 for four, three over two for five."""
    if count <= 3:
        return list(figure.subplots(1, count, squeeze=False)[0])
    if count == 4:
        return list(figure.subplots(2, 2).ravel())
    grid = figure.add_gridspec(2, 6)
    return [figure.add_subplot(grid[0, 2 * i: 2 * i + 2]) for i in range(3)] + \
           [figure.add_subplot(grid[1, 3 * i: 3 * i + 3]) for i in range(2)]


def _slope_reference(ax: Any, runs: list[OuterRun], values: str, slope: float, label: str) -> Line2D | None:
    """The line through the first point of the run spanning the most weights, with the given slope:
    where the values would go if they followed the power law from the first weight on.

    Drawn only when that run's own log-log slope has the sign and at least half the size of
    `slope`, so the reference describes the data (a kappa that stays flat, as for linear
    constraints on a linear objective, gets no kappa ~ M line to be mistaken for).
    """
    spans = []
    for r in runs:
        w, v = _positive(r.weight, getattr(r, values))
        if np.unique(w).size >= 2:
            spans.append((np.log(w.max() / w.min()), w, v))
    if not spans:
        return None
    _, w, v = max(spans, key=lambda s: s[0])
    fitted = np.polyfit(np.log(w), np.log(v), 1)[0]
    if not fitted / slope >= 0.5:
        return None
    ends = np.array([w[0], w.max()])
    (line,) = ax.plot(ends, v[0] * (ends / w[0]) ** slope, label=label, **REFERENCE)
    line.set_gid(f"reference {values}")
    return line


def _log_panel(ax: Any, runs: list[OuterRun], colors: dict[str, str], values: str) -> None:
    drawn = []
    for r in runs:
        w, v = _positive(r.weight, getattr(r, values))
        if w.size:
            (line,) = ax.loglog(w, v, marker="o", markersize=7, linewidth=2.4, color=colors[r.name],
                                label=r.name, zorder=3)
            line.set_gid(f"{values}: {r.name}")
            drawn.append(v)
    lo, hi = min(v.min() for v in drawn), max(v.max() for v in drawn)
    if hi < 10 * lo:  # at least a decade, centred: rounding noise on a constant must not look like a trend
        middle = np.sqrt(lo * hi)
        ax.set_ylim(middle / np.sqrt(10), middle * np.sqrt(10))


def _multiplier_panel(ax: Any, runs: list[OuterRun], colors: dict[str, str], star: Any,
                      names: Sequence[str], sizes: dict[str, float]) -> None:
    size = max(r.multipliers.shape[1] for r in runs)
    names = list(names) + [f"m{j + 1}" for j in range(len(names), size)]
    if star is None:  # the final estimates of the last run with all multipliers
        last = [r for r in runs if r.multipliers.shape[1] == size][-1]
        star, said = last.multipliers[-1], "final"
    else:
        star, said = np.asarray(star, dtype=float).ravel(), "known"
        if star.size != size:
            raise ValueError(f"star has {star.size} multipliers, the runs have {size}")
    handles = []
    for j in range(size):
        marker = MARKERS[j % len(MARKERS)]
        for r in runs:
            if j < r.multipliers.shape[1]:
                (line,) = ax.plot(np.arange(len(r)), r.multipliers[:, j], marker=marker, markersize=7,
                                  linewidth=2.4, color=colors[r.name], zorder=3)
                line.set_gid(f"{names[j]}: {r.name}")
        ax.axhline(star[j], gid=f"star {names[j]}", **REFERENCE)
        handles.append(Line2D([], [], marker=marker, markersize=7, label=f"{names[j]} \u2192 {star[j]:.4g}",
                              **{**REFERENCE, "color": "0.2"}))
    ax.legend(handles=handles, fontsize=sizes["legend"], loc="best", title=f"dashed: {said} value",
              title_fontsize=sizes["legend"], framealpha=0.9)
    ax.set_xlabel("outer step", fontsize=sizes["label"])
    ax.set_ylabel("estimate", fontsize=sizes["label"])
    ax.xaxis.get_major_locator().set_params(integer=True)


def _inner_panel(ax: Any, runs: list[OuterRun], colors: dict[str, str], sizes: dict[str, float]) -> None:
    width = 0.8 / len(runs)
    for i, r in enumerate(runs):
        k = np.arange(len(r))
        bars = ax.bar(k - 0.4 + width * (i + 0.5), r.inner_iterations, width=width, color=colors[r.name],
                      label=r.name, zorder=3, gid=f"inner: {r.name}")
        # A bar of height 0 is invisible: say "0" (the inner run started at its own minimizer).
        ax.bar_label(bars, labels=["0" if n == 0 else "" for n in r.inner_iterations], color=colors[r.name],
                     fontsize=sizes["tick"], padding=2)
    ax.set_xlabel("outer step", fontsize=sizes["label"])
    ax.set_ylabel("inner iterations", fontsize=sizes["label"])
    ax.xaxis.get_major_locator().set_params(integer=True)


def outer_figure(runs: OuterRun | Sequence[OuterRun] | Mapping[str, OuterRun], *, star: Any = None,
                 names: Sequence[str] = (), m: int | None = None, title: str | None = None,
                 figsize: Any = LECTURE_SIZE, dpi: float = 100.0) -> Figure:
    """The per-outer-step figure of one or several runs (see the module docstring for the panels).

    Parameters
    ----------
    runs : OuterRun, or a sequence or mapping of them
        The runs, one colour each, in this order.
    star : array_like, optional
        Known multipliers (lambda*, mu*), drawn dashed; by default the final estimates of the
        last run (put the run that converges best last, or pass `star`).
    names : sequence of str, optional
        The multipliers' names, e.g. ``("λ", "μ")``.
    m : int, optional
        Number of inequalities of a barrier run without equalities: draws m/t beside its gap.
    title : str, optional
        The figure's title.
    figsize, dpi
        Size in inches and pixels per inch (text scales with the height).

    Returns
    -------
    matplotlib.figure.Figure
        An off-screen (Agg) figure; write it with `save_figure`. Each data line's gid names its
        panel and run (``"violation: pure penalty"``), each reference line's its panel.

    Raises
    ------
    ValueError
        For runs that are not `OuterRun`, a `star` of the wrong length, or an unusable size.
    """
    runs = _runs(runs)
    if len({r.name for r in runs}) != len(runs):
        raise ValueError(f"runs need distinct names, got {[r.name for r in runs]}")
    figure, sizes = lecture_figure(figsize, dpi)
    colors = {r.name: RUN_COLORS[i % len(RUN_COLORS)] for i, r in enumerate(runs)}
    symbol = common_weight_name(runs)
    shown = _panels(runs)
    for name, ax in zip(shown, _grid(figure, len(shown)), strict=True):
        ax.set_gid(name)
        style_axes(ax, sizes)
        if name in ("violation", "condition", "gap"):
            _log_panel(ax, runs, colors, name)
            ax.set_xlabel(f"weight {symbol}", fontsize=sizes["label"])
        if name == "violation":
            ax.set_title(f"constraint violation at x({symbol})", fontsize=sizes["panel"])
            ax.set_ylabel("max violation", fontsize=sizes["label"])
            reference = _slope_reference(ax, runs, "violation", -1.0, f"slope \u22121: \u221d 1/{symbol}")
        elif name == "condition":
            ax.set_title("condition number of the inner Hessian", fontsize=sizes["panel"])
            ax.set_ylabel("\u03ba", fontsize=sizes["label"])
            reference = _slope_reference(ax, runs, "condition", 1.0, f"slope 1: \u03ba \u221d {symbol}")
        elif name == "gap":
            ax.set_title("duality gap of the barrier", fontsize=sizes["panel"])
            ax.set_ylabel("gap f \u2212 L", fontsize=sizes["label"])
            reference = None
            if m is not None:
                t = np.array([min(r.weight.min() for r in runs if r.is_barrier),
                              max(r.weight.max() for r in runs if r.is_barrier)])
                (reference,) = ax.loglog(t, m / t, label=f"m/t, m = {m}", gid="reference gap", **REFERENCE)
        elif name == "multipliers":
            ax.set_title("multiplier estimates", fontsize=sizes["panel"])
            _multiplier_panel(ax, runs, colors, star, names, sizes)
        else:
            ax.set_title("inner iterations per outer step", fontsize=sizes["panel"])
            _inner_panel(ax, runs, colors, sizes)
        if name in ("violation", "condition", "gap") and reference is not None:
            ax.legend(handles=[reference], fontsize=sizes["legend"], loc="best", framealpha=0.9)
    handles = [Line2D([], [], color=colors[r.name], marker="o", markersize=7, linewidth=2.4, label=r.name)
               for r in runs]
    figure.legend(handles=handles, loc="outside lower center", ncols=len(runs), fontsize=sizes["label"],
                  frameon=False)
    if title:
        figure.suptitle(title, fontsize=sizes["title"])
    return figure
