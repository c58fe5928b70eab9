import math
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize as sciopt

from optimizers import Status, conjugate_gradient, gradient_descent, newton, run


def spd_quadratic(seed, n, cond=20.0):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    A = Q @ np.diag(np.geomspace(1.0, cond, n)) @ Q.T
    b = rng.normal(size=n)
    return A, b, (lambda x: 0.5 * x @ A @ x - b @ x), (lambda x: A @ x - b)


def rosenbrock():
    f = lambda x: 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2  # noqa: E731
    g = lambda x: np.array([-400 * x[0] * (x[1] - x[0] ** 2) - 2 * (1 - x[0]), 200 * (x[1] - x[0] ** 2)])  # noqa: E731
    h = lambda x: np.array([[1200 * x[0] ** 2 - 400 * x[1] + 2, -400 * x[0]], [-400 * x[0], 200.0]])  # noqa: E731
    return f, g, h


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10**6), st.integers(2, 5))
def test_exact_steepest_descent_on_quadratics(seed, n):
    A, b, f, g = spd_quadratic(seed, n)
    iterates = list(gradient_descent(f, g, np.ones(n), tol=1e-9, max_iter=5000))
    for before, after in pairwise(iterates):
        gk = before.grad
        if np.linalg.norm(gk) < 1e-6:  # t is resolved only to about eps |x| / |g|
            break
        assert after.step == pytest.approx((gk @ gk) / (gk @ A @ gk), rel=1e-7)
        # Exact line search: the new gradient is orthogonal to the old one.
        cos = abs(after.grad @ gk) / (np.linalg.norm(after.grad) * np.linalg.norm(gk))
        assert cos < 1e-6
    np.testing.assert_allclose(iterates[-1].x, np.linalg.solve(A, b), atol=1e-7)


@pytest.mark.parametrize("variant", ["PR+", "FR"])
@pytest.mark.parametrize("n", [2, 3, 5, 8])
def test_conjugate_gradient_ends_a_quadratic_in_n_steps(n, variant):
    # In exact arithmetic the n-th gradient is zero; in floating point it is at rounding level.
    A, b, f, g = spd_quadratic(n, n, cond=100.0)
    iterates = list(conjugate_gradient(f, g, np.zeros(n), tol=1e-300, max_iter=n, variant=variant))
    assert len(iterates) == n + 1
    assert iterates[-1].grad_norm < 1e-7 * iterates[0].grad_norm
    assert iterates[-2].grad_norm > 1e-4 * iterates[0].grad_norm  # n - 1 steps are not enough
    np.testing.assert_allclose(iterates[-1].x, np.linalg.solve(A, b), atol=1e-8)


def test_newton_solves_a_quadratic_in_one_step():
    A, b, f, g = spd_quadratic(1, 4)
    result = run(newton(f, g, lambda x: A, np.zeros(4), tol=1e-10))
    assert result.nit == 1
    np.testing.assert_allclose(result.x, np.linalg.solve(A, b), atol=1e-10)


@pytest.mark.parametrize("method", ["newton", "cg", "gd"])
def test_rosenbrock_matches_scipy(method):
    f, g, h = rosenbrock()
    x0 = np.array([-1.2, 1.0])
    if method == "newton":
        stream = newton(f, g, h, x0, tol=1e-8)
    elif method == "cg":
        stream = conjugate_gradient(f, g, x0, tol=1e-8, max_iter=5000)
    else:
        stream = gradient_descent(f, g, x0, tol=1e-6, max_iter=50_000)
    result = run(stream)
    reference = sciopt.minimize(f, x0, jac=g, method="BFGS", options={"gtol": 1e-10})
    assert result.success, result.message
    np.testing.assert_allclose(result.x, reference.x, atol=1e-4)


def test_newton_is_quadratically_convergent_near_the_minimizer():
    f, g, h = rosenbrock()
    errors = [np.linalg.norm(it.x - 1.0) for it in newton(f, g, h, [1.2, 1.2], tol=1e-14)]
    tail = [e for e in errors if 1e-12 < e < 1e-1]
    ratios = [b / a**2 for a, b in pairwise(tail)]
    assert ratios and max(ratios) < 1e3


def test_newton_descends_where_the_hessian_is_indefinite():
    # f = x^2 - y^2 + y^4/4: indefinite Hessian at the start (0.1, 0.1).
    f = lambda x: x[0] ** 2 - x[1] ** 2 + x[1] ** 4 / 4  # noqa: E731
    g = lambda x: np.array([2 * x[0], -2 * x[1] + x[1] ** 3])  # noqa: E731
    h = lambda x: np.array([[2.0, 0.0], [0.0, -2 + 3 * x[1] ** 2]])  # noqa: E731
    iterates = list(newton(f, g, h, [0.1, 0.1], tol=1e-10))
    assert all(b.fun < a.fun for a, b in pairwise(iterates))
    np.testing.assert_allclose(iterates[-1].x, [0.0, math.sqrt(2)], atol=1e-8)


