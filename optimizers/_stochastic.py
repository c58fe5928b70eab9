"""First-order methods of machine learning: SGD, momentum, Nesterov, Adam, full-batch or on mini-batches.

Each optimizer is a pure update kernel, ``rule(g, state, k) -> (d, t, state)`` (the step is
``x + t d``), driven by one generator that evaluates ``fun`` and ``grad``, yields an `Iterate` per
step and returns a `Result`, like the line-search methods of `optimizers._descent`.

Mini-batches: with ``batches=None`` the callables are ``fun(x)`` and ``grad(x)``. With `batches`, they
are ``fun(x, batch)`` and ``grad(x, batch)``, where ``batch`` is whatever `batches` produces (row
indices, a slice, or the data itself): a re-iterable (list, tuple, array) is walked once per epoch,
or a zero-argument callable is called once per epoch for a fresh iterator (`minibatches` builds one
that shuffles). Each step draws the next batch; the iterate at ``x_k`` records ``fun`` and ``grad``
on the batch that step k + 1 will use, so no evaluation is wasted.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from ._guard import guarded_array, guarded_value, start_point
from ._stream import Iterate, Result, Stream, stop_status

__all__ = ["adam", "minibatches", "momentum", "nesterov", "sgd"]

Schedule = float | Callable[[int], float]
Batches = Iterable[Any] | Callable[[], Iterator[Any]] | None
# An update kernel maps (g, state, k) to (direction d, step t, new state); x moves to x + t d.
Rule = Callable[[np.ndarray, Any, int], tuple[np.ndarray, float, Any]]

_PARAMETERS = """
    Parameters
    ----------
    fun : callable
        ``fun(x) -> float`` or, with `batches`, ``fun(x, batch) -> float``.
    grad : callable
        ``grad(x) -> ndarray`` (shape of `x0`) or, with `batches`, ``grad(x, batch)``.
    x0 : array_like, shape (n,)
        Start point.
    learning_rate : float or callable
        The step t, or a schedule ``learning_rate(k) -> t`` of the step number k = 0, 1, ...
{extra}    batches : iterable or callable, optional
        Mini-batches: a re-iterable walked once per epoch (a list of index arrays, say), or a
        zero-argument callable returning a fresh iterator per epoch (see `minibatches`). A bare
        iterator or generator is refused: it would be empty after the first epoch.
    tol : float
        Stop when ``max(abs(g)) < tol`` (the batch gradient with `batches`); 0 never stops early.
    max_iter : int
        Maximum number of steps.

    Yields
    ------
    Iterate
        The start point (k = 0), then the point after each step, with ``step = t`` and
        ``direction = d`` such that ``x_prev = x - step * direction``.

    Returns
    -------
    Result
        Through ``StopIteration.value`` (`optimizers.run` drains a stream and returns it).
        ``Status.DIVERGED`` when x, fun or grad stops being finite.

    Raises
    ------
    ValueError
        At the call, for a bad `x0`, learning rate, hyperparameter, `batches`, `tol` or `max_iter`;
        during iteration, only if an epoch of `batches` is empty.
"""


def _documented(extra: str = ""):
    def decorate(f):
        f.__doc__ = f.__doc__.replace("{parameters}", _PARAMETERS.format(extra=extra).strip("\n"))
        return f
    return decorate


@_documented()
def sgd(fun: Callable[..., float], grad: Callable[..., np.ndarray], x0, *, learning_rate: Schedule = 0.01,
        batches: Batches = None, tol: float = 1e-3, max_iter: int = 1000) -> Stream:
    """Stochastic (or full-batch) gradient descent with a fixed step, ``x_{k+1} = x_k - t g_k``.

{parameters}

    Notes
    -----
    With ``batches=None`` this is steepest descent with a fixed step, which converges on an L-smooth
    convex function for ``t < 2 / L``. With mini-batches g_k is an unbiased estimate of the
    gradient and convergence needs decaying steps, e.g. ``learning_rate=lambda k: t0 / (1 + k / K)``
    (Robbins & Monro 1951; Bottou, Curtis & Nocedal, SIAM Review 60, 2018, sec. 4).
    """
    x, step_of, batches = _validated(x0, learning_rate, batches, tol, max_iter)

    def rule(g, state, k):
        return -g, step_of(k), state

    return _drive(fun, grad, x, rule, None, batches, tol, max_iter)


@_documented("    beta : float\n        Momentum, 0 <= beta < 1.\n")
def momentum(fun: Callable[..., float], grad: Callable[..., np.ndarray], x0, *,
             learning_rate: Schedule = 0.01, beta: float = 0.9, batches: Batches = None,
             tol: float = 1e-3, max_iter: int = 1000) -> Stream:
    """Gradient descent with heavy-ball momentum, ``v_{k+1} = beta v_k + g_k``, ``x_{k+1} = x_k - t v_{k+1}``.

