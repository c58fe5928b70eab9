"""Choosing the step: fixed steps too small, too large and diverging, beside Armijo and exact search.

Steepest descent, d = -grad f, on f = x1^2 + 5 x2^2 + (x1^4 + x2^4)/4 from (-2.5, 1.2), five ways
to choose the step t:

* fixed t = 0.01, far below 2/L (L = 10, the largest curvature at the minimizer): every step is
  safe and short, and after 80 steps the run is still creeping along the flat x1 direction;
* fixed t = 0.17, just below 2/L: the steep x2 direction overshoots at every step, so the path
  zig-zags across the valley (the factor |1 - t lambda| = 0.7 per step) yet converges;
* fixed t = 0.19: the first steps land where the quartic terms make the curvature larger, past
  the stability limit 2/lambda; each overshoot lands higher, the run leaves the picture within a
  few steps, its values overflow and the optimizer ends it with ``Status.DIVERGED`` (the path is
  drawn to the frame's edge, where it left);
* Armijo backtracking from t = 1: halve until f decreases by at least c1 t |g|^2, so no step
  length has to be guessed;
* exact line search: the minimizer of phi(t) = f(x + t d), solved from the polynomial phi, and
  successive steps meet at right angles.

The line-search inset shows each run's phi(t) around its last step, scaled so the chosen t sits
at the tick t*: too small a step stops while phi is still falling, too large a step climbs the
far side, the exact step sits at the bottom (Nocedal & Wright, *Numerical Optimization*, 2nd
ed., sec. 3.1 and 3.3).

Run ``python -m demos.line_search`` or ``python -m demos.line_search --export frames/ --no-show``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from demos._cli import animator_options, main
from optimizers import gradient_descent
from penalty import Problem
from viz import Animator

FUNCTION = "x1**2 + 5*x2**2 + (x1**4 + x2**4)/4"
X0 = (-2.5, 1.2)
DOMAIN = ((-3.0, 3.0), (-3.0, 3.0))
MAX_ITER = 80
SMALL, LARGE, DIVERGING = 0.01, 0.17, 0.19


def streams() -> dict:
    """The five runs, by legend name (fresh generators)."""
    F = Problem(FUNCTION).objective_function
    common = dict(max_iter=MAX_ITER, tol=1e-4)

    def fixed(t: float):
        return gradient_descent(F.fun, F.grad, X0, line_search="fixed", step=t, **common)

    return {
        f"fixed t={SMALL} (small)": fixed(SMALL),
        f"fixed t={LARGE} (large)": fixed(LARGE),
        f"fixed t={DIVERGING} (diverges)": fixed(DIVERGING),
        "Armijo": gradient_descent(F.fun, F.grad, X0, line_search="armijo", step=1.0, **common),
        "exact": gradient_descent(F.fun, F.grad, X0, line_search="exact", along=F.along, **common),
    }


def build(args: argparse.Namespace) -> Animator:
    """The five runs on one surface, sized by the command-line flags."""
    problem = Problem(FUNCTION)
    return Animator(streams(), problem.objective_function.surface,
                    title=f"f(x) = {problem.latex('objective')}", domain=DOMAIN, view=(45.0, -115.0),
                    **animator_options(args))


def run(argv: Sequence[str] | None = None, *, prog: str | None = None) -> int:
    """Entry point (also for tests): parse `argv`, build, export and show; `prog` names the command."""
    return main(build, __doc__.split("\n\n")[0], argv, prog=prog)


if __name__ == "__main__":
    sys.exit(run())
