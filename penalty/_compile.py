"""Compile SymPy expressions once into plain numpy callables with guaranteed shapes: `Compiled`."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy
from numpy.typing import ArrayLike
from sympy.printing.numpy import NumPyPrinter

from optimizers import PiecewisePolynomial

__all__ = ["PositivePart", "Compiled", "bind", "broadcasting", "check_weight", "gradient", "lambdify",
           "point", "printable", "sparse"]


MAX_CSE_ENTRIES = 400


class PositivePart(sympy.Function):
    """max(0, g) in compiled code, as ``numpy.maximum(g, 0.0)``.

    SymPy's ``Max`` queries assumptions whenever it is built or rebuilt (by `xreplace`, by common
    subexpression elimination): seconds for a few hundred constraints. This function is inert.
    """

    nargs = 1


class _Printer(NumPyPrinter):
    """numpy code for the penalty: ``max(0, g)`` as ``numpy.maximum``, ``[g > 0]`` as ``numpy.heaviside``.

    SymPy's own printer writes ``Max`` as ``reduce(maximum, [...])`` and ``Heaviside`` as a ``select``;
    both work on grids but cost more per call than one ufunc.
    """

    def _print_Integer(self, expr: sympy.Integer) -> str:
        # Beyond 2**53 an int is no exact float anyway, and numpy refuses ints past int64 in ufuncs.
        return super()._print_Integer(expr) if abs(expr.p) <= 2**53 else self._float(expr)

    def _print_Rational(self, expr: sympy.Rational) -> str:
        small = abs(expr.p) <= 2**53 and expr.q <= 2**53
        return super()._print_Rational(expr) if small else self._float(expr)

    def _print_Float(self, expr: sympy.Float) -> str:
        return self._float(expr)

    def _float(self, number: sympy.Number) -> str:
        """A number as a float literal, rounded once; past float range, +-inf (then a status, not a crash)."""
        value = float(sympy.Float(number, 17))
        if math.isinf(value):
            return f"({'-' if value < 0 else ''}{self._module_format('numpy.inf')})"
        return repr(value)

    def _print_PositivePart(self, expr: PositivePart) -> str:
        return f"{self._module_format('numpy.maximum')}({self._print(expr.args[0])}, 0.0)"

    def _print_Max(self, expr: sympy.Max) -> str:
        return self._nest("numpy.maximum", expr.args)

    def _print_Min(self, expr: sympy.Min) -> str:
        return self._nest("numpy.minimum", expr.args)

    def _print_Heaviside(self, expr: sympy.Heaviside) -> str:
        # Only the penalty's Hessian uses it, as the indicator [g > 0]: value 0 at g = 0.
        return f"{self._module_format('numpy.heaviside')}({self._print(expr.args[0])}, 0.0)"

    def _nest(self, name: str, args: Sequence[sympy.Expr]) -> str:
        function = self._module_format(name)
        out = self._print(args[0])
        for arg in args[1:]:
            out = f"{function}({out}, {self._print(arg)})"
        return out


def _printer(*, qualified: bool = False) -> _Printer:
    return _Printer({"fully_qualified_modules": qualified, "inline": True, "order": "none",
                     "allow_unknown_functions": False,
                     "user_functions": {}})


def printable(exprs: Sequence[sympy.Expr]) -> str | None:
    """Why `exprs` cannot be compiled to vectorized numpy code, or None when they can."""
    printer = _printer(qualified=True)
    for expr in exprs:
        try:
            code = printer.doprint(expr)
        except Exception as error:
            return str(error).splitlines()[0].replace(f"by {type(printer)}", "by numpy")
        if "math." in code:  # a scalar-only fallback (e.g. math.gamma) would break surfaces on grids
            return f"'{code.split('math.')[1].split('(')[0]}' has no numpy version for arrays"
    return None


def gradient(expr: sympy.Expr, variables: Sequence[sympy.Symbol]) -> list[sympy.Expr]:
    """The partial derivatives of `expr` in `variables`, in time linear in the size of a sum.

    ``sympy.diff`` of a sum differentiates every term in every variable (n^2 work for a sum of n
    squares); here each term of a top-level sum is differentiated only in the variables it holds.
    """
    terms: dict[sympy.Symbol, list[sympy.Expr]] = {}
    for term in sympy.Add.make_args(expr):
        for x in term.free_symbols:
            terms.setdefault(x, []).append(term)
    return [sympy.Add(*(sympy.diff(t, x) for t in terms[x])) if x in terms else sympy.S.Zero
            for x in variables]


def lambdify(args: Sequence[sympy.Symbol], expr: Any) -> Callable[..., Any]:
    """``sympy.lambdify`` to numpy with common subexpressions shared.

    The arguments are renamed ``_0, _1, ...`` by one `xreplace` first (any symbol name is safe then),
    instead of lambdify's ``dummify``, which walks the whole expression once per argument: quadratic
    for a thousand variables.
    """
    safe = [sympy.Symbol(f"_{i}") for i in range(len(args))]
    names = dict(zip(args, safe, strict=True))

    def rename(e: Any) -> Any:
        if isinstance(e, list | tuple):
            return [rename(item) for item in e]
        return e.xreplace(names) if isinstance(e, sympy.Basic) else e

    renamed = rename(expr)
    # Common subexpressions pay off in a Hessian or a line's Taylor coefficients; in a long list of
    # sparse entries they are rare, and SymPy's search for them grows faster than the list.
    small = not isinstance(renamed, list) or len(renamed) <= MAX_CSE_ENTRIES
    if len(safe) > MAX_LAMBDIFY_ARGS:
        return _generated(safe, renamed, cse=small)
    # The printer names each numpy function it uses (lambdify imports those alone): the namespace
    # of modules="numpy" ("from numpy import *") costs 0.1 s on first use, importing numpy.testing
    # and numpy.f2py, which no compiled function calls.
    return sympy.lambdify(safe, renamed, modules=[{"numpy": np}], printer=_printer(), cse=small,
                          dummify=False)


MAX_LAMBDIFY_ARGS = 64  # past it sympy.lambdify's sort of its arguments (by SymPy's sort key) dominates


def _generated(args: Sequence[sympy.Symbol], expr: Any, *, cse: bool) -> Callable[..., Any]:
    """What ``sympy.lambdify`` makes, written directly: the printer's code in a ``def``.

    The arguments are already safe names (``_0, _1, ...``), so none of lambdify's argument
    preprocessing is needed; the code comes from the same printer, so it computes the same numbers.
    """
    printer = _printer(qualified=True)
    lines = []
    if cse:
        replacements, expr = sympy.cse(expr, list=False)
        lines = [f"    {printer.doprint(name)} = {printer.doprint(value)}" for name, value in replacements]
    body = "\n".join([*lines, f"    return {printer.doprint(expr)}"])
    code = f"def _generated({', '.join(map(str, args))}):\n{body}\n"
    namespace: dict[str, Any] = {"numpy": np}
    exec(compile(code, "<optviz compiled>", "exec"), namespace)  # SymPy's printed code, as lambdify runs it
    return namespace["_generated"]


def check_weight(M: float) -> float:
    """The penalty weight as a float; ValueError unless positive and finite."""
    try:
        value = float(M)
    except (TypeError, ValueError):
        raise ValueError(f"M must be a positive number, got {M!r}") from None
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"M must be a positive finite number, got {M!r}")
    return value


@dataclass(frozen=True)
class Compiled:
    """A function of x in R^n as plain numpy callables (no SymPy at call time).

    Attributes
    ----------
    fun : callable
        ``fun(x) -> float`` for a 1-D array-like `x` of length n.
    grad : callable
        ``grad(x) -> ndarray`` of shape (n,), always a fresh float array.
    hess : callable
        ``hess(x) -> ndarray`` of shape (n, n), always a fresh float array.
    surface : callable
        ``surface(*coords) -> ndarray``: the function on broadcast coordinate arrays (e.g. a meshgrid),
        an array of the broadcast shape even when the function is constant.
    along : callable or None
        ``along(x, d) -> PiecewisePolynomial``: phi(t) = fun(x + t d) on t >= 0 as exact polynomial
        pieces; None when the function is not piecewise polynomial.
    """

    fun: Callable[[ArrayLike], float]
    grad: Callable[[ArrayLike], np.ndarray]
    hess: Callable[[ArrayLike], np.ndarray]
    surface: Callable[..., np.ndarray]
    along: Callable[[ArrayLike, ArrayLike], PiecewisePolynomial] | None


def bind(kernels: tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]], n: int, *extra: float,
         along: Callable[..., PiecewisePolynomial] | None = None) -> Compiled:
    """`Compiled` from lambdified (value, gradient list, Hessian rows), trailing arguments `extra` bound."""
    value, gradient, hessian = kernels

    def fun(x: ArrayLike) -> float:
        return float(value(*point(x, n), *extra))

    def grad(x: ArrayLike) -> np.ndarray:
        return np.array(gradient(*point(x, n), *extra), dtype=float)

    def hess(x: ArrayLike) -> np.ndarray:
        return np.array(hessian(*point(x, n), *extra), dtype=float)

    return Compiled(fun, grad, hess, broadcasting(value, n, *extra), along)


def point(x: ArrayLike, n: int) -> np.ndarray:
    """`x` as a float array of shape (n,); ValueError otherwise."""
    x = np.asarray(x, dtype=float)
    if x.shape != (n,):
        raise ValueError(f"x must be a 1-D array of length {n}, got shape {x.shape}")
    return x


def broadcasting(kernel: Callable[..., Any], n: int, *extra: float) -> Callable[..., np.ndarray]:
    """``kernel(*coords, *extra)`` on broadcast arrays, always returning a float array of that shape."""

    def on_grid(*coords: ArrayLike) -> np.ndarray:
        if len(coords) != n:
            raise ValueError(f"expected {n} coordinate arrays, got {len(coords)}")
        arrays = [np.asarray(c, dtype=float) for c in coords]
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
        return np.array(np.broadcast_to(kernel(*arrays, *extra), shape), dtype=float)

    return on_grid


def sparse(args: Sequence[sympy.Symbol], entries: Sequence[tuple[tuple[int, int], sympy.Expr]],
           shape: tuple[int, int], *, symmetric: bool = False) -> Callable[..., np.ndarray]:
    """A dense matrix function compiled from its non-zero entries only: ``matrix(*args) -> ndarray``.

    Compiling only the entries keeps the cost linear in their number (a 200 x 200 diagonal Hessian is
    200 expressions, not 40,000). With `symmetric`, each entry (i, j) also fills (j, i).
    """
    rows = np.array([i for (i, _), _ in entries], dtype=int)
    cols = np.array([j for (_, j), _ in entries], dtype=int)
    if symmetric:
        rows, cols = np.concatenate([rows, cols]), np.concatenate([cols, rows])
    kernel = lambdify(args, [e for _, e in entries]) if entries else None

    def matrix(*values: Any) -> np.ndarray:
        out = np.zeros(shape)
        if kernel is not None:
            entry_values = np.array(kernel(*values), dtype=float)
            out[rows, cols] = np.concatenate([entry_values, entry_values]) if symmetric else entry_values
        return out

    return matrix
