"""The method of multipliers (augmented Lagrangian): the penalty method that needs no M -> infinity."""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass

import numpy as np

from optimizers import Status, frozen_array

from ._augmented import augmented_lagrangian
from ._history import outer_step
from ._inner import FATAL, check_options, start_inner
from ._problem import Problem
from ._sumt import PenaltyIterate, PenaltyResult, Tally

__all__ = ["MultiplierIterate", "method_of_multipliers"]


@dataclass(frozen=True, kw_only=True)
class MultiplierIterate(PenaltyIterate):
    """A `PenaltyIterate` of the method of multipliers: `fun` and `grad` are those of L_A(.; lambda, mu, M).

    Attributes
    ----------
    multipliers : ndarray
        The (lambda, mu) of the inner function this point belongs to (inputs of L_A, not estimates).
    """

    multipliers: np.ndarray

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "multipliers", frozen_array(self.multipliers))


def method_of_multipliers(problem: Problem, x0, *, method: str = "gd", line_search: str | None = None,
                          M0: float = 1.0, C: float = 10.0, shrink: float = 0.25, epsilon: float = 1e-8,
                          tol: float = 1e-8, max_iter: int = 1000, max_outer: int = 50, step: float = 1.0
                          ) -> Generator[MultiplierIterate, None, PenaltyResult]:
    """Stream the method of multipliers: every inner iterate, for every (lambda, mu, M).

    Minimize L_A(x; lambda, mu, M) from the previous minimizer, then update
    lambda <- lambda + 2 M h(x), mu <- max(0, mu + 2 M g(x)); multiply M by C only when the
    constraint measure V did not fall below ``shrink`` times its previous value.

    Parameters
    ----------
    problem : Problem
    x0 : array_like, shape (problem.n,)
        Start point; it need not be feasible. The multipliers start at zero, so the first inner
        problem is the exterior penalty F(x; M0).
    method, line_search, step, tol, max_iter
        The inner minimizer, as in `exterior_penalty`; `tol` bounds max|grad L_A| per inner run.
        By default the line search is the method's own: exact for "gd" and "cg", Armijo
        backtracking from the full step for "newton" (it accepts Newton steps that change L_A
        by less than rounding, which an exact search on values cannot see).
    M0, C : float
        First penalty weight and its growth factor (> 1).
    shrink : float
        In (0, 1): the factor by which V must fall per outer step for M to stay.
    epsilon : float
        Stop when V < epsilon and the inner run converged.
    max_outer : int
        Most inner minimizations.

    Yields
    ------
    MultiplierIterate

    Returns
    -------
    PenaltyResult
        `multipliers` the final (lambda, mu); `M` the last weight; `outer_steps` one `OuterStep` each.

    Raises
    ------
    ValueError
        At the call, for a bad option or start point.

    Notes
    -----
    V = max(max_i |h_i|, max_j |max(g_j, -mu_j / (2M))|) = max |multiplier change| / (2M): zero exactly
    at a feasible point where the multipliers no longer move, i.e. complementarity holds. Since
    grad L_A(x; lambda, mu, M) = grad_x L(x; lambda+, mu+) with the updated multipliers, an inner
    tolerance `tol` and V < epsilon give a KKT point to those tolerances. The rule for M is
    Bertsekas' (1982, sec. 2.2.5; Nocedal & Wright, Framework 17.3 uses a similar test).
    """
    x = check_options(problem, x0, method=method, C=C, epsilon=epsilon, max_outer=max_outer,
                      weight0=("M0", M0), max_iter=max_iter)
    if not (isinstance(shrink, int | float) and 0 < shrink < 1):
        raise ValueError(f"shrink must be a number between 0 and 1, got {shrink!r}")
    if line_search is None:
        line_search = "armijo" if method == "newton" else "exact"
    options = dict(line_search=line_search, step=step, tol=tol, max_iter=max_iter)
    A = augmented_lagrangian(problem)
    start_inner(A.function(np.zeros(A.p), np.zeros(A.q), M0), method, x, options)  # validate now
    return _multipliers(problem, x, method, options, float(M0), float(C), float(shrink), float(epsilon),
                        max_outer)


def _multipliers(problem: Problem, x: np.ndarray, method: str, options: dict, M: float, C: float,
                 shrink: float, epsilon: float, max_outer: int
                 ) -> Generator[MultiplierIterate, None, PenaltyResult]:
    A = augmented_lagrangian(problem)
    f = problem.objective_function
    lam, mu = np.zeros(A.p), np.zeros(A.q)
    constrained = A.p + A.q > 0
    tally = Tally()
    V_prev = math.inf
    steps = []
    for outer in range(max_outer):
        L = A.function(lam, mu, M)
        inner = yield from tally.inner_run(start_inner(L, method, x, options), MultiplierIterate, problem,
                                           outer=outer, M=M,
                                           multipliers=np.concatenate([lam, mu]))
        x = np.array(inner.x)
        h, g = problem.constraint_values(x)
        lam_next, mu_next = lam + 2 * M * h, np.maximum(0.0, mu + 2 * M * g)
        V = float(np.max(np.abs(np.concatenate([h, np.maximum(g, -mu / (2 * M))])), initial=0.0))
        steps.append(outer_step(problem, outer, M, inner, np.concatenate([lam_next, mu_next]), L.hess))
        if inner.status in FATAL:
            status = inner.status
            break
        lam, mu = lam_next, mu_next
        converged = inner.status in (Status.CONVERGED, Status.STALLED)
        if (converged or inner.status == Status.PLATEAU) and (not constrained or V < epsilon):
            # With the multipliers settled, a plateau of L_A stays one: no later weight moves x.
            status = Status.CONVERGED if converged else Status.PLATEAU
            break
        if V > shrink * V_prev and outer + 1 < max_outer:
            M *= C
        V_prev = V
    else:
        status = Status.MAX_OUTER
    return PenaltyResult(x=x, fun=f.fun(x), jac=f.grad(x), nit=tally.nit, nfev=tally.nfev, status=status,
                         nouter=outer + 1, M=M, max_violation=problem.max_violation(x),
                         penalized_fun=inner.fun, multipliers=np.concatenate([lam, mu]),
                         outer_steps=tuple(steps))
