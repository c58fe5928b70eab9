"""`Problem`: an objective and constraints in SymPy, their exterior penalty, and compiled numpy versions."""

from __future__ import annotations

import functools
import math
import weakref
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from typing import Any, TypeVar

import numpy as np
import sympy
from numpy.typing import ArrayLike

from optimizers import guarded_array

from ._affine import Affine, split_affine
from ._along import LineKernel, has_line_pieces
from ._compile import Compiled, PositivePart, broadcasting, check_weight, gradient, lambdify, point, sparse
from ._grammar import ProblemError
from ._input import read_problem

__all__ = ["MAX_CONSTRAINTS", "MAX_VARIABLES", "Problem", "per_problem"]

MAX_VARIABLES = 1000  # building costs about linearly past here, ~5 ms per variable or constraint
MAX_CONSTRAINTS = 2000

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
    Limits, each refused with a one-line `ProblemError`: at most 1000 variables and 2000 constraints;
    text of at most 1000 characters, nesting and exponents as `parse_expression` says; numbers within
    float range. Building costs about linear time in the size of the expressions; from 32 affine
    constraints on (bounds, and linear constraints written as sums of number * variable) these are
    one sparse coefficient table, not compiled code: a thousand build in well under a second.
    Polynomial problems of degree at most 16 (and at most 2000 monomials once expanded, judged
    without expanding) get exact line polynomials; any other accepted input uses the iterative
    exact line search instead.

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
        # Counted before parsing (parsing a million constraints would take minutes); wrong types are
        # read_problem's to name.
        if isinstance(constraints, list | tuple) and len(constraints) > MAX_CONSTRAINTS:
            raise ProblemError(f"{len(constraints)} constraints: the limit is {MAX_CONSTRAINTS}")
        parts = read_problem(objective, constraints, variables)
        if len(parts.variables) > MAX_VARIABLES:
            raise ProblemError(f"{len(parts.variables)} variables: the limit is {MAX_VARIABLES}")
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

        The code is compiled once per problem, at the first call (the Hessian's parts at the first
        Hessian evaluation); each call only binds `M`.

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
        f = self._objective_kernels
        if not (self._equalities or self._inequalities):
            return Compiled(f.fun, f.grad, f.hess, f.surface, along)
        n, n_eq = self.n, len(self._equalities)
        value, gradient_kernel = self._penalized_kernels
        affine = self._split[0]

        def fun(x: ArrayLike) -> float:
            x = point(x, n)
            if affine is None:
                return float(value(*x, M))
            w = _weights_of(affine, x, n_eq)
            return float(value(*x, M)) + M * float(w @ w)

        def grad(x: ArrayLike) -> np.ndarray:
            x = point(x, n)
            g = np.array(gradient_kernel(*x, M), dtype=float)
            if affine is not None:
                g += (2.0 * M) * affine.transposed_times(_weights_of(affine, x, n_eq))
            return g

        def surface(*coords: ArrayLike) -> np.ndarray:
            # The affine constraints are arrays in fun and grad; on grids the whole F is compiled, once.
            kernel = value if affine is None else self._penalized_value
            return broadcasting(kernel, n, M)(*coords)

        def hess(x: ArrayLike) -> np.ndarray:
            # Its parts are compiled at the first call: a first-order method never pays for them.
            x = point(x, n)
            c = self._constraint_values(x)
            w, J = _weights(c, n_eq), self._constraint_jacobian(x)
            active = np.ones_like(c)
            active[n_eq:] = c[n_eq:] > 0.0  # the generalized Hessian of max(0, g)^2: 0 at g = 0
            return f.hess(x) + (2.0 * M) * ((J.T * active) @ J + self._curvature(x, w))

        return Compiled(fun, grad, hess, surface, along)

    @cached_property
    def _penalized_value(self) -> Callable[..., Any]:
        """F(x, M) with every constraint symbolic: for grids only."""
        return lambdify((*self._variables, self.M), self._objective + self.M * self._symbolic_penalty)

    @property
    def _symbolic_penalty(self) -> sympy.Expr:
        n_eq = len(self._equalities)
        weights = (c if i < n_eq else PositivePart(c) for i, c in enumerate(self._constraints))
        return sympy.Add(*(w**2 for w in weights))

    @cached_property
    def _split(self) -> tuple[Affine | None, list[int]]:
        """The affine constraints as arrays, and the indices of the others (compiled from SymPy)."""
        return split_affine(self._constraints, self._index)

    @cached_property
    def _penalized_kernels(self) -> tuple[Callable[..., Any], Callable[..., Any]]:
        """F and grad F, each one compiled function of (x, M): the fastest per call.

        grad F = grad f + 2 M sum_i w_i grad c_i with w = (h, max(0, g)), built from each constraint's
        own sparse gradient, so its size (and the compile time) is linear in the problem's.
        """
        x, M = self._variables, self.M
        terms = [[first] for first in self._objective_gradient]
        n_eq = len(self._equalities)
        general = self._split[1]
        weights = [c if i < n_eq else PositivePart(c) for i, c in
                   ((i, self._constraints[i]) for i in general)]
        for c, w in zip((self._constraints[i] for i in general), weights, strict=True):
            used = self._uses(c)
            for x_j, dc in zip(used, gradient(c, used), strict=True):
                terms[self._index[x_j]].append(2 * M * w * dc)
        F = self._objective + M * sympy.Add(*(w**2 for w in weights))
        _ = self._general_kernel  # for the records' violation, compiled here too, once
        return lambdify((*x, M), F), lambdify((*x, M), [sympy.Add(*t) for t in terms])

    @cached_property
    def objective_function(self) -> Compiled:
        """f alone as plain numpy callables (see `penalized_function`)."""
        f = self._objective_kernels
        x, objective = self._variables, self._objective
        line = LineKernel(x, objective) if has_line_pieces([objective], x) else None
        return Compiled(f.fun, f.grad, f.hess, f.surface, line)

    @cached_property
    def _objective_kernels(self) -> Compiled:
        """f, its gradient and Hessian (compiled at its first use), without the line polynomials."""
        x, n = self._variables, self.n
        value, grad_kernel = lambdify(x, self._objective), lambdify(x, self._objective_gradient)

        def fun(x: ArrayLike) -> float:
            return float(value(*point(x, n)))

        def grad(x: ArrayLike) -> np.ndarray:
            return np.array(grad_kernel(*point(x, n)), dtype=float)

        def hess(x: ArrayLike) -> np.ndarray:
            return self._objective_hessian(*point(x, n))

        return Compiled(fun, grad, hess, broadcasting(value, n), None)

    @cached_property
    def _objective_gradient(self) -> list[sympy.Expr]:
        return gradient(self._objective, self._variables)

    @cached_property
    def _objective_hessian(self) -> Callable[..., np.ndarray]:
        """The Hessian of f, compiled from its non-zero entries on and above the diagonal."""
        x, index = self._variables, self._index
        entries = []
        for j, g in enumerate(self._objective_gradient):
            used = [x_k for x_k in self._uses(g) if index[x_k] >= j]
            entries += [((j, index[x_k]), second) for x_k, second in zip(used, gradient(g, used), strict=True)
                        if second != 0]
        return sparse(x, entries, (self.n, self.n), symmetric=True)

    def penalty_value(self, x: ArrayLike) -> float:
        """alpha(x) = sum h_i(x)^2 + sum max(0, g_j(x))^2."""
        return _alpha(self._constraint_values(point(x, self.n)), len(self._equalities))

    def max_violation(self, x: ArrayLike) -> float:
        """The largest of |h_i(x)| and max(0, g_j(x)); 0.0 without constraints."""
        w = _weights(self._constraint_values(point(x, self.n)), len(self._equalities))
        return float(np.max(np.abs(w), initial=0.0))

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
            values = self._constraint_values(x)
            h, c = values[:len(self._equalities)], values[len(self._equalities):]
            J = guarded_array(self._constraint_jacobian, (values.size, self.n), x)
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
        index, (affine, general) = self._index, self._split
        entries = [((i, index[x]), derivative) for i, c in ((i, self._constraints[i]) for i in general)
                   for x, derivative in zip(self._uses(c), gradient(c, self._uses(c)), strict=True)]
        matrix = sparse(self._variables, entries, (len(self._constraints), self.n))

        def jacobian(x: np.ndarray) -> np.ndarray:
            J = matrix(*x)
            if affine is not None:
                affine.fill_jacobian(J)
            return J

        return jacobian

    @cached_property
    def _curvature(self) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
        """(x, w) -> sum_i w_i hess c_i(x), compiled from the non-zero second derivatives only."""
        x, n = self._variables, self.n
        owners, entries = [], []
        index = self._index
        for i in self._split[1]:  # an affine constraint has no curvature
            c = self._constraints[i]
            used = self._uses(c)
            for a, first in enumerate(gradient(c, used)):
                for x_k, second in zip(used[a:], gradient(first, used[a:]), strict=True):
                    if second != 0:
                        owners.append(i)
                        entries.append(((index[used[a]], index[x_k]), second))
        if not entries:
            return lambda x, w: 0.0
        kernel = lambdify(x, [e for _, e in entries])
        rows = np.array([j for (j, _), _ in entries] + [k for (_, k), _ in entries])
        cols = np.array([k for (_, k), _ in entries] + [j for (j, _), _ in entries])
        owners = np.array(owners + owners)
        halve = np.where(rows == cols, 0.5, 1.0)

        def curvature(x: np.ndarray, w: np.ndarray) -> np.ndarray:
            values = np.array(kernel(*x), dtype=float)
            out = np.zeros((n, n))
            # Each (j, k) entry twice (for (k, j)); a diagonal one then counts double: halve it.
            np.add.at(out, (rows, cols), w[owners] * np.concatenate([values, values]) * halve)
            return out

        return curvature

    @cached_property
    def equality_functions(self) -> tuple[Callable[..., np.ndarray], ...]:
        """h_i(*coords) on broadcast arrays, e.g. to draw the curves h_i = 0 over a grid."""
        return tuple(self._constraint_on_grid(i) for i in range(len(self._equalities)))

    @cached_property
    def inequality_functions(self) -> tuple[Callable[..., np.ndarray], ...]:
        """g_j(*coords) on broadcast arrays, e.g. to shade the feasible set g_j <= 0 over a grid."""
        n_eq = len(self._equalities)
        return tuple(self._constraint_on_grid(n_eq + j) for j in range(len(self._inequalities)))

    def _constraint_on_grid(self, i: int) -> Callable[..., np.ndarray]:
        return broadcasting(lambda *coords: self._constraints_kernel(*coords)[i], self.n)

    def _uses(self, expr: sympy.Expr) -> list[sympy.Symbol]:
        """The variables `expr` depends on, in the problem's order."""
        used = expr.free_symbols
        return [x for x in self._variables if x in used] if len(used) * 8 > self.n else \
            sorted((x for x in used if x in self._index), key=self._index.__getitem__)

    @cached_property
    def _index(self) -> dict[sympy.Symbol, int]:
        return {x: j for j, x in enumerate(self._variables)}

    @property
    def _constraints(self) -> tuple[sympy.Expr, ...]:
        return (*self._equalities, *self._inequalities)

    def constraint_values(self, x: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """(h(x), g(x)): the equality and the inequality constraint values at a point (g <= 0 is feasible)."""
        values = self._constraint_values(point(x, self.n))
        n_eq = len(self._equalities)
        return values[:n_eq], values[n_eq:]

    def _constraint_values(self, x: np.ndarray) -> np.ndarray:
        """(h, g) at a point, one float array (empty without constraints)."""
        if not self._constraints:
            return np.zeros(0)
        affine, general = self._split
        out = np.empty(len(self._constraints))
        if general:
            out[general] = self._general_kernel(*x)
        if affine is not None:
            out[affine.index] = affine.values(x)
        return out

    @cached_property
    def _general_kernel(self) -> Callable[..., Any]:
        return lambdify(self._variables, [self._constraints[i] for i in self._split[1]])

    @cached_property
    def _constraints_kernel(self) -> Callable[..., Any]:
        return lambdify(self._variables, list(self._constraints))

    @cached_property
    def _penalized_line(self) -> LineKernel | None:
        if not has_line_pieces((self._objective, *self._constraints), self._variables):
            return None
        return LineKernel(self._variables, self._objective, self._equalities, self._inequalities,
                          self._split[0])


def _alpha(values: np.ndarray, n_eq: int) -> float:
    """The penalty sum h_i^2 + sum max(0, g_j)^2 from the constraint values (h, g)."""
    w = _weights(values, n_eq)
    return float(w @ w)


def _weights(values: np.ndarray, n_eq: int) -> np.ndarray:
    """(h, max(0, g)): the penalty is its squared norm, its gradient 2 w' J."""
    w = values.copy()
    np.maximum(w[n_eq:], 0.0, out=w[n_eq:])
    return w


def _weights_of(affine: Affine, x: np.ndarray, n_eq: int) -> np.ndarray:
    """The affine block's part of (h, max(0, g))."""
    c = affine.values(x)
    return np.where(affine.index < n_eq, c, np.maximum(c, 0.0))


def _number(value: float) -> sympy.Expr:
    """A weight as SymPy prints it best: 1000 rather than 1000.0, 0.1 rather than 1/10."""
    if value.is_integer() and value < 1e6:
        return sympy.Integer(int(value))
    return sympy.Float(value, 6)


T = TypeVar("T")


def per_problem(build: Callable[[Problem], T]) -> Callable[[Problem], T]:
    """`build` with its result cached per problem, so its SymPy work runs once for each.

    The cache holds each problem weakly: an entry lives as long as its problem does.
    """
    cache: weakref.WeakKeyDictionary[Problem, T] = weakref.WeakKeyDictionary()

    @functools.wraps(build)
    def cached(problem: Problem) -> T:
        if problem not in cache:
            cache[problem] = build(problem)
        return cache[problem]

    return cached
