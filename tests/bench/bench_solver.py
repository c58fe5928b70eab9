"""Benchmark: the seed's per-iteration SymPy loop against optviz's compiled path, in one run.

Run: ``python tests/bench/bench_solver.py``. Prints per-iteration times and their ratio, and the time of
a whole seed solve (exterior penalty, M0=1, C=10, epsilon=1e-5, steepest descent + exact line search).
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import sympy

from optimizers import gradient_descent
from penalty import Problem, solve

SEED_X0 = (-0.5, 0.2)


def seed_iterations(M: float, x0, iterations: int) -> tuple[list[float], np.ndarray]:
    """The seed's way, written fresh: SymPy diff/subs/solve on every iteration. Seconds per iteration."""
    x1, x2, t = sympy.symbols("x1 x2 t")
    f = -x1 + x2
    h = x1 + x2 - 1
    g = sympy.Piecewise((x2 - 1, x2 < 1), (0, True))
    F = f + M * (h**2 + g**2)
    x = np.array(x0, dtype=float)
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        grad = np.array([float(sympy.diff(F, v).subs({x1: x[0], x2: x[1]})) for v in (x1, x2)])
        phi = F.subs({x1: x[0] - t * grad[0], x2: x[1] - t * grad[1]})
        roots = [r for r in sympy.solve(sympy.diff(phi, t), t) if r.is_real and r >= 0]
        step = float(min(roots, key=lambda r: float(phi.subs(t, r)))) if roots else 0.0
        x = x - step * grad
        times.append(time.perf_counter() - start)
    return times, x


def compiled_iterations(problem: Problem, M: float, x0, iterations: int, repeats: int = 200
                        ) -> tuple[list[float], np.ndarray]:
    """optviz's way: the same iterations on compiled functions, repeated to time them steadily."""
    F = problem.penalized_function(M)
    times = []
    for _ in range(repeats):
        stream = gradient_descent(F.fun, F.grad, x0, along=F.along, tol=1e-300, max_iter=iterations)
        start = time.perf_counter()
        x = next(stream).x
        for iterate in stream:
            now = time.perf_counter()
            times.append(now - start)
            start, x = now, iterate.x
    return times, x


def build_time(objective: str | sympy.Expr, constraints: list[str], n: int) -> float:
    """Problem() + compile of F, grad F and the line polynomials (what a first solve needs), seconds."""
    start = time.perf_counter()
    problem = Problem(objective, constraints)
    F = problem.penalized_function(1.0)
    F.fun(np.zeros(n)), F.grad(np.zeros(n))
    if F.along is not None:
        F.along(np.zeros(n), np.ones(n))
    return time.perf_counter() - start


def build_rows() -> list[tuple[str, float]]:
    x = sympy.symbols("x1:101", real=True)
    squares = sympy.Add(*[(xi - i) ** 2 for i, xi in enumerate(x, 1)])  # past the 1000-character text limit
    return [(f"{m} constraints x_i >= i", build_time("x1", [f"x{i} >= {i}" for i in range(1, m + 1)], m))
            for m in (100, 200, 1000)] + [("100 variables, sum of squares", build_time(squares, [], 100))]


def main() -> None:
    cold = time.perf_counter()  # the first problem of a process also pays SymPy's first-call set-up
    Problem("x1", ["x1 >= 0"]).penalized_function(1.0).along(np.zeros(1), np.ones(1))
    cold = time.perf_counter() - cold
    t0 = time.perf_counter()
    problem = Problem("-x1 + x2", ["x1 + x2 = 1", "x2 >= 1"])
    parsed = time.perf_counter()
    F = problem.penalized_function(1.0)  # values, gradients, Hessians, constraint Jacobian
    F.along(np.zeros(2), np.ones(2))  # the line polynomials, compiled at their first use
    problem.objective_function.fun(np.zeros(2))
    build, parse = time.perf_counter() - t0, parsed - t0
    solve(problem, SEED_X0)

    rows = []
    for M in (1.0, 100.0):
        seed_times, seed_x = seed_iterations(M, SEED_X0, 8)
        ours, our_x = compiled_iterations(problem, M, SEED_X0, 8)
        assert np.allclose(seed_x, our_x, atol=1e-9), (seed_x, our_x)  # the same iterates
        rows.append((M, statistics.median(seed_times), statistics.median(ours)))

    solves = []
    for _ in range(20):
        start = time.perf_counter()
        result = solve(problem, SEED_X0)
        solves.append(time.perf_counter() - start)

    print(f"problem build + compile: {build * 1e3:.1f} ms "
          f"(once per problem; parse and checks {parse * 1e3:.1f} ms;"
          f" a first, one-variable problem in a fresh process: {cold * 1e3:.1f} ms)")
    for label, seconds in build_rows():
        print(f"build + compile, {label}: {seconds * 1e3:.0f} ms")
    print(f"{'M':>6} | {'seed (SymPy) ms/iter':>20} | {'optviz us/iter':>14} | {'speed-up':>9}")
    for M, seed, ours in rows:
        print(f"{M:>6g} | {seed * 1e3:>20.2f} | {ours * 1e6:>14.1f} | {seed / ours:>8.0f}x")
    print(f"whole seed solve: median {statistics.median(solves) * 1e3:.2f} ms, "
          f"min {min(solves) * 1e3:.2f} ms over {len(solves)} runs "
          f"({result.nit} iterations, {result.nouter} penalty weights, x = {np.round(result.x, 6)})")


if __name__ == "__main__":
    main()
