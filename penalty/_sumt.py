"""The exterior-penalty method (SUMT): minimize F(x; M) = f + M*alpha for a growing M."""

from __future__ import annotations

import dataclasses
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import numpy as np

from optimizers import (
    Iterate,
    Result,
    Status,
    conjugate_gradient,
    frozen_array,
    gradient_descent,
    guarded_array,
    guarded_value,
    mapped,
    newton,
)

from ._history import OuterStep, outer_step, penalty_estimates
from ._options import check_options
from ._problem import Problem

__all__ = ["PenaltyIterate", "PenaltyResult", "Tally", "exterior_penalty"]

@dataclass(frozen=True, kw_only=True)
class PenaltyIterate(Iterate):
    """An `Iterate` of the penalty method; `fun` and `grad` are those of F(.; M).

    Attributes
    ----------
    outer : int
        Index of the penalty weight, M = M0 * C**outer.
    M : float
        The penalty weight of the inner problem this point belongs to.
    objective : float
        f(x), the objective without penalty.
    violation : float
        Largest constraint violation at x.
    """

    outer: int
    M: float
    objective: float
    violation: float


R = TypeVar("R", bound=PenaltyIterate)


@dataclass(frozen=True, kw_only=True)
class PenaltyResult(Result):
    """`Result` of the penalty method: `fun` and `jac` are the objective f's; also

    Attributes
    ----------
    nouter : int
        Number of inner minimizations (penalty weights used).
    M : float
        The last penalty weight.
    max_violation : float
        Largest constraint violation at `x`.
    penalized_fun : float
        The inner function at `x`: F(x; M) (the augmented Lagrangian or the barrier for those methods).
    multipliers : ndarray
        The last estimates of (lambda_1..lambda_p, mu_1..mu_q), as in `OuterStep.multipliers`.
    outer_steps : tuple of OuterStep
        One record per inner minimization, in order.
    """

    nouter: int
    M: float
    max_violation: float
    penalized_fun: float
    multipliers: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0))
    outer_steps: tuple[OuterStep, ...] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "multipliers", frozen_array(self.multipliers))


def exterior_penalty(problem: Problem, x0, *, method: str = "gd", line_search: str = "exact",
                     M0: float = 1.0, C: float = 10.0, epsilon: float = 1e-5, tol: float = 1e-3,
                     max_iter: int = 15, max_outer: int = 30, step: float = 1.0
                     ) -> Generator[PenaltyIterate, None, PenaltyResult]:
    """Stream the exterior-penalty method: every inner iterate, for every penalty weight.

    For M = M0, M0*C, M0*C**2, ... minimize F(x; M) = f(x) + M*alpha(x), each time from the
    previous minimizer (warm start), until ``M * alpha(x) <= epsilon * max(1, |f(x)|)``.

    Parameters
    ----------
    problem : Problem
        Objective and constraints.
    x0 : array_like, shape (problem.n,)
        Start point; it need not be feasible.
    method : {"gd", "newton", "cg"}
        Inner minimizer: steepest descent, Newton (exact Hessian), or nonlinear conjugate gradient.
    line_search : {"exact", "armijo", "fixed"}
        Inner line search; exact is solved by polynomial roots when the problem is polynomial.
    M0, C, epsilon : float
        First penalty weight, its growth factor (> 1), and the outer tolerance: the loop stops when
        ``M alpha(x) <= epsilon max(1, |f(x)|)`` (relative to |f|, so scaling f changes nothing).
    tol, max_iter : float, int
        Inner stopping rule: ``max|grad F| < tol`` or `max_iter` steps.
    max_outer : int
        Most penalty weights tried.
    step : float
        The fixed step, or the first trial step of the line search.

    Yields
    ------
    PenaltyIterate
        Each inner run's start point (the previous minimizer, now under the larger M) and steps.

    Returns
    -------
    PenaltyResult
        ``success`` only when the outer rule is met and x is first-order optimal to `tol`: the last
        inner run converged, or `Problem.optimality` (the KKT residual relative to grad f, free of
        the rounding that grows with M) is below `tol`. Otherwise `status` says what happened:
        STALLED or MAX_ITER from the last inner run, MAX_OUTER, DIVERGED, UNBOUNDED.

    Raises
    ------
    ValueError
        At the call, for a bad option or a start point of the wrong length.

    Notes
    -----
    The defaults are the seed's (M0 = 1, C = 10, epsilon = 1e-5, steepest descent with exact line
    search, at most 15 steps with gradient tolerance 1e-3 per weight). The minimizer of F(.; M)
    approaches the constrained one as O(1/M) (Nocedal & Wright, sec. 17.1), so for an answer
    within 1e-6 ask for ``epsilon=1e-8`` and an inner solver that copes with the ill-conditioning
    of large M: ``method="newton", tol=1e-9, max_iter=100``.
    """
    x = check_options(problem, x0, method=method, C=C, epsilon=epsilon, max_outer=max_outer,
                      weight0=("M0", M0), max_iter=max_iter)
    options = dict(line_search=line_search, step=step, tol=tol, max_iter=max_iter)
    _inner(problem.penalized_function(M0), method, x, options)  # validate options now, not at next()
    return _sumt(problem, x, method, options, M0, C, epsilon, max_outer)


