"""The penalized function along a line as exact polynomial pieces, for exact line searches."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cached_property
from itertools import pairwise

import numpy as np
import sympy
from numpy.polynomial import polynomial as P
from numpy.typing import ArrayLike

from optimizers import PiecewisePolynomial

from ._affine import Affine
from ._compile import lambdify, point

__all__ = ["MAX_DEGREE", "MAX_TERMS", "LineKernel", "expansion_bounds", "has_line_pieces"]

MAX_DEGREE = 16  # beyond it monomial coefficients and their roots lose accuracy: Brent's method does better


MAX_TERMS = 2000  # monomials after expansion; past it the Taylor coefficients cost more than Brent's method


def has_line_pieces(exprs: Sequence[sympy.Expr], variables: Sequence[sympy.Symbol]) -> bool:
    """True when every expression is a polynomial in `variables` of degree at most `MAX_DEGREE`.

    Decided by `expansion_bounds`, without expanding anything: ``((x1 + 1)^100 + 1)^100`` is
    refused at once (a SymPy ``Poly`` of it would take minutes and gigabytes).
    """
    variables = frozenset(variables)
    for e in exprs:
        if e.is_Symbol or e.is_Number:
            continue
        bounds = expansion_bounds(e, variables)
        if bounds is None or bounds[0] > MAX_DEGREE or bounds[1] > MAX_TERMS:
            return False
    return True


def expansion_bounds(expr: sympy.Expr, variables: frozenset[sympy.Symbol]) -> tuple[int, int] | None:
    """Upper bounds (degree, monomials) of `expr` expanded as a polynomial in `variables`, or None.

    None when `expr` is no polynomial (a variable under a function, a negative or fractional
    power). Computed on the tree as it stands: a sum adds monomial counts, a product multiplies
    them, ``p^k`` has at most ``C(m + k - 1, k)`` monomials for m in p. Counts are capped, so huge
    powers cost nothing.
    """
    cap = 10 * MAX_TERMS
    if not expr.free_symbols & variables:
        return 0, 1
    if expr.is_Symbol:
        return 1, 1
    if expr.is_Add or expr.is_Mul:
        parts = [expansion_bounds(a, variables) for a in expr.args]
        if any(p is None for p in parts):
            return None
        if expr.is_Add:
            return max(d for d, _ in parts), min(cap, sum(m for _, m in parts))
        terms = 1
        for _, m in parts:
            terms = min(cap, terms * m)
        return sum(d for d, _ in parts), terms
    if expr.is_Pow and expr.exp.is_Integer and expr.exp >= 0:
        base = expansion_bounds(expr.base, variables)
        if base is None:
            return None
        k = int(expr.exp)
        if base[0] * k > 10 * MAX_DEGREE:
            return base[0] * k, cap
        return base[0] * k, min(cap, math.comb(base[1] + k - 1, k))
    return None


class LineKernel:
    """phi(t) = f + M (sum h_i^2 + sum max(0, g_j)^2) at x + t d, as a `PiecewisePolynomial`.

    Built once per problem, lazily: x_i = p_i + t d_i is substituted into f, h_i and g_j, and the
    coefficients in t (expressions in p and d) are compiled into one numpy function. A call then costs
    one evaluation of those coefficients, the real roots of each g_j (the kinks) and a few small array
    operations.

    Parameters
    ----------
    variables : sequence of Symbol
    objective : Expr
        f, a polynomial in the variables.
    equalities, inequalities : sequence of Expr
        h_i and g_j, polynomials in the variables.

    Notes
    -----
    Between consecutive kinks the set of active inequalities (g_j > 0) is fixed, so each piece is the
    polynomial f + M (sum h_i^2 + sum over active j of g_j^2). The active set of a piece is read at its
    midpoint, which is safe because no g_j changes sign inside a piece.
    """

    def __init__(self, variables: Sequence[sympy.Symbol], objective: sympy.Expr,
                 equalities: Sequence[sympy.Expr] = (), inequalities: Sequence[sympy.Expr] = (),
                 affine: Affine | None = None) -> None:
        self.variables = tuple(variables)
        self.exprs = (objective, *equalities, *inequalities)
        self.n_eq = len(equalities)
        # Affine constraints (`affine.index`) get their rows (a'p + b, a'd) from arrays, not from SymPy.
        self.affine = affine
        skip = set() if affine is None else {1 + i for i in affine.index.tolist()}
        self._symbolic = [k for k in range(len(self.exprs)) if k not in skip]

    @cached_property
    def _coefficients(self):
        """One numpy function (p, d) -> rows of coefficients in t, padded to a common width."""
        n = len(self.variables)
        t = sympy.Dummy("t")
        p = sympy.symbols(f"p:{n}", cls=sympy.Dummy)
        d = sympy.symbols(f"d:{n}", cls=sympy.Dummy)
        line = {x: p_i + t * d_i for x, p_i, d_i in zip(self.variables, p, d, strict=True)}
        variables = frozenset(self.variables)
        exprs = [self.exprs[k] for k in self._symbolic]
        degrees = [expansion_bounds(e, variables)[0] for e in exprs]
        rows = [_taylor(e.xreplace(line), t, k) for e, k in zip(exprs, degrees, strict=True)]
        width = max(max(len(row) for row in rows), 1 if self.affine is None else 2)
        padded = [row + [sympy.Integer(0)] * (width - len(row)) for row in rows]
        return lambdify((*p, *d), padded)

    @cached_property
    def _square(self) -> np.ndarray:
        """S with ``(c outer c).ravel() @ S == convolve(c, c)`` for rows c of the coefficient width."""
        width = len(self._coefficients(*([0.0] * (2 * len(self.variables))))[0])
        k, j = np.divmod(np.arange(width * width), width)
        S = np.zeros((width * width, 2 * width - 1))
        S[np.arange(width * width), k + j] = 1.0
        return S

    def __call__(self, x: ArrayLike, d: ArrayLike, M: float = 0.0, *, lam: Sequence[float] = (),
                 shift: Sequence[float] = (), offset: float = 0.0) -> PiecewisePolynomial:
        """phi on t >= 0 for the line through `x` along `d`, with penalty weight `M`.

        With `lam`, `shift` and `offset`, phi is instead the shifted penalty
        f + sum (lam_i h_i + M h_i^2) + M sum max(0, g_j + shift_j)^2 + offset: the augmented
        Lagrangian (see `penalty._augmented`).
        """
        n = len(self.variables)
        x, d = point(x, n), point(d, n)
        rows = self._coefficients(*x.tolist(), *d.tolist())
        if self.affine is not None:
            rows = self._with_affine(rows, x, d)
        if len(rows) * len(rows[0]) <= SMALL:
            return self._small(rows, M, lam, shift, offset)
        rows = np.array(rows, dtype=float)
        f, c = rows[0], rows[1:]
        base = np.zeros(2 * f.size - 1)
        base[:f.size] = f
        base[0] += offset
        if c.shape[0] == 0:
            base.flags.writeable = False
            return PiecewisePolynomial((0.0,), (base,))
        if len(shift):
            c[self.n_eq:, 0] += shift  # rows is a fresh array: c is ours to change
        # Every constraint's square as a polynomial in t, in one product: (constraints, 2 width - 1).
        squares = (c[:, :, None] * c[:, None, :]).reshape(c.shape[0], -1) @ self._square
        base += M * squares[:self.n_eq].sum(axis=0)
        if len(lam):
            base[:f.size] += np.asarray(lam, dtype=float) @ c[:self.n_eq]
        g = c[self.n_eq:]
        if g.shape[0] == 0:
            base.flags.writeable = False
            return PiecewisePolynomial((0.0,), (base,))
        breaks = sorted({0.0}.union(*(_positive_roots(c_j) for c_j in g.tolist())))
        probes = np.array(breaks)
        probes[:-1] = 0.5 * (probes[:-1] + probes[1:])
        probes[-1] += max(1.0, 0.5 * breaks[-1])  # finite even for a break near 1e308
        # g_j at every probe by one product with the Vandermonde matrix: (pieces, constraints).
        active = (probes[:, None] ** np.arange(g.shape[1]) @ g.T > 0.0).astype(float)
        coefs = base + M * (active @ squares[self.n_eq:])
        coefs.flags.writeable = False  # the record is immutable, like the optimizers' iterates
        return PiecewisePolynomial(tuple(breaks), tuple(coefs))


    def _with_affine(self, symbolic: list[list[float]], x: np.ndarray, d: np.ndarray) -> list[list[float]]:
        """All rows in order: the symbolic ones, and (a'x + b, a'd, 0, ...) for the affine constraints."""
        rows: list[list[float] | None] = [None] * len(self.exprs)
        for k, row in zip(self._symbolic, symbolic, strict=True):
            rows[k] = row
        zeros = [0.0] * (len(symbolic[0]) - 2)
        at, slope = self.affine.values(x, constant_first=True).tolist(), self.affine.times(d).tolist()
        for i, c0, c1 in zip(self.affine.index.tolist(), at, slope, strict=True):
            rows[1 + i] = [c0, c1, *zeros]
        return rows

    def _small(self, rows: list[list[float]], M: float, lam: Sequence[float], shift: Sequence[float],
               offset: float) -> PiecewisePolynomial:
        """`__call__` for a few constraints, on plain floats: numpy's per-call cost would dominate.

        The same sums in the same order as the numpy path (so the same pieces to rounding), written
        as in-place list updates: a seed-sized call is a few microseconds.
        """
        n_eq = self.n_eq
        base = [float(v) for v in rows[0]]
        base += [0.0] * (len(base) - 1)
        base[0] += offset
        c = rows[1:]
        if len(shift):
            for row, s_j in zip(c[n_eq:], _floats(shift), strict=True):
                row[0] += s_j  # the rows are fresh lists: ours to change
        for row in c[:n_eq]:
            _add_square(base, row, M)
        if len(lam):
            for lam_i, row in zip(_floats(lam), c[:n_eq], strict=True):
                for k, v in enumerate(row):
                    base[k] += lam_i * v
        g = c[n_eq:]
        if not g:
            return PiecewisePolynomial((0.0,), (tuple(base),))
        kinks = [r for row in g for r in _positive_roots(row)]
        if not kinks:  # one piece; its active set read at t = 1, as the numpy path does
            for row in g:
                if _horner(row, 1.0) > 0.0:
                    _add_square(base, row, M)
            return PiecewisePolynomial((0.0,), (tuple(base),))
        breaks = sorted({0.0, *kinks})
        probes = [0.5 * (a + b) for a, b in pairwise(breaks)]
        probes.append(breaks[-1] + max(1.0, 0.5 * breaks[-1]))
        pieces = []
        for t in probes:
            piece = base.copy()
            for row in g:
                if _horner(row, t) > 0.0:
                    _add_square(piece, row, M)
            pieces.append(tuple(piece))  # immutable as it is: no array to freeze
        return PiecewisePolynomial(tuple(breaks), tuple(pieces))


SMALL = 48  # (1 + constraints) x coefficient width up to which plain floats beat numpy


def _add_square(out: list[float], c: list[float], M: float) -> None:
    """``out += M c(t)^2`` on coefficient lists (lowest first; `out` has 2 len(c) - 1 of them)."""
    if len(c) == 2:  # an affine constraint along a line, the common case: its square by hand
        a, b = c
        out[0] += M * (a * a)
        out[1] += M * (a * b + b * a)
        out[2] += M * (b * b)
        return
    square = [0.0] * (2 * len(c) - 1)
    for i, a in enumerate(c):
        if a:
            for j, b in enumerate(c):
                square[i + j] += a * b
    for k, v in enumerate(square):
        out[k] += M * v


def _floats(values: Sequence[float]) -> list[float]:
    return values.tolist() if isinstance(values, np.ndarray) else list(values)


def _horner(c: list[float], t: float) -> float:
    value = 0.0
    for a in reversed(c):
        value = value * t + a
    return value


def _taylor(phi: sympy.Expr, t: sympy.Symbol, degree: int) -> list[sympy.Expr]:
    """Coefficients of the polynomial phi(t), lowest first, as phi^(k)(0) / k!.

    Differentiating keeps products and powers such as (p1 + t d1 + p2 + t d2)^12 factored, where
    expanding them in p and d (``Poly(phi, t)``) would take SymPy seconds to minutes.
    """
    coefficients = []
    for k in range(degree + 1):
        coefficients.append(phi.xreplace({t: 0}) / math.factorial(k))
        phi = phi.diff(t)
    return coefficients


def _positive_roots(c: list[float]) -> list[float]:
    """The real roots in (0, inf) of the polynomial with coefficients `c` (lowest degree first)."""
    degree = len(c) - 1
    while degree > 0 and c[degree] == 0.0:
        degree -= 1
    if degree == 0:
        roots: list[float] = []
    elif degree == 1:
        roots = [-c[0] / c[1]]
    elif degree == 2:
        roots = _quadratic_roots(c[0], c[1], c[2])
    else:
        complex_roots = P.polyroots(c[:degree + 1])
        real = complex_roots.real
        roots = real[np.abs(complex_roots.imag) <= 1e-9 * np.maximum(1.0, np.abs(real))].tolist()
    return [r for r in roots if 0.0 < r < math.inf]


def _quadratic_roots(c0: float, c1: float, c2: float) -> list[float]:
    """Real roots of c0 + c1 t + c2 t^2 (c2 != 0), by the cancellation-free formula."""
    disc = c1 * c1 - 4.0 * c2 * c0
    if disc < 0.0:
        return []  # no sign change (a double root only touches zero): no kink
    q = -0.5 * (c1 + math.copysign(math.sqrt(disc), c1))
    return [q / c2, c0 / q] if q != 0.0 else [0.0]
