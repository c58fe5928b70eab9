"""The augmented Lagrangian L_A(x; lambda, mu, M) of a `Problem`, compiled once, multipliers as inputs."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import numpy as np
import sympy
from numpy.typing import ArrayLike

from ._compile import Compiled, bind, check_weight, lambdify
from ._problem import Problem, per_problem

__all__ = ["AugmentedLagrangian", "augmented_lagrangian"]


@per_problem
def augmented_lagrangian(problem: Problem) -> AugmentedLagrangian:
    """The (cached) augmented Lagrangian of `problem`: SymPy and lambdify run once per problem."""
    return AugmentedLagrangian(problem)


class AugmentedLagrangian:
    """The augmented Lagrangian of a problem, as SymPy compiled once.

    L_A(x; lambda, mu, M) = f + sum (lambda_i h_i + M h_i^2) + sum (max(0, mu_j + 2M g_j)^2 - mu_j^2) / (4M).

    Hestenes-Powell for the equalities, Rockafellar's form for the inequalities g_j <= 0, written in
    the project's convention F = f + M alpha: with lambda = mu = 0 it is the exterior penalty F(x; M).

    Parameters
    ----------
    problem : Problem

    Notes
    -----
    grad L_A = grad f + sum (lambda_i + 2M h_i) grad h_i + sum max(0, mu_j + 2M g_j) grad g_j, so at a
    minimizer x of L_A the first-order updates lambda <- lambda + 2M h(x), mu <- max(0, mu + 2M g(x))
    make grad_x L(x; lambda, mu) = 0 (Nocedal & Wright, sec. 17.3-17.4; Bertsekas, *Constrained
    Optimization and Lagrange Multiplier Methods*, 1982, sec. 3.1). The Hessian is the generalized
    one at the kinks mu_j + 2M g_j = 0, as for the penalty.
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.p, self.q = len(problem.equalities), len(problem.inequalities)

    @cached_property
    def _kernels(self):
        problem = self.problem
        x, f, M = problem.variables, problem.objective, problem.M
        lam = sympy.symbols(f"lambda:{self.p}", cls=sympy.Dummy)
        mu = sympy.symbols(f"mu:{self.q}", cls=sympy.Dummy)
        n = len(x)
        value = f
        grad = sympy.Matrix([sympy.diff(f, v) for v in x])
        hess = sympy.hessian(f, x)
        for lam_i, h in zip(lam, problem.equalities, strict=True):
            dh = sympy.Matrix([sympy.diff(h, v) for v in x])
            value += lam_i * h + M * h**2
            grad += (lam_i + 2 * M * h) * dh
            hess += (lam_i + 2 * M * h) * sympy.hessian(h, x) + 2 * M * (dh * dh.T)
        for mu_j, g in zip(mu, problem.inequalities, strict=True):
            dg = sympy.Matrix([sympy.diff(g, v) for v in x])
            s = mu_j + 2 * M * g
            value += (sympy.Max(0, s) ** 2 - mu_j**2) / (4 * M)
            grad += sympy.Max(0, s) * dg
            hess += sympy.Max(0, s) * sympy.hessian(g, x) + 2 * M * sympy.Heaviside(s, 0) * (dg * dg.T)
        args = (*x, *lam, *mu, M)
        return (lambdify(args, value), lambdify(args, list(grad)),
                lambdify(args, [[hess[i, j] for j in range(n)] for i in range(n)]))

    def function(self, lam: ArrayLike, mu: ArrayLike, M: float) -> Compiled:
        """L_A(.; lambda, mu, M) as plain numpy callables; binds the numbers, compiles nothing new.

        Parameters
        ----------
        lam : array_like, shape (p,)
            Multipliers of the equalities.
        mu : array_like, shape (q,)
            Multipliers of the inequalities, non-negative.
        M : float
            Penalty weight, positive.

        Returns
        -------
        Compiled
            ``along`` is the exact piecewise polynomial along a line when the problem is polynomial.
        """
        M = check_weight(M)
        lam = _vector(lam, self.p, "lambda")
        mu = _vector(mu, self.q, "mu")
        if np.any(mu < 0):
            raise ValueError(f"mu must be non-negative, got {mu.tolist()}")
        line = self.problem._penalized_line
        along = None
        if line is not None:
            shift, offset = mu / (2 * M), -float(mu @ mu) / (4 * M)
            lam_list = lam.tolist()

            def along(x, d):
                return line(x, d, M, lam=lam_list, shift=shift, offset=offset)

        return bind(self._kernels, self.problem.n, *lam, *mu, M, along=along)


def _vector(values: ArrayLike | Sequence[float], size: int, name: str) -> np.ndarray:
    v = np.array(values, dtype=float).reshape(-1)
    if v.shape != (size,) or not np.all(np.isfinite(v)):
        raise ValueError(f"{name} must be {size} finite numbers, got {np.ravel(values).tolist()}")
    return v
