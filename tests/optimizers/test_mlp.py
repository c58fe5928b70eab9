import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizers import gradient_descent, run
from optimizers._activations import Activation, identity, relu, sigmoid, softmax, tanh
from optimizers._losses import Loss
from optimizers._mlp import MLP
from optimizers._stochastic import adam, minibatches, momentum, nesterov, sgd

# --import-mode=importlib keeps test folders off sys.path; the seed's reference network is one up.
sys.path.insert(0, str(Path(__file__).parents[1]))
from seed_mlp import SeedMLP

ACTIVATIONS = ["tanh", "sigmoid", "relu", "identity"]
PAIRS = [("identity", "mse"), ("sigmoid", "mse"), ("softmax", "mse"), ("sigmoid", "bce"),
         ("softmax", "cross_entropy")]
DEPTHS = [[3, 2], [3, 5, 2], [3, 4, 5, 3]]
SOFTPLUS = Activation("softplus", lambda z: np.logaddexp(0.0, z), lambda z, a: 0.5 * (1.0 + np.tanh(0.5 * z)))


def targets(rng, loss, n, k):
    if loss == "cross_entropy":
        return np.eye(k)[rng.integers(0, k, n)]
    if loss == "bce":
        return rng.uniform(size=(n, k))
    return rng.normal(size=(n, k))


def central_differences(f, theta, h=1e-6):
    g = np.empty_like(theta)
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = h
        g[i] = (f(theta + e) - f(theta - e)) / (2 * h)
    return g


def random_problem(sizes, activation, output, loss, seed=0, n=7):
    rng = np.random.default_rng(seed)
    net = MLP(sizes, activation=activation, output=output, loss=loss, seed=seed)
    X = rng.normal(size=(n, sizes[0]))
    y = targets(rng, loss, n, sizes[-1])
    w = rng.uniform(0.1, 2.0, size=n)
    theta = net.params + 0.3 * rng.normal(size=net.n_params)  # biases away from 0, off the init
    return net, X, y, w, theta


# --- gradients equal central differences ---------------------------------------------------------------

@pytest.mark.parametrize("sizes", DEPTHS, ids=lambda s: "-".join(map(str, s)))
@pytest.mark.parametrize("activation", ACTIVATIONS + [SOFTPLUS], ids=str)
@pytest.mark.parametrize("output, loss", PAIRS)
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_gradient_equals_central_differences(sizes, activation, output, loss, weighted):
    net, X, y, w, theta = random_problem(sizes, activation, output, loss)
    w = w if weighted else None
    value, g = net.loss_and_grad(theta, X, y, w)
    assert value == pytest.approx(net.loss(theta, X, y, w), rel=1e-14)
    fd = central_differences(lambda t: net.loss(t, X, y, w), theta)
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)


def test_gradient_with_a_custom_output_activation_and_loss():
    # An elementwise output of one's own with mse, and a Loss record of one's own (mean absolute error,
    # smooth away from a = y).
    mae = Loss("mae", lambda z, a, y: np.abs(a - y).sum(axis=1),
               lambda z, a, y, out: np.sign(a - y) * out.df(z, a))
    doubling = Activation("doubling", lambda z: 2.0 * z, lambda z, a: 2.0)  # a scalar derivative is fine
    for hidden, loss in (("tanh", "mse"), ("tanh", mae), (doubling, "mse")):
        net, X, y, w, theta = random_problem([2, 4, 3], hidden, SOFTPLUS, loss)
        _, g = net.loss_and_grad(theta, X, y, w)
        fd = central_differences(lambda t, net=net, X=X, y=y, w=w: net.loss(t, X, y, w), theta)
        np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)


def test_float32_gradient_matches_float64():
    net64, X, y, _, theta = random_problem([4, 16, 16, 2], "tanh", "softmax", "cross_entropy", n=50)
    net32 = MLP([4, 16, 16, 2], output="softmax", loss="cross_entropy", dtype=np.float32)
    l64, g64 = net64.loss_and_grad(theta, X, y)
    l32, g32 = net32.loss_and_grad(theta, X, y)
    assert g32.dtype == np.float32 and net32.params.dtype == np.float32
    assert l32 == pytest.approx(l64, rel=1e-5)
    np.testing.assert_allclose(g32, g64, rtol=1e-3, atol=1e-5)


# --- the conventions ------------------------------------------------------------------------------------

def test_mse_is_half_the_mean_squared_error():
    net, X, y, _, theta = random_problem([3, 5, 1], "tanh", "identity", "mse")
    residual = net.predict(X, theta) - y
    assert net.loss(theta, X, y) == pytest.approx(0.5 * np.mean(residual**2), rel=1e-14)


