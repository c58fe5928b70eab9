"""What the penalty-methods lecture demos share: the per-outer-step table, and runs drawn on one surface."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from optimizers import Iterate

__all__ = ["CONTOURS_PNG", "OUTER_STEPS_PNG", "central_path_contours", "contours_by_M", "on_surface",
           "outer_steps_figure", "outer_table"]

OUTER_STEPS_PNG, CONTOURS_PNG = "outer_steps.png", "contours_by_M.png"


def outer_table(title: str, result: Any, *, weight: str = "M", names: Sequence[str] = ()) -> str:
    """The outer steps of a `penalty.PenaltyResult` as a text table, one row per inner minimization.

    Columns: the weight (M or t), the violation at x(weight), the condition number of the inner
    Hessian there, the inner iterations and the multiplier estimates (and, for a barrier, the gap
    -(lambda.h + mu.g), which is m/t without equalities).
    """
    steps = result.outer_steps
    size = steps[0].multipliers.size if steps else 0
    names = list(names) or [f"m{j + 1}" for j in range(size)]
    head = f"{'outer':>5} {weight:>9} {'violation':>10} {'kappa':>10} {'inner':>6}"
    head += "".join(f" {n:>10}" for n in names) + (f" {'gap':>10}" if weight == "t" else "")
    lines = [title, head]
    for s in steps:
        row = (f"{s.outer:>5} {s.weight:>9.3g} {s.violation:>10.3e} {s.condition:>10.4g} "
               f"{s.inner_iterations:>6}")
        row += "".join(f" {v:>10.6g}" for v in s.multipliers) + (f" {s.gap:>10.3e}" if weight == "t" else "")
        lines.append(row)
    lines.append(f"{result.message} x = ({', '.join(f'{v:.8g}' for v in result.x)}), f = {result.fun:.10g}, "
                 f"{result.nit} inner steps")
    return "\n".join(lines)


def on_surface(stream: Iterable[Any], fun: Callable[[np.ndarray], float],
               grad: Callable[[np.ndarray], np.ndarray]) -> Generator[Iterate, None, Any]:
    """The points of an outer method's `stream` as plain iterates of the drawn surface ``fun``.

    A comparison figure draws several runs over one fixed surface and labels each point with that
    surface's value and gradient; the runs' own inner functions (F(x; M), L_A(x; lambda, mu, M))
    change from one outer step to the next, so each point is re-evaluated on the drawn function,
    which keeps every label true. Steps are dropped: the line search was on another function.
    Returns what `stream` returned.
    """
    iterator = iter(stream)
    k = 0
    while True:
        try:
            it = next(iterator)
        except StopIteration as stop:
            return stop.value
        yield Iterate(k=k, x=it.x, fun=fun(it.x), grad=grad(it.x), nfev=it.nfev)
        k += 1


def outer_steps_figure(results: Mapping[str, Any], *, barrier: Sequence[str] = (), **options: Any):
    """`viz.lecture.outer_figure` of the runs `results` (legend name -> `penalty.PenaltyResult`).

    The runs named in `barrier` have the weight t; `options` go to `viz.lecture.outer_figure` (``star``,
    ``names``, ``m``, ``title``, ``figsize``, ``dpi``).
    """
    from viz.lecture import OuterRun, outer_figure

    runs = [OuterRun.from_steps(name, result.outer_steps, weight_name="t" if name in barrier else "M")
            for name, result in results.items()]
    return outer_figure(runs, **options)


def contours_by_M(problem: Any, x0: Sequence[float], domain: Any, *,
                  weights: Sequence[float] = (1, 10, 100, 1000), x_star: Sequence[float] | None = None,
                  **options: Any):
    """`viz.lecture.small_multiples` of the quadratic penalty F(x; M) of `problem` for `weights`, with x(M).

    Each x(M) is the minimizer found by Newton's method on F(x; M), warm-started from the
    previous one (from `x0` for the first weight), as the exterior penalty does.
    """
    from optimizers import run
    from penalty import exterior_penalty
    from viz.lecture import small_multiples

    weights, C = _geometric(weights)
    # epsilon below any M alpha: the run stops after exactly len(weights) weights.
    result = run(exterior_penalty(problem, x0, method="newton", M0=weights[0], C=C, epsilon=1e-300,
                                  max_outer=len(weights), tol=1e-10, max_iter=200))
    minimizers = np.array([s.x for s in result.outer_steps])
    return small_multiples(lambda M: problem.penalized_function(M).surface, weights, domain,
                           minimizers=minimizers, x_star=x_star, equalities=problem.equality_functions,
                           inequalities=problem.inequality_functions, **options)


def central_path_contours(problem: Any, x0: Sequence[float], domain: Any, *,
                          weights: Sequence[float] = (1, 10, 100, 1000),
                          x_star: Sequence[float] | None = None, **options: Any):
    """`viz.lecture.small_multiples` of the log barrier B(x; t) of `problem` for t in `weights`, with x(t).

    x(t) is Newton's minimizer of B(x; t), warm-started from the previous one (from the strictly
    feasible `x0` first): the points of the central path. B is +inf outside the interior, which
    the panels leave blank.
    """
    from optimizers import run
    from penalty import barrier_function, log_barrier
    from viz.lecture import small_multiples

    weights, C = _geometric(weights)
    result = run(log_barrier(problem, x0, method="newton", t0=weights[0], C=C, epsilon=1e-300,
                             max_outer=len(weights), tol=1e-10, max_iter=200))
    barrier = barrier_function(problem)
    return small_multiples(lambda t: barrier.function(t).surface, weights, domain,
                           minimizers=np.array([s.x for s in result.outer_steps]), x_star=x_star,
                           equalities=problem.equality_functions, inequalities=problem.inequality_functions,
                           weight_name="t", **options)


def _geometric(weights: Sequence[float]) -> tuple[list[float], float]:
    """`weights` as floats and their common ratio C (10 for a single weight)."""
    w = np.asarray(weights, dtype=float)
    ratios = w[1:] / w[:-1]
    if ratios.size and not np.allclose(ratios, ratios[0], rtol=1e-12):
        raise ValueError(f"weights must grow by one factor (w0, w0 C, w0 C^2, ...), got {w.tolist()}")
    return [float(v) for v in w], float(ratios[0]) if ratios.size else 10.0
