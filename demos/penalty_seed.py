"""The seed's scene: the exterior penalty method on min -x1 + x2 s.t. x1 + x2 = 1, x2 >= 1.

From x0 = (-0.5, 0.2), with M0 = 1, C = 10 and epsilon = 1e-5, steepest descent with exact line
search minimizes F(x; M) = f + M alpha for M = 1, 10, 100, ... and walks to x* = (0, 1), f* = 1.
Watch the penalty walls rise around the line x1 + x2 = 1 each time M grows.

Run ``python -m demos.penalty_seed`` (a window; on a machine without a display it writes PNG
frames and says where), or export for slides:
``python -m demos.penalty_seed --export frames/ --gif seed.gif --mp4 seed.mp4 --no-show``.

Framing: the seed drew the grid 0..4, but x0 lies outside it and at M = 1 the iterates run out
to (1.5, 0) before turning back. The domain here is chosen from the trajectory instead (a square
around every iterate: about -1..2 in both coordinates), so the whole path stays in view.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from demos._cli import animator_options, main
from penalty import Problem, exterior_penalty
from viz import Animator

OBJECTIVE = "-x1 + x2"
CONSTRAINTS = ["x1 + x2 = 1", "x2 >= 1"]
X0 = (-0.5, 0.2)


def build(args: argparse.Namespace) -> tuple[Animator, dict[str, Any]]:
    """The seed problem's penalty run, as an animator sized by the command-line flags, and the
    live window's restart hook (a click on the contour view, or new M0 and C, runs it again)."""
    problem = Problem(OBJECTIVE, CONSTRAINTS)

    def rerun(x0: Sequence[float], M0: float, C: float) -> Iterator[Any]:
        return exterior_penalty(problem, x0, M0=M0, C=C, epsilon=1e-5)

    animator = Animator(
        rerun(X0, M0=1.0, C=10.0),
        surface_of_M=lambda M: problem.penalized_function(M).surface,
        equalities=problem.equality_functions,
        inequalities=problem.inequality_functions,
        title=f"F(x; M) = {problem.latex()}",
        view=(30.0, -50.0),  # looking along the valley x1 + x2 = 1, from its low end
        **animator_options(args),
    )
    return animator, dict(rerun=rerun, params={"M0": 1.0, "C": 10.0})


def run(argv: Sequence[str] | None = None, *, prog: str | None = None) -> int:
    """Entry point (also for tests): parse `argv`, build, export and show; `prog` names the command."""
    return main(build, __doc__.split("\n\n")[0], argv, prog=prog)


if __name__ == "__main__":
    sys.exit(run())
