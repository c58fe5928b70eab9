"""Frames per second of PNG export: the seed's redraw-everything loop against viz, in one run.

Run ``python tests/bench/bench_frames.py`` (``--quick`` for a short check). It prints one table:

* seed: per frame ``ax.cla()``, ``plot_surface``, ``scatter``, ``text``, ``savefig`` (how the seed
  drew), for the seed's problem and grid (0..4 step 0.25, i.e. 16 x 16);
* viz serial: `viz.Animator.save_frames` in this process (one core: BLAS kept to one thread for
  both serial columns), same figure size, dpi, grid;
* viz parallel: the same export across processes (a pool over all cores);

at the seed's figure size (matplotlib's default 6.4 x 4.8 in) and at the lecture size
(12.8 x 7.2 in), both at 100 dpi, then the peak memory (max RSS) of exporting 200 and 2,000 frames
in fresh processes: flat memory means the two are close.

The serial columns are also timed in CPU seconds of this process (``cpu``): on a machine shared
with other jobs, wall time counts their turns too, and the CPU ratio is the steadier one.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "viz"))  # the hand-written seed stream (no sympy needed)

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from viz_streams import seed_F, seed_penalty_stream  # noqa: E402

SEED_GRID = np.arange(0, 4, 0.25)  # the seed's own grid


def one_core():
    """Keep BLAS to one thread, so the serial columns really measure one core."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        import contextlib

        print("(threadpoolctl missing: BLAS may use a second core in the serial columns)")
        return contextlib.nullcontext()
    return threadpool_limits(limits=1)


def long_stream(n: int):
    """The seed's penalty run, with up to n/7 steepest-descent steps for each of 7 weights M.

    (The seed stopped each inner run after 15 steps; here they run on, zig-zagging down the
    ever narrower valley, which is what a long lecture animation of this method shows.)
    """
    return seed_penalty_stream(inner=max(1, n // 7 + 1), max_outer=7, tol=1e-12, epsilon=0.0)


def seed_way(directory: Path, figsize, dpi: float, frames: int) -> tuple[float, float]:
    """Frames per second of the seed's loop: clear, re-plot everything, save (wall, CPU)."""
    import matplotlib.pyplot as plt

    directory.mkdir(parents=True, exist_ok=True)
    X, Y = np.meshgrid(SEED_GRID, SEED_GRID)
    fig = plt.figure(figsize=figsize, dpi=dpi)
    ax = fig.add_subplot(projection="3d")
    its = [it for it, _ in zip(long_stream(frames), range(frames), strict=False)]
    start, cpu = time.perf_counter(), time.process_time()
    for i, it in enumerate(its):
        F = seed_F(it.M)
        x = it.x
        ax.plot_surface(X, Y, F(X, Y), rstride=1, cstride=1, cmap="rainbow", alpha=0.5)
        ax.scatter(x[0], x[1], F(*x), c="r", s=80)
        ax.text(x[0], x[1], F(*x), f"here:({x[0]:0.3f},{x[1]:0.3f})")
        ax.set_zlabel("F")
        ax.set_ylabel("X2")
        ax.set_xlabel("X1")
        fig.savefig(directory / f"{i:04d}.png")
        ax.cla()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    plt.close(fig)
    return len(its) / seconds, len(its) / cpu


def animator(frames: int, figsize, dpi: float):
    from viz import Animator

    return Animator(long_stream(frames), surface_of_M=seed_F, frames=frames, figsize=figsize, dpi=dpi,
                    grid=len(SEED_GRID), view=(30, -50))


def viz_way(directory: Path, figsize, dpi: float, frames: int, parallel: bool) -> tuple[float, float]:
    """Frames per second of `viz.Animator.save_frames` (wall, and CPU of this process: only
    meaningful serially)."""
    anim = animator(frames, figsize, dpi)
    cpu = time.process_time()
    result = anim.save_frames(directory, quiet=True, parallel=parallel)
    cpu = time.process_time() - cpu
    anim.close()
    return result.count / result.seconds, result.count / cpu


def peak_memory_mb(frames: int, parallel: bool) -> tuple[float, float]:
    """Max RSS (MB) of a fresh process exporting `frames` frames: (itself, its workers)."""
    code = (
        "import sys, resource, tempfile; sys.argv = ['x'];"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r});"
        "import bench_frames as b;"
        "d = tempfile.mkdtemp();"
        f"b.viz_way(b.Path(d), (12.8, 7.2), 100.0, {frames}, {parallel});"
        "me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss;"
        "kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss;"
        "print(me / 1024, kids / 1024)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    me, kids = out.stdout.split()
    return float(me), float(kids)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="few frames: a smoke test, not a measurement")
    p.add_argument("--frames", type=int, default=2000, help="frames of the memory and parallel runs")
    args = p.parse_args(argv)
    seed_n, serial_n, par_n = (8, 40, 80) if args.quick else (60, args.frames, args.frames)
    mem_small, mem_big = (40, 120) if args.quick else (200, args.frames)
    cores = os.cpu_count() or 1
    print(f"PNG export, seed problem, grid {len(SEED_GRID)}x{len(SEED_GRID)}, dpi 100, "
          f"{cores} cores, matplotlib {matplotlib.__version__}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name, size in (("seed size 6.4x4.8", (6.4, 4.8)), ("lecture 12.8x7.2", (12.8, 7.2))):
            with one_core():
                base, base_cpu = seed_way(tmp / f"seed-{size[0]}", size, 100.0, seed_n)
                serial, serial_cpu = viz_way(tmp / f"serial-{size[0]}", size, 100.0, serial_n, parallel=False)
            par, _ = viz_way(tmp / f"par-{size[0]}", size, 100.0, par_n, parallel=True)
            rows.append((name, base, serial, par, serial_cpu / base_cpu))
    header = f"{'size':<20}{'seed fps':>10}{'viz 1 core':>12}{'viz ' + str(cores) + ' proc':>12}" \
             f"{'1 core/seed':>13}{'(cpu)':>8}{'par/seed':>10}{'par/1 core':>12}"
    print(header)
    print("-" * len(header))
    for name, base, serial, par, cpu_ratio in rows:
        print(f"{name:<20}{base:>10.1f}{serial:>12.1f}{par:>12.1f}{serial / base:>12.1f}x{cpu_ratio:>7.1f}x"
              f"{par / base:>9.1f}x{par / serial:>11.2f}x")
    print(f"(frames: seed {seed_n}, viz serial {serial_n}, parallel {par_n})")
    for parallel in (False, True):
        small, small_kids = peak_memory_mb(mem_small, parallel)
        big, big_kids = peak_memory_mb(mem_big, parallel)
        kind = "parallel" if parallel else "serial"
        extra = f"; workers {small_kids:.0f} -> {big_kids:.0f} MB" if parallel else ""
        print(f"peak memory, {kind} export at 12.8x7.2: {mem_small} frames {small:.0f} MB, "
              f"{mem_big} frames {big:.0f} MB (main process{extra})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
