"""The vocabulary of problem text: functions, constants, operators, limits; and `ProblemError`."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

import sympy

__all__ = [
    "AMBIGUOUS", "BINARY", "CONSTANTS", "FUNCTIONS", "MAX_DEPTH", "MAX_EXPONENT", "MAX_LENGTH", "MAX_LOG10",
    "NODE_NAMES", "OPERATORS", "RELATIONS", "RESERVED", "UNICODE", "ProblemError", "natural_key",
    "real_symbol",
]

MAX_LENGTH = 1000  # characters of one objective or constraint
MAX_DEPTH = 100  # nesting of the expression tree (keeps the walk far from the recursion limit)
MAX_EXPONENT = 100  # |p| of a numeric exponent in a ** p
MAX_LOG10 = 308  # magnitude of any number, about the largest float
NOT_FINITE = "not allowed: values must be finite"
RESERVED = {  # never a variable
    "M": "reserved for the penalty weight; rename the variable",
    "inf": NOT_FINITE, "infinity": NOT_FINITE, "oo": NOT_FINITE, "nan": NOT_FINITE, "zoo": NOT_FINITE,
    "Inf": NOT_FINITE, "Infinity": NOT_FINITE, "NaN": NOT_FINITE,
    "I": "SymPy's imaginary unit; variables are real, rename it",
}
AMBIGUOUS = {  # a variable only when declared in `variables`
    "e": "ambiguous: write E or exp(...) for Euler's number, or declare 'e' in variables",
}


class ProblemError(ValueError):
    """A mistake in the objective, the constraints or the variables of a `Problem`, in one line.

    Control characters in the message (a user's text echoed back) are escaped, so ``\\x1b[2J``
    is shown, never acted on by a terminal.
    """

    def __init__(self, message: str) -> None:
        super().__init__("".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in str(message)))


def real_symbol(name: str) -> sympy.Symbol:
    """The real SymPy symbol used for variable `name` (so ``abs`` and ``sqrt`` simplify as on R)."""
    return sympy.Symbol(name, real=True)


def natural_key(name: str) -> tuple:
    """Sort key ordering names naturally: ``x2 < x10 < y1``."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name))


def _log_of(base: sympy.Expr, arg: sympy.Expr | None = None) -> sympy.Expr:
    return sympy.log(base) if arg is None else sympy.log(base, arg)


# name -> (builder, smallest and largest number of arguments)
FUNCTIONS: dict[str, tuple[Callable[..., sympy.Expr], int, int]] = {
    "abs": (sympy.Abs, 1, 1),
    "sqrt": (sympy.sqrt, 1, 1),
    "exp": (sympy.exp, 1, 1),
    "log": (_log_of, 1, 2),
    "ln": (sympy.log, 1, 1),
    "sin": (sympy.sin, 1, 1),
    "cos": (sympy.cos, 1, 1),
    "tan": (sympy.tan, 1, 1),
    "asin": (sympy.asin, 1, 1),
    "acos": (sympy.acos, 1, 1),
    "atan": (sympy.atan, 1, 1),
    "arcsin": (sympy.asin, 1, 1),
    "arccos": (sympy.acos, 1, 1),
    "arctan": (sympy.atan, 1, 1),
    "atan2": (sympy.atan2, 2, 2),
    "sinh": (sympy.sinh, 1, 1),
    "cosh": (sympy.cosh, 1, 1),
    "tanh": (sympy.tanh, 1, 1),
    "asinh": (sympy.asinh, 1, 1),
    "acosh": (sympy.acosh, 1, 1),
    "atanh": (sympy.atanh, 1, 1),
    "max": (sympy.Max, 2, 16),
    "min": (sympy.Min, 2, 16),
}
CONSTANTS = {"pi": sympy.pi, "E": sympy.E}
RELATIONS = {ast.Eq: "==", ast.LtE: "<=", ast.GtE: ">=", ast.Lt: "<", ast.Gt: ">"}
BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
UNICODE = str.maketrans({"≤": "<=", "≥": ">=", "−": "-", "×": "*", "·": "*", "\n": " ", "\r": " ", "\t": " "})
OPERATORS = {
    ast.NotEq: "!=", ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in", ast.Mod: "%",
    ast.FloorDiv: "//", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|", ast.BitAnd: "&",
    ast.BitXor: "^", ast.Invert: "~", ast.Not: "not",
}
NODE_NAMES = {
    ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Lambda: "lambda",
    ast.BoolOp: "'and'/'or'", ast.IfExp: "'if ... else'", ast.NamedExpr: "':='", ast.Starred: "'*' unpacking",
    ast.List: "a list", ast.Tuple: "a tuple", ast.Set: "a set", ast.Dict: "a dict",
    ast.ListComp: "a comprehension", ast.SetComp: "a comprehension", ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a comprehension", ast.JoinedStr: "an f-string", ast.Await: "'await'",
    ast.Yield: "'yield'", ast.YieldFrom: "'yield'", ast.Slice: "a slice",
}
