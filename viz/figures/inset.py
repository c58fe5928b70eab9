"""The line-search inset: phi(t) = F(x_{k-1} + t d) around the step just taken, with a scale.

Shown only for runs that searched a step (their step lengths vary): a fixed step or a stream
with no steps (a loss landscape's projected path) has no line search to show, and the inset is
then not drawn at all. phi is drawn scaled to its range on [0, PHI_SPAN t*] (its shape is the
lesson); the axes say so: t in multiples of the chosen t*, phi from its min to its max, the
actual t* and phi's range written per frame.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..scenes import PHI_SAMPLES, PHI_SPAN
from .layout import RECT_PHI
from .title import shrink_to

__all__ = ["PHI_S", "PHI_STAR", "distinct", "inset_shown", "phi_axes", "scaled_phi", "searched"]

PHI_S = np.linspace(0.0, PHI_SPAN, PHI_SAMPLES)  # t / t* of each sample
PHI_STAR = int(np.argmin(np.abs(PHI_S - 1.0)))  # the sample at t = t*


def searched(trace: Any) -> bool:
    """True when the run chose its steps by a line search: at least two recorded step lengths,
    not all equal (a fixed step, or a stream without steps, searched nothing)."""
    steps = np.asarray(trace.step, dtype=float)
    steps = steps[np.isfinite(steps)]
    return steps.size >= 2 and float(np.ptp(steps)) > 1e-9 * float(np.abs(steps).max())


def inset_shown(scene: Any) -> bool:
    """Whether the figure of `scene` shows the inset: its run searched its steps (for a comparison,
    any of its runs did)."""
    return any(searched(run.trace) for run in scene.runs) if scene.runs else searched(scene.trace)


def phi_axes(figure: Any, font: float, *, penalized: bool, shown: bool, values: bool = False) -> Any:
    """The inset's axes at `RECT_PHI`: t ticks at 0 and t*, phi ticks at its min and max,
    labelled "min" and "max", or unlabelled if `values` (the caller writes the values per frame).

    `shown` False: the axes are made (the figure's artists stay the same) but never drawn.
    """
    fs = font
    ax = figure.add_axes(RECT_PHI)
    ax.set(xlim=(0, PHI_SPAN), ylim=(-0.12, 1.3))
    ax.set_xticks([0, 1], ["0", "t*"])
    ax.set_yticks([0, 1], ["", ""] if values else ["min", "max"])
    ax.tick_params(labelsize=0.75 * fs, pad=0.15 * fs)
    name = "F" if penalized else "f"
    title = ax.set_title("line search\n" + rf"$\varphi(t) = {name}(x_{{k-1}} + t\,d)$", fontsize=0.75 * fs,
                         pad=0.3 * fs, linespacing=1.1)
    shrink_to(title, (1 - RECT_PHI[0]) * figure.bbox.width,  # never past the right edge
              figure.canvas.get_renderer())
    ax.set_xlabel("t", fontsize=0.75 * fs, labelpad=0.05 * fs)
    ax.axvline(1.0, color="0.7", lw=0.08 * fs, zorder=1)
    ax.set_visible(shown)
    return ax


def scaled_phi(phi: np.ndarray) -> np.ndarray | None:
    """phi scaled to [0, 1] over its finite samples, or None where fewer than two exist."""
    ok = np.isfinite(phi)
    if ok.sum() < 2:
        return None
    lo, hi = np.nanmin(phi[ok]), np.nanmax(phi[ok])
    return (phi - lo) / (hi - lo if hi > lo else 1.0)

def distinct(high: float, low: float) -> tuple[str, str]:
    """`high` and `low` with as few significant digits (3 to 5) as tell them apart; closer than
    that (phi's range near a minimizer can be 1e-12 of its value), `high` is written as its
    difference from `low` ("+2e-12"): "1" beside "1" would say nothing, and longer labels would
    reach into the contour view beside the inset."""
    for digits in range(3, 6):
        a, b = f"{high:.{digits}g}", f"{low:.{digits}g}"
        if a != b:
            return a, b
    return (f"+{high - low:.0e}" if high > low else "+0"), b