def test_combined_output_gradients_are_a_minus_y():
    for output, loss in [("sigmoid", "bce"), ("softmax", "cross_entropy")]:
        net, X, y, _, theta = random_problem([3, 4, 3], "relu", output, loss)
        (W, b), (W2, b2) = net.unflatten(theta)
        _, g = net.loss_and_grad(theta, X, y)
        hidden = np.maximum(X @ W + b, 0.0)
        # dL/db2 = mean over samples of (a - y): the gradient of the last bias is the mean residual.
        np.testing.assert_allclose(net.unflatten(g)[1][1], np.mean(net.predict(X, theta) - y, axis=0),
                                   rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(net.unflatten(g)[1][0], hidden.T @ (net.predict(X, theta) - y) / len(X),
                                   rtol=1e-12, atol=1e-14)


def test_extreme_logits_stay_finite_and_exact():
    net = MLP([1, 1], output="sigmoid", loss="bce")
    theta = np.array([100.0, 0.0])  # z = 100 x: sigmoid rounds to exactly 0 or 1
    X = np.array([[-10.0], [10.0]])
    loss, g = net.loss_and_grad(theta, X, np.array([1.0, 0.0]))
    assert loss == pytest.approx(1000.0, rel=1e-12)  # softplus(1000) ~ 1000 per sample, mean 1000
    np.testing.assert_allclose(g, [10.0, 0.0], atol=1e-12)
    net = MLP([1, 3], output="softmax", loss="cross_entropy")
    theta = np.array([800.0, 0.0, -800.0, 0.0, 0.0, 0.0])
    loss, g = net.loss_and_grad(theta, np.array([[1.0]]), np.array([[0.0, 0.0, 1.0]]))
    assert loss == pytest.approx(1600.0) and np.all(np.isfinite(g))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=5, max_size=5).filter(any), st.integers(0, 10**6))
def test_integer_sample_weights_equal_repeated_rows(counts, seed):
    net, X, y, _, theta = random_problem([2, 4, 2], "sigmoid", "softmax", "cross_entropy", seed=seed, n=5)
    loss_w, g_w = net.loss_and_grad(theta, X, y, np.array(counts, dtype=float))
    rows = np.repeat(np.arange(5), counts)
    loss_r, g_r = net.loss_and_grad(theta, X[rows], y[rows])
    assert loss_w == pytest.approx(loss_r, rel=1e-12)
    np.testing.assert_allclose(g_w, g_r, rtol=1e-10, atol=1e-14)


# --- the seed's network (tests/seed_mlp.py) -------------------------------------------------------

def seed_problem():
    rng = np.random.default_rng(7)
    X = rng.uniform(-2, 2, size=(40, 3))
    y = np.sin(X[:, :1]) * X[:, 1:2] + 0.1 * X[:, 2:]
    net = MLP([3, 8, 1], seed=3)
    theta = net.params + 0.1 * rng.normal(size=net.n_params)  # non-zero biases too
    return net, X, y, theta


def seed_params(seed_net):
    return np.concatenate([seed_net.weights1.ravel(), seed_net.bias1.ravel(),
                           seed_net.weights2.ravel(), seed_net.bias2.ravel()])


def test_gradient_descent_on_our_loss_reproduces_the_seed():
    net, X, y, theta = seed_problem()
    reference = SeedMLP(*(p for layer in net.unflatten(theta) for p in layer))
    seed_losses = reference.gradient_descent(X, y, epochs=25, learning_rate=0.3)
    for k in range(25):
        loss, g = net.loss_and_grad(theta, X, y)
        assert 2 * loss == pytest.approx(seed_losses[k], rel=1e-12)  # the seed prints the plain MSE
        theta = theta - 0.3 * g
    np.testing.assert_allclose(theta, seed_params(reference), rtol=1e-12, atol=1e-14)


def test_sgd_on_the_objective_reproduces_the_seed():
    net, X, y, theta = seed_problem()
    reference = SeedMLP(*(p for layer in net.unflatten(theta) for p in layer))
    reference.gradient_descent(X, y, epochs=10, learning_rate=0.3)
    fun, grad = net.objective(X, y)
    result = run(sgd(fun, grad, theta, learning_rate=0.3, tol=0.0, max_iter=10))
    assert result.nit == 10
    np.testing.assert_allclose(result.x, seed_params(reference), rtol=1e-12, atol=1e-14)


# --- parameters are data --------------------------------------------------------------------------------

