"""Benchmark: peak memory of ``optviz run`` for long runs, against a 1,000-iteration run in the same run.

Run: ``python tests/bench/bench_cli_memory.py [--export] [--api]``. Rosenbrock with a fixed step of 1e-4 (it
never converges early), N inner iterations, ``--every N/10``. Each case is a fresh process; the table
prints its peak RSS and the ratio to the 1,000-iteration case. Without ``--export`` the command keeps
nothing per iterate (the table streams); with it, the animator's trace holds the drawn path.
``--api`` measures the same run through the Python API instead: ``viz.Animator`` over
``optimizers.gradient_descent``, then ``save_frames``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

COUNTS = (1_000, 10_000, 100_000)
RUN = ["run", "(x1 - 1)^2 + 100*(x2 - x1^2)^2", "--x0", "-1", "1", "--line-search", "fixed", "--step", "1e-4",
       "--no-show", "--quiet"]


def peak_rss_mb(argv: list[str]) -> float:
    """Peak resident memory of one child process running `argv`, in MB (ru_maxrss of that child alone)."""
    code = ("import resource, sys; from demos.cli import main; status = main(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); sys.exit(status)")
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise RuntimeError(done.stderr)
    return int(done.stderr.strip().splitlines()[-1]) / 1024


API = """
import resource, sys
import numpy as np
from optimizers import gradient_descent
from viz import Animator
n, out = int(sys.argv[1]), sys.argv[2]
f = lambda x: (x[0] - 1) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
g = lambda x: np.array([2 * (x[0] - 1) - 400 * x[0] * (x[1] - x[0] ** 2), 200 * (x[1] - x[0] ** 2)])
F = lambda X, Y: (X - 1) ** 2 + 100 * (Y - X ** 2) ** 2
stream = gradient_descent(f, g, [-1.0, 1.0], line_search="fixed", step=1e-4, max_iter=n, tol=1e-12)
anim = Animator(stream, F, every=n // 10, figsize=(4, 3), dpi=40)
anim.save_frames(out, quiet=True)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def peak_rss_mb_api(n: int, out: str) -> float:
    """Peak resident memory of the same run through the Python API, in MB."""
    done = subprocess.run([sys.executable, "-c", API, str(n), out], capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return int(done.stderr.strip().splitlines()[-1]) / 1024


def main() -> None:
    export = "--export" in sys.argv[1:]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        if "--api" in sys.argv[1:]:
            rows = [(n, peak_rss_mb_api(n, str(Path(tmp) / f"api{n}"))) for n in COUNTS]
            _table("Python API (Animator + save_frames)", rows)
            return
        for n in COUNTS:
            argv = [*RUN, "--max-iter", str(n), "--every", str(n // 10)]
            if export:
                argv += ["--export", str(Path(tmp) / f"frames{n}"), "--dpi", "40", "--size", "4", "3"]
            rows.append((n, peak_rss_mb(argv)))
    _table(f"optviz run {'--export' if export else '--no-show'}", rows)


def _table(title: str, rows: list[tuple[int, float]]) -> None:
    base = rows[0][1]
    print(f"{title}: peak RSS by inner iterations")
    print(f"{'iterations':>12} {'peak RSS (MB)':>14} {'ratio to 1,000':>15}")
    for n, mb in rows:
        print(f"{n:>12,} {mb:>14.1f} {mb / base:>15.2f}")


if __name__ == "__main__":
    main()
