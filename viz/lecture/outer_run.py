"""`OuterRun`: the outer steps of one constrained run as plain arrays, what the lecture figures draw.

viz reads no solver type: `OuterRun.from_steps` is the one place where outer-step records are
read, by attribute (duck typing). Each record needs ``weight`` (M, or t for a barrier), ``x``
(the inner minimizer x(M)), ``violation``, ``multipliers`` (one estimate per constraint),
``inner_iterations``, ``condition`` (kappa of the inner Hessian at x(M)) and ``gap``; the
``OuterStep`` records of ``penalty`` have all of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["OuterRun"]

_FIELDS = ("weight", "violation", "condition", "inner_iterations", "gap")


def _read_only(values: Any, name: str, ndim: int) -> np.ndarray:
    try:
        array = np.array(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"OuterRun: {name} must be numbers, got {type(values).__name__}") from None
    if array.ndim != ndim:
        raise ValueError(f"OuterRun: {name} must be {ndim}-dimensional (one row per outer step), "
                         f"got shape {array.shape}")
    array.setflags(write=False)
    return array


@dataclass(frozen=True)
class OuterRun:
    """One run's outer steps, one entry per inner minimization, as read-only float arrays.

    Parameters
    ----------
    name : str
        The run's legend name, e.g. ``"pure penalty"``.
    weight, violation, condition, inner_iterations, gap : array_like, shape (k,)
        Per outer step: the weight M (or t), the largest constraint violation at x(M), the
        condition number of the inner Hessian there, the inner steps taken, and the gap
        f - L = -(lambda.h + mu.g) (m/t for a barrier on m inequalities).
    multipliers : array_like, shape (k, m)
        The multiplier estimates after each outer step (2 M h, lambda, -1/(t g), ...).
    x : array_like, shape (k, n)
        The inner minimizers x(M).
    weight_name : str
        ``"M"`` (penalty, multipliers) or ``"t"`` (barrier): the axis label of the weight.

    Raises
    ------
    ValueError
        When the arrays are not numbers, not of one length k >= 1, or a weight is not positive.
    """

    name: str
    weight: np.ndarray
    violation: np.ndarray
    condition: np.ndarray
    inner_iterations: np.ndarray
    gap: np.ndarray
    multipliers: np.ndarray
    x: np.ndarray
    weight_name: str = field(default="M")

    def __post_init__(self) -> None:
        for name in _FIELDS:
            object.__setattr__(self, name, _read_only(getattr(self, name), name, 1))
        object.__setattr__(self, "multipliers", _read_only(self.multipliers, "multipliers", 2))
        object.__setattr__(self, "x", _read_only(self.x, "x", 2))
        lengths = {name: len(getattr(self, name)) for name in (*_FIELDS, "multipliers", "x")}
        if len(set(lengths.values())) != 1 or lengths["weight"] == 0:
            raise ValueError(f"OuterRun {self.name!r}: every field needs one entry per outer step (k >= 1), "
                             f"got lengths {lengths}")
        if not np.all(self.weight > 0):
            raise ValueError(f"OuterRun {self.name!r}: weights must be positive, got {self.weight.tolist()}")

    def __len__(self) -> int:
        return len(self.weight)

    @property
    def is_barrier(self) -> bool:
        """The weight is a barrier parameter t (the gap m/t is what falls)."""
        return self.weight_name == "t"

    @classmethod
    def from_steps(cls, name: str, steps: Iterable[Any], *, weight_name: str = "M") -> OuterRun:
        """The run of outer-step records `steps` (read by attribute, see the module docstring)."""
        steps = list(steps)
        if not steps:
            raise ValueError(f"OuterRun {name!r}: no outer steps to draw")
        columns = {f: [getattr(s, f) for s in steps] for f in (*_FIELDS, "multipliers", "x")}
        return cls(name=name, weight_name=weight_name, **columns)


def common_weight_name(runs: Sequence[OuterRun]) -> str:
    """The weight's axis symbol shared by `runs`: ``M``, ``t``, or ``M, t`` when they mix."""
    names = sorted({r.weight_name for r in runs})
    return ", ".join(names)
