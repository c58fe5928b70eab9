"""The method of multipliers: the compiled L_A against its definition, and KKT points with bounded M."""

from itertools import pairwise

import numpy as np
import pytest
import sympy

from optimizers import Status, run
from penalty import (
    MultiplierIterate,
    Problem,
    augmented_lagrangian,
    exterior_penalty,
    iterates,
    method_of_multipliers,
    solve,
)
from tests.penalty.test_sumt import HOCK_SCHITTKOWSKI

SEED = ("-x1 + x2", ["x1 + x2 = 1", "x2 >= 1"], [-0.5, 0.2], [0.0, 1.0], 1.0)
PUBLISHED = {"seed": SEED, **HOCK_SCHITTKOWSKI}
# Hock & Schittkowski's multipliers in L = f + lambda.h + mu.g (g <= 0), from the KKT conditions at x*.
MULTIPLIERS = {"seed": [1.0, 2.0], "HS6": [0.0], "HS28": [0.0], "HS21": [0.0, 0.04, 0.0, 0.0, 0.0],
               "HS35": [2 / 9, 0.0, 0.0, 0.0]}
TIGHT = dict(epsilon=1e-10, tol=1e-10)


@pytest.fixture(scope="module")
def mixed():
    return Problem("-x1 + x2 + x1**2*x2", ["x1 + x2 = 1", "x2 >= 1", "x1**2 + x2**2 <= 4"])


