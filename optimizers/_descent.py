"""Line-search descent methods: steepest descent, Newton, nonlinear conjugate gradient.

Each is a generator: it yields the start point, then one `Iterate` per step, and returns a `Result`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ._guard import NUMERIC_ERRORS, array_or_nan, guarded_array, start_point, value_or_nan
from ._line_search import EPS, Line, LineSearch, PiecewisePolynomial, armijo, exact, resolve_line_search
from ._stream import Iterate, Result, Status, Stream, stop_status

__all__ = ["conjugate_gradient", "gradient_descent", "newton"]

Fun = Callable[[np.ndarray], float]
Grad = Callable[[np.ndarray], np.ndarray]
Along = Callable[[np.ndarray, np.ndarray], PiecewisePolynomial | None]
# A direction rule maps (x, g, previous g, previous d, step number) to a search direction.
DirectionRule = Callable[[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None, int], np.ndarray]


def gradient_descent(fun: Fun, grad: Grad, x0, *, line_search: str | LineSearch = "exact",
                     step: float = 1.0, along: Along | None = None, tol: float = 1e-3,
                     max_iter: int = 1000) -> Stream:
    """Steepest descent, ``x_{k+1} = x_k - t_k g_k``, streaming its iterates.

    Parameters
    ----------
    fun, grad : callable
        f(x) -> float and its gradient g(x) -> ndarray of shape (n,).
    x0 : array_like, shape (n,)
        Start point.
    line_search : {"exact", "armijo", "fixed"} or callable
        How t_k is chosen (see `optimizers.exact`, `armijo`, `fixed`), or any
        ``search(line, t0) -> LineSearchResult``.
    step : float
        The fixed step for ``"fixed"``; the first trial step for the others.
    along : callable, optional
        ``along(x, d)`` gives phi(t) = f(x + t d) as a `PiecewisePolynomial`, so the exact
        search is solved by polynomial roots (the penalty package supplies it).
    tol : float
        Stop when ``max(abs(g)) < tol``.
    max_iter : int
        Maximum number of steps.

    Yields
    ------
    Iterate
        The start point (k = 0), then the point after each step.

    Returns
    -------
    Result
        Through ``StopIteration.value``; `optimizers.run` drains a stream and returns it.

    Raises
    ------
    ValueError
        At the call (not at the first ``next``), for a bad `x0`, `tol`, `max_iter`, `step` or
        `line_search`.

    Notes
    -----
    With exact line search, successive gradients are orthogonal, which makes the zig-zag path of
    steepest descent (Nocedal & Wright, *Numerical Optimization*, 2nd ed., sec. 3.3).
    """
    x, search = _validated(x0, tol, max_iter, step, line_search)
    return _descend(fun, grad, x, _steepest, search, step, along, tol, max_iter)


def newton(fun: Fun, grad: Grad, hess: Callable[[np.ndarray], np.ndarray], x0, *,
           line_search: str | LineSearch = "armijo", step: float = 1.0, along: Along | None = None,
           tol: float = 1e-3, max_iter: int = 100) -> Stream:
    """Newton's method with a modified Hessian, streaming its iterates.

    The direction solves ``(H + tau I) d = -g`` with the smallest tau >= 0 from the sequence
    0, beta, 2 beta, ... for which the Cholesky factorization exists, so d is always a descent
    direction even where H is not positive definite. Parameters as in `gradient_descent`, plus
    `hess`, the Hessian ``H(x) -> ndarray (n, n)``.

    Notes
    -----
    Nocedal & Wright, *Numerical Optimization*, 2nd ed., Algorithm 3.3 (Cholesky with added
    multiple of the identity). With ``line_search="armijo"`` and ``step=1`` the full Newton step is
    tried first, which gives quadratic convergence near a strict minimizer.
    """
    x, search = _validated(x0, tol, max_iter, step, line_search)

    def direction(x, g, g_prev, d_prev, k):
        return _newton_direction(guarded_array(hess, (x.size, x.size), x), g)

    return _descend(fun, grad, x, direction, search, step, along, tol, max_iter)


def conjugate_gradient(fun: Fun, grad: Grad, x0, *, line_search: str | LineSearch = "exact",
                       step: float = 1.0, along: Along | None = None, tol: float = 1e-3,
                       max_iter: int = 1000, variant: str = "PR+") -> Stream:
    """Nonlinear conjugate gradient, streaming its iterates.

    ``d_k = -g_k + beta_k d_{k-1}`` with ``beta`` by Polak-Ribiere+ (``variant="PR+"``:
    ``max(0, g_k.(g_k - g_{k-1}) / |g_{k-1}|^2)``) or Fletcher-Reeves (``"FR"``:
    ``|g_k|^2 / |g_{k-1}|^2``); restarts with ``-g`` every n steps and whenever d is not a descent
    direction. Parameters as in `gradient_descent`.

    Notes
    -----
    With exact line search on a strictly convex quadratic in n variables both variants coincide with
    linear CG and reach the minimizer in at most n steps (Nocedal & Wright, sec. 5.2).
    """
    if variant not in ("PR+", "FR"):
        raise ValueError(f"variant must be 'PR+' or 'FR', got {variant!r}")
    x, search = _validated(x0, tol, max_iter, step, line_search)
    n = x.size

    def direction(x, g, g_prev, d_prev, k):
        if d_prev is None or (k - 1) % n == 0:
            return -g
        if variant == "FR":
            beta = (g @ g) / (g_prev @ g_prev)
        else:
            beta = max(0.0, g @ (g - g_prev) / (g_prev @ g_prev))
        d = -g + beta * d_prev
        return d if g @ d < 0 else -g

    return _descend(fun, grad, x, direction, search, step, along, tol, max_iter)


def _steepest(x, g, g_prev, d_prev, k):
    return -g


def _newton_direction(H: np.ndarray, g: np.ndarray, beta: float = 1e-3) -> np.ndarray:
    if not np.all(np.isfinite(H)):  # no curvature to trust here: steepest descent, and the search decides
        return -g
    H = 0.5 * (H + H.T)
    diag_min = float(np.min(np.diag(H)))
    tau = 0.0 if diag_min > 0 else beta - diag_min
    identity = np.eye(H.shape[0])
    while True:
        try:
            L = np.linalg.cholesky(H + tau * identity)
        except np.linalg.LinAlgError:
            tau = max(2.0 * tau, beta)
            continue
        return -np.linalg.solve(L.T, np.linalg.solve(L, g))


def _validated(x0, tol, max_iter, step, line_search) -> tuple[np.ndarray, LineSearch]:
    x = start_point(x0)
    for name, value in (("tol", tol), ("step", step)):
        if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
            raise ValueError(f"{name} must be a positive number, got {value!r}")
    if not (math.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a positive number, got {tol!r}")
    if isinstance(max_iter, bool) or not (isinstance(max_iter, int | np.integer) and max_iter >= 0):
        raise ValueError(f"max_iter must be a non-negative integer, got {max_iter!r}")
    if not (math.isfinite(step) and step > 0):
        raise ValueError(f"step must be a positive number, got {step!r}")
    return x, resolve_line_search(line_search, step)


class _Counted:
    """fun and grad with an evaluation count, guarded (numeric trouble becomes NaN).

    Called only inside ``np.errstate(all="ignore")``, held once per step by `_descend`.
    """

    def __init__(self, fun: Fun, grad: Grad):
        self.fun, self.grad, self.nfev = fun, grad, 0

    def value(self, x: np.ndarray) -> float:
        self.nfev += 1
        return value_or_nan(self.fun, x)

    def gradient(self, x: np.ndarray) -> np.ndarray:
        self.nfev += 1
        return array_or_nan(self.grad, x.shape, x)


def _descend(fun: Fun, grad: Grad, x: np.ndarray, rule: DirectionRule, search: LineSearch, step: float,
             along: Along | None, tol: float, max_iter: int) -> Stream:
    counted = _Counted(fun, grad)
    with np.errstate(all="ignore"):
        f, g = counted.value(x), counted.gradient(x)
    yield Iterate(k=0, x=x, fun=f, grad=g, nfev=counted.nfev)
    g_prev = d_prev = None
    t_guess = step  # exact search brackets from the last step: successive steps are alike
    k = 0
    while True:
        # One errstate per step rather than one per evaluation (each costs as much as a small
        # evaluation); the yield stays outside it, so the consumer's own settings hold there.
        with np.errstate(all="ignore"):
            if (status := stop_status(x, f, g, k, tol, max_iter)) is not None:
                break
            d = rule(x, g, g_prev, d_prev, k + 1)
            if d.flags.owndata:
                d.flags.writeable = False  # a fresh direction: yielded uncopied
            ray = _Ray(counted, x, d)
            line = _line(ray, f, g, along if search is exact else None)
            found = search(line, t_guess if search is exact else step)
            counted.nfev += found.nfev
            if found.status != Status.CONVERGED:
                status = found.status
                break
            x_new = ray.at(found.t)  # most often the point phi was last evaluated at: not made twice
            x_new.flags.writeable = False  # a fresh array no one else holds: the Iterate keeps it uncopied
            if x_new.tolist() == x.tolist():
                status = Status.STALLED
                break
            k += 1
            x = x_new
            g_prev, d_prev = g, d
            # The built-in searches evaluated phi(t) = f(x + t d) at this very point: no second call.
            f = found.phi if search in _BUILT_IN or search is exact else counted.value(x)
            g = counted.gradient(x)
            t_guess = found.t if found.t > 0 else step
        yield Iterate(k=k, x=x, fun=f, grad=g, step=found.t, direction=d, nfev=counted.nfev)
    with np.errstate(all="ignore"):
        if status == Status.CONVERGED and _on_plateau(counted, x, f, g):
            status = Status.PLATEAU
    return Result(x=x, fun=f, jac=g, nit=k, nfev=counted.nfev, status=status)


_BUILT_IN = (armijo,)
MAX_PLATEAU_PROBES = 8


def _on_plateau(counted: _Counted, x: np.ndarray, f: float, g: np.ndarray) -> bool:
    """Whether a point that meets the gradient test lies on a plateau, not at a minimizer.

    A plateau is where f does not change, to rounding, over a unit step (a step of
    ``h_i = max(1, 1e-3 |x_i|)`` in coordinate i) although its slope there is not 0: the gradient
    is tiny or exactly 0 only because an exponential's tail underflowed. Two cases are probed:

    - a component that is non-zero but whose linear change over the step lies below f's rounding
      (``(exp(x2) - 2)^2`` at x2 = -117: 3e-51): probed one step downhill;
    - a component that is exactly 0 while computing the gradient underflowed (numpy's underflow
      flag, raised for the probe: ``exp(-800)`` is 0.0, so at x2 = -800 the same residual has the
      gradient exactly 0): probed one step either side.

    The point is a plateau when f is flat to ``4 eps |f|`` over the probed step(s). At a true
    minimizer the gradient is small because the point is stationary, and the curvature changes f
    over such a step (x^2 or x^4 at 0: f rises by h^2 or h^4 on both sides; their exact zero gradients
    also involve no underflow, so they are never probed). A component exactly 0 with no underflow is
    a variable f does not depend on there (a satisfied constraint's, say): flat and harmless. Only
    numpy's arithmetic raises the underflow flag; a gradient written with the `math` module that
    underflows to exactly 0 goes unseen. And a flat-and-harmless zero component is taken for a
    plateau when some other term of the same gradient underflows. At most `MAX_PLATEAU_PROBES`
    components of each kind are probed, so this costs nothing at ordinary minimizers.

    Notes
    -----
    The gradient test alone cannot tell such points apart: "Plateaus where phi' underflows are
    not minimizers" (issue 12); the first-order conditions are necessary, not sufficient
    (Nocedal & Wright, *Numerical Optimization*, 2nd ed., Theorems 2.2 and 2.3).
    """
    h = np.maximum(1.0, 1e-3 * np.abs(x))
    tiny = np.flatnonzero((g != 0.0) & (np.abs(g) * h <= EPS * max(abs(f), np.finfo(float).tiny)))
    for i in tiny[:MAX_PLATEAU_PROBES].tolist():
        if _flat_along(counted, x, f, i, -math.copysign(h[i], g[i])):
            return True
    zero = np.flatnonzero(g == 0.0)
    if zero.size and _underflows(counted, x):
        for i in zero[:MAX_PLATEAU_PROBES].tolist():
            if _flat_along(counted, x, f, i, h[i]) and _flat_along(counted, x, f, i, -h[i]):
                return True
    return False


def _flat_along(counted: _Counted, x: np.ndarray, f: float, i: int, step: float) -> bool:
    """Whether f at x + step e_i equals f(x) to rounding (a non-finite value is no flatness)."""
    probe = x.copy()
    probe[i] += step
    value = counted.value(probe)
    return math.isfinite(value) and abs(value - f) <= 4.0 * EPS * abs(f)


def _underflows(counted: _Counted, x: np.ndarray) -> bool:
    """Whether computing the gradient at x underflows somewhere (numpy's floating-point flag)."""
    counted.nfev += 1
    with np.errstate(under="raise"):
        try:
            counted.grad(x)
        except FloatingPointError:
            return True
        except NUMERIC_ERRORS:
            return False
    return False


class _Ray:
    """The points x + t d of one line search, evaluated through the counted functions.

    It keeps the last point it made, so the step taken (nearly always the last t the search tried)
    is not computed again.
    """

    __slots__ = ("counted", "x", "d", "t", "point")

    def __init__(self, counted: _Counted, x: np.ndarray, d: np.ndarray):
        self.counted, self.x, self.d, self.t, self.point = counted, x, d, None, None

    def at(self, t: float) -> np.ndarray:
        if t != self.t:
            self.t, self.point = t, self.x + t * self.d
        return self.point

    def phi(self, t: float) -> float:
        return self.counted.value(self.at(t))

    def dphi(self, t: float) -> float:
        return float(self.counted.gradient(self.at(t)) @ self.d)


def _line(ray: _Ray, f: float, g: np.ndarray, along: Along | None) -> Line:
    x, d = ray.x, ray.d
    return Line(
        phi=ray.phi,
        dphi=ray.dphi,
        phi0=f,
        dphi0=float(g @ d),
        polynomial=along(x, d) if along is not None else None,
        # Only the iterative exact search needs it; the polynomial one never narrows a bracket.
        resolution=0.0 if along else EPS * (np.linalg.norm(x) + 1.0) / max(np.linalg.norm(d), 1e-300),
    )
