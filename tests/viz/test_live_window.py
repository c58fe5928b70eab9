"""The live view in a real TkAgg window on a virtual X display (Xvfb), driven with xdotool."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

TOOLS = ("Xvfb", "xdotool")
PLAYS_EVERY_FRAME = r"""
import sys, time
sys.path.insert(0, {tests!r})
import matplotlib
matplotlib.use("TkAgg")
import matplotlib.pyplot as plt
from viz_streams import make_seed
anim = make_seed(inner=4)
player = anim.show(interval=10, block=False)
label = player.view.label3d
last = "(iterate %d)" % anim.iterate_of(len(anim) - 1)
seen = set()
start = time.time()
while time.time() - start < 60 and last not in label.get_text():
    plt.pause(0.02)
    seen.add(label.get_text().split("\n")[0])
print(matplotlib.get_backend(), len(seen), len(anim), last in label.get_text())
plt.close("all")
print("closed", player.closed)
"""


def _missing(what: str) -> None:
    message = f"the live-window test needs {what} (.ci/run installs it: apt-get install xvfb xdotool)"
    if os.environ.get("CI"):
        pytest.fail(message)  # in CI this test must run, never be skipped
    pytest.skip(message)


@pytest.fixture(scope="module")
def xdisplay():
    """A fresh Xvfb display, e.g. ":5" (Xvfb picks a free number and tells us through a pipe)."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        _missing(" and ".join(missing))
    if subprocess.run([sys.executable, "-c", "import tkinter"], capture_output=True).returncode:
        _missing("Tk for this Python (apt-get install python3-tk)")
    read, write = os.pipe()
    command = ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x900x24", "-nolisten", "tcp"]
    server = subprocess.Popen(command, pass_fds=(write,), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    os.close(write)
    try:
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        assert number, "Xvfb did not start"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _env(display: str) -> dict[str, str]:
    return dict(os.environ, DISPLAY=display, MPLBACKEND="TkAgg")


def _xdotool(display: str, *args: str) -> str:
    out = subprocess.run(["xdotool", *args], env=_env(display), capture_output=True, text=True, timeout=30)
    return out.stdout


def _screenshot(display: str, box: tuple[int, int, int, int]) -> np.ndarray:
    from PIL import ImageGrab

    return np.asarray(ImageGrab.grab(bbox=box, xdisplay=display).convert("RGB"))


def _run_script(template: str, display: str) -> subprocess.CompletedProcess:
    """Run a test script (`template`, with ``{tests}`` this folder) on `display`; it must succeed."""
    script = template.format(tests=str(Path(__file__).parent))
    out = subprocess.run([sys.executable, "-c", script], env=_env(display), capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return out


@pytest.mark.gui
def test_live_window_plays_every_frame_on_tkagg(xdisplay):
    out = _run_script(PLAYS_EVERY_FRAME, xdisplay)
    backend, seen, frames, finished = out.stdout.split()[-6:-2]
    assert backend.lower() == "tkagg" and finished == "True"
    assert int(seen) >= int(frames) // 2  # the window really animated, frame after frame
    assert out.stdout.split()[-1] == "True"  # closing the window stopped the player


@contextlib.contextmanager
def _seed_demo_window(display: str, folder: Path):
    """The seed demo's live window on `display` (run in `folder`): (process, window id, (x, y, w, h)).
    The process is killed on leaving if it is still running."""
    demo = subprocess.Popen([sys.executable, "-m", "demos.penalty_seed", "--fps", "3", "--size", "9.6", "5.4",
                             "--dpi", "80"], cwd=folder, env=_env(display), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        window = _xdotool(display, "search", "--sync", "--name", "^optviz$").split()[0]
        geometry = _xdotool(display, "getwindowgeometry", "--shell", window)
        g = dict(line.split("=") for line in geometry.split())
        yield demo, window, tuple(int(g[k]) for k in ("X", "Y", "WIDTH", "HEIGHT"))
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.communicate()


def _wait_until_drawn(xdisplay, panel, timeout=30):
    """Wait until the screen region `panel` shows a drawn surface (many colours), or fail."""
    deadline = time.time() + timeout
    while True:
        pixels = _screenshot(xdisplay, panel)
        colours = len(np.unique(pixels.reshape(-1, 3), axis=0))
        if colours > 200 or time.time() > deadline:
            break
        time.sleep(0.3)
    assert colours > 200 and pixels.std() > 10, f"the surface is not drawn ({colours} colours)"


def _saved(folder, count, timeout=30):
    """The player's saved frames in `folder`, once there are `count` (or at the timeout)."""
    deadline = time.time() + timeout
    saved: list[Path] = []
    while len(saved) < count and time.time() < deadline:
        time.sleep(0.2)
        saved = sorted(folder.glob("optviz-iterate-*.png"))
    return saved


@pytest.mark.gui
def test_seed_demo_window_draws_and_obeys_keys(xdisplay, tmp_path):
    with _seed_demo_window(xdisplay, tmp_path) as (demo, window, (x, y, w, h)):
        # The 3D panel: the left half, between the title and the controls.
        panel = (x + w // 20, y + h // 8, x + w // 2, y + h // 2)
        _wait_until_drawn(xdisplay, panel)

        _xdotool(xdisplay, "windowfocus", "--sync", window)
        for keys in (["space"], ["s"], ["Right", "s"]):  # pause, save, step and save
            _xdotool(xdisplay, "key", "--delay", "150", *keys)
            time.sleep(0.3)
        saved = _saved(tmp_path, 2)
        assert len(saved) == 2, f"expected two saved frames, got {saved}: {demo.stderr}"
        first, second = (int(re.findall(r"\d+", p.name)[0]) for p in saved)
        assert second == first + 1  # the right arrow advanced the paused run by one iterate
        assert saved[0].read_bytes() != saved[1].read_bytes()

        _xdotool(xdisplay, "key", "q")  # matplotlib's quit key still works on this figure
        _, err = demo.communicate(timeout=20)
        assert demo.returncode == 0 and "Traceback" not in err, err


@pytest.mark.gui
def test_dragging_the_3d_panel_turns_the_camera_and_the_window_stays_live(xdisplay, tmp_path):
    with _seed_demo_window(xdisplay, tmp_path) as (demo, window, (x, y, w, h)):
        _wait_until_drawn(xdisplay, (x + w // 20, y + h // 8, x + w // 2, y + h // 2))
        _xdotool(xdisplay, "windowfocus", "--sync", window)
        _xdotool(xdisplay, "key", "space")  # pause: only the camera changes between the two saves
        time.sleep(0.5)
        _xdotool(xdisplay, "key", "s")
        # the save draws in a worker thread: it must be written before the drag turns the camera
        assert len(_saved(tmp_path, 1)) == 1, f"the first save was not written: {demo.stderr}"
        cx, cy = x + int(0.25 * w), y + int(0.4 * h)  # inside the 3D panel
        _xdotool(xdisplay, "mousemove", "--sync", str(cx), str(cy))
        _xdotool(xdisplay, "mousedown", "1")
        for step in range(1, 13):
            _xdotool(xdisplay, "mousemove", "--sync", str(cx + 12 * step), str(cy + 3 * step))
            time.sleep(0.03)
        _xdotool(xdisplay, "mouseup", "1")
        time.sleep(0.5)
        _xdotool(xdisplay, "windowfocus", "--sync", window)
        _xdotool(xdisplay, "key", "s")  # the window still obeys a key after the drag
        saved = sorted(_saved(tmp_path, 2), key=lambda p: p.stat().st_mtime)
        if len(saved) < 2:
            demo.kill()
        assert len(saved) == 2, f"expected two saved frames, got {saved}: {demo.communicate()[1]}"
        from PIL import Image

        before, after = (np.asarray(Image.open(p).convert("RGB")).astype(int) for p in saved)
        assert before.shape == after.shape
        changed = np.any(before != after, axis=-1)
        left, right = changed[:, : changed.shape[1] // 2], changed[:, changed.shape[1] // 2:]
        assert left.mean() > 0.05, "the 3D panel did not turn"  # the saves draw the window's camera
        assert right.mean() < left.mean() / 5  # the rest of the frame stayed as it was

        _xdotool(xdisplay, "key", "q")
        _, err = demo.communicate(timeout=20)
        assert demo.returncode == 0 and "Traceback" not in err, err


FIRST_FRAME = r"""
import sys
sys.path.insert(0, {tests!r})
import matplotlib
matplotlib.use("TkAgg")
import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_tkagg import FigureCanvasTkAgg
from viz_streams import make_seed
full, shown = [], []
draw, blit = FigureCanvasAgg.draw, FigureCanvasTkAgg.blit
# a full drawing of the window's panels (the empty window, drawn as it maps, costs nothing)
FigureCanvasAgg.draw = lambda canvas, *a, **k: (canvas.figure.axes and full.append(canvas),
                                                draw(canvas, *a, **k))[1]
# the player shows a frame by blitting its box; Tk's own drawing blits with no box
FigureCanvasTkAgg.blit = lambda canvas, bbox=None: (bbox is None or shown.append(full.count(canvas)),
                                                    blit(canvas, bbox))[1]
def show(block=True):  # as plt.show: the window shown, its event loop run (to 1 s past the first frame)
    canvas = plt.gcf().canvas
    canvas.manager.show()
    widget = canvas.get_tk_widget()
    def first():
        widget.after(1000, widget.quit) if shown else widget.after(10, first)
    widget.after(10, first)
    widget.after(30000, widget.quit)
    widget.mainloop()
plt.show = show
player = make_seed(inner=4).show(interval=1e6)  # paused: no frame after the first
print(player.figure.canvas.toolbar is None, shown[:1], len(full))
plt.close("all")
"""


@pytest.mark.gui
def test_the_window_draws_the_figure_once_before_its_first_frame_and_has_no_toolbar(xdisplay):
    out = _run_script(FIRST_FRAME, xdisplay)
    # one full drawing, then the first frame is on screen, and none after it (the window was mapped,
    # resized to whole pixels and to the screen's pixel ratio while empty)
    assert out.stdout.split("\n")[-2] == "True [1] 1"
