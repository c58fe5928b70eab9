import itertools
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizers import Iterate, Result, Status, run
from optimizers._stochastic import adam, minibatches, momentum, nesterov, sgd

OPTIMIZERS = [sgd, momentum, nesterov, adam]


def quadratic(seed=0, n=3):
    rng = np.random.default_rng(seed)
    Q = rng.normal(size=(n, n))
    A = Q @ Q.T + np.eye(n)
    b = rng.normal(size=n)
    return (lambda x: 0.5 * x @ A @ x - b @ x), (lambda x: A @ x - b), A, b


def rosenbrock(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def rosenbrock_grad(x):
    return np.array([-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2), 200 * (x[1] - x[0] ** 2)])


def beale(x):
    u, v = x
    return (1.5 - u + u * v) ** 2 + (2.25 - u + u * v**2) ** 2 + (2.625 - u + u * v**3) ** 2


def beale_grad(x):
    u, v = x
    r = np.array([1.5 - u + u * v, 2.25 - u + u * v**2, 2.625 - u + u * v**3])
    dr_du = np.array([v - 1, v**2 - 1, v**3 - 1])
    dr_dv = np.array([u, 2 * u * v, 3 * u * v**2])
    return np.array([2 * r @ dr_du, 2 * r @ dr_dv])


# --- convergence -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("optimizer, rate", [(sgd, 0.1), (momentum, 0.05), (nesterov, 0.05), (adam, 0.05)])
def test_converges_on_a_convex_quadratic(optimizer, rate):
    f, g, A, b = quadratic()
    result = run(optimizer(f, g, np.zeros(3), learning_rate=rate, tol=1e-8, max_iter=20000))
    assert result.status == Status.CONVERGED and result.success
    np.testing.assert_allclose(result.x, np.linalg.solve(A, b), atol=1e-6)
    assert result.fun == pytest.approx(f(result.x)) and np.max(np.abs(result.jac)) < 1e-8


@pytest.mark.parametrize("optimizer, rate, max_iter", [
    (sgd, 1e-3, 40000), (momentum, 1e-3, 6000), (nesterov, 1e-3, 6000), (adam, 0.05, 6000)])
def test_reaches_the_rosenbrock_minimum(optimizer, rate, max_iter):
    result = run(optimizer(rosenbrock, rosenbrock_grad, [-1.2, 1.0], learning_rate=rate, tol=1e-5,
                           max_iter=max_iter))
    assert result.status == Status.CONVERGED
    np.testing.assert_allclose(result.x, [1.0, 1.0], atol=1e-3)


@pytest.mark.parametrize("optimizer, rate", [(momentum, 1e-3), (nesterov, 1e-3), (adam, 0.01)])
def test_reaches_the_beale_minimum(optimizer, rate):
    result = run(optimizer(beale, beale_grad, [1.0, 1.0], learning_rate=rate, tol=1e-6, max_iter=20000))
    assert result.success
    np.testing.assert_allclose(result.x, [3.0, 0.5], atol=1e-4)


def test_momentum_beats_plain_steps_in_a_narrow_valley():
    f, g = (lambda x: 0.5 * (x[0] ** 2 + 100 * x[1] ** 2)), (lambda x: np.array([x[0], 100 * x[1]]))
    plain = run(sgd(f, g, [10.0, 1.0], learning_rate=0.01, tol=1e-6, max_iter=10**5))
    heavy = run(momentum(f, g, [10.0, 1.0], learning_rate=0.01, beta=0.8, tol=1e-6, max_iter=10**5))
    assert plain.success and heavy.success and heavy.nit < plain.nit / 3


# --- the updates are the published recurrences -------------------------------------------------------

def test_first_adam_steps_by_hand():
    # f(x) = x1^2 + 10 x2^2 from (1, 1); Kingma & Ba (2014), Algorithm 1, with t = 0.1 and the defaults.
    f, g = (lambda x: x[0] ** 2 + 10 * x[1] ** 2), (lambda x: np.array([2 * x[0], 20 * x[1]]))
    xs = [it.x for it in adam(f, g, [1.0, 1.0], learning_rate=0.1, max_iter=3, tol=0.0)]
    # Step 1: g = (2, 20); m = 0.1 g, v = 0.001 g^2; m_hat = g, v_hat = g^2; x -= 0.1 g / (|g| + 1e-8).
    x1 = [1 - 0.1 * 2 / (2 + 1e-8), 1 - 0.1 * 20 / (20 + 1e-8)]
    np.testing.assert_allclose(xs[1], x1, rtol=1e-15)
    # Step 2: g = 2 x1 ~ (1.8, 18); by hand for the first coordinate:
    g1 = 2 * x1[0]
    m = 0.9 * (0.1 * 2) + 0.1 * g1  # ~ 0.36
    v = 0.999 * (0.001 * 4) + 0.001 * g1**2  # ~ 0.007236
    m_hat, v_hat = m / (1 - 0.9**2), v / (1 - 0.999**2)
    assert xs[2][0] == pytest.approx(x1[0] - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8), rel=1e-14)
    assert m_hat == pytest.approx(0.36 / 0.19) and v_hat == pytest.approx(0.007236 / 0.001999)
    # Both coordinates see the same gradient up to scale, so Adam moves them by the same amount.
    np.testing.assert_allclose(xs[2][0], xs[2][1], rtol=1e-7)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10**6), st.floats(0.0, 0.95), st.floats(1e-3, 0.1))