{parameters}

    Notes
    -----
    Polyak's heavy ball (1964) in the form PyTorch and optax use, with ``v_0 = 0``. Unrolled,
    ``x_{k+1} = x_k - t g_k + beta (x_k - x_{k-1})`` for a constant t: the previous step is
    carried forward, which damps the zig-zag of steepest descent across a narrow valley
    (Goodfellow, Bengio & Courville, *Deep Learning*, 2016, sec. 8.3.2).
    """
    x, step_of, batches = _validated(x0, learning_rate, batches, tol, max_iter)
    _check_fraction("beta", beta)

    def rule(g, v, k):
        v = beta * v + g
        return -v, step_of(k), v

    return _drive(fun, grad, x, rule, np.zeros_like(x), batches, tol, max_iter)


@_documented("    beta : float\n        Momentum, 0 <= beta < 1.\n")
def nesterov(fun: Callable[..., float], grad: Callable[..., np.ndarray], x0, *,
             learning_rate: Schedule = 0.01, beta: float = 0.9, batches: Batches = None,
             tol: float = 1e-3, max_iter: int = 1000) -> Stream:
    """Nesterov's accelerated gradient, ``v <- beta v + g``, ``x <- x - t (g + beta v)``.

{parameters}

    Notes
    -----
    Sutskever et al. (ICML 2013) write Nesterov's method with a look-ahead gradient,
    ``u_{k+1} = beta u_k - t grad(y_k + beta u_k)``, ``y_{k+1} = y_k + u_{k+1}``. In the variables
    ``x_k = y_k + beta u_k`` and ``v_k = -u_k / t`` (constant t) it becomes the form here, used by
    PyTorch and optax, in which the gradient is taken at the iterate itself.
    """
    x, step_of, batches = _validated(x0, learning_rate, batches, tol, max_iter)
    _check_fraction("beta", beta)

    def rule(g, v, k):
        v = beta * v + g
        return -(g + beta * v), step_of(k), v

    return _drive(fun, grad, x, rule, np.zeros_like(x), batches, tol, max_iter)


@_documented("    beta1, beta2 : float\n        Decay rates of the moment estimates, in [0, 1).\n"
             "    eps : float\n        Added to the root of the second moment, so the step stays finite.\n")
def adam(fun: Callable[..., float], grad: Callable[..., np.ndarray], x0, *, learning_rate: Schedule = 0.001,
         beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8, batches: Batches = None,
         tol: float = 1e-3, max_iter: int = 1000) -> Stream:
    """Adam: gradient steps scaled per coordinate by running moment estimates.

