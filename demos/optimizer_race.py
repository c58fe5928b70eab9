"""Gradient descent, momentum, Nesterov, Adam and Newton race from one start point.

Default ``--function beale``: Beale's function, f = (1.5 - x1 + x1 x2)^2 + (2.25 - x1 + x1 x2^2)^2
+ (2.625 - x1 + x1 x2^3)^2, from (1, 1) to its minimizer (3, 0.5). It is the one that teaches
best here because its minimizer lies at the end of a long, narrow, curved valley with a nearly
flat floor, where the methods differ most: plain gradient descent with a fixed step (t = 0.006,
about what the steep walls allow) crawls along the floor; heavy-ball momentum (beta = 0.9)
builds up speed along it but swings out across the valley before settling; Nesterov's look-ahead
damps that swing; Adam's per-coordinate scaling takes steps of nearly equal length whatever the
gradient's size, so it runs down the flat floor; Newton's method uses the curvature and arrives
in a handful of steps.

``--function saddle``: f = x1^4/4 - x1^2/2 + x2^2/2 from (0.01, 1.6), just beside the stable
manifold of the saddle at the origin. The first-order methods slide down to the saddle, where the
gradient almost vanishes, and leave it only as fast as the tiny x1 component grows; momentum and
Adam escape sooner. ``--function himmelblau``: four minima; from (-0.3, -0.9) Adam ends in a
different one than the others, since which basin a run reaches depends on its dynamics, not
only on where it starts.

Run ``python -m demos.optimizer_race`` or ``python -m demos.optimizer_race --export frames/ --no-show``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from demos._cli import animator_options, main
from optimizers import adam, gradient_descent, momentum, nesterov, newton
from penalty import Problem
from viz import Animator


@dataclass(frozen=True)
class Race:
    """A function of the race, its start, step sizes and framing."""

    text: str
    x0: tuple[float, float]
    learning_rate: float  # of gradient descent, momentum and Nesterov
    adam_rate: float
    domain: tuple[tuple[float, float], tuple[float, float]]
    view: tuple[float, float]
    max_iter: int = 200
    zlim: tuple[float, float] | None = None  # Beale's corners reach 10^4: cut the walls off


BEALE = "(1.5 - x1 + x1*x2)**2 + (2.25 - x1 + x1*x2**2)**2 + (2.625 - x1 + x1*x2**3)**2"
RACES = {
    "beale": Race(BEALE, (1.0, 1.0), 0.006, 0.1, ((-0.2, 3.8), (-1.5, 1.5)), (50.0, -125.0),
                  zlim=(-0.5, 25.0)),
    "saddle": Race("x1**4/4 - x1**2/2 + x2**2/2", (0.01, 1.6), 0.1, 0.1, ((-0.6, 1.6), (-1.1, 1.8)),
                   (40.0, -130.0), 150),
    "himmelblau": Race("(x1**2 + x2 - 11)**2 + (x1 + x2**2 - 7)**2", (-0.3, -0.9), 0.01, 0.1,
                       ((-5.0, 5.0), (-5.0, 5.0)), (50.0, -120.0), 150),
}


def streams(function: str = "beale") -> dict:
    """The five runs, by legend name (fresh generators)."""
    race = RACES[function]
    F = Problem(race.text).objective_function
    t, common = race.learning_rate, dict(max_iter=race.max_iter, tol=1e-4)
    return {
        f"gradient descent t={t}": gradient_descent(F.fun, F.grad, race.x0, line_search="fixed", step=t,
                                                    **common),
        "momentum β=0.9": momentum(F.fun, F.grad, race.x0, learning_rate=t, beta=0.9, **common),
        "Nesterov β=0.9": nesterov(F.fun, F.grad, race.x0, learning_rate=t, beta=0.9, **common),
        f"Adam t={race.adam_rate}": adam(F.fun, F.grad, race.x0, learning_rate=race.adam_rate, **common),
        "Newton": newton(F.fun, F.grad, F.hess, race.x0, **common),
    }


def build(args: argparse.Namespace) -> Animator:
    """The five runs on one surface, sized by the command-line flags."""
    race = RACES[args.function]
    problem = Problem(race.text)
    return Animator(streams(args.function), problem.objective_function.surface,
                    title=f"f(x) = {problem.latex('objective')}", domain=race.domain, view=race.view,
                    zlim=race.zlim, **animator_options(args))


def options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--function", choices=sorted(RACES), default="beale",
                   help="Beale's narrow valley, a saddle, or Himmelblau's four minima")


def run(argv: Sequence[str] | None = None, *, prog: str | None = None) -> int:
    """Entry point (also for tests): parse `argv`, build, export and show; `prog` names the command."""
    return main(build, __doc__.split("\n\n")[0], argv, options=options, prog=prog)


if __name__ == "__main__":
    sys.exit(run())
