"""What the penalty-methods lecture demos share: the per-outer-step table, and runs drawn on one surface."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Sequence
from typing import Any

import numpy as np

from optimizers import Iterate

__all__ = ["on_surface", "outer_table"]


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
