"""The log barrier: the central path x(t) approaches the optimum from inside, never touching the boundary.

min x1 + x2 subject to x1^2 + x2^2 <= 2, x1 >= -1.25 and x2 <= 1, from x0 = (0.5, 0.5) inside: x* =
(-1, -1) on the circle, with mu* = (1/2, 0, 0) in L = f + mu.g (g <= 0). For t = 1, 4, 16, ...
Newton's method (exact line search) minimizes B(x; t) = f - (1/t) sum log(-g_j) from the previous
minimizer. Where t is small the barrier keeps x(t) near the analytic center; as t grows the wall
at the boundary gets thinner and x(t) slides along the central path to x*. The barrier is +inf
outside, so no line search can step out: every iterate is strictly feasible. The table printed
below the run has, per t, the estimates mu_j = -1/(t g_j) (converging to mu*) and the duality gap
f(x(t)) - min_x L(x; mu(t)) = m/t, which bounds f(x(t)) - f*: the method stops when it is <= 1e-4.

The label's M is 1/t, the weight of the barrier term in B = f + M (-sum log(-g_j)).

With ``--export DIR`` the demo also writes ``DIR/outer_steps.png`` (the duality gap against t,
log-log, on the line m/t; kappa of the Hessian of B; the estimates mu_j against the outer step
with their final values dashed; Newton's iterations per t) and ``DIR/contours_by_t.png`` (the
contours of B for t = 1, 10, 100, 1000 with x(t): the central path, from inside).

Run ``python -m demos.barrier`` or ``python -m demos.barrier --export frames/ --no-show``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from demos._cli import Built, animator_options, main
from demos._lecture import OUTER_STEPS_PNG, central_path_contours, outer_steps_figure, outer_table
from optimizers import run as drain
from penalty import Problem, barrier_function, log_barrier
from viz import Animator

OBJECTIVE, CONSTRAINTS = "x1 + x2", ["x1^2 + x2^2 <= 2", "x1 >= -1.25", "x2 <= 1"]
X0 = (0.5, 0.5)
X_STAR = (-1.0, -1.0)
DOMAIN = ((-1.5, 1.3), (-1.5, 1.3))
CONTOURS_PNG = "contours_by_t.png"


def stream(problem: Problem, method: str = "newton"):
    """The barrier run of the demo: t = 1, 4, 16, ... until the gap m/t <= 1e-4."""
    return log_barrier(problem, X0, method=method, t0=1.0, C=4.0, epsilon=1e-4, tol=1e-8, max_iter=200)


def build(args: argparse.Namespace) -> Built:
    """The run on B(x; t), redrawn for each t, with the feasible set hatched, and the per-outer
    figure; prints the table."""
    problem = Problem(OBJECTIVE, CONSTRAINTS)
    barrier = barrier_function(problem)
    animator = Animator(
        stream(problem, args.method),
        surface_of_M=lambda M: barrier.function(1.0 / M).surface,
        inequalities=problem.inequality_functions,
        title=r"$B(x;\ t) = x_1 + x_2 - \frac{1}{t}\,\sum_j \log(-g_j(x))$,  $M = 1/t$",
        domain=DOMAIN,
        view=(40.0, -150.0),
        grid=100,
        **animator_options(args),
    )
    # The whole run for the table, even when --frames stops the animation's copy early.
    result = drain(stream(problem, args.method))
    print(outer_table("log barrier (mu_j = -1/(t g_j) -> mu* = (1/2, 0, 0)):", result, weight="t",
                      names=["mu circle", "mu x1", "mu x2"]))
    size = dict(figsize=tuple(args.size), dpi=args.dpi)
    figures = {
        OUTER_STEPS_PNG: lambda: outer_steps_figure(
            {"log barrier": result}, barrier=["log barrier"], m=len(problem.inequalities),
            names=["\u03bc circle", "\u03bc x1", "\u03bc x2"], **size,
            title="log barrier B(x; t) = x1 + x2 \u2212 (1/t) \u03a3 log(\u2212g\u2c7c): per t"),
        CONTOURS_PNG: lambda: central_path_contours(
            problem, X0, DOMAIN, x_star=X_STAR, **size,
            title="contours of B(x; t): the central path x(t) reaches x* from inside"),
    }
    return Built(animator, figures=figures)


def options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--method", choices=["newton", "gd", "cg"], default="newton", help="inner minimizer")


def run(argv: Sequence[str] | None = None) -> int:
    """Entry point (also for tests): parse `argv`, build, export and show."""
    return main(build, __doc__.split("\n\n")[0], argv, options=options)


if __name__ == "__main__":
    sys.exit(run())
