"""Hand-written iterate streams for the viz tests (no sympy, no penalty package).

`seed_penalty_stream` replays the seed's scene: exterior penalty for min -x1 + x2 subject to
x1 + x2 = 1 and x2 >= 1, steepest descent with an exact line search on each F_M.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib.animation import AbstractMovieWriter

from optimizers import Iterate


@dataclass(frozen=True, kw_only=True)
class PenaltyIterate(Iterate):
    """An iterate of a penalty run (the fields viz reads beyond `Iterate`)."""

    outer: int = 0
    M: float = 1.0
    objective: float = 0.0
    violation: float = 0.0


def seed_F(M: float):
    """The seed's penalized function F(x1, x2) = f + M (h^2 + min(0, x2 - 1)^2), vectorized."""

    def F(x1, x2):
        x1, x2 = np.asarray(x1, float), np.asarray(x2, float)
        return -x1 + x2 + M * ((x1 + x2 - 1) ** 2 + np.minimum(x2 - 1, 0.0) ** 2)

    return F


def seed_grad(x: np.ndarray, M: float) -> np.ndarray:
    h = x[0] + x[1] - 1
    g = min(x[1] - 1, 0.0)
    return np.array([-1 + 2 * M * h, 1 + 2 * M * h + 2 * M * g])


def seed_equality(x1, x2):
    return np.asarray(x1, float) + np.asarray(x2, float) - 1


def seed_inequality(x1, x2):  # feasible where <= 0: x2 >= 1
    return 1 - np.asarray(x2, float) + 0 * np.asarray(x1, float)


def exact_step(phi, t0: float = 1.0) -> float:
    """The minimizer of a convex phi on t >= 0: bracket by doubling, then golden section."""
    a, b = 0.0, t0
    while phi(b) < phi(b / 2) and b < 1e12:
        b *= 2
    invphi = (math.sqrt(5) - 1) / 2
    c, d = b - invphi * (b - a), a + invphi * (b - a)
    for _ in range(200):
        if phi(c) < phi(d):
            b = d
        else:
            a = c
        c, d = b - invphi * (b - a), a + invphi * (b - a)
        if b - a < 1e-14 * max(1.0, b):
            break
    return (a + b) / 2


def _seed_record(k, x, M, outer, step=None, d=None):
    h = x[0] + x[1] - 1
    violation = max(abs(h), max(1 - x[1], 0.0))
    return PenaltyIterate(k=k, x=x, fun=float(seed_F(M)(*x)), grad=seed_grad(x, M), step=step, direction=d,
                          outer=outer, M=M, objective=float(-x[0] + x[1]), violation=violation)


def seed_penalty_stream(x0=(-0.5, 0.2), M0=1.0, C=10.0, epsilon=1e-5, inner=15, max_outer=8, tol=1e-3):
    """Exterior penalty iterates for the seed problem (yields `PenaltyIterate`)."""
    x = np.array(x0, dtype=float)
    M = M0
    count = 0
    for outer in range(max_outer):
        F = seed_F(M)
        g = seed_grad(x, M)
        yield _seed_record(count, x, M, outer)
        for _ in range(inner):
            if np.all(np.abs(g) < tol):
                break
            d = -g
            t = exact_step(lambda t, x=x, d=d, F=F: float(F(*(x + t * d))))
            x = x + t * d
            g = seed_grad(x, M)
            count += 1
            yield _seed_record(count, x, M, outer, t, d)
        alpha = (x[0] + x[1] - 1) ** 2 + min(x[1] - 1, 0.0) ** 2
        if M * alpha < epsilon:
            return
        M *= C


def quadratic_stream(n=2, steps=30, x0=None, A=None):
    """Steepest descent with the exact step t = g'g / g'Ag on f = x'Ax/2 (yields `Iterate`)."""
    A = np.diag(np.linspace(1.0, 4.0, n)) if A is None else np.asarray(A, float)
    x = np.array(x0 if x0 is not None else np.linspace(2.0, -1.5, n), dtype=float)
    g = A @ x
    yield Iterate(k=0, x=x, fun=0.5 * x @ A @ x, grad=g)
    for k in range(1, steps + 1):
        d = -g
        t = float(g @ g / (g @ A @ g))
        x = x + t * d
        g = A @ x
        yield Iterate(k=k, x=x, fun=0.5 * x @ A @ x, grad=g, step=t, direction=d)


def quadratic_surface(n=2, A=None):
    A = np.diag(np.linspace(1.0, 4.0, n)) if A is None else np.asarray(A, float)

    def f(*xs):
        xs = np.broadcast_arrays(*[np.asarray(v, float) for v in xs])
        return 0.5 * sum(A[i, j] * xs[i] * xs[j] for i in range(n) for j in range(n))

    return f


# -- small animators for the tests (tiny figures, few frames: the suite must stay fast) ----------
SMALL = dict(figsize=(4.8, 2.7), dpi=60, grid=24)
SEED_TITLE = (r"F = -x_{1} + x_{2} + M \left(\left(x_{1} + x_{2} - 1\right)^{2} + "
              r"\min\left(0, x_{2} - 1\right)^{2}\right)")


def make_seed(**options):
    """The seed scene (a penalty run over several values of M), small and fast."""
    from viz import Animator

    kwargs = dict(SMALL, surface_of_M=seed_F, equalities=[seed_equality], inequalities=[seed_inequality],
                  title=SEED_TITLE, view=(30, -50))
    inner = options.pop("inner", 6)
    kwargs.update(options)
    stream = kwargs.pop("stream", None) or seed_penalty_stream(inner=inner)
    return Animator(stream, **kwargs)


def make_quadratic(n=2, steps=8, **options):
    from viz import Animator

    kwargs = dict(SMALL)
    kwargs.update(options)
    return Animator(quadratic_stream(n=n, steps=steps), quadratic_surface(n=n), **kwargs)


class CountingWriter(AbstractMovieWriter):
    """A fake writer: counts frames, writes a tiny file."""

    def __init__(self):
        super().__init__(fps=5)
        self.frames = 0
        self.finished = False

    def setup(self, fig, outfile, dpi=None):
        super().setup(fig, outfile, dpi=dpi)

    def grab_frame(self, **savefig_kwargs):
        self.frames += 1

    def finish(self):
        self.finished = True
        with open(self.outfile, "w") as f:
            f.write(str(self.frames))
