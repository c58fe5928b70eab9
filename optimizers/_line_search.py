"""Line searches on a scalar problem phi(t) = fun(x + t d): exact, Armijo, fixed.

Every line search is a function ``search(line, t0) -> LineSearchResult``; they are interchangeable
values of the optimizers' ``line_search=`` argument.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from numpy.polynomial import polynomial as P

from ._stream import Status

__all__ = [
    "Line",
    "LineSearch",
    "LineSearchResult",
    "PiecewisePolynomial",
    "armijo",
    "exact",
    "fixed",
    "resolve_line_search",
]

EPS = np.finfo(float).eps
T_MAX = 1e30  # a step this long means phi has no minimizer we can reach


@dataclass(frozen=True)
class PiecewisePolynomial:
    """phi(t) on t >= 0 as polynomial pieces.

    Piece ``i`` is the polynomial with coefficients ``coefs[i]`` (a tuple of floats or a read-only
    1-D array, lowest degree first, numpy's `numpy.polynomial` order) on
    ``[breaks[i], breaks[i+1]]``; the last piece extends to infinity. ``breaks[0] == 0``.
    """

    breaks: tuple[float, ...]
    coefs: tuple[tuple[float, ...] | np.ndarray, ...]

    def __call__(self, t: float) -> float:
        i = int(np.searchsorted(self.breaks, t, side="right")) - 1
        return float(P.polyval(t, self.coefs[max(i, 0)]))


@dataclass(frozen=True)
class Line:
    """The scalar problem of a line search: phi(t) = fun(x + t d), with phi'(t) = grad(x + t d) . d.

    `polynomial`, when given, is phi itself as exact polynomial pieces; the exact search then
    minimizes it by polynomial roots instead of iterating.
    """

    phi: Callable[[float], float]
    dphi: Callable[[float], float]
    phi0: float
    dphi0: float
    polynomial: PiecewisePolynomial | None = None
    resolution: float = 0.0  # steps closer than this give the same point x + t d in floating point


@dataclass(frozen=True)
class LineSearchResult:
    """Outcome of a line search: the step `t`, phi(t), evaluations used, and a `Status`."""

    t: float
    phi: float
    nfev: int
    status: Status = Status.CONVERGED


LineSearch = Callable[[Line, float], LineSearchResult]


def fixed(step: float) -> LineSearch:
    """A line search that always takes `step` (the learning rate of plain gradient descent)."""
    if not (math.isfinite(step) and step > 0):
        raise ValueError(f"fixed step must be a positive finite number, got {step!r}")

    def search(line: Line, t0: float) -> LineSearchResult:
        value = line.phi(step)
        status = Status.CONVERGED if math.isfinite(value) else Status.DIVERGED
        return LineSearchResult(step, value, 1, status)

    return search


def armijo(line: Line, t0: float, *, c1: float = 1e-4, shrink: float = 0.5, max_halvings: int = 60
           ) -> LineSearchResult:
    """Backtracking: the first ``t = t0 * shrink**j`` with phi(t) <= phi(0) + c1 t phi'(0).

    Notes
    -----
    Nocedal & Wright, *Numerical Optimization*, 2nd ed., Algorithm 3.1.
    """
    t = t0
    for j in range(1, max_halvings + 1):
        value = line.phi(t)
        if math.isfinite(value) and value <= line.phi0 + c1 * t * line.dphi0:
            return LineSearchResult(t, value, j)
        t *= shrink
    return LineSearchResult(t, line.phi0, max_halvings, Status.LINE_SEARCH_FAILED)


def exact(line: Line, t0: float = 1.0) -> LineSearchResult:
    """The first local minimizer of phi along the ray t > 0.

    That is the smallest t > 0 where phi' changes sign from - to +, provided phi(t) < phi(0); it is
    not the argmin of phi over all t >= 0, which may lie in another basin far along the ray (or
    not exist when phi is unbounded there), so a step never leaves the basin the point is in and
    never raises phi. ``Status.UNBOUNDED`` only when phi decreases without bound before any local
    minimizer. A plateau, where phi' underflows to 0 but phi is flat, is no minimizer:
    ``Status.PLATEAU``.

    With `line.polynomial` the answer is exact: the real roots of phi' on every piece (and the
    break points) cut the ray into intervals on which phi' keeps its sign, and the first - to +
    change is the minimizer; phi itself (not the polynomial, whose coefficients may carry rounding
    noise) confirms that it lies below phi(0). Otherwise a bracket holding a local minimizer is
    grown from the first trial step ``min(t0, (1 + |phi(0)|) / |phi'(0)|)`` (at most the step at which
    the linear model would lower phi by 1 + |phi(0)|, so an oscillating phi is sampled in its first
    valley) and shrunk by safeguarded secant steps on phi' (Illinois-weighted, the "zoom" of
    Nocedal & Wright, Algorithm 3.6, with c2 -> 0; bisection when they stall) until it is as narrow
    as floating point allows: ``4 eps t``, or `line.resolution`, below which x + t d no longer
    changes.

    Notes
    -----
    Nocedal & Wright, *Numerical Optimization*, 2nd ed., sec. 3.1 ("exact" line search: the
    minimizer of phi is expensive and rarely needed; a local one, the first, is what descent
    methods' convergence theory uses) and sec. 3.5 (bracketing and zoom). On a quadratic
    ``f = x'Ax/2 - b'x`` with ``d = -g`` the exact step is ``t = g'g / g'Ag``, and successive
    gradients are orthogonal (sec. 3.3).
    """
    if not line.dphi0 < 0:  # not a descent direction: t = 0 is the first local minimizer
        return LineSearchResult(0.0, line.phi0, 0)
    if line.polynomial is not None:
        found = _exact_polynomial(line)
        if found is not None:
            return found
    return _exact_bracket_zoom(line, t0)


def _exact_polynomial(line: Line) -> LineSearchResult | None:
    """The first local minimizer of the piecewise polynomial, or None when phi itself disagrees.

    The pieces are walked in order and each one's stationary points found only when the walk
    reaches it: the first minimizer usually lies in the first piece or two, and the rest cost nothing.
    """
    pp = line.polynomial
    breaks = pp.breaks
    last = len(breaks) - 1
    top = 1.0  # the farthest cut passed, where phi's own fall is checked if phi' never turns
    for i, coefs in enumerate(pp.coefs):
        lo = breaks[i]
        hi = breaks[i + 1] if i < last else math.inf
        c = _trimmed(coefs)
        if len(c) == 3:  # a quadratic (affine constraints' penalty): its one stationary point by hand
            c0, c1, c2 = c
            s = -c1 / (2.0 * c2)
            edges, d = ((lo, s, hi) if lo < s < hi else (lo, hi)), (c1, 2.0 * c2)
        else:
            inside = [t for t in _stationary_points(c) if lo < t < hi]
            edges = (lo, *(sorted(set(inside)) if len(inside) > 1 else inside), hi)
            d = _derivative(c)
        # The cuts (breaks and stationary points) leave phi' one sign between them: read at midpoints.
        for a, b in pairwise(edges):
            m = 0.5 * (a + b) if b < math.inf else a + max(1.0, a)
            if not horner(d, m) < 0:
                if a == 0.0:
                    return None  # phi' >= 0 just after 0 disagrees with phi'(0) < 0: rounding, iterate
                value = line.phi(a)
                if not value < line.phi0:
                    # No step lowers phi in floating point: t = 0, which ends the run as STALLED.
                    return LineSearchResult(0.0, line.phi0, 1)
                return LineSearchResult(float(a), value, 1)
        top = max(top, edges[-2])
    # phi' < 0 all along the ray: phi decreases without bound if phi itself confirms it.
    if _keeps_decreasing(line, top):
        return LineSearchResult(math.inf, -math.inf, 3, Status.UNBOUNDED)
    return None


def _derivative(c: list[float]) -> list[float]:
    """The coefficients of the derivative, trimmed (lowest first); ``[0.0]`` for a constant."""
    if len(c) == 3:
        return [c[1], 2.0 * c[2]]  # 2 c2 != 0: already trimmed
    return _trimmed([k * a for k, a in enumerate(c)][1:] or [0.0])


def _keeps_decreasing(line: Line, t: float) -> bool:
    """Whether phi itself keeps falling at 10 t, 100 t, 1000 t, ending below phi(0)."""
    values = [line.phi(t * 10.0**j) for j in range(1, 4)]
    return values[0] > values[1] > values[2] and values[2] < line.phi0


def _trimmed(c) -> list[float]:
    if isinstance(c, np.ndarray):
        c = c.tolist()
    else:
        c = list(c) if isinstance(c, tuple) else [float(v) for v in c]
    while len(c) > 1 and c[-1] == 0.0:
        c.pop()
    return c


def _stationary_points(c: list[float]) -> list[float]:
    """Real roots of the derivative of the polynomial with coefficients `c` (lowest first).

    Leading coefficients at rounding level (e.g. from a gradient component of 1e-29) wreck the
    companion-matrix roots of the small ones, so the roots of every truncation of phi' are candidates
    too, each polished by Newton steps on the whole phi'; phi's values pick among them.
    """
    if len(c) <= 3:  # a quadratic (or less): its one stationary point, exactly
        return [-c[1] / (2.0 * c[2])] if len(c) == 3 else []
    d = _derivative(c)
    candidates = []
    for degree in range(1, len(d)):
        candidates.extend(_real_roots(_trimmed(d[: degree + 1])))
    dd = [k * a for k, a in enumerate(d)][1:] or [0.0]
    polished = []
    for t in candidates:
        for _ in range(2):
            slope = horner(dd, t)
            if slope == 0:
                break
            t -= horner(d, t) / slope
        polished.append(t)
    return [t for t in polished if math.isfinite(t)]


def _real_roots(d: list[float]) -> list[float]:
    if len(d) <= 1:
        return []
    if len(d) == 2:
        return [-d[0] / d[1]]
    if len(d) == 3:
        c0, b, a = d
        disc = b * b - 4 * a * c0
        if disc < 0:
            return []
        q = -0.5 * (b + math.copysign(math.sqrt(disc), b))  # no cancellation (Numerical Recipes 5.6)
        return [q / a] + ([c0 / q] if q != 0 else [])
    roots = P.polyroots(d)
    return [float(r.real) for r in roots if abs(r.imag) <= 1e-9 * max(1.0, abs(r.real))]


def horner(c: Sequence[float], t: float) -> float:
    """The polynomial with coefficients `c` (lowest degree first) at `t`, on plain floats."""
    value = 0.0
    for a in reversed(c):
        value = value * t + a
    return value


def _exact_bracket_zoom(line: Line, t0: float, max_iter: int = 200) -> LineSearchResult:
    nfev = 0

    def evaluate(t: float) -> tuple[float, float]:
        nonlocal nfev
        nfev += 2
        value, slope = line.phi(t), line.dphi(t)
        if not (math.isfinite(value) and math.isfinite(slope)):
            return math.inf, math.nan  # overflow: treat as past the minimizer
        return value, slope

    # Bracket: grow t until phi rises above the best value or phi' turns non-negative. Invariant
    # from here on: phi'(lo) < 0, phi(lo) is the lowest value seen, and (lo, hi) holds a local
    # minimizer of phi below phi(lo).
    lo, f_lo, s_lo = 0.0, line.phi0, line.dphi0
    hi = t0 if (math.isfinite(t0) and t0 > 0) else 1.0
    hi = min(hi, (1.0 + abs(line.phi0)) / -line.dphi0) or hi
    while True:
        f_hi, s_hi = evaluate(hi)
        if s_hi == 0 and f_hi <= f_lo and _flat(line, hi, f_hi):
            return LineSearchResult(0.0, line.phi0, nfev + 1, Status.PLATEAU)
        if f_hi > f_lo or not s_hi < 0:
            break
        # phi fell from lo to hi with phi' < 0 at both ends; a valley may still lie between them
        # (a narrow one, skipped by the growing steps). The cubic through phi and phi' at both ends
        # points at it: if its slope turns positive inside, look there once.
        t_c = _cubic_valley(lo, f_lo, s_lo, hi, f_hi, s_hi)
        if t_c is not None:
            f_c, s_c = evaluate(t_c)
            if f_c > f_lo or not s_c < 0:
                hi, f_hi, s_hi = t_c, f_c, s_c
                break
        lo, f_lo, s_lo = hi, f_hi, s_hi
        hi *= 4.0
        if hi > T_MAX:
            return LineSearchResult(math.inf, -math.inf, nfev, Status.UNBOUNDED)

    # Zoom: secant steps on phi' (Illinois-weighted so neither end sticks) once phi' changes sign
    # across the bracket, else the minimizer of the quadratic through phi(lo), phi'(lo), phi(hi);
    # a bisection whenever two steps did not halve the bracket.
    w_lo, w_hi, kept = s_lo, s_hi, None
    widths = [math.inf, math.inf]
    for _ in range(max_iter):
        width = hi - lo
        tol = 2 * EPS * hi + 0.5 * line.resolution
        if width <= 2 * tol:
            break
        sign_change = s_hi > 0
        if width > 0.5 * widths[-2]:
            t = lo + 0.5 * width
        elif sign_change:
            t = lo + width * w_lo / (w_lo - w_hi)
        elif math.isfinite(f_hi):
            t = lo - s_lo * width**2 / (2 * (f_hi - f_lo - s_lo * width))
            t = min(max(t, lo + 0.1 * width), hi - 0.1 * width)
        else:
            t = lo + 0.5 * width
        widths.append(width)
        t = min(max(t, lo + tol), hi - tol)  # never re-evaluate an end point
        f_t, s_t = evaluate(t)
        if s_t == 0 and f_t <= f_lo:
            if _flat(line, t, f_t):
                return LineSearchResult(0.0, line.phi0, nfev + 1, Status.PLATEAU)
            return LineSearchResult(t, f_t, nfev)
        # Near the minimizer phi's values differ by rounding only; once phi' changes sign across
        # the bracket, its sign keeps a minimizer inside (lo descending, hi ascending), unless phi
        # rose clearly above phi(lo): then (lo, t) holds a valley of its own, lower and nearer.
        rose = f_t > f_lo + 8 * EPS * abs(f_lo) if sign_change else f_t > f_lo
        to_hi = rose or not s_t < 0
        if to_hi:
            hi, f_hi, s_hi, w_hi = t, f_t, s_t, s_t
            w_lo = w_lo / 2 if kept == "lo" else s_lo
            kept = "lo"
        else:
            lo, f_lo, s_lo, w_lo = t, f_t, s_t, s_t
            w_hi = w_hi / 2 if kept == "hi" else s_hi
            kept = "hi"
    if s_hi >= 0 and f_hi <= f_lo and f_hi < line.phi0:
        return LineSearchResult(hi, f_hi, nfev)
    return LineSearchResult(lo, f_lo, nfev)


def _cubic_valley(a: float, fa: float, sa: float, b: float, fb: float, sb: float) -> float | None:
    """The local minimizer inside (a, b) of the cubic Hermite interpolant of phi, or None.

    With phi'(a) < 0 and phi'(b) < 0 the cubic has one only when its slope turns positive between
    them: a sign that phi' did too, i.e. that a valley of phi lies inside the interval (the cubic
    interpolation step of Nocedal & Wright, eq. 3.59, used here as a detector).
    """
    a, fa, sa, b, fb, sb = map(float, (a, fa, sa, b, fb, sb))  # plain floats: overflow gives inf quietly
    h = b - a
    if not (h > 0 and math.isfinite(fa - fb) and math.isfinite(sb)):
        return None
    # p(s) = fa + p1 s + p2 s^2 + p3 s^3 on s in [0, 1]; p'(s) = p1 + 2 p2 s + 3 p3 s^2.
    p1, q = sa * h, sb * h
    p3 = q + p1 - 2.0 * (fb - fa)
    p2 = (fb - fa) - p1 - p3
    A, B, C = 3.0 * p3, 2.0 * p2, p1
    if A == 0.0:
        return None
    disc = B * B - 4.0 * A * C
    if not (disc > 0.0 and math.isfinite(disc)):
        return None
    root = math.sqrt(disc)
    for s in sorted(((-B - root) / (2.0 * A), (-B + root) / (2.0 * A))):
        if 0.0 < s < 1.0 and 2.0 * A * s + B > 0.0:  # p' rises through 0: a minimizer of p
            return a + s * h
    return None


def _flat(line: Line, t: float, value: float) -> bool:
    """Whether phi'(t) = 0 marks a plateau (phi the same at 2t, its slope underflowed), not a minimizer."""
    return line.phi(2.0 * t) == value


def resolve_line_search(line_search: str | LineSearch, step: float) -> LineSearch:
    """Turn the ``line_search=`` argument ("exact", "armijo", "fixed" or a callable) into a function."""
    if callable(line_search):
        return line_search
    if line_search == "exact":
        return exact
    if line_search == "armijo":
        return armijo
    if line_search == "fixed":
        return fixed(step)
    raise ValueError(f"line_search must be 'exact', 'armijo', 'fixed' or a callable, got {line_search!r}")
