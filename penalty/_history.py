"""`OuterStep`: what one outer step of a penalty, multiplier or barrier method teaches, as plain data.

Sign convention, shared by the three outer methods: constraints are h_i(x) = 0 and g_j(x) <= 0
(``x2 >= 1`` is stored as g = 1 - x2), and the Lagrangian is L(x; lambda, mu) = f + lambda.h + mu.g
with mu >= 0. At a KKT point grad f + sum lambda_i grad h_i + sum mu_j grad g_j = 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from optimizers import Result, Status, frozen_array, guarded_array, guarded_value

from ._problem import Problem

__all__ = ["OuterStep", "condition_number", "outer_step", "penalty_estimates"]


@dataclass(frozen=True, kw_only=True)
class OuterStep:
    """One outer step: the inner minimizer of one weight, and what it says about the constrained problem.

    Attributes
    ----------
    outer : int
        Index of the outer step, from 0.
    weight : float
        The weight of this inner problem: the penalty weight M (penalty, multipliers) or the
        barrier parameter t (barrier, B = f - (1/t) sum log(-g_j)).
    x : ndarray
        The inner minimizer x(M) (or x(t)), where the inner run stopped.
    objective : float
        f(x).
    violation : float
        Largest constraint violation at x: max |h_i| and max(0, g_j).
    multipliers : ndarray
        Estimates of (lambda_1..lambda_p, mu_1..mu_q) at x: 2 M h_i and 2 M max(0, g_j) for the
        penalty; the first-order update lambda + 2 M h, max(0, mu + 2 M g) for the multipliers;
        2 t h_i and -1/(t g_j) for the barrier.
    inner_iterations : int
        Steps of the inner run.
    condition : float
        Condition number (2-norm) of the Hessian of the inner function at x; inf if singular.
    gap : float
        f(x) - L(x; multipliers) = -(lambda.h + mu.g). For the barrier on inequalities alone it is
        m/t, the duality gap of a convex problem (Boyd & Vandenberghe, sec. 11.2.2).
    status : Status
        How the inner run ended.
    """

    outer: int
    weight: float
    x: np.ndarray
    objective: float
    violation: float
    multipliers: np.ndarray
    inner_iterations: int
    condition: float
    gap: float
    status: Status

    def __post_init__(self) -> None:
        object.__setattr__(self, "x", frozen_array(self.x))
        object.__setattr__(self, "multipliers", frozen_array(self.multipliers))


def condition_number(H: np.ndarray) -> float:
    """sigma_max / sigma_min of `H` (inf when singular, nan when not finite)."""
    H = np.asarray(H, dtype=float)
    if not np.all(np.isfinite(H)):
        return math.nan
    s = np.linalg.svd(H, compute_uv=False)
    return float(s[0] / s[-1]) if s[-1] > 0 else math.inf


def penalty_estimates(problem: Problem, x: np.ndarray, M: float) -> np.ndarray:
    """(2 M h_i(x), 2 M max(0, g_j(x))): the multipliers read off the exterior penalty's minimizer.

    Notes
    -----
    grad F = grad f + sum 2 M h_i grad h_i + sum 2 M max(0, g_j) grad g_j vanishes at x(M), which
    is the KKT condition with these numbers as multipliers (Nocedal & Wright, eq. 17.5).
    """
    n_eq = len(problem.equalities)
    n_c = n_eq + len(problem.inequalities)
    c = guarded_array(lambda: np.concatenate(problem.constraint_values(x)), (n_c,))
    with np.errstate(all="ignore"):
        return np.concatenate([2.0 * M * c[:n_eq], 2.0 * M * np.maximum(c[n_eq:], 0.0)])


def outer_step(problem: Problem, outer: int, weight: float, inner: Result, multipliers: np.ndarray,
               hess: Callable[[np.ndarray], np.ndarray]) -> OuterStep:
    """The `OuterStep` of an inner run that ended at ``inner.x``, with the Hessian `hess` of its function."""
    x = np.asarray(inner.x, dtype=float)
    n_c = len(problem.equalities) + len(problem.inequalities)
    c = guarded_array(lambda: np.concatenate(problem.constraint_values(x)), (n_c,))
    with np.errstate(all="ignore"):
        gap = -float(np.dot(multipliers, c))
    condition = condition_number(guarded_array(hess, (problem.n, problem.n), x))
    return OuterStep(outer=outer, weight=float(weight), x=x,
                     objective=guarded_value(problem.objective_function.fun, x),
                     violation=guarded_value(problem.max_violation, x), multipliers=multipliers,
                     inner_iterations=int(inner.nit), condition=condition, gap=gap, status=inner.status)