def test_unflatten_gives_views_and_flatten_inverts_it():
    net = MLP([2, 16, 16, 1])
    theta = net.params.copy()
    layers = net.unflatten(theta)
    assert [W.shape for W, _ in layers] == [(2, 16), (16, 16), (16, 1)]
    assert [b.shape for _, b in layers] == [(16,), (16,), (1,)]
    assert net.n_params == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1
    layers[1][1][3] = 42.0
    assert theta[2 * 16 + 16 + 16 * 16 + 3] == 42.0
    assert all(np.shares_memory(W, theta) and np.shares_memory(b, theta) for W, b in layers)
    np.testing.assert_array_equal(net.flatten(layers), theta)


def test_initialization_is_seeded_glorot_or_he():
    a, b, c = MLP([30, 200, 2], seed=1), MLP([30, 200, 2], seed=1), MLP([30, 200, 2], seed=2)
    np.testing.assert_array_equal(a.params, b.params)
    assert not np.array_equal(a.params, c.params)
    (W1, b1), (W2, b2) = a.unflatten(a.params)
    assert np.all(b1 == 0) and np.all(b2 == 0)
    assert np.max(np.abs(W1)) <= np.sqrt(6 / 230) and np.std(W1) == pytest.approx(np.sqrt(2 / 230), rel=0.05)
    (W1, _), _ = (r := MLP([30, 200, 2], activation="relu")).unflatten(r.params)
    assert np.std(W1) == pytest.approx(np.sqrt(2 / 30), rel=0.05)


def test_buffers_are_reused_but_results_never_alias():
    net, X, y, _, theta = random_problem([3, 5, 5, 2], "tanh", "softmax", "cross_entropy", n=9)
    loss1, g1 = net.loss_and_grad(theta, X, y)
    p1 = net.predict(X, theta)
    loss_small, g_small = net.loss_and_grad(theta, X[:4], y[:4])  # another batch size in between
    loss2, g2 = net.loss_and_grad(theta + 0.1, X, y)
    assert not np.shares_memory(g1, g2) and not np.shares_memory(p1, net.predict(X, theta))
    assert net.loss_and_grad(theta, X, y)[0] == loss1
    np.testing.assert_array_equal(net.loss_and_grad(theta, X, y)[1], g1)
    np.testing.assert_array_equal(net.predict(X, theta), p1)
    for n in range(1, 9):  # more batch sizes than buffers kept
        net.loss_and_grad(theta, X[:n], y[:n])
    np.testing.assert_array_equal(net.loss_and_grad(theta, X, y)[1], g1)


def test_predict_defaults_to_params_and_softmax_rows_sum_to_one():
    net = MLP([2, 5, 3], output="softmax", loss="cross_entropy")
    X = np.random.default_rng(0).normal(size=(6, 2))
    np.testing.assert_array_equal(net.predict(X), net.predict(X, net.params))
    np.testing.assert_allclose(net.predict(X).sum(axis=1), 1.0)
    np.testing.assert_allclose(softmax(np.array([[1000.0, 1000.0]])), [[0.5, 0.5]])


def test_builtin_in_place_kernels_agree_with_their_pure_forms():
    z = np.linspace(-5, 5, 41).reshape(-1, 1)
    for act in (tanh, sigmoid, relu, identity):
        a = act.f(z)
        np.testing.assert_allclose(act.f_inplace(z.copy()), a, rtol=1e-15, atol=1e-15)
        np.testing.assert_allclose(act.df_inplace(a.copy()), act.df(z, a), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(sigmoid.f(z), 1 / (1 + np.exp(-z)), rtol=1e-14)


def test_objective_gives_fun_and_grad_on_batches():
    net, X, y, w, theta = random_problem([3, 5, 1], "tanh", "identity", "mse", n=12)
    fun, grad = net.objective(X, y, w)
    batch = np.array([0, 3, 4, 9])
    assert fun(theta) == pytest.approx(net.loss(theta, X, y, w), rel=1e-14)
    expected = net.loss_and_grad(theta, X[batch], y[batch], w[batch])[1]
    np.testing.assert_array_equal(grad(theta, batch), expected)
    assert fun(theta, batch) == net.loss(theta, X[batch], y[batch], w[batch])  # remembered from grad
    batch[0] = 1  # a batch changed in place is a new batch, not a remembered one
    assert fun(theta, batch) == net.loss(theta, X[batch], y[batch], w[batch])
    grad(theta, slice(2, 6))
    assert fun(theta + 1.0, slice(2, 6)) == net.loss(theta + 1.0, X[2:6], y[2:6], w[2:6])


@pytest.mark.parametrize("line_search", ["fixed", "armijo", "exact"])
def test_gradient_descent_trains_the_mlp_with_any_line_search(line_search):
    net, X, y, theta = seed_problem()
    fun, grad = net.objective(X, y)
    result = run(gradient_descent(fun, grad, theta, line_search=line_search, step=0.3, tol=1e-12,
                                  max_iter=150))
    assert result.fun < 0.5 * fun(theta)


@pytest.mark.parametrize("optimizer", [sgd, momentum, nesterov, adam])
def test_every_stochastic_optimizer_trains_the_mlp_unchanged(optimizer):
    net, X, y, theta = seed_problem()
    fun, grad = net.objective(X, y)
    result = run(optimizer(fun, grad, theta, learning_rate=0.05, batches=minibatches(40, 10), tol=0.0,
                           max_iter=200))
    assert result.status.name == "MAX_ITER" and fun(result.x) < 0.5 * fun(theta)


# --- training reaches a low loss -------------------------------------------------------------------------

def two_moons(n, noise, seed):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, np.pi, n)
    upper = np.arange(n) % 2 == 0
    X = np.where(upper[:, None], np.c_[np.cos(t), np.sin(t)], np.c_[1 - np.cos(t), 0.5 - np.sin(t)])
    return X + noise * rng.normal(size=X.shape), upper.astype(float)


