import math
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import optimize as sciopt

from optimizers import Status, gradient_descent
from penalty import PenaltyIterate, Problem, exterior_penalty, solve

ACCURATE = dict(method="newton", epsilon=1e-10, tol=1e-9, max_iter=100)


@pytest.fixture(scope="module")
def seed():
    return Problem("-x1 + x2", ["x1 + x2 = 1", "x2 >= 1"])


def test_seed_defaults_reach_the_known_optimum(seed):
    result = solve(seed, [-0.5, 0.2])
    assert result.success, result.message
    np.testing.assert_allclose(result.x, [0.0, 1.0], atol=1e-4)
    assert result.fun == pytest.approx(1.0, abs=1e-4)
    assert result.M * seed.penalty_value(result.x) < 1e-5
    # The seed's criterion M*alpha < 1e-5 with alpha = 5/(4 M^2) at the penalized minimizer
    # stops at the first M = 10^j above 1.25e5.
    assert result.M == 1e6 and result.nouter == 7


@pytest.mark.parametrize("method", ["gd", "cg", "newton"])
@pytest.mark.parametrize("line_search", ["exact", "armijo"])
def test_every_method_solves_the_seed(seed, method, line_search):
    result = solve(seed, [-0.5, 0.2], method=method, line_search=line_search, max_iter=200, tol=1e-6)
    assert result.success, result.message
    np.testing.assert_allclose(result.x, [0.0, 1.0], atol=1e-4)


def test_accurate_options_reach_1e_minus_6(seed):
    result = solve(seed, [-0.5, 0.2], **ACCURATE)
    assert result.success
    assert result.max_violation < 1e-6
    assert abs(result.fun - 1.0) < 1e-6


# Hock & Schittkowski, "Test Examples for Nonlinear Programming Codes", 1981: published optima.
HOCK_SCHITTKOWSKI = {
    "HS6": ("(1 - x1)**2", ["10*(x2 - x1**2) = 0"], [-1.2, 1.0], [1.0, 1.0], 0.0),
    "HS21": ("0.01*x1**2 + x2**2 - 100",
             ["10*x1 - x2 - 10 >= 0", "x1 >= 2", "x1 <= 50", "x2 >= -50", "x2 <= 50"],
             [-1.0, -1.0], [2.0, 0.0], -99.96),
    "HS28": ("(x1 + x2)**2 + (x2 + x3)**2", ["x1 + 2*x2 + 3*x3 - 1 = 0"], [-4.0, 1.0, 1.0],
             [0.5, -0.5, 0.5], 0.0),
    "HS35": ("9 - 8*x1 - 6*x2 - 4*x3 + 2*x1^2 + 2*x2^2 + x3^2 + 2*x1*x2 + 2*x1*x3",
             ["x1 + x2 + 2*x3 <= 3", "x1 >= 0", "x2 >= 0", "x3 >= 0"], [0.5, 0.5, 0.5],
             [4 / 3, 7 / 9, 4 / 9], 1 / 9),
}


@pytest.mark.parametrize("name", sorted(HOCK_SCHITTKOWSKI))
def test_published_optima(name):
    objective, constraints, x0, x_star, f_star = HOCK_SCHITTKOWSKI[name]
    result = solve(Problem(objective, constraints), x0, **ACCURATE)
    assert result.success, result.message
    np.testing.assert_allclose(result.x, x_star, atol=1e-5)
    assert result.fun == pytest.approx(f_star, abs=1e-5)
    assert result.max_violation < 1e-6


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**6))
@example(16265)  # large multipliers: M*alpha < epsilon is never met (issue 12)
def test_random_convex_problems_agree_with_scipy(seed_):
    rng = np.random.default_rng(seed_)
    n = int(rng.integers(2, 4))
    Q = rng.normal(size=(n, n))
    A = Q @ Q.T + np.eye(n)
    c = rng.normal(size=n)
    rows = rng.normal(size=(2, n))
    bounds = rng.normal(size=2) - 0.5
    names = [f"x{i + 1}" for i in range(n)]

    def linear(coeffs):
        return " + ".join(f"({a:.6f})*{v}" for a, v in zip(coeffs, names, strict=True))

    quad = " + ".join(f"({A[i, j] / 2:.6f})*{names[i]}*{names[j]}" for i in range(n) for j in range(n))
    constraints = [f"{linear(r)} <= {b:.6f}" for r, b in zip(rows, bounds, strict=True)]
    problem = Problem(f"{quad} + {linear(c)}", constraints)
    A_used = np.array([[round(A[i, j] / 2, 6) * 2 for j in range(n)] for i in range(n)])
    A_used = (A_used + A_used.T) / 2
    c_used, rows_used, b_used = np.round(c, 6), np.round(rows, 6), np.round(bounds, 6)
    reference = sciopt.minimize(
        lambda x: 0.5 * x @ A_used @ x + c_used @ x, np.zeros(n), jac=lambda x: A_used @ x + c_used,
        constraints=[{"type": "ineq", "fun": lambda x: b_used - rows_used @ x}], method="SLSQP",
        options={"ftol": 1e-12, "maxiter": 500})
    result = solve(problem, np.zeros(n), **ACCURATE)
    assert result.success
    # SLSQP meets constraints to about 1e-8; with multipliers near 1e3 that moves f by ~1e-5.
    assert result.fun == pytest.approx(reference.fun, rel=1e-6, abs=1e-5)
    np.testing.assert_allclose(result.x, reference.x, atol=1e-4)


