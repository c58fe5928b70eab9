"""Safe parsing of objective and constraint text into SymPy, with no eval.

The text is tokenized (to turn a lone ``=`` into ``==`` and ``^`` into ``**``), parsed by `ast` in
``eval`` mode, and the tree is walked against a whitelist; SymPy objects are built by hand from the
allowed nodes. Nothing the user writes is ever executed, sympified or looked up in a namespace.
"""

from __future__ import annotations

import ast
import decimal
import fractions
import io
import math
import tokenize
from collections.abc import Mapping

import sympy

from ._grammar import (
    AMBIGUOUS,
    BINARY,
    CONSTANTS,
    FUNCTIONS,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_LOG10,
    NODE_NAMES,
    OPERATORS,
    RELATIONS,
    RESERVED,
    UNICODE,
    ProblemError,
    real_symbol,
)

__all__ = ["parse_constraint", "parse_expression"]

FLOAT_MAX = sympy.Rational(*(1.7976931348623157e308).as_integer_ratio())  # sys.float_info.max, exactly

def parse_expression(text: str, *, variables: Mapping[str, sympy.Symbol] | None = None,
                     what: str = "objective") -> sympy.Expr:
    """Parse an arithmetic expression such as ``"x1^2 + 3*x2"`` into SymPy.

    Parameters
    ----------
    text : str
        The expression. ``^`` means power. No relation (``=``, ``<=``, ...) is allowed.
    variables : mapping of str to Symbol, optional
        The allowed variable names. Without it every identifier not starting with ``_`` (other than
        the constants ``pi``, ``E`` and the function names) becomes a real symbol.
    what : str
        How the text is named in error messages ("objective", "constraint").

    Returns
    -------
    sympy.Expr

    Raises
    ------
    ProblemError
        For anything outside the whitelist, naming the offending piece of text.
    """
    parser = _Parser(text, variables, what, example="'x1**2 + x2**2'")
    tree = parser.tree()
    if isinstance(tree, ast.Compare):
        parser.fail(f"a relation is not allowed in the {what}; put it in the constraints")
    return parser.build(tree)


def parse_constraint(text: str, *, variables: Mapping[str, sympy.Symbol] | None = None,
                     what: str = "constraint") -> tuple[str, sympy.Expr]:
    """Parse one relation into ``("eq", h)`` meaning h = 0, or ``("le", g)`` meaning g <= 0.

    Parameters
    ----------
    text : str
        One relation: ``a = b`` or ``a == b`` (equality), ``a <= b``, ``a >= b``, ``a < b``, ``a > b``.
    variables : mapping of str to Symbol, optional
        As in `parse_expression`.
    what : str
        How the text is named in error messages.

    Returns
    -------
    kind : {"eq", "le"}
    expr : sympy.Expr
        ``a - b`` for ``a = b`` and ``a <= b``; ``b - a`` for ``a >= b``.

    Raises
    ------
    ProblemError
        As `parse_expression`, and for a missing, chained or unsupported relation.

    Notes
    -----
    Strict inequalities are read as non-strict: an exterior penalty cannot tell them apart.
    """
    parser = _Parser(text, variables, what, example="'x1 + x2 = 1' or 'x2 >= 1'")
    tree = parser.tree()
    if not isinstance(tree, ast.Compare):
        parser.build(tree)  # a bad expression is reported as such first
        lhs = parser.text if len(parser.text) <= 40 else "x1 + x2"
        parser.fail(f"no relation; write e.g. '{lhs} = 1' or '{lhs} >= 1'")
    if len(tree.ops) > 1:
        parser.fail("chained comparison; write one relation per constraint, e.g. '0 <= x1' and 'x1 <= 1'")
    op = type(tree.ops[0])
    if op not in RELATIONS:
        parser.fail(f"{_describe_operator(tree.ops[0])} is not a constraint; use =, <=, >=, < or >")
    lhs, rhs = parser.build(tree.left), parser.build(tree.comparators[0])
    if op in (ast.GtE, ast.Gt):
        return "le", rhs - lhs
    return ("eq" if op is ast.Eq else "le"), lhs - rhs


def _describe_operator(op: ast.AST) -> str:
    return f"'{OPERATORS[type(op)]}'" if type(op) in OPERATORS else f"'{type(op).__name__}'"