def test_fixed_step_too_large_diverges_with_a_status():
    A, b, f, g = spd_quadratic(3, 2)
    stream = gradient_descent(f, g, [1.0, 1.0], line_search="fixed", step=10.0, max_iter=10**6)
    result = run(stream)
    assert result.status == Status.DIVERGED
    assert result.nit < 2000


def test_fixed_small_step_converges_like_the_learning_rate_says():
    A, b, f, g = spd_quadratic(3, 2)
    result = run(gradient_descent(f, g, [1.0, 1.0], line_search="fixed", step=0.04, tol=1e-8,
                                  max_iter=10**5))
    assert result.success
    np.testing.assert_allclose(result.x, np.linalg.solve(A, b), atol=1e-6)


@pytest.mark.parametrize("search", ["exact", "armijo"])
def test_unbounded_below_ends_with_a_status(search):
    result = run(gradient_descent(lambda x: -x[0] - x[1], lambda x: np.array([-1.0, -1.0]),
                                  [0.0, 1.0], line_search=search, max_iter=200))
    expected = Status.UNBOUNDED if search == "exact" else Status.MAX_ITER
    assert result.status == expected


def test_nan_from_the_function_ends_with_diverged():
    result = run(gradient_descent(lambda x: math.nan, lambda x: np.zeros(2), [0.0, 0.0]))
    assert result.status == Status.DIVERGED and not result.success


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(x0=[[1.0, 2.0]]), "1-D"),
        (dict(x0=[math.nan, 1.0]), "finite"),
        (dict(tol=0.0), "tol"),
        (dict(max_iter=-1), "max_iter"),
        (dict(step=-1.0), "step"),
        (dict(line_search="newton"), "line_search"),
    ],
)
def test_bad_arguments_raise_at_the_call(kwargs, message):
    args = dict(x0=[1.0, 1.0]) | kwargs
    x0 = args.pop("x0")
    with pytest.raises(ValueError, match=message):
        gradient_descent(lambda x: 0.0, lambda x: np.zeros(2), x0, **args)


def test_already_optimal_start_yields_one_iterate():
    A, b, f, g = spd_quadratic(5, 3)
    x_star = np.linalg.solve(A, b)
    iterates = list(gradient_descent(f, g, x_star))
    assert len(iterates) == 1


def test_the_consumer_keeps_its_own_floating_point_settings_between_steps():
    # The descent ignores numeric warnings while it computes a step, never while the consumer runs.
    fun = lambda x: float(x @ x)  # noqa: E731
    grad = lambda x: 2.0 * x  # noqa: E731
    with np.errstate(all="raise"):
        for _ in gradient_descent(fun, grad, [1.0, 2.0], line_search="armijo", max_iter=3):
            assert np.geterr()["over"] == "raise"


def exponential_residuals():
    """(exp(x1) - 1)^2 + (exp(x2) - 2)^2, its gradient and Hessian, in numpy."""

    def f(x):
        return float(np.sum((np.exp(x) - [1.0, 2.0]) ** 2))

    def g(x):
        return 2 * (np.exp(x) - [1.0, 2.0]) * np.exp(x)

    def h(x):
        return np.diag(2 * np.exp(x) * (2 * np.exp(x) - [1.0, 2.0]))

    return f, g, h


@pytest.mark.parametrize("method", ["gd", "cg", "newton"])
def test_an_exactly_zero_gradient_from_underflow_is_a_plateau(method):
    # At x2 = -800, exp(x2) underflows to 0.0: g = (0, 0) exactly, yet f = 4 is not its minimum (0,
    # at x2 = ln 2) and the true slope, -4 exp(-800), is not 0.
    f, g, h = exponential_residuals()
    start = np.array([0.0, -800.0])
    assert not np.any(g(start))
    stream = {"gd": lambda: gradient_descent(f, g, start), "cg": lambda: conjugate_gradient(f, g, start),
              "newton": lambda: newton(f, g, h, start)}[method]()
    result = run(stream)
    assert result.status == Status.PLATEAU and not result.success
    assert result.nit == 0


@pytest.mark.parametrize("method", ["gd", "cg", "newton"])
def test_an_exactly_zero_gradient_at_a_minimizer_converges(method):
    # The same function at its minimizer: the gradient is again exactly 0, with no underflow.
    f, g, h = exponential_residuals()
    start = np.array([0.0, math.log(2.0)])
    assert not np.any(g(start))
    stream = {"gd": lambda: gradient_descent(f, g, start), "cg": lambda: conjugate_gradient(f, g, start),
              "newton": lambda: newton(f, g, h, start)}[method]()
    assert run(stream).success


def test_a_flat_variable_with_no_underflow_is_harmless():
    # f does not depend on x2 at all: g2 = 0 exactly and f is flat in x2, but nothing underflowed.
    def f(x):
        return float(x[0] ** 2)

    def g(x):
        return np.array([2 * x[0], 0.0])

    result = run(gradient_descent(f, g, [1.0, 5.0]))
    assert result.success and result.x[1] == 5.0
