"""Elementwise activations: a function and its derivative, side by side, as small frozen records.

An `Activation` is ``a = f(z)`` with ``f'(z)`` given by ``df(z, a)`` (both arguments are offered, so
tanh can use ``1 - a**2`` and a user's softplus can use ``z``). The built-ins also carry in-place
kernels, because elementwise work is where an MLP spends its time: forward overwrites ``z`` with
``a``, backward overwrites ``a`` with ``f'(z)``, so one buffer per layer serves all three.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = ["ACTIVATIONS", "Activation", "identity", "relu", "resolve_activation", "sigmoid", "softmax",
           "tanh"]


@dataclass(frozen=True)
class Activation:
    """An elementwise activation ``a = f(z)`` and its derivative.

    Parameters
    ----------
    name : str
        Shown in reprs and error messages.
    f : callable
        ``f(z) -> a``, elementwise, returning a new array.
    df : callable
        ``df(z, a) -> f'(z)``, elementwise; ``a`` is ``f(z)``, offered because many derivatives
        are cheapest in terms of the output (tanh: ``1 - a**2``; sigmoid: ``a (1 - a)``).
    f_inplace : callable, optional
        ``f_inplace(z) -> a``: overwrites ``z`` with ``f(z)`` and returns it.
    df_inplace : callable, optional
        ``df_inplace(a) -> f'(z)``: overwrites ``a`` with the derivative, computed from ``a`` alone,
        and returns it. Give both in-place kernels or neither: with them an MLP keeps one buffer
        per layer (z, then a, then f'(z)) and allocates nothing; without them it keeps z and a.

    Examples
    --------
    >>> softplus = Activation("softplus", lambda z: np.logaddexp(0.0, z),
    ...                       lambda z, a: 0.5 * (1.0 + np.tanh(0.5 * z)))
    """

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray, np.ndarray], np.ndarray]
    f_inplace: Callable[[np.ndarray], np.ndarray] | None = field(default=None, repr=False, compare=False)
    df_inplace: Callable[[np.ndarray], np.ndarray] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not (callable(self.f) and callable(self.df)):
            raise ValueError(f"Activation {self.name!r} needs callables f(z) and df(z, a)")
        if (self.f_inplace is None) != (self.df_inplace is None):
            raise ValueError(f"Activation {self.name!r}: give both in-place kernels or neither")

    @property
    def in_place(self) -> bool:
        """True when the in-place kernels are available."""
        return self.f_inplace is not None


# --- tanh: a = tanh z, f'(z) = 1 - a^2 -------------------------------------------------------------

def _tanh_inplace(z: np.ndarray) -> np.ndarray:
    return np.tanh(z, out=z)


def _dtanh_inplace(a: np.ndarray) -> np.ndarray:
    np.multiply(a, a, out=a)
    return np.subtract(1.0, a, out=a)


tanh = Activation("tanh", np.tanh, lambda z, a: 1.0 - a * a, _tanh_inplace, _dtanh_inplace)


# --- sigmoid: a = 1 / (1 + e^-z) = (1 + tanh(z/2)) / 2, f'(z) = a (1 - a) ---------------------------

def _sigmoid(z: np.ndarray) -> np.ndarray:
    return _sigmoid_inplace(np.array(z, dtype=np.result_type(z, np.float32), copy=True))


def _sigmoid_inplace(z: np.ndarray) -> np.ndarray:
    # The tanh form never overflows (1 / (1 + exp(-z)) warns for z < -709) and works in place.
    np.multiply(z, 0.5, out=z)
    np.tanh(z, out=z)
    np.multiply(z, 0.5, out=z)
    return np.add(z, 0.5, out=z)


def _dsigmoid_inplace(a: np.ndarray) -> np.ndarray:
    # a (1 - a) = 1/4 - (a - 1/2)^2 needs no second buffer.
    np.subtract(a, 0.5, out=a)
    np.multiply(a, a, out=a)
    return np.subtract(0.25, a, out=a)


sigmoid = Activation("sigmoid", _sigmoid, lambda z, a: a * (1.0 - a), _sigmoid_inplace, _dsigmoid_inplace)


# --- relu: a = max(z, 0), f'(z) = [z > 0] (the subgradient 0 at z = 0) --------------------------------

def _relu_inplace(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0, out=z)


def _drelu_inplace(a: np.ndarray) -> np.ndarray:
    return np.greater(a, 0.0, out=a)  # a > 0 exactly where z > 0


relu = Activation("relu", lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(a.dtype),
                  _relu_inplace, _drelu_inplace)


# --- identity: a = z, f'(z) = 1 ----------------------------------------------------------------------

def _didentity_inplace(a: np.ndarray) -> np.ndarray:
    a.fill(1.0)
    return a


identity = Activation("identity", lambda z: np.array(z, copy=True), lambda z, a: np.ones_like(a),
                      lambda z: z, _didentity_inplace)


ACTIVATIONS = {act.name: act for act in (tanh, sigmoid, relu, identity)}


def resolve_activation(activation: str | Activation, what: str = "activation") -> Activation:
    """The `Activation` named by `activation` (or `activation` itself)."""
    if isinstance(activation, Activation):
        return activation
    try:
        return ACTIVATIONS[activation]
    except (KeyError, TypeError):
        raise ValueError(f"{what} must be one of {sorted(ACTIVATIONS)} or an Activation record, "
                         f"got {activation!r}") from None


def softmax(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Row-wise ``exp(z) / sum(exp(z))``, shifted by the row maximum so nothing overflows.

    Softmax is not elementwise, so it is not an `Activation`: it is only offered as an MLP output,
    whose loss supplies the gradient (see `optimizers._losses`).
    """
    out = np.subtract(z, z.max(axis=1, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=1, keepdims=True)
    return out
