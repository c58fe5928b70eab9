"""Constrained problems: SymPy in, compiled numpy functions out, and the outer methods.

`Problem` holds an objective and constraints (text, parsed safely by `parse_expression` and
`parse_constraint`, or SymPy); `Problem.penalized_function` gives F(x; M) as `Compiled` numpy
callables. Three outer methods stream their iterates: `exterior_penalty` (`PenaltyIterate`),
`method_of_multipliers` (augmented Lagrangian, `MultiplierIterate`) and `log_barrier`
(`BarrierIterate`); `iterates(problem, x0, outer=...)` picks one and `solve` runs it to its
`PenaltyResult`, whose `outer_steps` hold one `OuterStep` per inner minimization. Every input
mistake raises a one-line `ProblemError`.
"""

from ._augmented import AugmentedLagrangian, augmented_lagrangian
from ._barrier import Barrier, BarrierIterate, barrier_function, log_barrier
from ._compile import Compiled
from ._grammar import ProblemError
from ._history import OuterStep
from ._multipliers import MultiplierIterate, method_of_multipliers
from ._outer import OUTER_METHODS, iterates, solve
from ._parse import parse_constraint, parse_expression
from ._problem import Problem
from ._sumt import PenaltyIterate, PenaltyResult, exterior_penalty

__all__ = [
    "OUTER_METHODS",
    "AugmentedLagrangian",
    "Barrier",
    "BarrierIterate",
    "Compiled",
    "MultiplierIterate",
    "OuterStep",
    "PenaltyIterate",
    "PenaltyResult",
    "Problem",
    "ProblemError",
    "augmented_lagrangian",
    "barrier_function",
    "exterior_penalty",
    "iterates",
    "log_barrier",
    "method_of_multipliers",
    "parse_constraint",
    "parse_expression",
    "solve",
]
