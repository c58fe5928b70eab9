"""The log barrier: +inf outside, iterates strictly inside, the duality gap m/t, published optima."""

import numpy as np
import pytest

from penalty import BarrierIterate, Problem, ProblemError, barrier_function, log_barrier, solve
from tests.penalty.test_sumt import HOCK_SCHITTKOWSKI

# Strictly feasible starts (HS21's published x0 = (-1, -1) is outside: x1 >= 2).
INTERIOR = {
    "seed": ("-x1 + x2", ["x1 + x2 = 1", "x2 >= 1"], [-0.5, 1.5], [0.0, 1.0], 1.0),
    "HS21": (*HOCK_SCHITTKOWSKI["HS21"][:2], [3.0, 0.0], *HOCK_SCHITTKOWSKI["HS21"][3:]),
    "HS35": HOCK_SCHITTKOWSKI["HS35"],
}
HS35 = Problem(*HOCK_SCHITTKOWSKI["HS35"][:2])


def test_barrier_is_infinite_outside_and_matches_its_definition_inside():
    problem = Problem("x1^2 + x2", ["x1 + x2 <= 2", "x2 >= 0"])
    B = barrier_function(problem).function(4.0)
    x = np.array([0.5, 0.25])
    expected = 0.25 + 0.25 - (np.log(2 - 0.75) + np.log(0.25)) / 4.0
    assert B.fun(x) == pytest.approx(expected, rel=1e-14)
    e, basis = 1e-6, np.eye(2) * 1e-6
    np.testing.assert_allclose(B.grad(x), [(B.fun(x + b) - B.fun(x - b)) / (2 * e) for b in basis], atol=1e-6)
    fd_hess = [(B.grad(x + b) - B.grad(x - b)) / (2 * e) for b in basis]
    np.testing.assert_allclose(B.hess(x), fd_hess, atol=1e-5)
    for outside in ([0.5, 0.0], [0.5, -1.0], [3.0, 1.0]):
        assert B.fun(outside) == np.inf
        assert np.isnan(B.grad(outside)).all()
    X, Y = np.meshgrid([0.5, 3.0], [0.25, -1.0])
    Z = B.surface(X, Y)
    assert Z[0, 0] == pytest.approx(expected) and np.isinf(Z[0, 1]) and np.isinf(Z[1]).all()


@pytest.mark.parametrize("method, line_search", [("newton", "exact"), ("newton", "armijo"), ("gd", "exact"),
                                                 ("cg", "exact")])
@pytest.mark.parametrize("name", sorted(INTERIOR))
def test_every_iterate_is_strictly_inside(name, method, line_search):
    objective, constraints, x0, *_ = INTERIOR[name]
    problem = Problem(objective, constraints)
    records = list(log_barrier(problem, x0, method=method, line_search=line_search, max_outer=8))
    assert all(isinstance(it, BarrierIterate) for it in records)
    for it in records:
        _, g = problem.constraint_values(it.x)
        assert np.all(g < 0), (it.k, it.x)
        assert it.M == pytest.approx(1.0 / it.t)
        assert np.isfinite(it.fun)


@pytest.mark.parametrize("name", sorted(INTERIOR))
def test_published_optima_from_inside(name):
    objective, constraints, x0, x_star, f_star = INTERIOR[name]
    result = solve(Problem(objective, constraints), x0, outer="barrier")
    assert result.success, result.message
    np.testing.assert_allclose(result.x, x_star, atol=1e-6)
    assert result.fun == pytest.approx(f_star, abs=1e-6)
    assert result.max_violation < 1e-6


def test_duality_gap_is_m_over_t_against_the_dual_function_in_closed_form():
    # HS35 is a convex QP: f = x'Qx/2 + c'x + 9, constraints A x <= b. For mu >= 0 the dual function
    # q(mu) = min_x f + mu'(Ax - b) is attained at x = -Q^{-1}(c + A'mu): independent of the solver.
    Q = np.array([[4.0, 2, 2], [2, 4, 0], [2, 0, 2]])
    c = np.array([-8.0, -6, -4])
    A = np.array([[1.0, 1, 2], [-1, 0, 0], [0, -1, 0], [0, 0, -1]])
    b = np.array([3.0, 0, 0, 0])

    def dual(mu):
        x = -np.linalg.solve(Q, c + A.T @ mu)
        return 0.5 * x @ Q @ x + c @ x + 9 + mu @ (A @ x - b)

    result = solve(HS35, [0.5, 0.5, 0.5], outer="barrier", tol=1e-10)
    assert len(result.outer_steps) >= 5
    for s in result.outer_steps:
        t, mu = s.weight, s.multipliers
        assert np.all(mu > 0)
        # rtol 1e-6: near the boundary g = Ax - b cancels (relative error ~ eps |b| / |g|)
        np.testing.assert_allclose(mu, -1.0 / (t * (A @ s.x - b)), rtol=1e-6)
        assert s.gap == pytest.approx(4 / t, rel=1e-12)  # m = 4 inequalities
        assert s.objective - dual(mu) == pytest.approx(4 / t, rel=1e-6, abs=1e-12)
    np.testing.assert_allclose(result.multipliers, [2 / 9, 0, 0, 0], atol=1e-6)


def test_weights_grow_by_C_and_records_are_plain_data():
    result = solve(HS35, [0.5, 0.5, 0.5], outer="barrier", t0=2.0, C=5.0, max_outer=4)
    assert [s.weight for s in result.outer_steps] == pytest.approx([2.0, 10.0, 50.0, 250.0])
    assert result.M == pytest.approx(1 / 250.0)
    assert all(np.isfinite(s.condition) and s.condition >= 1 for s in result.outer_steps)
    assert not result.success  # stopped by max_outer with gap 4/250 > epsilon


def test_start_outside_or_on_the_boundary_is_one_clear_line():
    problem = Problem("-x1 + x2", ["x1 + x2 = 1", "x2 >= 1"])
    for x0 in ([-0.5, 0.2], [0.0, 1.0]):
        with pytest.raises(ProblemError, match="not strictly feasible") as info:
            log_barrier(problem, x0)
        assert "\n" not in str(info.value) and "1 - x2" in str(info.value)


def test_problem_without_inequalities_is_refused():
    with pytest.raises(ProblemError, match="needs an inequality"):
        log_barrier(Problem("x1^2 + x2^2", ["x1 + x2 = 1"]), [0.0, 0.0])


@pytest.mark.parametrize("options, message", [({"t0": 0.0}, "t0"), ({"C": 0.5}, "C must be"),
                                              ({"method": "sgd"}, "method"), ({"tol": -1.0}, "tol")])
def test_bad_options_raise_at_the_call(options, message):
    with pytest.raises(ValueError, match=message):
        log_barrier(HS35, [0.5, 0.5, 0.5], **options)


def test_t_is_an_input_not_a_recompile(monkeypatch):
    import sympy

    solve(HS35, [0.5, 0.5, 0.5], outer="barrier", max_outer=2)  # everything compiled once, here

    def no_sympy(*args, **kwargs):
        raise AssertionError("lambdify called after the first compile")

    monkeypatch.setattr(sympy, "lambdify", no_sympy)
    assert solve(HS35, [0.4, 0.4, 0.4], outer="barrier", t0=3.0).success
