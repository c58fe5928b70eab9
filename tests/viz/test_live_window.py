"""The live view in a real TkAgg window (on a virtual X display when there is no real one)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = r"""
import sys, time
sys.path.insert(0, {tests!r})
import matplotlib
matplotlib.use("TkAgg")
import matplotlib.pyplot as plt
from viz_streams import make_seed
anim = make_seed(inner=4)
animation = anim.show(interval=10, block=False)
label = animation._fig.axes[0].artists[0]
last = "(iterate %d)" % anim.iterate_of(len(anim) - 1)
seen = set()
start = time.time()
while time.time() - start < 60 and last not in label.get_text():
    plt.pause(0.02)
    seen.add(label.get_text().split("\n")[0])
print(matplotlib.get_backend(), len(seen), len(anim), last in label.get_text())
plt.close("all")
"""


@pytest.mark.gui
def test_live_window_plays_every_frame_on_tkagg():
    command = [sys.executable, "-c", SCRIPT.format(tests=str(Path(__file__).parent))]
    if not os.environ.get("DISPLAY"):
        assert shutil.which("xvfb-run"), "no display and no xvfb-run: apt-get install xvfb (.ci/run does)"
        command = ["xvfb-run", "-a", *command]
    out = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    backend, seen, frames, finished = out.stdout.split()[-4:]
    assert backend.lower() == "tkagg" and finished == "True"
    assert int(seen) >= int(frames) // 2  # the window really animated, frame after frame