def _inner(F, method: str, x: np.ndarray, options: dict):
    if method == "newton":
        return newton(F.fun, F.grad, F.hess, x, along=F.along, **options)
    minimize = gradient_descent if method == "gd" else conjugate_gradient
    return minimize(F.fun, F.grad, x, along=F.along, **options)


def _sumt(problem: Problem, x: np.ndarray, method: str, options: dict, M: float, C: float,
          epsilon: float, max_outer: int) -> Generator[PenaltyIterate, None, PenaltyResult]:
    f = problem.objective_function
    constrained = bool(problem.equalities or problem.inequalities)
    tally = Tally()
    steps = []
    for outer in range(max_outer):
        F = problem.penalized_function(M)
        inner = yield from tally.inner_run(_inner(F, method, x, options), PenaltyIterate, problem,
                                           outer=outer, M=M)
        x = np.array(inner.x)
        steps.append(outer_step(problem, outer, M, inner, penalty_estimates(problem, x, M), F.hess))
        if inner.status in (Status.DIVERGED, Status.UNBOUNDED, Status.LINE_SEARCH_FAILED):
            status = inner.status
            break
        objective = guarded_value(f.fun, x)
        penalty_term = M * guarded_value(problem.penalty_value, x)
        if not constrained or _outer_rule_met(penalty_term, objective, epsilon):
            status = _final_status(problem, x, inner.status, options["tol"])
            break
        if outer + 1 < max_outer:
            M *= C
    else:
        status = Status.MAX_OUTER
    return PenaltyResult(x=x, fun=guarded_value(f.fun, x), jac=guarded_array(f.grad, (problem.n,), x),
                         nit=tally.nit, nfev=tally.nfev, status=status, nouter=outer + 1, M=M,
                         max_violation=guarded_value(problem.max_violation, x), penalized_fun=inner.fun,
                         multipliers=steps[-1].multipliers, outer_steps=tuple(steps))


def _inner_record(record: type[R], problem: Problem, k0: int, nfev0: int, it: Iterate, **fields: Any) -> R:
    """An inner iterate as a `record` of the whole outer run, for every outer method.

    Its index and evaluation count continue the run's (`k0` and `nfev0` before this inner run), f and
    the violation are added (guarded), and `fields` are the method's own (``outer``, ``M``, ...).
    """
    return record(k=k0 + it.k, x=it.x, fun=it.fun, grad=it.grad, step=it.step, direction=it.direction,
                  nfev=nfev0 + it.nfev, objective=guarded_value(problem.objective_function.fun, it.x),
                  violation=guarded_value(problem.max_violation, it.x), **fields)


@dataclass
class Tally:
    """Running totals of an outer run: records yielded (`k`), inner steps (`nit`), evaluations (`nfev`)."""

    k: int = 0
    nit: int = 0
    nfev: int = 0

    def inner_run(self, stream: Iterable[Iterate], record: type[R], problem: Problem, **fields: Any
                  ) -> Generator[R, None, Result]:
        """Yield an inner run's iterates as `record`s of the outer run; return its Result."""
        as_record = partial(_inner_record, record, problem, self.k, self.nfev, **fields)
        inner = yield from mapped(stream, as_record)
        self.k += inner.nit + 1  # every inner run yields its start point, then one record per step
        self.nit += inner.nit
        self.nfev += inner.nfev
        return inner


def _outer_rule_met(penalty_term: float, objective: float, epsilon: float) -> bool:
    """The outer stopping rule ``M alpha(x) <= epsilon max(1, |f(x)|)``.

    M alpha estimates the gap f(x*) - f(x) left by the penalty (with multiplier estimates
    lam_i = 2 M h_i(x), ``lam' h = 2 M alpha``), so comparing it with |f| makes the rule invariant to
    scaling f (when |f| >= 1); the 1 makes it absolute near f = 0.
    """
    return penalty_term <= epsilon * max(1.0, abs(objective))


def _final_status(problem: Problem, x: np.ndarray, inner: Status, tol: float) -> Status:
    """CONVERGED only if the point is first-order optimal to `tol`; else the inner run's own status.

    Under a large M the gradient of F carries rounding of order M eps, so the inner run may stall or
    hit its step limit at a point that is a KKT point to `tol` all the same: `Problem.optimality`
    decides, without M.
    """
    if inner == Status.PLATEAU:  # flat to rounding, so its tiny gradient says nothing: no minimizer
        return inner
    if inner == Status.CONVERGED or problem.optimality(x) < tol:
        return Status.CONVERGED
    return inner
