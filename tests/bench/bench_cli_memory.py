"""Benchmark: peak memory of ``optviz run`` for long runs, against a 1,000-iteration run in the same run.

Run: ``python tests/bench/bench_cli_memory.py [--export]``. Rosenbrock with a fixed step of 1e-4 (it
never converges early), N inner iterations, ``--every N/10``. Each case is a fresh process; the table
prints its peak RSS and the ratio to the 1,000-iteration case. Without ``--export`` the command keeps
nothing per iterate (the table streams); with it, the animator's trace holds the drawn path.
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


def main() -> None:
    export = "--export" in sys.argv[1:]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in COUNTS:
            argv = [*RUN, "--max-iter", str(n), "--every", str(n // 10)]
            if export:
                argv += ["--export", str(Path(tmp) / f"frames{n}"), "--dpi", "40", "--size", "4", "3"]
            rows.append((n, peak_rss_mb(argv)))
    base = rows[0][1]
    print(f"optviz run {'--export' if export else '--no-show'}: peak RSS by inner iterations")
    print(f"{'iterations':>12} {'peak RSS (MB)':>14} {'ratio to 1,000':>15}")
    for n, mb in rows:
        print(f"{n:>12,} {mb:>14.1f} {mb / base:>15.2f}")


if __name__ == "__main__":
    main()
