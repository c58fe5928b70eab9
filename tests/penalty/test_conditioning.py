"""What each outer step of the pure penalty teaches, against published and closed-form numbers."""

import numpy as np
import pytest

from optimizers import gradient_descent
from penalty import OuterStep, Problem, exterior_penalty, solve

EXACT_INNER = dict(method="newton", tol=1e-12, max_iter=100, epsilon=1e-300)


def test_nocedal_wright_example_17_1_minimizers_multipliers_and_condition_numbers():
    # min x1 + x2 s.t. x1^2 + x2^2 = 2 with F = f + M h^2 (N&W, Example 17.1), M = 0.5, 5, 50;
    # the published numbers were computed independently of this code.
    problem = Problem("x1 + x2", ["x1^2 + x2^2 = 2"])
    result = solve(problem, [-1.2, -1.2], M0=0.5, C=10.0, max_outer=3, **EXACT_INNER)
    steps = result.outer_steps
    assert [s.weight for s in steps] == pytest.approx([0.5, 5.0, 50.0])
    for s, diagonal, estimate, kappa in zip(steps, [-1.10716, -1.012273, -1.001248],
                                            [0.4516, 0.49394, 0.499377], [11.86, 83.98, 804.0], strict=True):
        np.testing.assert_allclose(s.x, [diagonal, diagonal], atol=1e-6)
        assert s.multipliers[0] == pytest.approx(estimate, abs=1e-4)
        assert s.condition == pytest.approx(kappa, rel=1e-3)
        assert s.violation == pytest.approx(s.multipliers[0] / (2 * s.weight), rel=1e-12)
    # 2 M h -> lambda* = 1/2 (in L = f + lambda h); kappa grows like M.
    np.testing.assert_allclose(result.multipliers, [steps[-1].multipliers[0]])


@pytest.mark.parametrize("M", [0.5, 3.0, 40.0, 1e3])
def test_quadratic_with_one_linear_equality_in_closed_form(M):
    # min (x1^2 + x2^2)/2 s.t. x1 = 1: x1(M) = 2M/(2M+1), 2 M h = -2M/(2M+1), kappa = 1 + 2M.
    problem = Problem("(x1^2 + x2^2)/2", ["x1 = 1"])
    (step,) = solve(problem, [0.3, 0.7], M0=M, max_outer=1, **EXACT_INNER).outer_steps
    np.testing.assert_allclose(step.x, [2 * M / (2 * M + 1), 0.0], atol=1e-12)
    assert step.multipliers[0] == pytest.approx(-2 * M / (2 * M + 1), rel=1e-10)
    assert step.condition == pytest.approx(1 + 2 * M, rel=1e-10)
    assert step.violation == pytest.approx(1 / (2 * M + 1), rel=1e-10)


@pytest.mark.parametrize("gamma", [2.0, 10.0, 0.1])
@pytest.mark.parametrize("polynomial", [True, False])
def test_boyd_vandenberghe_figure_9_2_exact_line_search_oracle(gamma, polynomial):
    # f = (x1^2 + gamma x2^2)/2 from (gamma, 1): x_k = (gamma rho^k, (-rho)^k), rho = (gamma-1)/(gamma+1)
    # (Boyd & Vandenberghe, Convex Optimization, sec. 9.3.2, Fig. 9.2), by polynomial roots or iteration.
    F = Problem(f"(x1^2 + {gamma}*x2^2)/2").objective_function
    along = F.along if polynomial else None
    path = [it.x for it in gradient_descent(F.fun, F.grad, [gamma, 1.0], along=along, tol=1e-300,
                                            max_iter=12)]
    rho = (gamma - 1) / (gamma + 1)
    k = np.arange(len(path))
    np.testing.assert_allclose(np.array(path), np.c_[gamma * rho**k, (-rho) ** k], rtol=1e-9, atol=1e-15)


def test_penalty_records_one_outer_step_per_weight(seed_problem):
    stream = exterior_penalty(seed_problem, [-0.5, 0.2], M0=2.0, C=5.0)
    iterates = []
    while True:
        try:
            iterates.append(next(stream))
        except StopIteration as stop:
            result = stop.value
            break
    steps = result.outer_steps
    assert all(isinstance(s, OuterStep) for s in steps)
    assert [s.outer for s in steps] == list(range(result.nouter))
    assert sum(s.inner_iterations for s in steps) == result.nit
    for s in steps:
        last = [it for it in iterates if it.outer == s.outer][-1]
        np.testing.assert_array_equal(s.x, last.x)
        assert s.weight == last.M
        h, g = s.x[0] + s.x[1] - 1, 1 - s.x[1]
        np.testing.assert_allclose(s.multipliers, [2 * s.weight * h, 2 * s.weight * max(g, 0.0)], rtol=1e-9)
        assert s.gap == pytest.approx(-(s.multipliers @ [h, g]))
        assert not s.x.flags.writeable and not s.multipliers.flags.writeable
    np.testing.assert_array_equal(result.multipliers, steps[-1].multipliers)


def test_pure_penalty_violation_falls_like_one_over_M(seed_problem):
    # The log-log slope -1 of the violation. The seed has as many active constraints as variables
    # and a linear f, so its Hessian is 2M [[1, 1], [1, 2]]: kappa = (3 + sqrt 5)/(3 - sqrt 5) for
    # every M. The ill-conditioning needs curvature along the constraints (Example 17.1 above).
    result = solve(seed_problem, [-0.5, 0.2], M0=1.0, C=10.0, max_outer=5, **EXACT_INNER)
    weights = np.array([s.weight for s in result.outer_steps])
    violation = np.array([s.violation for s in result.outer_steps])
    kappa = np.array([s.condition for s in result.outer_steps])
    slopes = np.diff(np.log10(violation)) / np.diff(np.log10(weights))
    np.testing.assert_allclose(slopes, -1.0, atol=1e-6)
    np.testing.assert_allclose(kappa, (3 + np.sqrt(5)) / (3 - np.sqrt(5)), rtol=1e-9)
    np.testing.assert_allclose(result.outer_steps[-1].multipliers, [1.0, 2.0], atol=1e-3)


@pytest.fixture(scope="module")
def seed_problem():
    return Problem("-x1 + x2", ["x1 + x2 = 1", "x2 >= 1"])


@pytest.mark.parametrize("outer, x0", [("penalty", [-0.5, 0.2]), ("multipliers", [-0.5, 0.2]),
                                       ("barrier", [-0.5, 1.5])])
def test_outer_records_are_plain_data_that_pickle(seed_problem, outer, x0):
    # viz renders frames in worker processes: the records must travel as they are.
    import pickle

    result = solve(seed_problem, x0, outer=outer)
    copy = pickle.loads(pickle.dumps(result))
    np.testing.assert_array_equal(copy.multipliers, result.multipliers)
    assert [s.weight for s in copy.outer_steps] == [s.weight for s in result.outer_steps]
    assert copy.outer_steps[-1].status == result.outer_steps[-1].status
