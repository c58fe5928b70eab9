"""Exterior-penalty problems: SymPy in, compiled numpy functions out, and the penalty method."""

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
