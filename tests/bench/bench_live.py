"""The live window's speed on the seed demo, each beside today's way (a full ``canvas.draw()``).

Run ``python tests/bench/bench_live.py`` (``--quick`` for a short check). On the seed demo's
player at the lecture size (1280x720 panels plus the control strip), on an Agg canvas, in this
process (BLAS kept to one thread), it prints:

* rotate: camera moves per second, a mouse drag turning the camera by `Camera` (the 3D panel
  alone over a pixel cache, without floor contours and tick labels while the button is down),
  against ``view_init`` plus a full redraw; and the whole panel (a scroll zoom, a drag's end);
* playback: frames per second through the export's cached rendering (`Screen.frame`) against
  ``update`` plus a full redraw;
* restart: from a click on the contour view to the new run's first frame on screen (solve,
  trace, scene, the figure re-pointed at the new run and only what changed redrawn), against a
  new figure drawn whole; from the run's first frame and from its last;
* first window: seconds from ``python -m demos.penalty_seed`` to the drawn window under a
  virtual X display (Xvfb and xdotool), against an empty pyplot window; skipped without them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
from matplotlib.backend_bases import MouseEvent  # noqa: E402


def one_core():
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(limits=1)


def seed_player():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from demos import penalty_seed
    from demos._cli import parser
    from viz.live import Player, live_figsize

    class WindowLike(FigureCanvasAgg):
        """Agg, with a window's idle drawing: requests coalesce, the bench draws when one would."""

        def draw_idle(self, *args, **kwargs):
            self.stale = True

    animator, hooks = penalty_seed.build(parser().parse_args([]))
    style = animator.scene.style
    figure = Figure(figsize=live_figsize(style.pixel_figsize), dpi=style.dpi)
    WindowLike(figure)
    player = Player(animator, figure, **hooks)
    player.toggle()  # paused: the bench moves the frames
    figure.canvas.draw()
    return player


def rate(action, n: int) -> float:
    """Calls per second of `action(i)`, over `n` calls after one warm-up."""
    action(0)
    start = time.perf_counter()
    for i in range(1, n + 1):
        action(i)
    return n / (time.perf_counter() - start)


def mouse(player, name: str, fx: float, fy: float) -> None:
    ax = player.view.ax3d
    x, y = ax.transAxes.transform((fx, fy))
    MouseEvent(name, player.figure.canvas, x, y, button=1)._process()


def rotate_rows(player, n: int) -> list[tuple[str, float, float]]:
    ax, canvas = player.view.ax3d, player.figure.canvas

    def full(i: int) -> None:
        ax.view_init(elev=30.0, azim=-50.0 + i)
        canvas.draw()

    def drag(i: int) -> None:
        mouse(player, "motion_notify_event", 0.5 + 0.002 * (i % 100), 0.5)

    base = rate(full, n)
    mouse(player, "button_press_event", 0.5, 0.5)
    dragged = rate(drag, n)
    mouse(player, "button_release_event", 0.5, 0.5)
    panel = rate(lambda i: player.camera.turn(0.0, 1.0), n)
    return [("rotate, drag (light panel)", base, dragged), ("rotate, whole panel (zoom)", base, panel)]


def playback_row(player, n: int) -> tuple[str, float, float]:
    view, canvas, frames = player.view, player.figure.canvas, len(player.view)

    def full(i: int) -> None:
        view.update(i % frames)
        canvas.draw()

    base = rate(full, n)
    cached = rate(lambda i: player.screen.frame(i % frames), n)
    return "playback frames/s", base, cached


def restart_rows(player, n: int) -> list[tuple[str, float, float]]:
    """Restart latency in ms: a click at the contour view's centre to the first frame drawn.

    Today's way builds a new figure for the new run and draws it whole; optviz re-points the
    drawn figure at the new run (`SceneFigure.retarget`) and redraws only what changed. Both
    from a paused player at the run's first frame, and at its last (the usual moment to click:
    the run has finished; the first weight's surface is then built again).
    """
    canvas, rows = player.figure.canvas, []
    starts = (("restart latency ms", lambda: 0), ("restart from the end ms", lambda: len(player.view) - 1))
    for where, frame in starts:
        times = {"full": [], "cached": []}
        for way in times:  # each way's first restart warms up (a first restart draws the frame whole)
            for i in range(n + 1):
                player.show_frame(frame())
                player.screen.frame(player.frame)
                if player.playing:
                    player.toggle()
                if way == "full":  # today's way: a new figure (no retarget), drawn whole
                    player._retarget = lambda animator: False
                start = time.perf_counter()
                player.restart(x0=player.x0 + 0.01 * (-1) ** i)
                player.tick()  # reads the stream for `budget`, rebuilds the panels, shows frame 0
                if way == "full":
                    canvas.draw()
                    del player._retarget
                else:
                    player.screen.frame(player.frame)
                if i:
                    times[way].append(1000 * (time.perf_counter() - start))
        rows.append((where, min(times["full"]), min(times["cached"])))
    return rows


