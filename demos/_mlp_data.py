"""What the network demos share: seeded data sets, training streams, and the MLP seen by viz.

viz never imports the MLP: it receives plain callables. This module makes them from an
`optimizers.MLP` — ``predict(theta, P)`` for the morphing output surface, a batched loss
``loss_many(thetas)`` for loss landscapes, and the index groups ("filters") that filter
normalization needs — and builds the demos' data sets and training runs, all seeded.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Generator

import numpy as np

from demos._flags import number
from optimizers import MLP, Iterate, Result, adam, momentum, nesterov, sgd

__all__ = ["OPTIMIZERS", "batched_loss", "filters", "predictor", "regression_data", "train",
           "training_options", "two_moons", "weight_indices"]

OPTIMIZERS = {"adam": adam, "momentum": momentum, "nesterov": nesterov, "sgd": sgd}
MAX_EPOCHS = 100_000  # a lecture's animation; the loss landscape keeps the path's weights in memory
LEARNING_RATES = (1e-9, 1e3)


# --- data sets -------------------------------------------------------------------------------------

def regression_data(n: int = 150, *, noise: float = 0.05, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points on ``y = sin(x1) cos(x2)`` (plus Gaussian noise), x uniform on [-3, 3]^2.

    Returns
    -------
    X : ndarray, shape (n, 2)
    y : ndarray, shape (n,)
    """
    rng = np.random.default_rng(seed)
    X = rng.uniform(-3.0, 3.0, size=(n, 2))
    y = np.sin(X[:, 0]) * np.cos(X[:, 1]) + noise * rng.normal(size=n)
    return X, y


def two_moons(n: int = 200, *, noise: float = 0.12, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (scikit-learn's ``make_moons``), centred, with noise.

    Returns
    -------
    X : ndarray, shape (n, 2)
    labels : ndarray of float, shape (n,)
        0 for the upper moon, 1 for the lower one.
    """
    rng = np.random.default_rng(seed)
    n0 = n // 2
    t0, t1 = np.pi * rng.uniform(size=n0), np.pi * rng.uniform(size=n - n0)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.vstack([upper, lower]) - [0.5, 0.25] + noise * rng.normal(size=(n, 2))
    labels = np.concatenate([np.zeros(n0), np.ones(n - n0)])
    order = rng.permutation(n)
    return X[order], labels[order]


# --- the MLP as plain callables ------------------------------------------------------------------------

def weight_indices(mlp: MLP) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Per layer, the positions of ``W`` (n_in, n_out) and ``b`` (n_out,) in the flat parameters."""
    return mlp.unflatten(np.arange(mlp.n_params))


def filters(mlp: MLP) -> list[np.ndarray]:
    """Index arrays of the network's filters: the incoming weights of each unit, layer by layer.

    Li et al. (2018) treat a fully connected layer as a convolution with 1 x 1 outputs, so a
    "filter" is the weight vector feeding one unit: column j of ``W`` (stored ``a W + b``).
    Biases belong to no filter (their ``ignore='biasbn'``).
    """
    return [W[:, j] for W, _ in weight_indices(mlp) for j in range(W.shape[1])]


def predictor(mlp: MLP, *, column: int = 0) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """``predict(theta, P) -> (M,)``: output `column` of the network at parameters theta on rows P."""

    def predict(theta: np.ndarray, P: np.ndarray) -> np.ndarray:
        return mlp.predict(P, theta)[:, column]

    return predict


def batched_loss(mlp: MLP, X: np.ndarray, y: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """``loss_many(thetas) -> (m,)``: the MLP's loss on ``(X, y)`` for m parameter vectors at once.

    The forward pass of `MLP` run with a leading batch axis over parameter vectors, i.e. one
    matrix product per layer for all m networks (``(N, n_in) @ (m, n_in, n_out)``): a landscape
    grid of thousands of points costs a few calls instead of thousands. It uses the MLP's own
    activation and loss records, so it agrees with `MLP.loss` to rounding.
    """
    index = weight_indices(mlp)
    X = np.asarray(X, dtype=mlp.dtype)
    k = mlp.layer_sizes[-1]
    Y = np.asarray(y, dtype=mlp.dtype).reshape(len(X), k)
    act, output, loss = mlp.activation, mlp.output, mlp.loss_function

    def loss_many(thetas: np.ndarray) -> np.ndarray:
        thetas = np.atleast_2d(np.asarray(thetas, dtype=mlp.dtype))
        m = thetas.shape[0]
        a = X
        for i, (W, b) in enumerate(index):
            z = np.matmul(a, thetas[:, W]) + thetas[:, None, b]  # (m, N, n_out)
            a = act.f(z) if i < len(index) - 1 else z
        z_out = a
        if isinstance(output, str):  # "softmax", row-wise and shifted by the row max
            e = np.exp(z_out - z_out.max(axis=-1, keepdims=True))
            a_out = e / e.sum(axis=-1, keepdims=True)
        else:
            a_out = output.f(z_out)
        rows = (m * len(X), k)
        per_sample = loss.value(z_out.reshape(rows), a_out.reshape(rows), np.tile(Y, (m, 1)))
        return per_sample.reshape(m, len(X)).mean(axis=1)

    return loss_many


# --- training ---------------------------------------------------------------------------------------------

def train(mlp: MLP, X: np.ndarray, y: np.ndarray, *, optimizer: str = "adam", learning_rate: float = 0.01,
          epochs: int = 300, theta0: np.ndarray | None = None) -> Generator[Iterate, None, Result]:
    """A full-batch training stream (one step is one epoch) of `mlp` on ``(X, y)``.

    ``tol=0``: the run lasts exactly `epochs` steps, so a lecture's animation has a known length.
    """
    fun, grad = mlp.objective(X, y)
    start = mlp.params if theta0 is None else theta0
    return OPTIMIZERS[optimizer](fun, grad, start, learning_rate=learning_rate, tol=0.0, max_iter=epochs)


# --- command line -----------------------------------------------------------------------------------------

def training_options(p: argparse.ArgumentParser, *, epochs: int | None, learning_rate: float | None,
                     optimizer: str | None = "adam", description: str | None = None) -> None:
    """The training flags the network demos add to the shared ones (None: the demo decides)."""
    group = p.add_argument_group("training", description)
    group.add_argument("--epochs", type=number(1, MAX_EPOCHS, integer=True), default=epochs,
                       help=f"full-batch steps of training (1 to {MAX_EPOCHS})")
    group.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default=optimizer, help="training method")
    group.add_argument("--lr", type=number(*LEARNING_RATES), default=learning_rate,
                       help=f"learning rate ({LEARNING_RATES[0]:g} to {LEARNING_RATES[1]:g})")
