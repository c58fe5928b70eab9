"""The frame PNG encoder: decodes back exactly (Pillow as the oracle), bands reuse, atomic writes."""

from __future__ import annotations

import io
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from viz.export import BandedPngEncoder, encode_png, write_atomic
from viz.export.png import _adler32_combine


def decode(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 40), st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_encode_png_round_trips(h, w, seed):
    a = np.random.default_rng(seed).integers(0, 256, (h, w, 4), dtype=np.uint8)
    np.testing.assert_array_equal(decode(encode_png(a)), a)


@given(st.binary(max_size=300), st.binary(max_size=300))
def test_adler32_combine_matches_zlib(a, b):
    assert _adler32_combine(zlib.adler32(a), zlib.adler32(b), len(b)) == zlib.adler32(a + b)


@pytest.mark.parametrize("band", [1, 7, 16, 64])
def test_banded_encoder_reuses_background_and_stays_exact(rng, band):
    bg = rng.integers(0, 256, (45, 30, 4), dtype=np.uint8)
    enc = BandedPngEncoder(band=band, dpi=72)
    enc.set_background("k", bg)
    np.testing.assert_array_equal(decode(enc.encode(bg)), bg)
    frame = bg.copy()
    frame[10:13, 4:9] = 0
    frame[-1, -1] = 255 - frame[-1, -1]
    out = enc.encode(frame)
    np.testing.assert_array_equal(decode(out), frame)
    assert Image.open(io.BytesIO(out)).info["dpi"] == pytest.approx((72, 72), abs=0.01)
    # a new background replaces the old one
    enc.set_background("other", frame)
    np.testing.assert_array_equal(decode(enc.encode(bg)), bg)


def test_encoder_without_background_or_other_shape(rng):
    enc = BandedPngEncoder()
    a = rng.integers(0, 256, (5, 6, 4), dtype=np.uint8)
    np.testing.assert_array_equal(decode(enc.encode(a)), a)
    enc.set_background(1, a)
    b = rng.integers(0, 256, (6, 5, 4), dtype=np.uint8)
    np.testing.assert_array_equal(decode(enc.encode(b)), b)


def test_encode_png_rejects_non_rgba():
    with pytest.raises(ValueError, match="RGBA"):
        encode_png(np.zeros((3, 3, 3), np.uint8))


def test_write_atomic_replaces_and_leaves_no_temp_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "a.bin"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"

    def broken_replace(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr("os.replace", broken_replace)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"three")
    assert target.read_bytes() == b"two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin"]


def test_written_files_respect_the_umask(tmp_path):
    import os
    import stat

    write_atomic(tmp_path / "f.png", b"x")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE((tmp_path / "f.png").stat().st_mode) == 0o666 & ~mask


def test_banded_encoder_reuses_the_previous_frame_exactly(rng):
    bg = rng.integers(0, 256, (40, 24, 4), dtype=np.uint8)
    enc = BandedPngEncoder(band=4)
    enc.set_background(0, bg)
    frames = []
    a = bg.copy()
    a[5:30, 3] = 1  # spans many bands
    b = a.copy()
    b[33, 10] = 2  # one more band changed
    for frame in (a, b, b, a, bg, a):
        frames.append(frame)
        np.testing.assert_array_equal(decode(enc.encode(frame)), frame)