class _Parser:
    """One parse: the normalized text, the variable table, and the tree walk."""

    def __init__(self, text: str, variables: Mapping[str, sympy.Symbol] | None, what: str, *,
                 example: str) -> None:
        if not isinstance(text, str):
            raise ProblemError(f"{what} must be a string or a SymPy expression, got {type(text).__name__}")
        self.what = what
        self.text = " ".join(text.translate(UNICODE).split())
        self.variables = variables
        self.example = example
        self.source = b""

    def fail(self, message: str) -> None:
        shown = self.text if len(self.text) <= 60 else self.text[:57] + "..."
        raise ProblemError(f"{self.what} '{shown}': {message}") from None

    def tree(self) -> ast.expr:
        """Check length and brackets, rewrite ``=`` and ``^``, and parse with `ast`."""
        if not self.text:
            self.fail(f"empty; write e.g. {self.example}")
        if len(self.text) > MAX_LENGTH:
            self.fail(f"too long ({len(self.text)} characters; the limit is {MAX_LENGTH})")
        self._check_brackets()
        rewritten = self._rewrite()
        self.source = rewritten.encode()
        try:
            return ast.parse(rewritten, mode="eval").body
        except SyntaxError as error:
            detail = "" if error.msg == "invalid syntax" else f" ({error.msg})"
            hint = "; write products with '*', e.g. '2*x1'" if "literal" in str(error.msg) else ""
            self.fail(f"invalid syntax{detail}{hint}")
        except (ValueError, RecursionError, MemoryError) as error:
            self.fail(f"cannot be parsed ({error})")
        raise AssertionError("unreachable")

    def _check_brackets(self) -> None:
        stack: list[str] = []
        pairs = {")": "(", "]": "[", "}": "{"}
        for char in self.text:
            if char in "([{":
                stack.append(char)
            elif char in pairs:
                if not stack or stack.pop() != pairs[char]:
                    self.fail(f"unbalanced parentheses: unmatched '{char}'")
        if stack:
            self.fail(f"unbalanced parentheses: '{stack[-1]}' is never closed")

    def _rewrite(self) -> str:
        """A lone top-level ``=`` becomes ``==`` and ``^`` becomes ``**``, by token, never inside a word."""
        edits: list[tuple[int, int, str]] = []
        depth = 0
        try:
            for token in tokenize.generate_tokens(io.StringIO(self.text).readline):
                if token.type != tokenize.OP:
                    continue
                if token.string in "([{":
                    depth += 1
                elif token.string in ")]}":
                    depth -= 1
                elif token.string == "^":
                    edits.append((*_columns(token), "**"))
                elif token.string == "=" and depth == 0:  # inside brackets it is a keyword: rejected later
                    edits.append((*_columns(token), "=="))
        except (tokenize.TokenError, SyntaxError) as error:
            self.fail(f"invalid syntax ({error.args[0]})")
        out = self.text
        for start, end, replacement in reversed(edits):
            out = out[:start] + replacement + out[end:]
        return out

    def build(self, node: ast.AST, depth: int = 0) -> sympy.Expr:
        """The SymPy expression of an allowed node; `fail` on anything else."""
        if depth > MAX_DEPTH:
            self.fail(f"nested too deeply (more than {MAX_DEPTH} levels)")
        if isinstance(node, ast.Constant):
            return self._number(node)
        if isinstance(node, ast.Name):
            return self._name(node.id)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return -self.build(node.operand, depth + 1)
            if isinstance(node.op, ast.UAdd):
                return self.build(node.operand, depth + 1)
            self.fail(f"operator {_describe_operator(node.op)} is not allowed")
        if isinstance(node, ast.BinOp):
            return self._chain(node, depth)
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        if isinstance(node, ast.Compare):
            self.fail("a relation may only appear once, at the top level of a constraint")
        kind = NODE_NAMES.get(type(node), type(node).__name__)
        self.fail(f"{kind} ('{self._segment(node)}') is not allowed")
        raise AssertionError("unreachable")

    def _chain(self, node: ast.BinOp, depth: int) -> sympy.Expr:
        """``a + b - c * d + ...``: the left-leaning chain of binary operations `ast` makes of a flat
        sum or product, walked as one level of nesting and without recursion, left to right.

        A sum of 150 terms is long, not deep: only its operands' own nesting counts towards
        `MAX_DEPTH` (and the text's length is bounded by `MAX_LENGTH`).
        """
        links = []
        while isinstance(node, ast.BinOp):
            if type(node.op) not in BINARY:
                self.fail(f"operator {_describe_operator(node.op)} is not allowed")
            links.append(node)
            node = node.left
        result = self.build(node, depth + 1)
        for link in reversed(links):
            result = self._binary(link, result, self.build(link.right, depth + 1))
        return result

    def _segment(self, node: ast.AST) -> str:
        try:
            return self.source[node.col_offset:node.end_col_offset].decode()
        except (AttributeError, TypeError, UnicodeDecodeError):
            return type(node).__name__

    def _number(self, node: ast.Constant) -> sympy.Expr:
        value, literal = node.value, self._segment(node)
        if type(value) is int:
            if value and math.log10(abs(value)) > MAX_LOG10:
                self.fail(f"number '{literal}' is too large")
            return sympy.Integer(value)
        if type(value) is float:
            try:
                exact = decimal.Decimal(literal.replace("_", ""))
            except decimal.InvalidOperation:
                self.fail(f"cannot read the number '{literal}'")
            if exact and abs(exact.adjusted()) > MAX_LOG10:
                self.fail(f"number '{literal}' is out of range")
            fraction = fractions.Fraction(exact)
            return sympy.Rational(fraction.numerator, fraction.denominator)
        if type(value) is complex:
            self.fail(f"complex number '{literal}' is not allowed; variables are real")
        if type(value) in (str, bytes):
            self.fail(f"text {literal} is not allowed")
        self.fail(f"'{literal}' is not a number")
        raise AssertionError("unreachable")

    def _name(self, name: str) -> sympy.Expr:
        if self.variables is not None and name in self.variables:
            return self.variables[name]
        if name.startswith("_"):
            self.fail(f"name '{name}' is not allowed (names must not start with '_')")
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in FUNCTIONS:
            self.fail(f"'{name}' is a function; call it, e.g. '{name}(x1)'")
        if name in RESERVED or name in AMBIGUOUS:
            self.fail(f"name '{name}' is {RESERVED.get(name) or AMBIGUOUS[name]}")
        if self.variables is not None:
            self.fail(f"unknown name '{name}' (variables are {', '.join(self.variables) or 'none'})")
        return real_symbol(name)

    def _binary(self, node: ast.BinOp, a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
        op = type(node.op)
        if op is ast.Pow:
            self._check_power(node, a, b)
            result = a**b
        elif op is ast.Div:
            if b.is_zero:
                self.fail(f"division by zero in '{self._segment(node)}'")
            result = a / b
        else:
            result = a + b if op is ast.Add else a - b if op is ast.Sub else a * b
        if result.is_Number and result.is_finite and result != 0 and abs(_log10(result)) > MAX_LOG10:
            self.fail(f"number '{self._segment(node)}' is out of range")
        self._check_folded(node, result)
        return result

    def _check_folded(self, node: ast.BinOp, result: sympy.Expr) -> None:
        """Refuse a coefficient or constant term SymPy folded past float range (``x1*1e200*1e200``)."""
        for number in (result.as_coeff_Mul()[0], result.as_coeff_Add()[0]):
            if number.is_Rational and abs(number) > FLOAT_MAX:
                self.fail(f"number {sympy.Float(number, 3)} in '{self._segment(node)}' is outside float "
                          f"range (|x| <= 1.8e308)")

    def _check_power(self, node: ast.BinOp, base: sympy.Expr, exponent: sympy.Expr) -> None:
        """Refuse exponents that would take SymPy a long time (``9**9**9``) or overflow a float."""
        if not exponent.is_Number:
            return
        if abs(exponent) > MAX_EXPONENT:
            self.fail(f"exponent in '{self._segment(node)}' is too large (the limit is {MAX_EXPONENT})")
        if base.is_zero and exponent.is_negative:
            self.fail(f"division by zero in '{self._segment(node)}'")
        if base.is_Number and base != 0 and abs(_log10(base) * float(exponent)) > MAX_LOG10:
            self.fail(f"number '{self._segment(node)}' is out of range")

    def _call(self, node: ast.Call, depth: int) -> sympy.Expr:
        if not isinstance(node.func, ast.Name):
            self.fail(f"only calls of named functions are allowed, not '{self._segment(node.func)}'")
        name = node.func.id
        if name not in FUNCTIONS:
            if name in CONSTANTS:
                self.fail(f"'{name}' is a constant, not a function")
            self.fail(f"unknown function '{name}' (known: {', '.join(sorted(FUNCTIONS))})")
        if node.keywords:
            keyword = node.keywords[0].arg
            shown = f"'{keyword}='" if keyword else "'**'"
            self.fail(f"keyword argument {shown} is not allowed; pass arguments by position")
        args = [self.build(arg, depth + 1) for arg in node.args]
        builder, fewest, most = FUNCTIONS[name]
        if not fewest <= len(args) <= most:
            count = str(fewest) if fewest == most else f"{fewest} to {most}"
            self.fail(f"function '{name}' takes {count} argument(s), got {len(args)}")
        return builder(*args)


def _columns(token: tokenize.TokenInfo) -> tuple[int, int]:
    return token.start[1], token.end[1]


def _log10(number: sympy.Expr) -> float:
    """log10 |number| of a SymPy number, without converting huge values to float."""
    if number.is_Integer:
        return math.log10(abs(int(number)))
    if number.is_Rational:
        return math.log10(abs(number.p)) - math.log10(number.q)
    return math.log10(abs(float(number)))
