"""The README's commands and API tour, run as a newcomer would (headless)."""

import os
import re
import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def headless_env():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")}
    return env


def test_exactly_two_setup_commands_and_ci_runs_the_test_one():
    setup = README.split("## Set up")[1].split("\n## ")[0]
    commands = re.findall(r"```bash\n(.*?)\n```", setup, flags=re.S)
    assert commands == ["pip install -e . && python -m demos.penalty_seed",
                        'pip install -e ".[test]" && python -m pytest']
    ci = (ROOT / ".ci" / "run").read_text()
    assert "grep -m1 -E '^pip install .*pytest' README.md" in ci


def test_main_demo_command_on_a_headless_machine_exports_and_says_where(tmp_path):
    out = subprocess.run([sys.executable, "-m", "demos.penalty_seed"], cwd=tmp_path, env=headless_env(),
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    frames = sorted((tmp_path / "optviz-frames").glob("frame_*.png"))
    assert len(frames) > 50
    assert str(tmp_path / "optviz-frames") in out.stdout or "optviz-frames" in out.stdout
    assert {Image.open(f).size for f in frames[::10]} == {(1280, 720)}


def test_api_tour_runs(tmp_path):
    (code,) = re.findall(r"```python\n(.*?)\n```", README, flags=re.S)
    env = headless_env() | {"MPLBACKEND": "Agg"}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "frames" / "frames.tex").exists()
    assert (tmp_path / "seed.gif").stat().st_size > 0
