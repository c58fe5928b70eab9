"""Why the pure penalty needs M -> infinity, and what it costs: the valley narrows, kappa grows like M.

Nocedal & Wright, Example 17.1: min x1 + x2 subject to x1^2 + x2^2 = 2, with x* = (-1, -1) and
lambda* = 1/2 (in L = f + lambda h). The quadratic penalty F(x; M) = x1 + x2 + M (x1^2 + x2^2 - 2)^2
is minimized for M = 0.5, 5, 50 by steepest descent with exact line search, each time from the
previous minimizer. Watch the valley around the circle narrow as M grows; the table printed below
the run says why that matters: the minimizer x(M) sits on the diagonal at s(M) = -1.10716, -1.012273,
-1.001248, ... (the violation falls like 1/M), the estimate 2 M h(x(M)) of the multiplier converges
to 1/2 (0.4516, 0.49394, 0.499377), and the condition number of the Hessian of F at x(M) grows like
M (11.86, 83.98, 804.0): a steepest-descent step through such a valley zig-zags, which is
why the method of multipliers (see ``penalty_vs_multipliers``) keeps M bounded.

With ``--export DIR`` the demo also writes two still figures beside the frames:
``DIR/outer_steps.png`` (violation and kappa against M on log-log axes with the slopes -1 and 1,
2 M h against the outer step with lambda* = 1/2 dashed, inner iterations per step) and
``DIR/contours_by_M.png`` (the contours of F for M = 1, 10, 100, 1000 with x(M) and x*:
N&W figs. 17.1-17.2).

Run ``python -m demos.conditioning`` or ``python -m demos.conditioning --export frames/ --no-show``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from demos._cli import Built, animator_options, main
from demos._lecture import CONTOURS_PNG, OUTER_STEPS_PNG, contours_by_M, outer_steps_figure, outer_table
from optimizers import run as drain
from penalty import Problem, exterior_penalty
from viz import Animator

OBJECTIVE, CONSTRAINTS = "x1 + x2", ["x1^2 + x2^2 = 2"]
X0 = (-0.4, -1.6)  # off the diagonal, so the first weight shows the zig-zag into the valley
WEIGHTS = dict(M0=0.5, C=10.0, epsilon=5e-3)  # M alpha <= 5e-3 |f| first at M = 50: N&W's three weights
DOMAIN = ((-1.75, -0.25), (-1.75, -0.25))  # the quarter of the circle around x*
X_STAR, LAMBDA_STAR = (-1.0, -1.0), 0.5


def stream(problem: Problem, method: str = "gd"):
    """The penalty run of the demo: four weights, each inner run to max|grad F| < 1e-8."""
    return exterior_penalty(problem, X0, method=method, tol=1e-8, max_iter=300, **WEIGHTS)


def build(args: argparse.Namespace) -> Built:
    """The run on F(x; M), redrawn for each M, with the circle h = 0, and the two still figures;
    prints the per-weight table."""
    problem = Problem(OBJECTIVE, CONSTRAINTS)
    animator = Animator(
        stream(problem, args.method),
        surface_of_M=lambda M: problem.penalized_function(M).surface,
        equalities=problem.equality_functions,
        title=f"F(x; M) = {problem.latex()}",
        domain=DOMAIN,
        view=(40.0, -150.0),
        grid=120,  # the valley at M = 50 is narrow: a coarse grid would alias it into spikes
        **animator_options(args),
    )
    # The whole run for the table, even when --frames stops the animation's copy early.
    result = drain(stream(problem, args.method))
    print(outer_table("N&W Example 17.1, pure penalty F = f + M h^2 (2 M h -> lambda* = 1/2):",
                      result, names=["2 M h"]))
    size = dict(figsize=tuple(args.size), dpi=args.dpi)
    figures = {
        OUTER_STEPS_PNG: lambda: outer_steps_figure(
            {"pure penalty": result}, star=[LAMBDA_STAR], names=["2Mh"], **size,
            title="N&W Example 17.1: min x1 + x2 s.t. x1\u00b2 + x2\u00b2 = 2, pure penalty per weight M"),
        CONTOURS_PNG: lambda: contours_by_M(
            problem, X0, DOMAIN, x_star=X_STAR, **size,
            title="contours of F(x; M) = x1 + x2 + M (x1\u00b2 + x2\u00b2 \u2212 2)\u00b2: "
                  "the valley narrows as M grows"),
    }
    return Built(animator, figures=figures)


def options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--method", choices=["gd", "cg", "newton"], default="gd", help="inner minimizer")


def run(argv: Sequence[str] | None = None) -> int:
    """Entry point (also for tests): parse `argv`, build, export and show."""
    return main(build, __doc__.split("\n\n")[0], argv, options=options)


if __name__ == "__main__":
    sys.exit(run())