def test_momentum_and_nesterov_follow_their_recurrences(seed, beta, rate):
    f, g, _, _ = quadratic(seed)
    x0 = np.random.default_rng(seed).normal(size=3)
    heavy = [it.x for it in momentum(f, g, x0, learning_rate=rate, beta=beta, max_iter=20, tol=0.0)]
    nag = [it.x for it in nesterov(f, g, x0, learning_rate=rate, beta=beta, max_iter=20, tol=0.0)]
    x, v = x0.copy(), np.zeros(3)
    y, w = x0.copy(), np.zeros(3)
    for k in range(20):
        v = beta * v + g(x)
        x = x - rate * v
        np.testing.assert_allclose(heavy[k + 1], x, rtol=1e-12, atol=1e-12)
        gy = g(y)
        w = beta * w + gy
        y = y - rate * (gy + beta * w)
        np.testing.assert_allclose(nag[k + 1], y, rtol=1e-12, atol=1e-12)


def test_nesterov_is_sutskevers_look_ahead_method():
    # u <- beta u - t grad(p + beta u), p <- p + u; then x = p + beta u are our iterates.
    f, g, _, _ = quadratic(seed=5)
    beta, rate = 0.9, 0.02
    ours = [it.x for it in nesterov(f, g, np.ones(3), learning_rate=rate, beta=beta, max_iter=30, tol=0.0)]
    p, u = np.ones(3), np.zeros(3)
    for k in range(30):
        u = beta * u - rate * g(p + beta * u)
        p = p + u
        np.testing.assert_allclose(ours[k + 1], p + beta * u, rtol=1e-11, atol=1e-12)


def test_sgd_steps_are_minus_rate_times_gradient_and_schedules_apply():
    f, g, _, _ = quadratic()
    its = list(sgd(f, g, np.ones(3), learning_rate=lambda k: 0.1 / (1 + k), max_iter=5, tol=0.0))
    for k, (before, after) in enumerate(itertools.pairwise(its)):
        assert after.step == pytest.approx(0.1 / (1 + k))
        np.testing.assert_array_equal(after.direction, -before.grad)
        np.testing.assert_allclose(after.x, before.x - after.step * before.grad, rtol=1e-15)


# --- the stream -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_stream_yields_fresh_read_only_iterates(optimizer):
    f, g, _, _ = quadratic()
    iterates = list(optimizer(f, g, np.ones(3), learning_rate=0.01, max_iter=6, tol=0.0))
    assert [it.k for it in iterates] == list(range(7)) and all(isinstance(it, Iterate) for it in iterates)
    arrays = [a for it in iterates for a in (it.x, it.grad, it.direction) if a is not None]
    assert len({id(a) for a in arrays}) == len(arrays)
    assert not any(np.shares_memory(a, b) for i, a in enumerate(arrays) for b in arrays[i + 1:])
    assert len({it.x.tobytes() for it in iterates}) == 7
    with pytest.raises(ValueError):
        iterates[3].x[0] = 0.0
    with pytest.raises(AttributeError):
        iterates[3].fun = 0.0
    assert iterates[0].step is None and iterates[0].direction is None
    for before, after in itertools.pairwise(iterates):
        np.testing.assert_allclose(after.previous_x, before.x, rtol=1e-14, atol=1e-15)
        assert after.fun == f(after.x) and after.nfev == before.nfev + 2


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_run_returns_a_result_and_closing_stops(optimizer):
    f, g, _, _ = quadratic()
    result = run(optimizer(f, g, np.ones(3), learning_rate=0.01, max_iter=7, tol=0.0))
    assert isinstance(result, Result) and result.status == Status.MAX_ITER and result.nit == 7
    assert result.nfev == 16 and not result.success
    stream = optimizer(f, g, np.ones(3), learning_rate=0.01, max_iter=10**9, tol=0.0)
    first = [next(stream) for _ in range(3)]
    stream.close()
    assert [it.k for it in first] == [0, 1, 2]
    with pytest.raises(StopIteration):
        next(stream)
    result = run(optimizer(f, g, np.ones(3), learning_rate=0.01, max_iter=0, tol=0.0))
    assert result.nit == 0 and result.status == Status.MAX_ITER


@pytest.mark.parametrize("optimizer, rate", [(sgd, 5.0), (momentum, 5.0), (nesterov, 5.0), (adam, 1e200)])
def test_divergence_ends_the_stream_with_a_status(optimizer, rate):
    # Adam moves each coordinate by about the learning rate at most, so it needs an absurd one.
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning leaks out either
        result = run(optimizer(rosenbrock, rosenbrock_grad, [-1.2, 1.0], learning_rate=rate, max_iter=1000))
    assert result.status == Status.DIVERGED and not result.success
    assert result.message == Status.DIVERGED.message


