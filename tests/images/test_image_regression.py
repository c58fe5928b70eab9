"""Image regression: every demo and three ``optviz run`` problems, frame by frame, against baselines.

Like matplotlib's own image tests: each case exports a few small frames through its command line
(so the whole way a frame is made is covered: collect, scene, figure, PNG export), and the first,
middle and last frames are compared with the PNGs stored in ``tests/images/baseline/`` by their RMS
difference (0-255 per channel, as `matplotlib.testing.compare.compare_images` measures it).

Baselines change only on purpose. After a deliberate change to the pictures, regenerate them with

    OPTVIZ_UPDATE_BASELINES=1 python -m pytest tests/images

look at the new PNGs (and the diff images a failing run leaves in pytest's tmp folder), and commit
them with the change that explains them.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

BASELINES = Path(__file__).parent / "baseline"
UPDATE = os.environ.get("OPTVIZ_UPDATE_BASELINES", "") not in ("", "0")
# RMS over RGB, 0-255. The same libraries draw the same pixels (RMS 0); drawing the 3D path 0.32
# points wider measured RMS 0.6 on the penalty frames, so this catches a change that small.
TOLERANCE = 0.25
FRAMES = 7  # exported per case; the first, middle and last are compared
SMALL = ["--frames", str(FRAMES), "--dpi", "50", "--size", "6.4", "3.6", "--no-show", "--quiet"]  # 320x180 px

DEMOS = ["penalty_seed", "zigzag", "line_search", "optimizer_race", "mlp_surface", "mlp_classifier",
         "loss_landscape"]
RUNS = {
    "run_constrained": ["-x1 + x2", "-c", "x1 + x2 = 1", "-c", "x2 >= 1", "--x0", "-0.5", "0.2"],
    "run_unconstrained": ["(x1 - 1)^2 + 10*(x2 - x1^2)^2", "--x0", "-1", "1", "--method", "newton"],
    "run_3_variables": ["x1^2 + 2*x2^2 + 3*x3^2", "-c", "x1 + x2 + x3 = 1", "--x0", "0.5", "-0.5", "1"],
    "run_circle_equality": ["x1 + x2", "-c", "x1**2 + x2**2 = 2", "--x0", "1.5", "0.5"],
    "run_circle_inequality": ["x1 + x2", "-c", "x1**2 + x2**2 <= 1", "--x0", "1.5", "0.5"],
    "run_one_variable": ["(x1-2)^2", "-c", "x1 <= 1", "--x0", "3"],
}


def export(case: str, directory: Path) -> int:
    """Export the case's frames to `directory`; returns its exit status."""
    argv = ["--export", str(directory), *SMALL]
    if case in RUNS:
        from demos import cli

        return cli.main(["run", *RUNS[case], *argv])
    return importlib.import_module(f"demos.{case}").run(argv)


def rms(actual: np.ndarray, expected: np.ndarray) -> float:
    """Root mean square of the per-channel difference, 0-255 scale."""
    return float(np.sqrt(np.mean((actual.astype(float) - expected.astype(float)) ** 2)))


def rgb(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


@pytest.mark.parametrize("case", [*DEMOS, *RUNS])
def test_frames_match_baselines(case, tmp_path):
    assert export(case, tmp_path) == 0
    frames = sorted(tmp_path.glob("frame_*.png"))
    assert len(frames) >= 3, f"{case} exported {len(frames)} frames"
    picked = {"first": frames[0], "middle": frames[len(frames) // 2], "last": frames[-1]}
    failures = []
    for which, path in picked.items():
        baseline = BASELINES / f"{case}-{which}.png"
        actual = rgb(path)
        if UPDATE:
            BASELINES.mkdir(exist_ok=True)
            Image.fromarray(actual).save(baseline, optimize=True)
            continue
        assert baseline.exists(), f"no baseline {baseline.name}: run with OPTVIZ_UPDATE_BASELINES=1"
        expected = rgb(baseline)
        assert actual.shape == expected.shape, f"{case} {which}: size {actual.shape} != {expected.shape}"
        error = rms(actual, expected)
        if error > TOLERANCE:
            diff = np.abs(actual.astype(int) - expected.astype(int)).max(axis=-1)
            Image.fromarray((255 - np.clip(diff * 10, 0, 255)).astype(np.uint8)).save(
                tmp_path / f"{case}-{which}-diff.png")
            failures.append(f"{which} frame: RMS {error:.2f} > {TOLERANCE} (diff in {tmp_path})")
    assert not failures, f"{case}: " + "; ".join(failures)


# The lecture demos' still figures, written beside their frames, at 640x360 px.
STILLS = {"conditioning": ["outer_steps", "contours_by_M"],
          "penalty_vs_multipliers": ["outer_steps", "contours_by_M"],
          "barrier": ["outer_steps", "contours_by_t"]}
STILL_ARGS = ["--frames", "1", "--dpi", "50", "--size", "12.8", "7.2", "--no-show", "--quiet"]


@pytest.mark.parametrize("demo", sorted(STILLS))
def test_lecture_stills_match_baselines(demo, tmp_path):
    assert importlib.import_module(f"demos.{demo}").run(["--export", str(tmp_path), *STILL_ARGS]) == 0
    failures = []
    for name in STILLS[demo]:
        actual, baseline = rgb(tmp_path / f"{name}.png"), BASELINES / f"lecture-{demo}-{name}.png"
        if UPDATE:
            Image.fromarray(actual).save(baseline, optimize=True)
            continue
        assert baseline.exists(), f"no baseline {baseline.name}: run with OPTVIZ_UPDATE_BASELINES=1"
        expected = rgb(baseline)
        assert actual.shape == expected.shape == (360, 640, 3), f"{demo} {name}: size {actual.shape}"
        error = rms(actual, expected)
        if error > TOLERANCE:
            failures.append(f"{name}: RMS {error:.2f} > {TOLERANCE}")
    assert not failures, f"{demo}: " + "; ".join(failures)

def test_rms_sees_a_moved_line():
    """The comparison can fail: one dark line moved by two pixels is well over the tolerance."""
    a = np.full((180, 320, 3), 255, np.uint8)
    b = a.copy()
    a[:, 100:104] = 0
    b[:, 102:106] = 0
    a[40:60, 10:300] = 0
    b[40:60, 12:302] = 0
    assert rms(a, a) == 0.0
    assert rms(a, b) > TOLERANCE
