"""Losses of an MLP's output, per sample, each with its gradient with respect to the output logits z.

A loss sees the output layer's pre-activation ``z`` (the logits), its activation ``a`` and the targets
``y``, all of shape (N, k), and gives the per-sample loss (N,) and ``delta = dloss_i / dz_i`` (N, k).
The MLP averages over samples (with optional weights) and carries delta backwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._activations import Activation, identity

__all__ = ["LOSSES", "Loss", "Output", "bce", "cross_entropy", "mse", "output_vjp", "resolve_loss"]

# The output layer's activation: an elementwise record, or "softmax" (a row-wise map).
Output = Activation | str


def output_vjp(output: Output, z: np.ndarray, a: np.ndarray, g: np.ndarray) -> np.ndarray:
    """``dloss/dz`` from ``g = dloss/da`` through the output activation (the chain rule's last link).

    Softmax couples a row: ``da_j/dz_i = a_j (delta_ij - a_i)``, so
    ``dloss/dz = a * (g - sum_j g_j a_j)``.
    """
    if isinstance(output, str):  # "softmax"
        return a * (g - np.sum(g * a, axis=1, keepdims=True))
    if output is identity:  # f' = 1
        return g
    return g * output.df(z, a)


@dataclass(frozen=True)
class Loss:
    """A per-sample loss and its gradient with respect to the output logits.

    Parameters
    ----------
    name : str
        Shown in error messages.
    value : callable
        ``value(z, a, y) -> l`` of shape (N,): the loss of each sample.
    delta : callable
        ``delta(z, a, y, output) -> dl/dz`` of shape (N, k), per sample (not averaged).
    outputs : tuple of str, optional
        Names of the output activations this loss is valid with; None means any.
    """

    name: str
    value: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    delta: Callable[[np.ndarray, np.ndarray, np.ndarray, Output], np.ndarray]
    outputs: tuple[str, ...] | None = None


# --- mse: l = 0.5 ||a - y||^2, dl/da = a - y ------------------------------------------------------------
# The 0.5 makes dl/da = a - y with no factor 2: the seed's delta2 = a2 - y is the gradient of this loss.

def _mse_value(z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
    r = a - y
    return 0.5 * np.einsum("ij,ij->i", r, r)


mse = Loss("mse", _mse_value, lambda z, a, y, output: output_vjp(output, z, a, a - y))


# --- bce with a sigmoid output: l = sum_j -y log a - (1 - y) log(1 - a), dl/dz = a - y ----------------
# Written in the logits, l = softplus(z) - y z = max(z, 0) + log1p(exp(-|z|)) - y z, it neither
# overflows nor takes log(0) when a rounds to exactly 0 or 1.

def _bce_value(z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.sum(np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z))) - y * z, axis=1)


bce = Loss("bce", _bce_value, lambda z, a, y, output: a - y, outputs=("sigmoid",))


# --- cross-entropy with a softmax output: l = -sum_j y_j log a_j, dl/dz = a sum_j y_j - y -------------
# For one-hot (or probability) rows sum_j y_j = 1 and dl/dz = a - y; the general form keeps the
# gradient exact for any non-negative targets. log a_j = z_j - logsumexp(z), shifted by the row max.

def _cross_entropy_value(z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
    m = z.max(axis=1, keepdims=True)
    log_sum_exp = m + np.log(np.sum(np.exp(z - m), axis=1, keepdims=True))
    return np.sum(y * (log_sum_exp - z), axis=1)


def _cross_entropy_delta(z: np.ndarray, a: np.ndarray, y: np.ndarray, output: Output) -> np.ndarray:
    return a * y.sum(axis=1, keepdims=True) - y


cross_entropy = Loss("cross_entropy", _cross_entropy_value, _cross_entropy_delta, outputs=("softmax",))


LOSSES = {loss.name: loss for loss in (mse, bce, cross_entropy)}


def resolve_loss(loss: str | Loss, output: Output) -> Loss:
    """The `Loss` named by `loss`, checked against the output activation it must pair with."""
    if not isinstance(loss, Loss):
        try:
            loss = LOSSES[loss]
        except (KeyError, TypeError):
            raise ValueError(f"loss must be one of {sorted(LOSSES)} or a Loss record, got {loss!r}") from None
    output_name = output if isinstance(output, str) else output.name
    if loss.outputs is not None and output_name not in loss.outputs:
        raise ValueError(f"loss={loss.name!r} needs output={' or '.join(map(repr, loss.outputs))}, "
                         f"got output={output_name!r}; use loss='mse' for other outputs")
    return loss
