"""The comparison demos: each runs headless and writes frames; the zig-zag demo's mathematics."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from PIL import Image

from viz import collect

ARGS = ["--frames", "4", "--no-show", "--dpi", "40", "--size", "4", "3", "--quiet"]


@pytest.mark.parametrize("name", ["zigzag", "line_search", "optimizer_race"])
def test_demo_writes_non_blank_frames_of_one_size(name, tmp_path):
    demo = importlib.import_module(f"demos.{name}")
    assert demo.__doc__.split("\n")[0].strip()
    assert demo.run(["--export", str(tmp_path), *ARGS]) == 0
    frames = sorted(tmp_path.glob("frame_*.png"))
    assert len(frames) == 4
    sizes = set()
    for path in frames:
        with Image.open(path) as image:
            sizes.add(image.size)
            rgb = np.asarray(image.convert("RGB")).astype(int)
        assert (rgb < 240).any(axis=-1).mean() > 0.05  # drawn, not blank
    assert sizes == {(160, 120)}


def test_zigzag_rosenbrock_variant_runs(tmp_path):
    from demos import zigzag

    assert zigzag.run(["--function", "rosenbrock", "--export", str(tmp_path), *ARGS]) == 0


def test_zigzag_steepest_descent_steps_are_orthogonal_cg_takes_2_newton_1():
    from demos import zigzag

    traces = {name: collect(stream) for name, stream in zigzag.streams("quadratic").items()}
    steps = np.diff(traces["steepest descent"].x, axis=0)
    assert len(steps) > 10  # it really zig-zags
    unit = steps / np.linalg.norm(steps, axis=1, keepdims=True)
    cosines = np.sum(unit[1:] * unit[:-1], axis=1)
    np.testing.assert_allclose(cosines, 0.0, atol=1e-8)
    cg, nt = traces["conjugate gradient"], traces["Newton"]
    assert len(cg) - 1 == 2 and cg.result.success
    assert len(nt) - 1 == 1 and nt.result.success
    np.testing.assert_allclose(cg.x[-1], 0.0, atol=1e-10)
    np.testing.assert_allclose(nt.x[-1], 0.0, atol=1e-10)


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
def test_line_search_demo_has_a_run_that_diverges_cleanly():
    from demos import line_search

    traces = {name: collect(stream) for name, stream in line_search.streams().items()}
    statuses = {name: tr.result.status.name for name, tr in traces.items()}
    assert statuses[f"fixed t={line_search.DIVERGING} (diverges)"] == "DIVERGED"
    large = f"fixed t={line_search.LARGE} (large)"
    assert statuses["exact"] == statuses["Armijo"] == statuses[large] == "CONVERGED"
