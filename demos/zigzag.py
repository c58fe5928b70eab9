"""Steepest descent zig-zags with right angles; conjugate gradient takes n steps, Newton one.

On the ill-conditioned quadratic f = x1^2 + 10 x2^2 (condition number 10), steepest descent with
exact line search stops each step where the line is tangent to a level curve, so the next
gradient is orthogonal to the last step: the path zig-zags at right angles and crawls towards
the minimizer (the error shrinks by (kappa - 1) / (kappa + 1) = 9/11 per step at worst; Nocedal
& Wright, *Numerical Optimization*, 2nd ed., sec. 3.3). Conjugate gradient with the same exact
line search reaches the minimizer in n = 2 steps (sec. 5.1), and Newton's full step in one,
because its quadratic model is the function itself.

``--function rosenbrock`` runs the three on Rosenbrock's banana valley from (0, 1): steepest
descent zig-zags along the curved valley floor and is still far from (1, 1) after 300 steps, CG
(Polak-Ribiere+) needs about two dozen, Newton eight.

Run ``python -m demos.zigzag`` (a window; without a display it writes PNG frames), or for
slides ``python -m demos.zigzag --export frames/ --gif zigzag.gif --no-show``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from demos._cli import animator_options, main
from optimizers import conjugate_gradient, gradient_descent, newton
from penalty import Problem
from viz import Animator


@dataclass(frozen=True)
class Setup:
    """One function of the demo, its start point and framing."""

    text: str
    x0: tuple[float, float]
    domain: tuple[tuple[float, float], tuple[float, float]]
    max_iter: int
    view: tuple[float, float]


FUNCTIONS = {
    # x0 on the line where the zig-zag is widest (x1 = kappa x2 for kappa = 10): the worst case
    "quadratic": Setup("x1**2 + 10*x2**2", (8.0, 0.8), ((-1.5, 8.5), (-5.0, 5.0)), 200, (38.0, -120.0)),
    # From (0, 1), not the textbook (-1.2, 1): there the exact line search's first step jumps across
    # the valley to its far end, and the crawl along the floor hides under the other paths.
    "rosenbrock": Setup("100*(x2 - x1**2)**2 + (1 - x1)**2", (0.0, 1.0), ((-0.45, 1.45), (-0.35, 1.55)), 300,
                        (40.0, -115.0)),
}


def streams(function: str = "quadratic") -> dict:
    """The three runs of the demo, by legend name (fresh generators)."""
    setup = FUNCTIONS[function]
    F = Problem(setup.text).objective_function
    common = dict(along=F.along, max_iter=setup.max_iter, tol=1e-4)
    return {
        "steepest descent": gradient_descent(F.fun, F.grad, setup.x0, line_search="exact", **common),
        "conjugate gradient": conjugate_gradient(F.fun, F.grad, setup.x0, line_search="exact", **common),
        "Newton": newton(F.fun, F.grad, F.hess, setup.x0, line_search="armijo", step=1.0, **common),
    }


def build(args: argparse.Namespace) -> Animator:
    """The three runs on one surface, sized by the command-line flags."""
    setup = FUNCTIONS[args.function]
    problem = Problem(setup.text)
    return Animator(streams(args.function), problem.objective_function.surface,
                    title=f"f(x) = {problem.latex('objective')}", domain=setup.domain, view=setup.view,
                    **animator_options(args))


def options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--function", choices=sorted(FUNCTIONS), default="quadratic",
                   help="the ill-conditioned quadratic, or Rosenbrock's valley")


def run(argv: Sequence[str] | None = None, *, prog: str | None = None) -> int:
    """Entry point (also for tests): parse `argv`, build, export and show; `prog` names the command."""
    return main(build, __doc__.split("\n\n")[0], argv, options=options, prog=prog)


if __name__ == "__main__":
    sys.exit(run())
