"""Pure penalty beside the method of multipliers: same inner steepest descent, but M stays bounded.

The seed problem, min -x1 + x2 subject to x1 + x2 = 1 and x2 >= 1 (x* = (0, 1), multipliers
lambda* = 1, mu* = 2 in L = f + lambda h + mu g with g = 1 - x2 <= 0), from x0 = (-0.5, 0.2), both
runs minimizing with steepest descent and exact line search to max|grad| < 1e-7, each outer step
from the previous minimizer.

The pure penalty minimizes F(x; M) = f + M alpha and reads the multipliers off as 2 M h: its
minimizer misses x* by O(1/M), so M must grow tenfold per step until M alpha < 1e-9, to M = 1e10.
The method of multipliers minimizes the augmented Lagrangian L_A(x; lambda, mu, M) and updates
lambda <- lambda + 2 M h, mu <- max(0, mu + 2 M g): the violation goes to zero with M at most 100,
because the shift by the multipliers, not the weight, moves the minimizer onto the constraints.
The tables printed below the runs give M, violation, condition number and multipliers per step.

Both paths are drawn on one surface, L_A(x; lambda*, mu*, M = 1), whose minimizer is x* itself: the
function the method of multipliers converges to. Labels and curves show that surface's value and
gradient at each point (the runs' own inner functions change from step to step).

With ``--export DIR`` the demo also writes ``DIR/outer_steps.png`` (both runs: violation against M,
log-log, with the pure penalty's slope -1; kappa; lambda and mu against the outer step with
lambda* = 1, mu* = 2 dashed; inner iterations per step) and ``DIR/contours_by_M.png`` (the
contours of the pure penalty's F for M = 1, 10, 100, 1000 with x(M) and x*).

Run ``python -m demos.penalty_vs_multipliers`` or add ``--export frames/ --no-show``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from demos._cli import Built, animator_options, main
from demos._lecture import (
    CONTOURS_PNG,
    OUTER_STEPS_PNG,
    contours_by_M,
    on_surface,
    outer_steps_figure,
    outer_table,
)
from optimizers import run as drain
from penalty import Problem, augmented_lagrangian, exterior_penalty, method_of_multipliers
from viz import Animator

OBJECTIVE, CONSTRAINTS = "-x1 + x2", ["x1 + x2 = 1", "x2 >= 1"]
X0 = (-0.5, 0.2)
INNER = dict(method="gd", line_search="exact", tol=1e-7, max_iter=300)
NAMES = ["lambda", "mu"]
X_STAR = (0.0, 1.0)
DOMAIN = ((-0.9, 1.6), (-0.1, 2.4))


def streams(problem: Problem) -> dict:
    """The two runs by legend name (fresh generators of the solvers' own records)."""
    return {
        "pure penalty": exterior_penalty(problem, X0, M0=1.0, C=10.0, epsilon=1e-9, **INNER),
        "method of multipliers": method_of_multipliers(problem, X0, M0=1.0, C=10.0, epsilon=1e-9, **INNER),
    }


def build(args: argparse.Namespace) -> Built:
    """Both runs on L_A(x; lambda*, mu*, M = 1), and the two still figures; prints each run's table."""
    problem = Problem(OBJECTIVE, CONSTRAINTS)
    reference = drain(streams(problem)["method of multipliers"])
    star = reference.multipliers  # computed by the method itself, not typed in
    S = augmented_lagrangian(problem).function(star[:1], star[1:], reference.M)
    runs = {name: on_surface(stream, S.fun, S.grad) for name, stream in streams(problem).items()}
    title = rf"$L_A(x;\ \lambda^*={star[0]:.4g},\ \mu^*={star[1]:.4g},\ M={reference.M:g})$, minimal at $x^*$"
    animator = Animator(runs, S.surface, title=title,
                        domain=DOMAIN, view=(35.0, -50.0), **animator_options(args))
    results = {name: drain(stream) for name, stream in streams(problem).items()}  # whole runs, past --frames
    for name, result in results.items():
        print(outer_table(f"{name}:", result, names=NAMES))
    size = dict(figsize=tuple(args.size), dpi=args.dpi)
    figures = {
        OUTER_STEPS_PNG: lambda: outer_steps_figure(
            results, star=star, names=["\u03bb", "\u03bc"], **size,
            title="min \u2212x1 + x2 s.t. x1 + x2 = 1, x2 \u2265 1: pure penalty vs method of multipliers"),
        CONTOURS_PNG: lambda: contours_by_M(
            problem, X0, DOMAIN, x_star=X_STAR, **size,
            title="contours of the pure penalty's F(x; M) = f + M (h\u00b2 + max(0, g)\u00b2)"),
    }
    return Built(animator, figures=figures)


def run(argv: Sequence[str] | None = None) -> int:
    """Entry point (also for tests): parse `argv`, build, export and show."""
    return main(build, __doc__.split("\n\n")[0], argv)


if __name__ == "__main__":
    sys.exit(run())
