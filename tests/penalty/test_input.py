"""Wrong types given to `Problem` are one-line ProblemErrors naming the argument, never TypeErrors."""

import pytest
import sympy

from penalty import Problem, ProblemError

x = sympy.Symbol("x1", real=True)


@pytest.mark.parametrize(("args", "message"), [
    ((float("nan"),), "objective nan: not a finite number"),
    ((float("inf"),), "objective inf: not a finite number"),
    ((b"x1^2",), "objective must be a string or a SymPy expression, got bytes; decode it first"),
    ((None,), "objective must be a string or a SymPy expression, got NoneType"),
    (("x1^2", b"x1>=1"), "constraints must be strings or SymPy relations, got bytes"),
    (("x1^2", 5), "constraints must be a list of strings or SymPy relations, got int"),
    (("x1^2", [b"x1>=1"]), "a constraint must be a string or a SymPy relation"),
    (("x1^2", (), 5), "variables must be a list of names such as ['x1', 'x2'], got int 5"),
    (("x1^2", (), b"x1"), "variables must be a list of names"),
    (("x1^2", (), [5]), "variable 5: not a valid name"),
    ((sympy.Piecewise((x**2, x > 0), (-x, True)),), "not differentiable (its gradient contains Piecewise"),
    ((sympy.floor(x) + x**2,), "not differentiable"),
    ((sympy.Mod(x, 2) + x**2,), "not differentiable"),
    ((x**2, [sympy.Ge(sympy.Piecewise((x, x > 0), (0, True)), 1)]), "Piecewise"),
])
def test_wrong_types_and_non_smooth_pieces_are_one_line(args, message):
    with pytest.raises(ProblemError) as error:
        Problem(*args)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_a_smooth_problem_still_passes():
    assert Problem(2.5 + x**2).n == 1
    assert Problem("x1^2", variables=("x1",)).n == 1
