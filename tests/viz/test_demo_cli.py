"""The shared demo flags and the seed demo, end to end on Agg (uses the penalty package)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PIL import Image

from demos import _cli


def test_flags_parse_and_map_to_animator_options():
    args = _cli.parser().parse_args(["--export", "d", "--gif", "a.gif", "--mp4", "a.mp4", "--dpi", "50",
                                     "--size", "4", "3", "--frames", "7", "--every", "2", "--no-show",
                                     "--seed", "3", "--overwrite", "--fps", "5"])
    assert args.export == "d" and args.gif == "a.gif" and args.mp4 == "a.mp4" and args.no_show
    assert args.overwrite and args.seed == 3 and args.fps == 5
    assert _cli.animator_options(args) == dict(figsize=(4.0, 3.0), dpi=50.0, frames=7, every=2,
                                                  style="lecture")


@pytest.mark.parametrize("bad", [["--frames", "0"], ["--every", "0"], ["--dpi", "-1"], ["--fps", "0"]])
def test_bad_flags_are_refused(bad):
    p = _cli.parser()
    with pytest.raises(SystemExit):
        _cli.check(p, p.parse_args(bad))


def test_seed_demo_exports_frames_gif_and_mp4(tmp_path, capsys):
    from demos.penalty_seed import run

    out = tmp_path / "frames"
    argv = ["--export", str(out), "--gif", str(tmp_path / "s.gif"), "--mp4", str(tmp_path / "s.mp4"),
            "--frames", "12", "--dpi", "40", "--size", "6.4", "3.6", "--quiet", "--no-show"]
    assert run(argv) == 0
    frames = sorted(out.glob("frame_*.png"))
    assert len(frames) == 12 and (out / "frames.tex").exists()
    assert {Image.open(f).size for f in frames} == {(256, 144)}
    assert Image.open(tmp_path / "s.gif").n_frames == 12
    assert (tmp_path / "s.mp4").stat().st_size > 0
    printed = capsys.readouterr().out
    assert "Wrote 12 frames" in printed and "s.gif" in printed and "s.mp4" in printed
    # a second run refuses the folder of earlier frames, with a clear message and status 2
    assert run(["--export", str(out), "--frames", "3", "--dpi", "40", "--size", "6.4", "3.6", "--quiet",
                "--no-show"]) == 2
    assert "overwrite" in capsys.readouterr().err


def test_seed_demo_headless_default_exports_and_says_where(tmp_path):
    # the README's main command on a machine without a display
    env = {"PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg", "HOME": str(tmp_path)}
    code = subprocess.run([sys.executable, "-m", "demos.penalty_seed", "--frames", "5", "--dpi", "40",
                           "--size", "6.4", "3.6", "--quiet"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert code.returncode == 0, code.stderr
    assert "No display" in code.stdout and "optviz-frames" in code.stdout
    assert len(list((tmp_path / "optviz-frames").glob("frame_*.png"))) == 5


def test_style_flag_is_checked_and_reaches_the_animator(capsys):
    from viz.scenes import LOOKS

    assert _cli.LOOKS == LOOKS  # the flag layer's copy of the looks (it imports no viz to parse)
    args = _cli.parser().parse_args(["--style", "paper"])
    assert _cli.animator_options(args)["style"] == "paper"
    with pytest.raises(SystemExit) as stop:
        _cli.parser().parse_args(["--style", "poster"])
    assert stop.value.code == 2 and "--style" in capsys.readouterr().err
