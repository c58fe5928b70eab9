"""Turn a user's objective, constraints and variables (text or SymPy) into checked real expressions."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sympy
from sympy.core.function import AppliedUndef
from sympy.core.relational import Relational

from ._affine import affine_coefficients
from ._compile import gradient, printable
from ._grammar import (
    CONSTANTS,
    FUNCTIONS,
    RESERVED,
    ProblemError,
    natural_key,
    real_symbol,
)
from ._parse import parse_constraint, parse_expression

__all__ = ["Parts", "read_problem"]

NOT_SMOOTH = (sympy.sign, sympy.Heaviside, sympy.DiracDelta, sympy.Derivative, sympy.Subs, sympy.Piecewise,
              sympy.floor, sympy.ceiling, sympy.frac, sympy.Mod)
UNDEFINED = (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo)


@dataclass(frozen=True)
class Parts:
    """A checked problem: minimize f subject to h_i = 0 and g_j <= 0 over real `variables`."""

    variables: tuple[sympy.Symbol, ...]
    objective: sympy.Expr
    equalities: tuple[sympy.Expr, ...]
    inequalities: tuple[sympy.Expr, ...]


def read_problem(objective: Any, constraints: Any = (), variables: Any = None) -> Parts:
    """Parse and check a problem; see `Problem` for the accepted forms.

    Raises
    ------
    ProblemError
        One line naming the offending objective, constraint or variable and the fix.
    """
    given = _given_variables(variables)
    f = _objective(objective, given)
    labelled = [_constraint(item, given) for item in _items(constraints)]
    free = set(f.free_symbols).union(*(expr.free_symbols for _, _, expr in labelled))
    if given is None:
        symbols = tuple(sorted(free, key=lambda s: natural_key(s.name)))
    else:
        symbols = tuple(given.values())
    _check(f, symbols, _label("objective", objective))
    index = {x: j for j, x in enumerate(symbols)}
    for label, kind, expr in labelled:
        _check_constraint(label, kind, expr)
        if affine_coefficients(expr, index) is None:  # an affine one (a bound, say) is smooth and real
            _check(expr, symbols, label)
    if not labelled and not f.free_symbols:
        raise ProblemError(f"{_label('objective', objective)}: constant, and there are no constraints; "
                           "nothing to minimize")
    if not symbols:
        raise ProblemError("no variables: the objective and the constraints do not involve any")
    return Parts(symbols, f,
                 tuple(expr for _, kind, expr in labelled if kind == "eq"),
                 tuple(expr for _, kind, expr in labelled if kind == "le"))


def shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _label(what: str, item: Any) -> str:
    text = item if isinstance(item, str) else sympy.sstr(item)
    text = " ".join(text.split())
    return f"{what} '{text if len(text) <= 60 else text[:57] + '...'}'"


def _items(constraints: Any) -> list[Any]:
    if isinstance(constraints, (bytes, bytearray)):
        raise ProblemError(f"constraints must be strings or SymPy relations, got "
                           f"{type(constraints).__name__}; decode it first, e.g. constraints=[text.decode()]")
    if isinstance(constraints, (str, sympy.Basic, bool)):
        return [constraints]  # one constraint given bare, not in a list
    try:
        return list(constraints)
    except TypeError:
        raise ProblemError(f"constraints must be a list of strings or SymPy relations, "
                           f"got {type(constraints).__name__}") from None


def _given_variables(variables: Any) -> dict[str, sympy.Symbol] | None:
    if variables is None:
        return None
    if isinstance(variables, (str, sympy.Symbol)):
        variables = [variables]
    if isinstance(variables, (bytes, bytearray)) or not isinstance(variables, Iterable):
        raise ProblemError(f"variables must be a list of names such as ['x1', 'x2'], got "
                           f"{type(variables).__name__} {shown(variables)}")
    names: list[str] = []
    for v in variables:
        name = v.name if isinstance(v, sympy.Symbol) else v
        if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
            raise ProblemError(f"variable {name!r}: not a valid name; use names like 'x1' or 'y'")
        if name in RESERVED or name in FUNCTIONS or name in CONSTANTS:
            raise ProblemError(f"variable '{name}': the name is taken (a constant, a function, the "
                               "penalty weight or not a finite number); rename it")
        if name in names:
            raise ProblemError(f"variable '{name}' is listed twice")
        names.append(name)
    if not names:
        raise ProblemError("variables is empty; give at least one name, or None to infer them")
    return {name: real_symbol(name) for name in names}


def _objective(item: Any, given: Mapping[str, sympy.Symbol] | None) -> sympy.Expr:
    if isinstance(item, str):
        return parse_expression(item, variables=given, what="objective")
    if isinstance(item, (int, float)) and not isinstance(item, bool):
        if not math.isfinite(item):
            raise ProblemError(f"objective {item!r}: not a finite number")
        return sympy.Rational(repr(item)) if isinstance(item, float) else sympy.Integer(item)
    if isinstance(item, (Relational, sympy.logic.boolalg.Boolean, bool)):
        raise ProblemError(f"{_label('objective', item)}: a relation is not allowed in the objective; "
                           "put it in the constraints")
    if not isinstance(item, sympy.Expr):
        hint = "; decode it first, e.g. objective.decode()" if isinstance(item, (bytes, bytearray)) else ""
        raise ProblemError(f"objective must be a string or a SymPy expression, "
                           f"got {type(item).__name__}{hint}")
    return _real(item, given, _label("objective", item))


def _constraint(item: Any, given: Mapping[str, sympy.Symbol] | None) -> tuple[str, str, sympy.Expr]:
    label = _label("constraint", item)
    if isinstance(item, str):
        kind, expr = parse_constraint(item, variables=given)
        return label, kind, expr
    if item is True or item is sympy.true:
        raise ProblemError(f"{label}: always true; remove it (SymPy evaluated the relation already)")
    if item is False or item is sympy.false:
        raise ProblemError(f"{label}: always false, so no point is feasible")
    if isinstance(item, sympy.Eq):
        kind, expr = "eq", item.lhs - item.rhs
    elif isinstance(item, (sympy.Le, sympy.Lt)):
        kind, expr = "le", item.lhs - item.rhs
    elif isinstance(item, (sympy.Ge, sympy.Gt)):
        kind, expr = "le", item.rhs - item.lhs
    elif isinstance(item, sympy.Ne):
        raise ProblemError(f"{label}: '!=' is not a constraint; use Eq, Ge, Le, Gt or Lt")
    elif isinstance(item, sympy.Expr):
        raise ProblemError(f"{label}: no relation; write e.g. sympy.Eq({item}, 1) or sympy.Ge({item}, 1)")
    else:
        raise ProblemError(f"{label}: a constraint must be a string or a SymPy relation "
                           "(Eq, Ge, Le, Gt, Lt)")
    if not isinstance(expr, sympy.Expr):
        raise ProblemError(f"{label}: both sides must be expressions")
    return label, kind, _real(expr, given, label)


def _real(expr: sympy.Expr, given: Mapping[str, sympy.Symbol] | None, label: str) -> sympy.Expr:
    """`expr` with each free symbol replaced by the real symbol of the same name."""
    mapping = {}
    for symbol in expr.free_symbols:
        name = symbol.name
        if name in RESERVED:
            raise ProblemError(f"{label}: name '{name}' is {RESERVED[name]}")
        if given is not None and name not in given:
            raise ProblemError(f"{label}: unknown name '{name}' (variables are {', '.join(given)})")
        mapping[symbol] = given[name] if given is not None else real_symbol(name)
    return expr.xreplace(mapping)


def _check_constraint(label: str, kind: str, expr: sympy.Expr) -> None:
    """Reject a constraint that involves no variable: it is always true or always false."""
    if expr.free_symbols:
        return
    try:
        value = float(expr)
    except (TypeError, ValueError):
        return  # complex or undefined: reported by `_check`
    holds = abs(value) <= 1e-12 if kind == "eq" else value <= 0
    if holds:
        raise ProblemError(f"{label}: always true (it involves no variable); remove it")
    raise ProblemError(f"{label}: always false (it involves no variable), so no point is feasible")


def _check(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...], label: str) -> None:
    """Reject complex, undefined, undefined-function, uncompilable or non-smooth expressions."""
    for bad in UNDEFINED:
        if expr.has(bad):
            raise ProblemError(f"{label}: undefined or infinite (it contains {bad}); "
                               "check for division by zero")
    if expr.has(sympy.I) or any(sub.is_number and sub.is_extended_real is False
                                for sub in sympy.preorder_traversal(expr)):
        raise ProblemError(f"{label}: complex-valued; the variables and all values must be real")
    undefined = expr.atoms(AppliedUndef)
    if undefined:
        name = type(next(iter(undefined))).__name__
        raise ProblemError(f"{label}: uses the undefined function '{name}'; write the formula instead")
    used = expr.free_symbols  # derivatives in other variables are 0: cost O(size), not O(n^2)
    variables = tuple(x for x in variables if x in used)
    grad = gradient(expr, variables)
    _smooth(grad, label, "gradient")
    hess = [second for g in grad for second in gradient(g, tuple(g.free_symbols & used))]
    _smooth(hess, label, "Hessian")
    reason = printable([expr, *grad, *hess])
    if reason is not None:
        raise ProblemError(f"{label}: cannot be compiled to numpy ({reason})")


def _smooth(derivatives: Iterable[sympy.Expr], label: str, what: str) -> None:
    for derivative in derivatives:
        kinks = derivative.atoms(*NOT_SMOOTH)
        if kinks:
            kink = sorted(map(sympy.sstr, kinks))[0]
            adjective = "differentiable" if what == "gradient" else "twice differentiable"
            raise ProblemError(f"{label}: not {adjective} (its {what} contains {kink}); use smooth functions "
                               "(write a max/min/abs as constraints instead)")
