"""Axis helpers: a decade-labelled linear axis for log10 values, whole-number iterate ticks."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.ticker import FuncFormatter, MaxNLocator

__all__ = ["TICK_BINS", "decade_axis", "iterate_ticks", "tick_bins"]

# Ticks per axis at most, per look: fewer, larger ticks read from the back of a hall.
TICK_BINS = {"lecture": 4, "paper": 6}


def tick_bins(style: Any) -> int:
    """At most this many tick intervals per axis (`MaxNLocator` bins) in the style's look."""
    return TICK_BINS[style.look]


def iterate_ticks(axis: Any, style: Any) -> None:
    """Whole-number ticks (iterates, epochs), few of them: `tick_bins` of the style's look."""
    axis.set_major_locator(MaxNLocator(nbins=tick_bins(style), integer=True, min_n_ticks=2))


def decade_axis(ax: Any, limits: tuple[float, float]) -> None:
    """A linear axis of log10 values, labelled as powers of ten.

    Looks like a log axis, but its transform is affine: matplotlib re-transforms every point of
    a line on a log axis at each draw, which made the long gradient-norm curve expensive.
    """
    lo, hi = np.log10(limits)
    # at least two whole decades inside, so that every tick is one and no label repeats
    if np.floor(hi) - np.ceil(lo) < 1:
        lo = float(np.floor(lo))
    if np.floor(hi) - np.ceil(lo) < 1:
        hi = float(np.ceil(hi))
    ax.set_ylim(lo, hi)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True, min_n_ticks=2))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"$10^{{{int(round(v))}}}$"))