def test_stream_records_carry_outer_index_and_weight(seed):
    iterates = list(exterior_penalty(seed, [-0.5, 0.2], M0=2.0, C=5.0))
    assert all(isinstance(it, PenaltyIterate) for it in iterates)
    assert [it.k for it in iterates] == list(range(len(iterates)))
    for it in iterates:
        assert it.M == pytest.approx(2.0 * 5.0**it.outer)
        assert it.fun == pytest.approx(seed.penalized_function(it.M).fun(it.x))
        assert it.objective == pytest.approx(it.x[1] - it.x[0])
        assert it.violation == pytest.approx(seed.max_violation(it.x))
    outers = [it.outer for it in iterates]
    assert outers == sorted(outers) and outers[-1] >= 2
    # Each new weight starts where the previous inner run stopped (warm start).
    for before, after in pairwise(iterates):
        if after.outer != before.outer:
            np.testing.assert_array_equal(after.x, before.x)
            assert after.step is None


def test_result_counts_every_inner_step(seed):
    stream = exterior_penalty(seed, [-0.5, 0.2])
    iterates = []
    while True:
        try:
            iterates.append(next(stream))
        except StopIteration as stop:
            result = stop.value
            break
    assert sum(it.step is not None for it in iterates) == result.nit
    np.testing.assert_array_equal(iterates[-1].x, result.x)


def test_polynomial_exact_search_matches_the_iterative_one(seed):
    F = seed.penalized_function(10.0)
    by_roots = list(gradient_descent(F.fun, F.grad, [-0.5, 0.2], along=F.along, max_iter=10))
    iterative = list(gradient_descent(F.fun, F.grad, [-0.5, 0.2], max_iter=10))
    assert len(by_roots) == len(iterative)
    for a, b in zip(by_roots, iterative, strict=True):
        np.testing.assert_allclose(a.x, b.x, atol=1e-9)


def test_exact_search_never_trusts_rounding_noise_in_the_polynomial():
    # On Rosenbrock from (0, 0) a gradient component ~1e-29 gives phi's quartic a far-away
    # "minimum" at t ~ 1e30 that exists only in rounding; phi itself must decide.
    F = Problem("100*(x2 - x1**2)**2 + (1 - x1)**2").penalized_function(1.0)
    stream = gradient_descent(F.fun, F.grad, [0.0, 0.0], along=F.along, max_iter=300)
    values = [it.fun for it in stream]
    assert all(b <= a for a, b in pairwise(values))
    assert values[-1] < 0.1  # steepest descent crawls along the valley, but it never jumps out


def test_unbounded_problem_is_not_a_success():
    problem = Problem("-x1 + x2**2", ["x2 >= 0"])
    # Along -grad from (0, 0), F = -t: the exact line search sees it at once.
    assert solve(problem, [0.0, 0.0]).status == Status.UNBOUNDED
    # From (0, 1) every line is bounded; x stays feasible while x1 runs off to infinity.
    result = solve(problem, [0.0, 1.0])
    assert result.status == Status.MAX_ITER and not result.success


def test_unconstrained_problem_is_plain_minimization():
    result = solve(Problem("(x1 - 1)**2 + 2*(x2 + 3)**2"), [0.0, 0.0], tol=1e-10, max_iter=100)
    assert result.success and result.nouter == 1
    np.testing.assert_allclose(result.x, [1.0, -3.0], atol=1e-9)


@pytest.mark.parametrize(
    "options, message",
    [
        ({"x0": [1.0]}, "x0 has 1 number, the problem has 2 variables \\(x1, x2\\)"),
        ({"method": "bfgs"}, "method"),
        ({"C": 1.0}, "C must be"),
        ({"M0": -1.0}, "M0"),
        ({"epsilon": 0.0}, "epsilon"),
        ({"line_search": "wolfe"}, "line_search"),
        ({"max_outer": 0}, "max_outer"),
        ({"tol": math.nan}, "tol"),
        ({"M0": True}, "^M0 must be a number, got True$"),
        ({"max_iter": True}, "^max_iter must be a non-negative integer, got True$"),
        ({"C": True}, "^C must be a number, got True$"),
        ({"tol": True}, "^tol must be a positive number, got True$"),
        ({"x0": [True, 1.0]}, "^x0 must be a list of 2 numbers \\(x1, x2\\)"),
        ({"x0": ["1", 1.0]}, "^x0 must be a list of 2 numbers \\(x1, x2\\)"),
        ({"x0": [math.nan, 1.0]}, "^x0 must be finite numbers, got \\[nan, 1.0\\]$"),
        ({"x0": [[1.0], [2.0]]}, "^x0 must be a flat list of 2 numbers \\(x1, x2\\), got shape \\(2, 1\\)$"),
        ({"x0": 1.0}, "^x0 must be a list of 2 numbers \\(x1, x2\\), got 1.0$"),
    ],
)
def test_bad_options_raise_at_the_call(seed, options, message):
    options = {"x0": [-0.5, 0.2]} | options
    x0 = options.pop("x0")
    with pytest.raises(ValueError, match=message):
        exterior_penalty(seed, x0, **options)
