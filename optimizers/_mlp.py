"""A multilayer perceptron whose parameters are one flat vector, with backprop one layer at a time.

The network is data plus two mirrored loops: the forward loop applies ``z = a W + b`` and
``a = f(z)`` layer by layer; the backward loop walks the same layers in reverse, and each step there
is the derivative of the matching forward step (see `_dense_forward` / `_dense_backward` and the
activation records in `optimizers._activations`). The parameters of every layer are views into one
flat vector, so any optimizer over vectors trains the network unchanged (`MLP.objective`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ._activations import Activation, relu, resolve_activation, softmax
from ._losses import Loss, Output, resolve_loss

__all__ = ["MLP"]

Layers = tuple[tuple[np.ndarray, np.ndarray], ...]
_MAX_WORKSPACES = 4  # batch sizes whose buffers are kept (a mini-batch epoch has at most two sizes)


# --- one dense layer: forward and backward side by side ------------------------------------------------

def _dense_forward(a_prev: np.ndarray, W: np.ndarray, b: np.ndarray, z: np.ndarray) -> np.ndarray:
    """``z = a_prev W + b``, written into the buffer `z`."""
    np.matmul(a_prev, W, out=z)
    return np.add(z, b, out=z)


def _dense_backward(a_prev: np.ndarray, delta: np.ndarray, dW: np.ndarray, db: np.ndarray,
                    ones: np.ndarray) -> None:
    """From ``delta = dL/dz``: ``dL/dW = a_prev' delta`` and ``dL/db = 1' delta`` (`ones` is 1)."""
    np.matmul(a_prev.T, delta, out=dW)
    np.matmul(ones, delta, out=db)  # a matrix-vector product sums the rows faster than np.sum(axis=0)


def _dense_backward_input(delta: np.ndarray, W: np.ndarray, df: np.ndarray, scratch: np.ndarray
                          ) -> np.ndarray:
    """``dL/dz_prev = (delta W') * f'(z_prev)``, the chain rule through the layer and the previous
    activation, written over the derivative ``df = f'(z_prev)``."""
    if delta.shape[1] == 1:
        # delta W' is an outer product: two broadcast multiplies skip forming it (and a K=1 matmul).
        np.multiply(df, delta, out=df)
        return np.multiply(df, W.T, out=df)
    np.matmul(delta, W.T, out=scratch)
    return np.multiply(df, scratch, out=df)


class _Workspace:
    """Buffers for one batch size N, reused call after call.

    ``z[l]`` holds layer l's pre-activation, then (in place) its activation, then its derivative;
    ``scratch[l]`` holds ``delta W'`` when the next layer is wider than one unit.
    """

    def __init__(self, n: int, sizes: tuple[int, ...], dtype: np.dtype):
        self.z = [np.empty((n, width), dtype) for width in sizes[1:]]
        self.scratch = [np.empty((n, width), dtype) if nxt > 1 else None
                        for width, nxt in itertools.pairwise(sizes[1:])]
        self.a_out = np.empty((n, sizes[-1]), dtype)
        self.ones = np.ones(n, dtype)


class MLP:
    """A fully connected network ``x -> f(x W1 + b1) -> ... -> out(a W_L + b_L)`` with a loss.

    Parameters
    ----------
    layer_sizes : sequence of int
        Widths from input to output, e.g. ``[2, 16, 16, 1]`` (at least two entries).
    activation : {"tanh", "sigmoid", "relu", "identity"} or Activation
        Activation of every hidden layer; an `Activation` record plugs in your own.
    output : {"identity", "sigmoid", "softmax"} or Activation
        Activation of the output layer.
    loss : {"mse", "bce", "cross_entropy"} or Loss
        ``"bce"`` needs ``output="sigmoid"``; ``"cross_entropy"`` needs ``output="softmax"`` and
        one-hot (or probability) target rows.
    seed : int
        Seed of the initial parameters `params`.
    dtype : {numpy.float64, numpy.float32}
        Precision of the parameters and of all the arithmetic.

    Attributes
    ----------
    params : ndarray, shape (n_params,)
        The initial parameters, one flat vector (`layers` and `unflatten` give per-layer views).
    n_params : int
        Number of parameters.
    layer_sizes : tuple of int
    activation : Activation
        The hidden layers' activation record.
    output : Activation or "softmax"
    loss_function : Loss
        The loss record (`loss` is the method that evaluates it).
    dtype : numpy.dtype

    Raises
    ------
    ValueError
        For bad sizes, an unknown activation, output or loss, a loss that does not fit the output,
        or an unsupported dtype.

    Notes
    -----
    With ``N`` samples, weights ``w_i`` (1 by default), ``l_i`` the loss of sample ``i`` and
    ``a_i`` the output, the objective is the weighted mean ``L = sum_i w_i l_i / sum_i w_i`` with

    - mse: ``l_i = 0.5 ||a_i - y_i||^2`` (summed over outputs, *half* the squared error). So
      ``dl_i/da_i = a_i - y_i`` with no factor 2, which is the seed's ``delta2 = a2 - y``:
      gradient descent on this L is exactly the seed's update. Plain mean squared error is 2 L.
    - bce: ``l_i = -sum_j [y_ij log a_ij + (1 - y_ij) log(1 - a_ij)]`` with a sigmoid output;
    - cross_entropy: ``l_i = -sum_j y_ij log a_ij`` with a softmax output.

    For the last two the output activation and the loss are differentiated together:
    ``dl_i/dz_i = a_i - y_i``, computed from the logits ``z``, which is stable where ``a`` rounds
    to 0 or 1. Backpropagation is the chain rule taken one layer at a time: with
    ``delta_l = dL/dz_l``, ``dL/dW_l = a_{l-1}' delta_l``, ``dL/db_l = 1' delta_l`` and
    ``delta_{l-1} = (delta_l W_l') * f'(z_{l-1})`` (Goodfellow, Bengio & Courville, *Deep
    Learning*, 2016, sec. 6.5). Initial weights are Glorot uniform, ``U(-r, r)`` with
    ``r = sqrt(6 / (fan_in + fan_out))`` (Glorot & Bengio 2010), or He normal,
    ``N(0, 2 / fan_in)``, for layers followed by a ReLU (He et al. 2015); biases start at 0.

    The buffers reused between calls make an instance unsafe to share between threads.

    Examples
    --------
    >>> net = MLP([2, 16, 1])
    >>> X = np.random.default_rng(0).normal(size=(50, 2)); y = X[:, :1] * X[:, 1:]
    >>> loss, g = net.loss_and_grad(net.params, X, y)
    >>> g.shape == net.params.shape
    True
    """

    def __init__(self, layer_sizes, *, activation: str | Activation = "tanh",
                 output: str | Activation = "identity", loss: str | Loss = "mse", seed: int = 0,
                 dtype: Any = np.float64):
        try:
            sizes = tuple(layer_sizes) if not isinstance(layer_sizes, str) else ()
        except TypeError:
            sizes = ()
        if len(sizes) < 2 or not all(isinstance(n, int | np.integer) and n >= 1 for n in sizes):
            raise ValueError(f"layer_sizes must be at least two positive integers (input, ..., output), "
                             f"e.g. [2, 16, 1]; got {layer_sizes!r}")
        self.layer_sizes = tuple(int(n) for n in sizes)
        self.activation = resolve_activation(activation)
        self.output: Output = "softmax" if output == "softmax" else resolve_activation(output, "output")
        self.loss_function = resolve_loss(loss, self.output)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float64, np.float32):
            raise ValueError(f"dtype must be numpy.float64 or numpy.float32, got {dtype!r}")
        bounds, start = [], 0
        for n_in, n_out in itertools.pairwise(self.layer_sizes):
            bounds.append((start, start + n_in * n_out, start + (n_in + 1) * n_out, n_in, n_out))
            start += (n_in + 1) * n_out
        self._bounds = tuple(bounds)
        self.n_params = start
        self.seed = seed
        self.params = self.init(seed)
        self._workspaces: dict[int, _Workspace] = {}

    def __repr__(self) -> str:
        output = self.output if isinstance(self.output, str) else self.output.name
        return (f"MLP({list(self.layer_sizes)}, activation={self.activation.name!r}, output={output!r}, "
                f"loss={self.loss_function.name!r}, dtype={self.dtype.name})")

    # --- parameters are data --------------------------------------------------------------------------

    def init(self, seed: int = 0) -> np.ndarray:
        """Fresh initial parameters (Glorot uniform, He normal before a ReLU, zero biases)."""
        rng = np.random.default_rng(seed)
        theta = np.zeros(self.n_params, self.dtype)
        last = len(self._bounds) - 1
        for i, (W, _b) in enumerate(self.unflatten(theta)):
            fan_in, fan_out = W.shape
            if i < last and self.activation is relu:
                W[...] = rng.normal(0.0, math.sqrt(2.0 / fan_in), size=W.shape)
            else:
                r = math.sqrt(6.0 / (fan_in + fan_out))
                W[...] = rng.uniform(-r, r, size=W.shape)
        return theta

    @property
    def layers(self) -> Layers:
        """``unflatten(params)``: the initial parameters layer by layer, as views."""
        return self.unflatten(self.params)

    def unflatten(self, theta: np.ndarray) -> Layers:
        """The layers ``((W1, b1), ..., (W_L, b_L))`` as views into the flat vector `theta`.

        Parameters
        ----------
        theta : ndarray, shape (n_params,)

        Returns
        -------
        tuple of (W, b) pairs
            ``W_l`` has shape (n_{l-1}, n_l) and ``b_l`` shape (n_l,); writing into them writes
            into `theta` (no copy is made). Each layer is stored as ``W`` row by row, then ``b``.

        Raises
        ------
        ValueError
            If `theta` does not have shape (n_params,).
        """
        theta = np.asarray(theta)
        if theta.shape != (self.n_params,):
            raise ValueError(f"theta must have shape ({self.n_params},) for {self!r}, got {theta.shape}")
        return tuple((theta[w:bias].reshape(n_in, n_out), theta[bias:end])
                     for w, bias, end, n_in, n_out in self._bounds)

    def flatten(self, layers) -> np.ndarray:
        """The flat vector of ``((W1, b1), ..., (W_L, b_L))`` (a new array; inverse of `unflatten`)."""
        theta = np.empty(self.n_params, self.dtype)
        for (W, b), (W_to, b_to) in zip(layers, self.unflatten(theta), strict=True):
            W_to[...] = W
            b_to[...] = np.reshape(b, b_to.shape)
        return theta

    # --- forward and backward, layer by layer ---------------------------------------------------------

    def _forward(self, layers: Layers, X: np.ndarray, ws: _Workspace):
        """Inputs of every layer, hidden pre-activations (None where overwritten), output z and a."""
        act = self.activation
        inputs, zs = [], []
        a = X
        for i, (W, b) in enumerate(layers):
            inputs.append(a)
            z = _dense_forward(a, W, b, ws.z[i])
            if i == len(layers) - 1:
                break
            if act.in_place:
                a = act.f_inplace(z)  # z's buffer now holds a: backward needs only a
                zs.append(None)
            else:
                a = act.f(z)
                zs.append(z)
        return inputs, zs, z, self._output_forward(z, ws.a_out)

    def _output_forward(self, z: np.ndarray, out: np.ndarray) -> np.ndarray:
        output = self.output
        if isinstance(output, str):
            return softmax(z, out=out)
        if output.in_place:
            np.copyto(out, z)  # the loss reads z (the logits) as well as a
            return output.f_inplace(out)
        return output.f(z)

    def loss_and_grad(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray,
                      sample_weight: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        """The loss L(theta) on ``(X, y)`` and its gradient, by backpropagation.

        Parameters
        ----------
        theta : ndarray, shape (n_params,)
            Parameters (e.g. `params`).
        X : ndarray, shape (N, n_inputs)
            Inputs, one sample per row.
        y : ndarray, shape (N, n_outputs), or (N,) for one output
            Targets.
        sample_weight : ndarray, shape (N,), optional
            Non-negative weights ``w_i``; L is their weighted mean of the per-sample losses.

        Returns
        -------
        loss : float
        grad : ndarray, shape (n_params,)
            A new array (never a buffer that a later call overwrites), in the MLP's dtype.

        Raises
        ------
        ValueError
            For arrays of the wrong shape or invalid weights.
        """
        theta, X, y, scale = self._checked(theta, X, y, sample_weight)
        layers = self.unflatten(theta)
        ws = self._workspace(X.shape[0])
        inputs, zs, z_out, a_out = self._forward(layers, X, ws)
        loss = self._mean(self.loss_function.value(z_out, a_out, y), scale)

        grad = np.empty(self.n_params, self.dtype)
        grads = self.unflatten(grad)
        delta = self.loss_function.delta(z_out, a_out, y, self.output)
        delta = delta * (scale[:, None] if isinstance(scale, np.ndarray) else scale)  # dL/dz_L
        act = self.activation
        for i in range(len(layers) - 1, -1, -1):
            _dense_backward(inputs[i], delta, *grads[i], ws.ones)
            if i == 0:
                break
            a = inputs[i]  # the output of the activation of layer i - 1, which we now differentiate
            if act.in_place:
                df = act.df_inplace(a)  # a's buffer now holds f'(z): a is not needed any more
            else:  # a user's df may return a scalar or a read-only array: take a writable copy
                df = np.array(np.broadcast_to(act.df(zs[i - 1], a), a.shape), dtype=self.dtype)
            delta = _dense_backward_input(delta, layers[i][0], df, ws.scratch[i - 1])
        return loss, grad

    def loss(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray,
             sample_weight: np.ndarray | None = None) -> float:
        """The loss L(theta) on ``(X, y)`` (a forward pass only); arguments as in `loss_and_grad`."""
        theta, X, y, scale = self._checked(theta, X, y, sample_weight)
        _, _, z_out, a_out = self._forward(self.unflatten(theta), X, self._workspace(X.shape[0]))
        return self._mean(self.loss_function.value(z_out, a_out, y), scale)

    def predict(self, X: np.ndarray, theta: np.ndarray | None = None) -> np.ndarray:
        """The network's output for inputs `X`, shape (N, n_outputs), at `theta` (default `params`)."""
        theta = self.params if theta is None else theta
        theta, X = self._checked_theta(theta), self._checked_inputs(X)
        _, _, _, a_out = self._forward(self.unflatten(theta), X, self._workspace(X.shape[0]))
        return np.array(a_out, copy=True)

    def objective(self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None
                  ) -> tuple[Callable[..., float], Callable[..., np.ndarray]]:
        """This network's loss on fixed data as ``(fun, grad)`` over theta, for any optimizer.

        Parameters
        ----------
        X, y, sample_weight
            Training data, as in `loss_and_grad` (converted to the MLP's dtype once, here).

        Returns
        -------
        fun : callable
            ``fun(theta, batch=None) -> float``, the loss on the rows ``batch`` selects (an index
            array, a boolean mask or a slice), or on all rows.
        grad : callable
            ``grad(theta, batch=None) -> ndarray``, its gradient.

        Notes
        -----
        `grad` remembers the loss it computed on the way, so ``fun`` at the same theta and batch
        right after costs nothing (the optimizers in `optimizers._stochastic` call grad, then fun).
        Pass `batches` (e.g. `minibatches`) to an optimizer to train on mini-batches.
        """
        X = self._checked_inputs(X)
        y = self._checked_targets(y, X.shape[0])
        w = None if sample_weight is None else self._checked_weights(sample_weight, X.shape[0])
        memo: dict[str, Any] = {}

        def rows(batch):
            if batch is None:
                return X, y, w
            return X[batch], y[batch], (None if w is None else w[batch])

        def same_point(theta, batch) -> bool:
            return ("theta" in memo and np.array_equal(memo["theta"], theta)
                    and _same_batch(memo["batch"], batch))

        def fun(theta: np.ndarray, batch=None) -> float:
            if same_point(theta, batch):
                return memo["loss"]
            return self.loss(theta, *rows(batch))

        def grad(theta: np.ndarray, batch=None) -> np.ndarray:
            loss, g = self.loss_and_grad(theta, *rows(batch))
            memo.update(theta=np.array(theta, copy=True), batch=_copy_batch(batch), loss=loss)
            return g

        return fun, grad

    # --- argument checks and helpers ------------------------------------------------------------------

    def _workspace(self, n: int) -> _Workspace:
        ws = self._workspaces.get(n)
        if ws is None:
            if len(self._workspaces) >= _MAX_WORKSPACES:
                del self._workspaces[next(iter(self._workspaces))]
            ws = self._workspaces[n] = _Workspace(n, self.layer_sizes, self.dtype)
        return ws

    @staticmethod
    def _mean(values: np.ndarray, scale: float | np.ndarray) -> float:
        if isinstance(scale, np.ndarray):
            return float(scale @ values)
        return float(np.sum(values) * scale)

    def _checked(self, theta, X, y, sample_weight):
        theta, X = self._checked_theta(theta), self._checked_inputs(X)
        n = X.shape[0]
        y = self._checked_targets(y, n)
        if sample_weight is None:
            return theta, X, y, 1.0 / n
        w = self._checked_weights(sample_weight, n)
        return theta, X, y, w / w.sum()

    def _checked_theta(self, theta) -> np.ndarray:
        theta = np.ascontiguousarray(theta, dtype=self.dtype)
        if theta.shape != (self.n_params,):
            raise ValueError(f"theta must have shape ({self.n_params},) for {self!r}, got {theta.shape}")
        return theta

    def _checked_inputs(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim != 2 or X.shape[1] != self.layer_sizes[0] or X.shape[0] == 0:
            raise ValueError(f"X must have shape (N, {self.layer_sizes[0]}) with N >= 1, got {X.shape}")
        return X

    def _checked_targets(self, y, n: int) -> np.ndarray:
        y = np.asarray(y, dtype=self.dtype)
        k = self.layer_sizes[-1]
        if y.ndim == 1 and k == 1:
            y = y.reshape(-1, 1)
        if y.shape != (n, k):
            hint = "; for class labels pass one-hot rows, np.eye(k)[labels]" if k > 1 and y.ndim == 1 else ""
            raise ValueError(f"y must have shape ({n}, {k}) to match X and the output layer, "
                             f"got {y.shape}{hint}")
        return y

    def _checked_weights(self, sample_weight, n: int) -> np.ndarray:
        w = np.asarray(sample_weight, dtype=self.dtype)
        if w.shape != (n,) or not np.all(np.isfinite(w)) or np.any(w < 0) or not w.sum() > 0:
            raise ValueError(f"sample_weight must be {n} finite non-negative numbers with a positive sum, "
                             f"got shape {w.shape}")
        return w


def _copy_batch(batch):
    return np.array(batch, copy=True) if isinstance(batch, np.ndarray) else batch


def _same_batch(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype \
            and np.array_equal(a, b)
    return a == b