{parameters}

    Notes
    -----
    Algorithm 1 of Kingma & Ba, "Adam: A Method for Stochastic Optimization" (ICLR 2015,
    arXiv:1412.6980), with ``m_0 = v_0 = 0`` and step number ``s = k + 1``::

        m_s = beta1 m_{s-1} + (1 - beta1) g
        v_s = beta2 v_{s-1} + (1 - beta2) g^2
        x_s = x_{s-1} - t m_s / (1 - beta1^s) / (sqrt(v_s / (1 - beta2^s)) + eps)

    The bias corrections undo the pull of the zero start; each coordinate moves by about t at most.
    """
    x, step_of, batches = _validated(x0, learning_rate, batches, tol, max_iter)
    _check_fraction("beta1", beta1)
    _check_fraction("beta2", beta2)
    if not (math.isfinite(eps) and eps > 0):
        raise ValueError(f"eps must be a positive number, got {eps!r}")

    def rule(g, state, k):
        m, v = state
        s = k + 1
        m = beta1 * m + (1.0 - beta1) * g
        v = beta2 * v + (1.0 - beta2) * (g * g)
        m_hat = m / (1.0 - beta1**s)
        v_hat = v / (1.0 - beta2**s)
        return -m_hat / (np.sqrt(v_hat) + eps), step_of(k), (m, v)

    return _drive(fun, grad, x, rule, (np.zeros_like(x), np.zeros_like(x)), batches, tol, max_iter)


def minibatches(n_samples: int, batch_size: int, *, shuffle: bool = True, seed: int | None = 0
                ) -> Callable[[], Iterator[np.ndarray]]:
    """A ``batches=`` value: each call starts an epoch of row-index arrays covering ``range(n_samples)``.

    Parameters
    ----------
    n_samples : int
        Number of rows in the data.
    batch_size : int
        Rows per batch; the last batch of an epoch is smaller when it does not divide `n_samples`.
    shuffle : bool
        Draw a new permutation each epoch (from one generator seeded by `seed`, so a run is
        reproducible); otherwise batches are consecutive rows.
    seed : int or None
        Seed of the shuffling.

    Returns
    -------
    callable
        ``epoch() -> iterator of ndarray`` of int indices.

    Raises
    ------
    ValueError
        For a non-positive `n_samples` or `batch_size`.
    """
    for name, value in (("n_samples", n_samples), ("batch_size", batch_size)):
        if not (isinstance(value, int | np.integer) and value >= 1):
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    rng = np.random.default_rng(seed)

    def epoch() -> Iterator[np.ndarray]:
        order = rng.permutation(n_samples) if shuffle else np.arange(n_samples)
        return iter([order[i:i + batch_size] for i in range(0, n_samples, batch_size)])

    return epoch


# --- the driver and its helpers ----------------------------------------------------------------------

class _Evaluations:
    """fun and grad on the current batch, counted and guarded (numeric trouble becomes NaN)."""

    def __init__(self, fun, grad, batches: Batches):
        self.fun, self.grad, self.batches = fun, grad, batches
        self.nfev = 0
        self._epoch: Iterator[Any] | None = None

    def next_batch(self) -> Any:
        if self.batches is None:
            return None
        for fresh in (False, True):
            if self._epoch is None or fresh:
                self._epoch = iter(self.batches() if callable(self.batches) else self.batches)
            try:
                return next(self._epoch)
            except StopIteration:
                continue
        raise ValueError("batches produced an empty epoch; give at least one batch per epoch")

    def _args(self, x, batch):
        return (x,) if self.batches is None else (x, batch)

    def value(self, x: np.ndarray, batch: Any) -> float:
        self.nfev += 1
        return guarded_value(self.fun, *self._args(x, batch))

    def gradient(self, x: np.ndarray, batch: Any) -> np.ndarray:
        self.nfev += 1
        return guarded_array(self.grad, x.shape, *self._args(x, batch))


def _drive(fun, grad, x: np.ndarray, rule: Rule, state: Any, batches: Batches, tol: float,
           max_iter: int) -> Stream:
    evals = _Evaluations(fun, grad, batches)
    batch = evals.next_batch()
    # grad first: an objective that remembers its last loss (e.g. MLP.objective) then gives fun free.
    g = evals.gradient(x, batch)
    f = evals.value(x, batch)
    yield Iterate(k=0, x=x, fun=f, grad=g, nfev=evals.nfev)
    k = 0
    while (status := stop_status(x, f, g, k, tol, max_iter)) is None:
        with np.errstate(all="ignore"):  # overflow shows up as inf in x and is reported as DIVERGED
            d, t, state = rule(g, state, k)
            x = x + t * d
        k += 1
        batch = evals.next_batch()
        g = evals.gradient(x, batch)
        f = evals.value(x, batch)
        yield Iterate(k=k, x=x, fun=f, grad=g, step=t, direction=d, nfev=evals.nfev)
    return Result(x=x, fun=f, jac=g, nit=k, nfev=evals.nfev, status=status)


def _validated(x0, learning_rate: Schedule, batches: Batches, tol: float, max_iter: int):
    x = start_point(x0)
    if callable(learning_rate):
        schedule = learning_rate

        def step_of(k: int) -> float:
            return float(schedule(k))
    elif _is_number(learning_rate) and math.isfinite(learning_rate) and learning_rate > 0:
        constant = float(learning_rate)

        def step_of(k: int) -> float:
            return constant
    else:
        raise ValueError(f"learning_rate must be a positive number or a schedule k -> t, "
                         f"got {learning_rate!r}")
    if batches is not None and not callable(batches):
        if not isinstance(batches, Iterable):
            raise ValueError(f"batches must be a re-iterable, a zero-argument callable or None, "
                             f"got {batches!r}")
        if iter(batches) is batches:
            raise ValueError("batches is a one-shot iterator that would be empty after one epoch; pass a "
                             "list, or a zero-argument callable returning a fresh iterator "
                             "(e.g. minibatches(n, size))")
    if not (_is_number(tol) and math.isfinite(tol) and tol >= 0):
        raise ValueError(f"tol must be a non-negative number, got {tol!r}")
    if not (isinstance(max_iter, int | np.integer) and max_iter >= 0):
        raise ValueError(f"max_iter must be a non-negative integer, got {max_iter!r}")
    return x, step_of, batches


def _check_fraction(name: str, value: float) -> None:
    if not (_is_number(value) and 0 <= value < 1):
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