def test_exceptions_from_overflow_become_divergence():
    def fun(x):
        return math.exp(x[0])  # raises OverflowError past 709

    result = run(sgd(fun, lambda x: np.array([-1.0]), [700.0], learning_rate=5.0, max_iter=10))
    assert result.status == Status.DIVERGED and result.nit == 2


# --- mini-batches -------------------------------------------------------------------------------------------

def least_squares(n=60, seed=0):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(n, 3))
    x_true = np.array([1.0, -2.0, 0.5])
    y = A @ x_true + 0.01 * rng.normal(size=n)

    def fun(x, batch=slice(None)):
        r = A[batch] @ x - y[batch]
        return 0.5 * np.mean(r**2)

    def grad(x, batch=slice(None)):
        return A[batch].T @ (A[batch] @ x - y[batch]) / len(y[batch])

    return fun, grad, A, y


def test_batches_reach_fun_and_grad_and_cycle_per_epoch():
    seen = []
    fun, grad, _, _ = least_squares()

    def recording_grad(x, batch):
        seen.append(tuple(batch))
        return grad(x, batch)

    batches = [np.arange(0, 20), np.arange(20, 40), np.arange(40, 60)]
    stream = sgd(fun, recording_grad, np.zeros(3), learning_rate=0.1, batches=batches, max_iter=7, tol=0.0)
    iterates = list(stream)
    assert seen == [tuple(batches[k % 3]) for k in range(8)]
    for k, it in enumerate(iterates):  # each iterate records fun and grad on its own batch
        assert it.fun == fun(it.x, batches[k % 3])
        np.testing.assert_array_equal(it.grad, grad(it.x, batches[k % 3]))


def test_minibatch_adam_solves_least_squares():
    fun, grad, A, y = least_squares(n=200)
    result = run(adam(fun, grad, np.zeros(3), learning_rate=lambda k: 0.05 / (1 + k / 200),
                      batches=minibatches(200, 16, seed=1), max_iter=3000, tol=0.0))
    np.testing.assert_allclose(result.x, np.linalg.lstsq(A, y, rcond=None)[0], atol=2e-3)


def test_minibatches_cover_every_row_each_epoch_reproducibly():
    epoch = minibatches(10, 4, seed=3)
    first, second = list(epoch()), list(epoch())
    assert [len(b) for b in first] == [4, 4, 2]
    assert sorted(np.concatenate(first)) == list(range(10)) == sorted(np.concatenate(second))
    assert not np.array_equal(np.concatenate(first), np.concatenate(second))
    again = minibatches(10, 4, seed=3)
    np.testing.assert_array_equal(np.concatenate(list(again())), np.concatenate(first))
    np.testing.assert_array_equal(np.concatenate(list(minibatches(10, 4, shuffle=False)())), np.arange(10))


def test_an_empty_epoch_is_an_error():
    fun, grad, _, _ = least_squares()
    stream = sgd(fun, grad, np.zeros(3), batches=lambda: iter([]))
    with pytest.raises(ValueError, match="empty epoch"):
        next(stream)


# --- user mistakes raise at the call ---------------------------------------------------------------------

@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("kwargs, match", [
    (dict(x0=[[1.0, 2.0]]), "x0 must be a non-empty 1-D"),
    (dict(x0=[]), "x0 must be a non-empty 1-D"),
    (dict(x0=[np.nan, 1.0]), "x0 must be finite"),
    (dict(learning_rate=0.0), "learning_rate must be a positive number"),
    (dict(learning_rate=-1.0), "learning_rate must be a positive number"),
    (dict(learning_rate="fast"), "learning_rate must be a positive number"),
    (dict(tol=-1.0), "tol must be a non-negative number"),
    (dict(max_iter=2.5), "max_iter must be a non-negative integer"),
    (dict(batches=iter([[0, 1]])), "one-shot iterator"),
    (dict(batches=(b for b in [[0, 1]])), "one-shot iterator"),
    (dict(batches=3), "batches must be a re-iterable"),
])
def test_bad_arguments_raise_at_the_call(optimizer, kwargs, match):
    f, g, _, _ = quadratic(n=2)
    args = dict(x0=[1.0, 2.0]) | kwargs
    with pytest.raises(ValueError, match=match):
        optimizer(f, g, args.pop("x0"), **args)


@pytest.mark.parametrize("optimizer, kwargs, match", [
    (momentum, dict(beta=1.0), "beta must be in"),
    (nesterov, dict(beta=-0.1), "beta must be in"),
    (adam, dict(beta1=1.0), "beta1 must be in"),
    (adam, dict(beta2=1.5), "beta2 must be in"),
    (adam, dict(eps=0.0), "eps must be a positive number"),
])
def test_bad_hyperparameters_raise_at_the_call(optimizer, kwargs, match):
    f, g, _, _ = quadratic(n=2)
    with pytest.raises(ValueError, match=match):
        optimizer(f, g, [1.0, 2.0], **kwargs)
    with pytest.raises(ValueError, match="n_samples"):
        minibatches(0, 4)
