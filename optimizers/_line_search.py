"""Line searches on a scalar problem phi(t) = fun(x + t d): exact, Armijo, fixed.

Every line search is a function ``search(line, t0) -> LineSearchResult``; they are interchangeable
values of the optimizers' ``line_search=`` argument.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

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

    Piece ``i`` is the polynomial with coefficients ``coefs[i]`` (lowest degree first, numpy's
    `numpy.polynomial` order) on ``[breaks[i], breaks[i+1]]``; the last piece extends to infinity.
    ``breaks[0] == 0``.
    """

    breaks: tuple[float, ...]
    coefs: tuple[np.ndarray, ...]

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
    """The minimizer of phi(t) over t >= 0.

    With `line.polynomial` it is exact: the global minimum over the pieces' critical points (real
    roots of phi') and break points. Otherwise a bracket [a, b] with phi'(a) < 0 < phi'(b) is grown
    from `t0` and phi'(t) = 0 is solved in it by Brent's method to near machine precision.
    A phi that keeps decreasing ends with ``Status.UNBOUNDED``.

    Notes
    -----
    On a quadratic ``f = x'Ax/2 - b'x`` with ``d = -g`` the exact step is ``t = g'g / g'Ag``, and
    successive gradients are orthogonal (Nocedal & Wright, sec. 3.3).
    """
    if line.polynomial is not None:
        return _exact_polynomial(line.polynomial)
    return _exact_bracket_brent(line, t0)


def _exact_polynomial(pp: PiecewisePolynomial) -> LineSearchResult:
    last = np.trim_zeros(np.asarray(pp.coefs[-1], dtype=float), "b")
    if last.size >= 2 and last[-1] < 0:  # phi -> -inf as t -> inf
        return LineSearchResult(math.inf, -math.inf, 0, Status.UNBOUNDED)
    candidates = [0.0]
    uppers = list(pp.breaks[1:]) + [math.inf]
    for lo, hi, c in zip(pp.breaks, uppers, pp.coefs, strict=True):
        derivative = np.trim_zeros(P.polyder(np.asarray(c, dtype=float)), "b")
        if derivative.size > 1:
            roots = P.polyroots(derivative)
            real = roots.real[np.abs(roots.imag) <= 1e-9 * np.maximum(1.0, np.abs(roots.real))]
            candidates.extend(r for r in real if lo <= r <= hi)
        candidates.append(lo)
        if math.isfinite(hi):
            candidates.append(hi)
    ts = np.array(candidates)
    values = np.array([pp(t) for t in ts])
    i = int(np.argmin(values))
    return LineSearchResult(float(ts[i]), float(values[i]), 0)


def _exact_bracket_brent(line: Line, t0: float) -> LineSearchResult:
    nfev = 0

    def slope(t: float) -> float:
        nonlocal nfev
        nfev += 1
        return line.dphi(t)

    if not line.dphi0 < 0:
        return LineSearchResult(0.0, line.phi0, 0)
    a, fa = 0.0, line.dphi0
    b = t0 if (math.isfinite(t0) and t0 > 0) else 1.0
    fb = slope(b)
    while fb < 0:  # still descending: grow the bracket
        a, fa = b, fb
        b *= 4.0
        if b > T_MAX:
            return LineSearchResult(math.inf, -math.inf, nfev, Status.UNBOUNDED)
        fb = slope(b)
    if not math.isfinite(fb):  # overflow past the minimizer: bisect on the sign of phi'
        while b - a > 4 * EPS * b:
            m = 0.5 * (a + b)
            fm = slope(m)
            if math.isfinite(fm) and fm < 0:
                a = m
            else:
                b, fb = m, fm
            if math.isfinite(fb):
                break
        if not math.isfinite(fb):
            value = line.phi(a)
            return LineSearchResult(a, value, nfev + 1)
    t = brent_root(slope, a, b, fa, fb)
    value = line.phi(t)
    return LineSearchResult(t, value, nfev + 1, Status.CONVERGED if math.isfinite(value) else Status.DIVERGED)


def brent_root(f: Callable[[float], float], a: float, b: float, fa: float, fb: float,
               *, max_iter: int = 200) -> float:
    """A root of `f` in [a, b] with ``fa * fb <= 0``, by Brent's method, to about 4 eps |t|.

    Notes
    -----
    R. P. Brent, *Algorithms for Minimization without Derivatives*, 1973, ch. 4 (zeroin).
    """
    if fa == 0:
        return a
    if fb == 0:
        return b
    c, fc = a, fa
    d = e = b - a
    for _ in range(max_iter):
        if fb * fc > 0:
            c, fc = a, fa
            d = e = b - a
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol = 2 * EPS * abs(b) + 1e-300
        m = 0.5 * (c - b)
        if abs(m) <= tol or fb == 0:
            return b
        if abs(e) >= tol and abs(fa) > abs(fb):
            s = fb / fa
            if a == c:  # secant
                p, q = 2 * m * s, 1 - s
            else:  # inverse quadratic interpolation
                q, r = fa / fc, fb / fc
                p = s * (2 * m * q * (q - r) - (b - a) * (r - 1))
                q = (q - 1) * (r - 1) * (s - 1)
            if p > 0:
                q = -q
            else:
                p = -p
            if 2 * p < min(3 * m * q - abs(tol * q), abs(e * q)):
                e, d = d, p / q
            else:
                d = e = m
        else:
            d = e = m
        a, fa = b, fb
        b += d if abs(d) > tol else math.copysign(tol, m)
        fb = f(b)
    return b


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
