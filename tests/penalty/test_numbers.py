"""Numbers at and past the edge of float range: a one-line ProblemError at parse time, or an honest status."""

import warnings

import numpy as np
import pytest

from penalty import Problem, ProblemError, solve


@pytest.mark.parametrize("text, number", [
    ("x1^2*1e200*1e200", "1.00E+400"),
    ("x1^2 + 1.7e308 + 1.7e308", "3.40E+308"),
    ("x1 - 1.7e308 - 1.7e308", "-3.40E+308"),
    ("x1*1e300*1e300*1e300", "1.00E+600"),
    ("x1 + 2*(x1-1)^2*1e308", "2.00E+308"),
])
def test_folded_numbers_past_float_range_are_refused_naming_them(text, number):
    with pytest.raises(ProblemError) as caught:
        Problem(text)
    message = str(caught.value)
    assert "\n" not in message
    assert f"number {number}" in message and "outside float range" in message


@pytest.mark.parametrize("text, x0, x_star", [
    ("x1^2 + exp(-1e19)", [1.0], [0.0]),  # exp(-1e19) is 0.0 in floating point
    ("x1^2*1e-200*1e-200 + (x1 - 2)^2", [0.0], [2.0]),
])
def test_extreme_but_representable_numbers_solve(text, x0, x_star):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = solve(Problem(text), x0, tol=1e-8, max_iter=100)
    assert result.success, result.message
    np.testing.assert_allclose(result.x, x_star, atol=1e-6)


def test_a_constant_that_swamps_f_in_rounding_is_an_honest_stall():
    # 1.7e308 + (x1 - 1)^2 is the same float for every x1 near 0: no step can lower it.
    result = solve(Problem("(x1 - 1)^2 + 1.7e308"), [0.0])
    assert result.status.name == "STALLED" and not result.success


def test_huge_argument_of_sin_is_folded_as_a_float():
    # sin(1e300) = -0.8179 (the float 1e300 reduced exactly): x1^2 * sin(1e300) has no minimizer.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        problem = Problem("x1^2*sin(1e300)")
        assert problem.penalized_function(1.0).fun([1.0]) == pytest.approx(np.sin(1e300))
        result = solve(problem, [1.0])
    assert result.status.name == "UNBOUNDED" and not result.success


def test_overflowing_gradient_is_a_status_not_an_exception():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = solve(Problem("(x1-1)^2*1e308"), [0.0])
    assert not result.success and result.status.name == "DIVERGED"