def test_zero_multipliers_give_the_exterior_penalty(mixed):
    L, F = augmented_lagrangian(mixed).function([0.0], [0.0, 0.0], 3.0), mixed.penalized_function(3.0)
    for x in np.random.default_rng(1).normal(scale=2.0, size=(20, 2)):
        assert L.fun(x) == pytest.approx(F.fun(x), rel=1e-12, abs=1e-12)
        np.testing.assert_allclose(L.grad(x), F.grad(x), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(L.hess(x), F.hess(x), rtol=1e-12, atol=1e-12)


def test_value_gradient_hessian_and_line_pieces_match_the_definition(mixed):
    # L_A = f + lam h + M h^2 + (max(0, mu + 2 M g)^2 - mu^2)/(4M), written out here in numpy.
    lam, mu, M = np.array([0.7]), np.array([0.5, 1.3]), 2.5
    L = augmented_lagrangian(mixed).function(lam, mu, M)

    def by_hand(x):
        h = x[0] + x[1] - 1
        g = np.array([1 - x[1], x[0] ** 2 + x[1] ** 2 - 4])
        return (-x[0] + x[1] + x[0] ** 2 * x[1] + lam[0] * h + M * h**2
                + np.sum(np.maximum(0, mu + 2 * M * g) ** 2 - mu**2) / (4 * M))

    rng = np.random.default_rng(2)
    e = 1e-6
    for x in rng.normal(scale=2.0, size=(20, 2)):
        assert L.fun(x) == pytest.approx(by_hand(x), rel=1e-12, abs=1e-12)
        basis = np.eye(2) * e
        fd_grad = [(by_hand(x + b) - by_hand(x - b)) / (2 * e) for b in basis]
        fd_hess = [(L.grad(x + b) - L.grad(x - b)) / (2 * e) for b in basis]
        np.testing.assert_allclose(L.grad(x), fd_grad, atol=1e-6)
        np.testing.assert_allclose(L.hess(x), fd_hess, atol=1e-5)
        d = rng.normal(size=2)
        pieces = L.along(x, d)
        for t in (0.0, 0.3, 1.0, 2.5):
            assert pieces(t) == pytest.approx(L.fun(x + t * d), rel=1e-10, abs=1e-10)


def test_multipliers_are_inputs_not_a_recompile(mixed, monkeypatch):
    A = augmented_lagrangian(mixed)
    solve(mixed, [0.5, 0.5], outer="multipliers", method="newton")  # everything compiled once, here

    def no_sympy(*args, **kwargs):
        raise AssertionError("lambdify called after the first compile")

    monkeypatch.setattr(sympy, "lambdify", no_sympy)
    assert augmented_lagrangian(mixed) is A
    result = solve(mixed, [0.0, 0.0], outer="multipliers", method="newton")
    assert result.success, result.message


def test_first_outer_step_is_the_exterior_penalty_at_M0():
    problem = Problem(*SEED[:2])
    stream = method_of_multipliers(problem, SEED[2], max_iter=15, tol=1e-3)
    multiplier_run = [it for it in stream if it.outer == 0]
    penalty_run = [it for it in exterior_penalty(problem, SEED[2]) if it.outer == 0]
    assert len(multiplier_run) == len(penalty_run)
    for a, b in zip(multiplier_run, penalty_run, strict=True):
        np.testing.assert_allclose(a.x, b.x, rtol=1e-12, atol=1e-14)
        assert a.fun == pytest.approx(b.fun, rel=1e-12)


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_newton_inner_solves_every_published_problem_with_bounded_M(name):
    objective, constraints, x0, x_star, f_star = PUBLISHED[name]
    result = solve(Problem(objective, constraints), x0, outer="multipliers", method="newton", **TIGHT)
    assert result.success, result.message
    np.testing.assert_allclose(result.x, x_star, atol=1e-6)
    assert abs(result.fun - f_star) < 1e-8
    assert result.max_violation < 1e-8
    assert max(s.weight for s in result.outer_steps) <= 1e4
    np.testing.assert_allclose(result.multipliers, MULTIPLIERS[name], atol=1e-6)


@pytest.mark.parametrize("method", ["gd", "cg"])
@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_steepest_descent_and_cg_with_exact_search_solve_them_too(name, method):
    objective, constraints, x0, x_star, f_star = PUBLISHED[name]
    result = solve(Problem(objective, constraints), x0, outer="multipliers", method=method)
    assert result.success, result.message
    np.testing.assert_allclose(result.x, x_star, atol=1e-6)
    assert abs(result.fun - f_star) < 1e-6
    assert result.max_violation < 1e-8
    assert max(s.weight for s in result.outer_steps) <= 1e4


def test_seed_within_1e_minus_8_by_steepest_descent():
    problem = Problem(*SEED[:2])
    result = solve(problem, SEED[2], outer="multipliers", **TIGHT)
    assert result.success and result.max_violation < 1e-8 and abs(result.fun - 1.0) < 1e-8
    assert result.M <= 1e4


def test_M_grows_only_when_the_multipliers_did_not_settle_fast_enough():
    # V_k = max |multiplier change| / (2 M_k); M_{k+1} > M_k only where V_k > shrink V_{k-1}.
    objective, constraints, x0, *_ = HOCK_SCHITTKOWSKI["HS35"]
    problem = Problem(objective, constraints)
    shrink = 0.25
    result = solve(problem, x0, outer="multipliers", method="gd", shrink=shrink)
    steps = result.outer_steps
    previous = np.zeros_like(steps[0].multipliers)
    V = []
    for s in steps:
        V.append(np.max(np.abs(s.multipliers - previous)) / (2 * s.weight))
        previous = s.multipliers
    grew = False
    for k, (a, b) in enumerate(pairwise(steps)):
        assert b.weight in (a.weight, 10 * a.weight)
        if b.weight > a.weight:
            grew = True
            assert k >= 1 and V[k] > shrink * V[k - 1]
        elif k >= 1:
            assert V[k] <= shrink * V[k - 1]
    assert grew  # the rule is exercised, not idle


def test_iterates_carry_the_multipliers_of_their_inner_function():
    problem = Problem(*SEED[:2])
    stream = method_of_multipliers(problem, SEED[2], method="newton")
    records = []
    while True:
        try:
            records.append(next(stream))
        except StopIteration as stop:
            result = stop.value
            break
    assert all(isinstance(it, MultiplierIterate) for it in records)
    np.testing.assert_array_equal(records[0].multipliers, [0.0, 0.0])
    A = augmented_lagrangian(problem)
    for it in records:
        lam, mu = it.multipliers[:1], it.multipliers[1:]
        assert it.fun == pytest.approx(A.function(lam, mu, it.M).fun(it.x), rel=1e-12, abs=1e-12)
        if it.outer > 0:  # the multipliers used are the previous outer step's update
            np.testing.assert_array_equal(it.multipliers, result.outer_steps[it.outer - 1].multipliers)
    assert sum(s.inner_iterations for s in result.outer_steps) == result.nit


def test_unconstrained_problem_is_one_inner_run():
    result = solve(Problem("(x1 - 1)**2 + 2*(x2 + 3)**2"), [0.0, 0.0], outer="multipliers", method="newton")
    assert result.success and result.nouter == 1 and result.multipliers.size == 0
    np.testing.assert_allclose(result.x, [1.0, -3.0], atol=1e-9)


def test_diverging_inner_run_is_a_status_not_a_success():
    result = run(method_of_multipliers(Problem("-x1 + x2**2", ["x2 >= 0"]), [0.0, 0.0]))
    assert result.status == Status.UNBOUNDED and not result.success


@pytest.mark.parametrize(
    "options, message",
    [
        ({"x0": [1.0]}, "x0 has 1 number, the problem has 2 variables"),
        ({"method": "bfgs"}, "method"),
        ({"C": 1.0}, "C must be"),
        ({"M0": 0.0}, "M0"),
        ({"shrink": 1.0}, "shrink"),
        ({"epsilon": -1.0}, "epsilon"),
        ({"max_outer": 0}, "max_outer"),
        ({"line_search": "wolfe"}, "line_search"),
        ({"outer": "sqp"}, "outer must be one of penalty, multipliers, barrier"),
        ({"M0": True}, "^M0 must be a number, got True$"),
        ({"max_iter": True}, "^max_iter must be a non-negative integer, got True$"),
        ({"outer": "barrier", "t0": True, "x0": [1.0, 2.0]}, "^t0 must be a number, got True$"),
        ({"outer": "barrier", "x0": [1.0]}, "^x0 has 1 number, the problem has 2 variables \\(x1, x2\\)$"),
    ],
)
def test_bad_options_raise_at_the_call(options, message):
    options = {"x0": [-0.5, 0.2], "outer": "multipliers"} | options
    x0 = options.pop("x0")
    with pytest.raises(ValueError, match=message):
        iterates(Problem(*SEED[:2]), x0, **options)


def test_augmented_function_checks_its_inputs(mixed):
    A = augmented_lagrangian(mixed)
    with pytest.raises(ValueError, match="lambda must be 1 finite numbers"):
        A.function([0.0, 1.0], [0.0, 0.0], 1.0)
    with pytest.raises(ValueError, match="mu must be non-negative"):
        A.function([0.0], [-1.0, 0.0], 1.0)
    with pytest.raises(ValueError, match="M must be a positive"):
        A.function([0.0], [0.0, 0.0], 0.0)
