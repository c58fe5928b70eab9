"""The penalty scene stays rich from the first weight M to the last (issue 10's headline).

Measured on the exported PNGs themselves, at a low dpi: a pixel is *coloured* when its HSV
saturation, (max - min) / max of its RGB channels, is above 0.25. White, the greys of axes,
panes, text and "above the box" regions, and black lines all have saturation near 0; the
colormap's surface and contour bands, the path and the markers are far above it. Before the
per-weight z-range the seed demo fell from 21% coloured at M = 1 to 0.6% by the end (1/35).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from matplotlib.image import imread

from demos import penalty_seed
from demos.cli import main

SATURATED = 0.25


def coloured_share(png: Path) -> float:
    """The share of `png`'s pixels whose HSV saturation is above `SATURATED`."""
    rgb = imread(png)[..., :3].astype(float)
    top, bottom = rgb.max(axis=-1), rgb.min(axis=-1)
    saturation = np.where(top > 0, (top - bottom) / np.maximum(top, 1e-12), 0.0)
    return float((saturation > SATURATED).mean())


def test_coloured_share_counts_only_saturated_pixels(tmp_path):
    from matplotlib.image import imsave

    img = np.ones((10, 10, 3))  # white
    img[:2] = 0.5  # grey
    img[2:4] = (0.27, 0.0, 0.33)  # viridis' dark end
    imsave(tmp_path / "t.png", img)
    assert coloured_share(tmp_path / "t.png") == pytest.approx(0.2)


def shares(directory: Path) -> np.ndarray:
    return np.array([coloured_share(p) for p in sorted(directory.glob("frame_*.png"))])


@pytest.mark.parametrize("argv, run", [
    ([], penalty_seed.run),
    (["run", "x1 + x2", "-c", "x1**2 + x2**2 = 2", "--x0", "1.5", "0.5"], main),
], ids=["penalty_seed", "circle_equality"])
def test_no_frame_is_below_a_quarter_of_the_richest(tmp_path, capsys, argv, run):
    out = tmp_path / "frames"
    assert run([*argv, "--export", str(out), "--no-show", "--quiet", "--dpi", "40"]) == 0
    s = shares(out)
    assert len(s) > 20
    assert s.min() >= 0.25 * s.max(), f"frame {s.argmin()}: {s.min():.3f} of {s.max():.3f}"