WINDOW_UP = """
import time, matplotlib.pyplot as plt
fig = plt.figure(figsize=(12.8, 8.57), dpi=100)
fig.canvas.manager.set_window_title("optviz")
plt.show()
"""


def first_window(n: int) -> tuple[str, float, float] | str:
    missing = [t for t in ("Xvfb", "xdotool") if shutil.which(t) is None]
    if missing:
        return f"first window: skipped ({' and '.join(missing)} missing)"
    read, write = os.pipe()
    command = ["Xvfb", "-displayfd", str(write), "-screen", "0", "1400x1000x24", "-nolisten", "tcp"]
    quiet = subprocess.DEVNULL
    server = subprocess.Popen(command, pass_fds=(write,), stdout=quiet, stderr=quiet)
    os.close(write)
    try:
        with os.fdopen(read) as pipe:
            display = ":" + pipe.readline().strip()
        env = dict(os.environ, DISPLAY=display, MPLBACKEND="TkAgg")
        demo = [sys.executable, "-m", "demos.penalty_seed"]
        empty = [sys.executable, "-c", WINDOW_UP]
        return ("first window s", min(_window_seconds(empty, env) for _ in range(n)),
                min(_window_seconds(demo, env) for _ in range(n)))
    finally:
        server.terminate()
        server.wait(timeout=10)


def _window_seconds(command: list[str], env: dict[str, str]) -> float:
    """Seconds from starting `command` to its "optviz" window being drawn (the 3D panel in colour)."""
    import numpy as np
    from PIL import ImageGrab

    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        search = ["xdotool", "search", "--sync", "--onlyvisible", "--name", "^optviz$"]
        window = subprocess.run(search, env=env, capture_output=True, text=True, timeout=60).stdout.split()[0]
        shape = subprocess.run(["xdotool", "getwindowgeometry", "--shell", window], env=env,
                               capture_output=True, text=True).stdout
        g = dict(line.split("=") for line in shape.split())
        x, y, w, h = (int(g[k]) for k in ("X", "Y", "WIDTH", "HEIGHT"))
        box = (x + w // 20, y + h // 8, x + w // 2, y + h // 2)
        background = None
        while time.perf_counter() - start < 60:
            pixels = np.asarray(ImageGrab.grab(bbox=box, xdisplay=env["DISPLAY"]).convert("RGB"))
            if background is None:
                background = pixels  # the window as mapped, before anything is drawn into it
            # distinct colours, each packed into one integer: np.unique over rows (axis=0) took
            # 0.15-0.4 s per look, which the measure then included
            colours = np.unique(pixels.reshape(-1, 3).astype(np.int64) @ np.array([65536, 256, 1]))
            if command[-1] == WINDOW_UP or len(colours) > 200:
                break
            time.sleep(0.01)
        return time.perf_counter() - start
    finally:
        proc.kill()
        proc.wait()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="few repetitions: a smoke test, not a measurement")
    args = p.parse_args(argv)
    n = 5 if args.quick else 30
    print(f"live window, seed demo, 1280x720 panels + controls, Agg, matplotlib {matplotlib.__version__}")
    with one_core():
        player = seed_player()
        rows = [*rotate_rows(player, n), playback_row(player, n), *restart_rows(player, max(2, n // 6))]
    window = first_window(1 if args.quick else 3)
    header = f"{'':<32}{'full draw':>12}{'optviz':>12}{'ratio':>9}"
    print(header)
    print("-" * len(header))
    for name, base, ours in rows:
        better = base / ours if "ms" in name else ours / base
        print(f"{name:<32}{base:>12.1f}{ours:>12.1f}{better:>8.1f}x")
    if isinstance(window, str):
        print(window)
    else:
        name, empty, demo = window
        print(f"{'first window s (empty pyplot)':<32}{empty:>12.2f}{demo:>12.2f}{demo / empty:>8.1f}x  "
              "(optviz column: python -m demos.penalty_seed to the drawn surface)")
    print("(rates: higher is better; latency: ms, ratio = full / optviz)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
