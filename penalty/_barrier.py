"""The log-barrier (interior-point) method: B(x; t) = f - (1/t) sum log(-g_j), t <- C t."""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import sympy
from numpy.typing import ArrayLike

from optimizers import Status

from ._compile import Compiled, bind, broadcasting, check_weight, lambdify
from ._grammar import ProblemError
from ._history import outer_step
from ._inner import FATAL, check_options, start_inner
from ._problem import Problem, per_problem
from ._sumt import PenaltyIterate, PenaltyResult, Tally

__all__ = ["Barrier", "BarrierIterate", "barrier_function", "log_barrier"]


@per_problem
def barrier_function(problem: Problem) -> Barrier:
    """The (cached) barrier of `problem`: SymPy and lambdify run once per problem."""
    return Barrier(problem)


class Barrier:
    """B(x; t) = f(x) + t sum h_i(x)^2 - (1/t) sum log(-g_j(x)), +inf where some g_j(x) >= 0.

    The inequalities are g_j(x) <= 0 (``x2 >= 1`` is g = 1 - x2); the barrier lives in the interior
    g_j < 0. Equalities, which have no interior, enter as an exterior penalty whose weight grows
    with t, so both terms vanish as t -> infinity.

    Notes
    -----
    grad B = grad f + sum 2 t h_i grad h_i + sum (-1/(t g_j)) grad g_j: at the minimizer x(t) the
    numbers mu_j = -1/(t g_j) > 0 (and lambda_i = 2 t h_i) make grad_x L = 0, so for a convex problem
    with inequalities alone f(x(t)) - min_x L(x; mu) = -mu.g = m/t, the duality gap (Boyd &
    Vandenberghe, *Convex Optimization*, sec. 11.2.2).
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem

    @cached_property
    def _kernels(self):
        problem = self.problem
        x, t = problem.variables, sympy.Symbol("t", positive=True)
        value = (problem.objective + t * sympy.Add(*(h**2 for h in problem.equalities))
                 - sympy.Add(*(sympy.log(-g) for g in problem.inequalities)) / t)
        grad = [sympy.diff(value, v) for v in x]
        hess = sympy.hessian(value, x).tolist()
        args = (*x, t)
        return lambdify(args, value), lambdify(args, grad), lambdify(args, hess)

    def interior(self, x: ArrayLike) -> bool:
        """Whether every g_j(x) < 0."""
        _, g = self.problem.constraint_values(x)
        return bool(np.all(g < 0))

    def function(self, t: float) -> Compiled:
        """B(.; t) as plain numpy callables: +inf (and a NaN gradient) outside the interior.

        Being +inf outside is what keeps every line search inside: Armijo rejects a non-finite
        value, and the exact search treats it as past the minimizer, so no accepted step leaves
        the interior.
        """
        t = check_weight(t)
        inner = bind(self._kernels, self.problem.n, t)
        kernel, g_kernels, n = self._kernels[0], self.problem.inequality_functions, self.problem.n

        def fun(x):
            if not self.interior(x):
                return math.inf
            return inner.fun(x)

        def grad(x):
            return inner.grad(x) if self.interior(x) else np.full(n, math.nan)

        def hess(x):
            return inner.hess(x) if self.interior(x) else np.full((n, n), math.nan)

        value = broadcasting(kernel, n, t)

        def surface(*coords):
            with np.errstate(invalid="ignore", divide="ignore"):
                inside = np.all([np.asarray(g(*coords)) < 0 for g in g_kernels], axis=0)
                return np.where(inside, value(*coords), math.inf)

        return Compiled(fun, grad, hess, surface, None)


@dataclass(frozen=True, kw_only=True)
class BarrierIterate(PenaltyIterate):
    """A `PenaltyIterate` of the barrier method: `fun` and `grad` are those of B(.; t).

    Attributes
    ----------
    t : float
        The barrier parameter. `M` is 1/t, the weight of the barrier term -sum log(-g_j), so that
        B = f + M (-sum log(-g_j)) reads like F = f + M alpha (for problems without equalities).
    """

    t: float


def log_barrier(problem: Problem, x0, *, method: str = "newton", line_search: str = "exact",
                t0: float = 1.0, C: float = 10.0, epsilon: float = 1e-7, tol: float = 1e-8,
                max_iter: int = 100, max_outer: int = 50, step: float = 1.0
                ) -> Generator[BarrierIterate, None, PenaltyResult]:
    """Stream the log-barrier method: every inner iterate, for t = t0, C t0, C^2 t0, ...

    Parameters
    ----------
    problem : Problem
        With at least one inequality g_j <= 0.
    x0 : array_like, shape (problem.n,)
        A strictly feasible start: g_j(x0) < 0 for every j (there is no phase 1).
    method, line_search, step, tol, max_iter
        The inner minimizer, as in `exterior_penalty` (Newton with backtracking by default, as in
        Boyd & Vandenberghe, Algorithm 11.1); `tol` bounds max|grad B| per inner run.
    t0, C : float
        First barrier parameter and its growth factor (> 1).
    epsilon : float
        Stop when the gap m/t and the equality violation are both at most this.
    max_outer : int
        Most values of t.

    Yields
    ------
    BarrierIterate
        Every point is strictly feasible for the inequalities.

    Returns
    -------
    PenaltyResult
        `M` is 1/t for the last t (as in the iterates; t itself is ``outer_steps[-1].weight``);
        `multipliers` are (2 t h_i, -1/(t g_j)); each `OuterStep` carries the gap.

    Raises
    ------
    ProblemError
        If the problem has no inequality or `x0` is not strictly feasible.
    ValueError
        For a bad option.

    Notes
    -----
    Boyd & Vandenberghe, Algorithm 11.1, with a gradient tolerance for the inner runs. Floating
    point bounds how far t can usefully grow: near an active constraint g_j = 1 - x2 is a
    difference of nearly equal numbers, so mu_j = -1/(t g_j) and grad B carry a relative error
    of about eps / |g_j| = eps t mu_j; once that exceeds `tol` the inner runs end at `max_iter`
    instead of converging. The defaults (tol = 1e-8, epsilon = 1e-7) stay below that limit for
    multipliers of order one.
    """
    x = check_options(problem, x0, method=method, C=C, epsilon=epsilon, max_outer=max_outer,
                      weight0=("t0", t0), max_iter=max_iter)
    if not problem.inequalities:
        raise ProblemError("the barrier method needs an inequality constraint; use outer='penalty' or "
                           "outer='multipliers' for equalities alone")
    _, g = problem.constraint_values(x)
    if not np.all(g < 0):
        j = int(np.argmax(g >= 0))
        raise ProblemError(f"x0 = {x.tolist()} is not strictly feasible: g = {problem.inequalities[j]} is "
                           f"{g[j]:.6g} >= 0 there; the barrier method starts inside, where every g_j < 0")
    options = dict(line_search=line_search, step=step, tol=tol, max_iter=max_iter)
    start_inner(barrier_function(problem).function(t0), method, x, options)  # validate now
    return _barrier(problem, x, method, options, float(t0), float(C), float(epsilon), max_outer)


def _barrier(problem: Problem, x: np.ndarray, method: str, options: dict, t: float, C: float,
             epsilon: float, max_outer: int) -> Generator[BarrierIterate, None, PenaltyResult]:
    B = barrier_function(problem)
    f = problem.objective_function
    m = len(problem.inequalities)
    tally = Tally()
    steps = []
    for outer in range(max_outer):
        F = B.function(t)
        inner = yield from tally.inner_run(start_inner(F, method, x, options), BarrierIterate, problem,
                                           outer=outer, M=1.0 / t, t=t)
        x = np.array(inner.x)
        h, g = problem.constraint_values(x)
        estimates = np.concatenate([2 * t * h, -1.0 / (t * g)])
        steps.append(outer_step(problem, outer, t, inner, estimates, F.hess))
        if inner.status in FATAL:
            status = inner.status
            break
        converged = inner.status in (Status.CONVERGED, Status.STALLED)
        if converged and m / t <= epsilon and problem.max_violation(x) <= epsilon:
            status = Status.CONVERGED
            break
        if outer + 1 < max_outer:
            t *= C
    else:
        status = Status.MAX_OUTER
    return PenaltyResult(x=x, fun=f.fun(x), jac=f.grad(x), nit=tally.nit, nfev=tally.nfev, status=status,
                         nouter=outer + 1, M=1.0 / t, max_violation=problem.max_violation(x),
                         penalized_fun=inner.fun, multipliers=steps[-1].multipliers,
                         outer_steps=tuple(steps))
