"""Exterior-penalty problems: SymPy in, compiled numpy functions out, and the penalty method.

`Problem` holds an objective and constraints (text, parsed safely by `parse_expression` and
`parse_constraint`, or SymPy); `Problem.penalized_function` gives F(x; M) as `Compiled` numpy
callables. `exterior_penalty` streams `PenaltyIterate` records and returns a `PenaltyResult`;
`solve` runs it to the end. Every input mistake raises a one-line `ProblemError`.
"""

from ._compile import Compiled
from ._grammar import ProblemError
from ._parse import parse_constraint, parse_expression
from ._problem import Problem
from ._sumt import PenaltyIterate, PenaltyResult, exterior_penalty, solve

__all__ = [
    "Compiled",
    "PenaltyIterate",
    "PenaltyResult",
    "Problem",
    "ProblemError",
    "exterior_penalty",
    "parse_constraint",
    "parse_expression",
    "solve",
]
