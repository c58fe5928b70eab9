"""Affine constraints a'x + b as arrays: values, Jacobian and penalty gradient without SymPy code.

Bound and linear constraints are the common case, and compiling a thousand of them as separate
SymPy expressions costs seconds; as one sparse coefficient table they cost microseconds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import sympy

__all__ = ["MIN_ARRAY_CONSTRAINTS", "Affine", "affine_coefficients", "split_affine"]

# Below this many affine constraints the symbolic path compiles in milliseconds anyway, and keeping
# it keeps every small problem's numbers (and so its pictures) bit for bit as they were.
MIN_ARRAY_CONSTRAINTS = 32


def affine_coefficients(expr: sympy.Expr, variables: Mapping[sympy.Symbol, int]
                        ) -> tuple[dict[int, float], float] | None:
    """``({j: a_j}, b)`` with ``expr = sum a_j x_j + b``, or None unless `expr` is visibly affine.

    Read off the top-level sum, term by term (a number, a variable, or a number times a variable),
    with no expansion, differentiation or ``Poly``: linear in the size of `expr`. A constraint
    written otherwise (``2*(x1 + x2)``, ``pi*x1``) is simply left to the general, symbolic path.
    """
    coefficients: dict[int, float] = {}
    constant = 0.0
    for term in sympy.Add.make_args(expr):
        if term.is_Number:
            constant += float(term)
            continue
        if term.is_Symbol:
            a, x = 1.0, term
        elif term.is_Mul and len(term.args) == 2 and term.args[0].is_Number and term.args[1].is_Symbol:
            a, x = float(term.args[0]), term.args[1]
        else:
            return None
        if x not in variables:
            return None
        j = variables[x]
        coefficients[j] = coefficients.get(j, 0.0) + a
    if not (math.isfinite(constant) and all(map(math.isfinite, coefficients.values()))):
        return None
    return coefficients, constant


@dataclass(frozen=True)
class Affine:
    """Constraints ``c_i(x) = sum_j A_ij x_j + b_i`` for `index` (their places among all constraints).

    A is kept as its non-zero entries (`rows` local to this block, `cols`, `vals`), so a thousand
    bounds are a thousand numbers, not a 1000 x 1000 matrix.
    """

    index: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray
    b: np.ndarray
    n: int

    def values(self, x: np.ndarray, *, constant_first: bool = False) -> np.ndarray:
        """c(x) = A x + b for this block.

        Summed in the order of the symbolic path it replaces, so results stay bit for bit the same
        (any order is as accurate): the compiled constraint ``x1 + x2 - 1`` adds the terms, then b;
        a line's Taylor coefficient ``-1 + p1 + p2`` (`constant_first`) starts from b.
        """
        if not constant_first:
            return self.times(x) + self.b
        out = self.b.copy()
        np.add.at(out, self.rows, self.vals * x[self.cols])
        return out

    def times(self, d: np.ndarray) -> np.ndarray:
        """A d: the slope of c along d (not c(d) - b, which would lose digits to b)."""
        return np.bincount(self.rows, weights=self.vals * d[self.cols], minlength=self.b.size)

    def transposed_times(self, w: np.ndarray) -> np.ndarray:
        """A' w, shape (n,): the block's part of a gradient sum_i w_i grad c_i."""
        return np.bincount(self.cols, weights=self.vals * w[self.rows], minlength=self.n)

    def fill_jacobian(self, J: np.ndarray) -> None:
        """Write A into the rows `index` of the full Jacobian `J`."""
        J[self.index[self.rows], self.cols] = self.vals


def split_affine(constraints: Sequence[sympy.Expr], variables: Mapping[sympy.Symbol, int]
                 ) -> tuple[Affine | None, list[int]]:
    """The affine constraints as one `Affine` block and the indices of the rest.

    None and all indices when there are fewer than `MIN_ARRAY_CONSTRAINTS` affine ones.
    """
    index, rows, cols, vals, b, general = [], [], [], [], [], []
    for i, c in enumerate(constraints):
        found = affine_coefficients(c, variables)
        if found is None:
            general.append(i)
            continue
        coefficients, constant = found
        for j, a in coefficients.items():
            rows.append(len(index))
            cols.append(j)
            vals.append(a)
        index.append(i)
        b.append(constant)
    if len(index) < MIN_ARRAY_CONSTRAINTS:
        return None, list(range(len(constraints)))
    block = Affine(np.array(index, dtype=int), np.array(rows, dtype=int), np.array(cols, dtype=int),
                   np.array(vals, dtype=float), np.array(b, dtype=float), len(variables))
    return block, general
