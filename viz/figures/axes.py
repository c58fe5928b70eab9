"""Axis helpers: a decade-labelled linear axis for log10 values."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.ticker import FuncFormatter, MaxNLocator

__all__ = ["decade_axis"]


def decade_axis(ax: Any, limits: tuple[float, float]) -> None:
    """A linear axis of log10 values, labelled as powers of ten.

    Looks like a log axis, but its transform is affine: matplotlib re-transforms every point of
    a line on a log axis at each draw, which made the long gradient-norm curve expensive.
    """
    lo, hi = np.log10(limits)
    if np.ceil(lo) > np.floor(hi):  # no whole decade inside: reach down to one, for a labelled tick
        lo = float(np.floor(lo))
    ax.set_ylim(lo, hi)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True, min_n_ticks=2))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"$10^{{{int(round(v))}}}$"))
