"""Shared fixtures for the viz tests: Agg only, tiny figures, few frames."""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=True)
# pytest runs with --import-mode=importlib, which does not put test folders on sys.path; the
# helper module with the hand-written streams lives beside this file.
sys.path.insert(0, str(Path(__file__).parent))

import numpy as np
import pytest
from viz_streams import make_quadratic, make_seed


@pytest.fixture(scope="module")
def seed_anim():
    anim = make_seed()
    yield anim
    anim.close()


@pytest.fixture(scope="module")
def quad_anim():
    anim = make_quadratic()
    yield anim
    anim.close()


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
