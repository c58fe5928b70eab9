"""`optviz run` on one-variable problems: solved, drawn as F(x; M) curves, exported."""

from __future__ import annotations

import pytest

from demos.cli import main


@pytest.mark.parametrize("argv, frames", [
    (["x1^2", "--x0", "1"], 2),
    (["(x1-2)^2", "-c", "x1 <= 1", "--x0", "3"], 12),
], ids=["unconstrained", "penalty"])
def test_one_variable_problem_exports(tmp_path, capsys, argv, frames):
    out = tmp_path / "frames"
    assert main(["run", *argv, "--export", str(out), "--no-show", "--quiet", "--dpi", "40"]) == 0
    assert len(list(out.glob("frame_*.png"))) == frames