def test_learns_xor():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    net = MLP([2, 8, 1], output="sigmoid", loss="bce", seed=0)
    result = run(adam(*net.objective(X, y), net.params, learning_rate=0.05, tol=1e-4, max_iter=3000))
    assert result.fun < 0.01
    np.testing.assert_array_equal(net.predict(X, result.x).ravel() > 0.5, y > 0.5)


def test_learns_two_moons_on_mini_batches():
    X, labels = two_moons(400, 0.1, seed=0)
    Y = np.eye(2)[labels.astype(int)]
    net = MLP([2, 16, 16, 2], output="softmax", loss="cross_entropy", seed=0)
    fun, grad = net.objective(X, Y)
    result = run(adam(fun, grad, net.params, learning_rate=0.01, batches=minibatches(400, 32, seed=0),
                      tol=0.0, max_iter=2500))
    accuracy = np.mean(net.predict(X, result.x).argmax(axis=1) == labels)
    assert accuracy >= 0.99 and fun(result.x) < 0.05


def test_fits_a_smooth_function_of_two_variables():
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(300, 2))
    y = np.sin(X[:, 0]) * np.cos(X[:, 1])
    net = MLP([2, 32, 1], seed=0)
    result = run(adam(*net.objective(X, y), net.params, learning_rate=0.01, tol=1e-6, max_iter=3000))
    assert result.fun < 2e-3  # half the MSE, against 0.5 * var(y) ~ 0.11 for a constant


# --- user mistakes raise at once --------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, match", [
    (dict(layer_sizes=[3]), "at least two"),
    (dict(layer_sizes=[3, 0, 1]), "positive integers"),
    (dict(layer_sizes=[3, 2.5, 1]), "positive integers"),
    (dict(layer_sizes=[2, 1], activation="swish"), "activation must be one of"),
    (dict(layer_sizes=[2, 1], output="tanhh"), "output must be one of"),
    (dict(layer_sizes=[2, 1], loss="hinge"), "loss must be one of"),
    (dict(layer_sizes=[2, 1], loss="bce"), "needs output='sigmoid'"),
    (dict(layer_sizes=[2, 2], output="sigmoid", loss="cross_entropy"), "needs output='softmax'"),
    (dict(layer_sizes=[2, 1], dtype=np.int64), "dtype"),
])
def test_constructor_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MLP(kwargs.pop("layer_sizes"), **kwargs)


def test_calls_reject_bad_shapes():
    net = MLP([2, 3, 2], output="softmax", loss="cross_entropy")
    X, Y = np.zeros((4, 2)), np.eye(2)[[0, 1, 0, 1]]
    with pytest.raises(ValueError, match="theta must have shape"):
        net.loss_and_grad(net.params[:-1], X, Y)
    with pytest.raises(ValueError, match=r"X must have shape \(N, 2\)"):
        net.loss(net.params, np.zeros((4, 3)), Y)
    with pytest.raises(ValueError, match="one-hot"):
        net.loss(net.params, X, np.array([0, 1, 0, 1]))
    with pytest.raises(ValueError, match="sample_weight"):
        net.loss(net.params, X, Y, sample_weight=[1.0, -1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="sample_weight"):
        net.loss(net.params, X, Y, sample_weight=np.zeros(4))
    with pytest.raises(ValueError, match="in-place kernels"):
        Activation("half", np.tanh, lambda z, a: 1 - a * a, f_inplace=lambda z: z)
