"""`LineScene`: a one-variable run as plain data: F(x; M) curves over a line, the feasible set.

One variable is where penalty lectures start: F(x; M) = f(x) + M p(x) drawn for M = 1, 10,
100, ... over the same interval, so the penalty is seen rising with M and the minimizer x(M)
walking to the constrained optimum. Every curve is evaluated once here (the figure only
restyles them when M changes), so frames cost artist updates only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .framing import DEFAULT_FRAMING, DEFAULT_STYLE, Framing, Style
from .limits import value_limits
from .sampling import Surface, evaluate, weights_of
from .trace import Trace

__all__ = ["LINE_SAMPLES", "LineScene", "build_line_scene"]

LINE_SAMPLES = 801  # points along the line: smooth even where a large M makes F steep


@dataclass(frozen=True, eq=False)
class LineScene:
    """Plain data for drawing every frame of a one-variable run.

    Attributes
    ----------
    trace : Trace
        The run (points of one coordinate).
    frames : ndarray of int
        Trace index drawn in each frame.
    xs : ndarray
        The interval shown, sampled.
    curves : ndarray, shape (len(Ms), len(xs))
        F(x; M) of each weight on `xs` (f for a plain run).
    Ms : tuple of float
        The weights in order of appearance (NaN for a plain run).
    m_index : ndarray of int
        Per trace index, which curve applies.
    heights : ndarray, shape (N,)
        Each iterate's value on its own curve.
    ylim : (float, float)
        Fixed value range: the first curve's, so later, larger-M curves visibly rise out of it.
    feasible : ndarray of bool, shape (len(xs),)
        Where every inequality holds (all True without inequalities).
    roots : ndarray
        Points where an equality h_i = 0 holds (sign changes on `xs`, interpolated).
    outer_ends : ndarray of int
        Trace index of the last iterate of each outer weight: the minimizers x(M).
    title : str
    style : Style
    """

    trace: Trace
    frames: np.ndarray
    xs: np.ndarray
    curves: np.ndarray
    Ms: tuple[float, ...]
    m_index: np.ndarray
    heights: np.ndarray
    ylim: tuple[float, float]
    feasible: np.ndarray
    roots: np.ndarray = field(default_factory=lambda: np.empty(0))
    outer_ends: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=int))
    title: str = ""
    style: Style = field(default_factory=Style)

    def __len__(self) -> int:
        return len(self.frames)

    @property
    def domain(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """The interval shown and the value range, as a `Framing` domain (a restart keeps them)."""
        return (float(self.xs[0]), float(self.xs[-1])), self.ylim

    @property
    def zlim(self) -> None:
        """No z-range: the values are the vertical axis (`ylim`)."""
        return None

    def restricted(self, positions: Sequence[int]) -> LineScene:
        """Itself: every array is already plain data (what a worker process receives)."""
        return self


def build_line_scene(trace: Trace, surface: Surface | None, *,
                     surface_of_M: Callable[[float], Surface] | None = None,
                     equalities: Sequence[Surface] = (), inequalities: Sequence[Surface] = (),
                     title: str | None = None, framing: Framing = DEFAULT_FRAMING,
                     style: Style = DEFAULT_STYLE) -> LineScene:
    """Evaluate the user's one-variable callables once and return the `LineScene`.

    The interval is ``framing.domain[0]`` if given, else the path padded by a quarter of its
    span on each side (a penalty path ends just outside the feasible edge, so that edge is on
    screen). The value range is the first curve's: later, larger-M curves rise out of it.
    """
    positions = framing.positions(len(trace))
    x = trace.x[: positions[-1] + 1, 0]
    if framing.domain is not None:
        lo, hi = framing.domain[0]
    else:
        a, b = float(np.nanmin(x)), float(np.nanmax(x))
        pad = max(0.25 * (b - a), 0.5 * max(1e-3, abs(a), abs(b)) if b - a < 1e-9 else 0.0)
        lo, hi = a - pad, b + pad
    xs = np.linspace(lo, hi, LINE_SAMPLES)
    Ms, m_index = weights_of(trace.M)
    functions = []
    for M in Ms:
        fn = surface_of_M(M) if surface_of_M is not None and np.isfinite(M) else surface
        if fn is None:
            raise ValueError("give the surface: a vectorized F(X), or surface_of_M=lambda M: F")
        functions.append(fn)
    curves = np.vstack([evaluate(fn, [xs], xs.shape) for fn in functions])
    values = np.vstack([evaluate(fn, [trace.x[:, 0]], (len(trace),)) for fn in functions])
    heights = values[m_index, np.arange(len(trace))]
    first = curves[int(m_index[positions[0]])]
    ylim = value_limits(np.concatenate([first, heights[: positions[-1] + 1]]), log=False)
    feasible = np.ones(xs.shape, dtype=bool)
    for g in inequalities:
        feasible &= evaluate(g, [xs], xs.shape) <= 0
    roots = []
    for h in equalities:
        v = evaluate(h, [xs], xs.shape)
        i = np.flatnonzero(np.sign(v[:-1]) * np.sign(v[1:]) <= 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(v[i] != v[i + 1], v[i] / (v[i] - v[i + 1]), 0.0)
        roots.extend(xs[i] + t * (xs[i + 1] - xs[i]))
    ends = np.flatnonzero(np.diff(trace.outer) != 0)
    outer_ends = np.append(ends, len(trace) - 1) if trace.is_penalty else np.empty(0, dtype=int)
    return LineScene(trace=trace, frames=positions, xs=xs, curves=curves, Ms=tuple(Ms), m_index=m_index,
                     heights=heights, ylim=(float(ylim[0]), float(ylim[1])), feasible=feasible,
                     roots=np.unique(np.round(roots, 12)), outer_ends=outer_ends, title=title or "",
                     style=style)
