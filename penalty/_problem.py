"""`Problem`: an objective and constraints in SymPy, their exterior penalty, and compiled numpy versions."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from typing import Any

import numpy as np
import sympy
from numpy.typing import ArrayLike

from optimizers import guarded_array

from ._along import LineKernel, has_line_pieces
from ._compile import Compiled, bind, broadcasting, check_weight, lambdify, point
from ._input import read_problem

__all__ = ["Problem"]

Kernels = tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]]


class Problem:
    """Minimize f(x) subject to h_i(x) = 0 and g_j(x) <= 0, and its exterior penalty function.

    The penalized function is F(x; M) = f(x) + M alpha(x) with the penalty
    alpha(x) = sum_i h_i(x)^2 + sum_j max(0, g_j(x))^2.

    Parameters
    ----------
    objective : str or sympy.Expr
        f, e.g. ``"-x1 + x2"``. In text ``^`` means power; see Notes for what text may contain.
    constraints : iterable of str or SymPy relations, optional
        Each one relation: ``"x1 + x2 = 1"`` (or ``==``), ``"x2 >= 1"``, ``"x1^2 + x2^2 <= 4"``, or
        ``sympy.Eq``/``Ge``/``Le``/``Gt``/``Lt``. Strict inequalities are read as non-strict.
    variables : sequence of str or Symbol, optional
        The variables in order. By default, every name used, in natural order (x1, x2, ..., x10).

    Raises
    ------
    ProblemError
        For a mistake in any input, in one line naming the offending text and the fix: disallowed
        syntax, unknown names or functions, a missing or chained relation, a constraint that is always
        true or false, a complex-valued or non-differentiable expression.

    Notes
    -----
    Text is never evaluated: it is parsed by `ast` and only numbers, variable names, ``pi``, ``E``,
    ``+ - * / ** ^``, parentheses and calls of known functions (``sin``, ``exp``, ``sqrt``, ...) are
    turned into SymPy. Variables are real symbols. SymPy runs here and in the one-time compilation
    (``lambdify`` with common subexpressions); evaluations are plain numpy.

    The gradient and Hessian of the penalty are assembled by hand, with the generalized (Clarke)
    Hessian at the kinks: for one inequality, grad max(0, g)^2 = 2 max(0, g) grad g and
    hess = 2 [g > 0] grad g grad g^T + 2 max(0, g) hess g (Nocedal & Wright, sec. 17.1).

    Examples
    --------
    >>> problem = Problem("-x1 + x2", ["x1 + x2 = 1", "x2 >= 1"])
    >>> F = problem.penalized_function(10.0)
    >>> F.fun([0.0, 1.0])
    1.0
    """

    def __init__(self, objective: str | sympy.Expr, constraints: Iterable[Any] = (),
                 variables: Sequence[str | sympy.Symbol] | None = None) -> None:
        parts = read_problem(objective, constraints, variables)
        self._variables = parts.variables
        self._objective = parts.objective
        self._equalities = parts.equalities
        self._inequalities = parts.inequalities

    def __repr__(self) -> str:
        constraints = [f"{sympy.sstr(h)} = 0" for h in self._equalities]
        constraints += [f"{sympy.sstr(g)} <= 0" for g in self._inequalities]
        names = tuple(v.name for v in self._variables)
        return f"Problem({sympy.sstr(self._objective)!r}, {constraints!r}, variables={names!r})"

    @property
    def variables(self) -> tuple[sympy.Symbol, ...]:
        """The variables, real SymPy symbols in order."""
        return self._variables

    @property
    def objective(self) -> sympy.Expr:
        """f."""
        return self._objective

    @property
    def equalities(self) -> tuple[sympy.Expr, ...]:
        """h_i, with the constraints h_i(x) = 0."""
        return self._equalities

    @property
    def inequalities(self) -> tuple[sympy.Expr, ...]:
        """g_j, with the constraints g_j(x) <= 0."""
        return self._inequalities

    @property
    def n(self) -> int:
        """The number of variables."""
        return len(self._variables)

    @property
    def M(self) -> sympy.Symbol:
        """The penalty weight, a positive SymPy symbol."""
        return sympy.Symbol("M", positive=True)

    @cached_property
    def penalty(self) -> sympy.Expr:
        """alpha = sum h_i^2 + sum max(0, g_j)^2 (zero without constraints)."""
        squares = [h**2 for h in self._equalities] + [sympy.Max(0, g) ** 2 for g in self._inequalities]
        return sympy.Add(*squares)

    @cached_property
    def penalized(self) -> sympy.Expr:
        """F = f + M alpha."""
        return self._objective + self.M * self.penalty

    def latex(self, which: str = "penalized", *, M: float | None = None) -> str:
        """LaTeX of the penalized function, the objective or the penalty, for mathtext titles.

        Parameters
        ----------
        which : {"penalized", "objective", "penalty"}
        M : float, optional
            A value substituted for the penalty weight; by default the symbol M is shown.

        Returns
        -------
        str
            ``sympy.latex`` output without ``$`` delimiters; the penalized function is written
            ``f + M (alpha)`` to keep the penalty term recognizable.
        """
        if which == "objective":
            return sympy.latex(self._objective)
        if which == "penalty":
            return sympy.latex(self.penalty)
        if which != "penalized":
            raise ValueError(f"which must be 'penalized', 'objective' or 'penalty', got {which!r}")
        if self.penalty == 0:
            return sympy.latex(self._objective)
        weight = self.M if M is None else _number(check_weight(M))
        term = sympy.latex(sympy.Mul(weight, self.penalty, evaluate=False))
        return term if self._objective == 0 else f"{sympy.latex(self._objective)} + {term}"

    def penalized_function(self, M: float) -> Compiled:
        """F(x; M) = f(x) + M alpha(x) for one weight M, as plain numpy callables.

        The code is compiled once per problem, at the first call; each call only binds `M`.

        Parameters
        ----------
        M : float
            The penalty weight, positive.

        Returns
        -------
        Compiled
            ``fun``, ``grad``, ``hess``, ``surface`` and ``along`` (None unless f, h_i and g_j are
            all polynomials, of degree at most 16).

        Raises
        ------
        ValueError
            If `M` is not a positive finite number.
        """
        M = check_weight(M)
        line = self._penalized_line
        along = None if line is None else (lambda x, d: line(x, d, M))
        return bind(self._penalized_kernels, self.n, M, along=along)

    @cached_property
    def objective_function(self) -> Compiled:
        """f alone as plain numpy callables (see `penalized_function`)."""
        x = self._variables
        f = self._objective
        kernels = (lambdify(x, f), lambdify(x, _gradient(f, x)), lambdify(x, sympy.hessian(f, x).tolist()))
        line = LineKernel(x, f) if has_line_pieces([f], x) else None
        return bind(kernels, self.n, along=line)

    def penalty_value(self, x: ArrayLike) -> float:
        """alpha(x) = sum h_i(x)^2 + sum max(0, g_j(x))^2."""
        h, g = self._constraint_values(x)
        return float(np.sum(h**2) + np.sum(np.maximum(g, 0.0) ** 2))

    def max_violation(self, x: ArrayLike) -> float:
        """The largest of |h_i(x)| and max(0, g_j(x)); 0.0 without constraints."""
        h, g = self._constraint_values(x)
        return float(max(np.max(np.abs(h), initial=0.0), np.max(g, initial=0.0)))

    def optimality(self, x: ArrayLike) -> float:
        """The first-order optimality measure of the constrained problem at `x`, relative to grad f.

        ``max|grad f + J_A' lam| / max(1, max|grad f|)`` with least-squares multipliers `lam` over
        the equalities and the inequalities with ``g_j(x) > -1e-8 (1 + max|x|)``; an inequality whose
        multiplier comes out negative is dropped and the rest solved again (a minimizer needs
        ``lam_j >= 0``). Without constraints this is the relative gradient norm. Non-finite values
        give inf.

        Notes
        -----
        The KKT conditions, Nocedal & Wright, *Numerical Optimization*, 2nd ed., Theorem 12.1. Unlike
        the gradient of F(x; M), whose rounding error grows like M, this measure does not depend on M.
        """
        x = point(x, self.n)
        with np.errstate(all="ignore"):
            g = guarded_array(self.objective_function.grad, (self.n,), x)
            h, c = self._constraint_values(x)
            J = guarded_array(self._constraint_jacobian, (h.size + c.size, self.n), x)
            scale = max(1.0, float(np.max(np.abs(g))))
            if not (np.all(np.isfinite(g)) and np.all(np.isfinite(J)) and math.isfinite(scale)):
                return math.inf
            equality = np.arange(h.size + c.size) < h.size
            active = equality | (np.concatenate([h, c]) > -1e-8 * (1.0 + float(np.max(np.abs(x)))))
            while True:
                A = J[active]
                lam = np.linalg.lstsq(A.T, -g, rcond=None)[0] if A.size else np.zeros(0)
                negative = (lam < 0) & ~equality[active]
                if not negative.any():
                    return float(np.max(np.abs(g + A.T @ lam))) / scale
                active[np.flatnonzero(active)[np.argmin(np.where(negative, lam, 0.0))]] = False

    @cached_property
    def _constraint_jacobian(self) -> Callable[[np.ndarray], np.ndarray]:
        """x -> the (m, n) Jacobian of (h, g), compiled from its non-zero entries only."""
        rows, cols, entries = [], [], []
        for i, c in enumerate((*self._equalities, *self._inequalities)):
            for j, x_j in enumerate(self._variables):
                if (entry := sympy.diff(c, x_j)) != 0:
                    rows.append(i)
                    cols.append(j)
                    entries.append(entry)
        kernel = lambdify(self._variables, entries)
        shape = (len(self._equalities) + len(self._inequalities), self.n)

        def jacobian(x: np.ndarray) -> np.ndarray:
            out = np.zeros(shape)
            if entries:
                out[rows, cols] = np.array(kernel(*x), dtype=float)
            return out

        return jacobian

    @cached_property
    def equality_functions(self) -> tuple[Callable[..., np.ndarray], ...]:
        """h_i(*coords) on broadcast arrays, e.g. to draw the curves h_i = 0 over a grid."""
        return tuple(broadcasting(lambdify(self._variables, h), self.n) for h in self._equalities)

    @cached_property
    def inequality_functions(self) -> tuple[Callable[..., np.ndarray], ...]:
        """g_j(*coords) on broadcast arrays, e.g. to shade the feasible set g_j <= 0 over a grid."""
        return tuple(broadcasting(lambdify(self._variables, g), self.n) for g in self._inequalities)

    def _constraint_values(self, x: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        values = np.array(self._constraints_kernel(*point(x, self.n)), dtype=float)
        return values[:len(self._equalities)], values[len(self._equalities):]

    @cached_property
    def _constraints_kernel(self) -> Callable[..., Any]:
        return lambdify(self._variables, [*self._equalities, *self._inequalities])

    @cached_property
    def _penalized_kernels(self) -> Kernels:
        x, M, f = self._variables, self.M, self._objective
        alpha_grad, alpha_hess = _penalty_derivatives(x, self._equalities, self._inequalities)
        grad = [d + M * a for d, a in zip(_gradient(f, x), alpha_grad, strict=True)]
        hess = (sympy.hessian(f, x) + M * alpha_hess).tolist()
        args = (*x, M)
        return lambdify(args, self.penalized), lambdify(args, grad), lambdify(args, hess)

    @cached_property
    def _penalized_line(self) -> LineKernel | None:
        exprs = (self._objective, *self._equalities, *self._inequalities)
        if not has_line_pieces(exprs, self._variables):
            return None
        return LineKernel(self._variables, self._objective, self._equalities, self._inequalities)


def _gradient(expr: sympy.Expr, x: Sequence[sympy.Symbol]) -> list[sympy.Expr]:
    return [sympy.diff(expr, x_i) for x_i in x]


def _penalty_derivatives(x: Sequence[sympy.Symbol], equalities: Sequence[sympy.Expr],
                         inequalities: Sequence[sympy.Expr]) -> tuple[list[sympy.Expr], sympy.Matrix]:
    """Gradient and generalized Hessian of alpha, by hand (SymPy's derivative of Max is a Heaviside mess).

    For h^2: 2 h grad h and 2 (grad h grad h^T + h hess h). For max(0, g)^2: 2 max(0, g) grad g and
    2 [g > 0] grad g grad g^T + 2 max(0, g) hess g, with [g > 0] written Heaviside(g, 0).
    """
    n = len(x)
    grad = [sympy.Integer(0)] * n
    hess = sympy.zeros(n, n)
    terms = [(h, h, sympy.Integer(1)) for h in equalities]
    terms += [(g, sympy.Max(0, g), sympy.Heaviside(g, 0)) for g in inequalities]
    for c, value, active in terms:  # penalty term value**2 of constraint function c
        dc = sympy.Matrix(_gradient(c, x))
        grad = [a + 2 * value * b for a, b in zip(grad, dc, strict=True)]
        hess += 2 * active * (dc * dc.T) + 2 * value * sympy.hessian(c, x)
    return grad, hess


def _number(value: float) -> sympy.Expr:
    """A weight as SymPy prints it best: 1000 rather than 1000.0, 0.1 rather than 1/10."""
    if value.is_integer() and value < 1e6:
        return sympy.Integer(int(value))
    return sympy.Float(value, 6)
