"""The frame PNG encoder: decodes back exactly (Pillow as the oracle), bands reuse, atomic writes."""

from __future__ import annotations

import io
import struct
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


def mode(data: bytes) -> str:
    return Image.open(io.BytesIO(data)).mode


def opaque(a: np.ndarray) -> np.ndarray:
    a = a.copy()
    a[..., 3] = 255
    return a


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


def _encoder_over(rng, shape, alpha):
    """A random background of `shape` (made opaque if `alpha` says so) and a 4-row banded encoder on it."""
    bg = rng.integers(0, 256, shape, dtype=np.uint8)
    bg = opaque(bg) if alpha == "opaque" else bg
    enc = BandedPngEncoder(band=4)
    enc.set_background(0, bg)
    return bg, enc


@pytest.mark.parametrize("alpha", ["random", "opaque"])
def test_banded_encoder_reuses_the_previous_frame_exactly(rng, alpha):
    bg, enc = _encoder_over(rng, (40, 24, 4), alpha)
    a = bg.copy()
    a[5:30, 3] = 1  # spans many bands
    b = a.copy()
    b[33, 10] = 2  # one more band changed
    for frame in (a, b, b, a, bg, a):
        np.testing.assert_array_equal(decode(enc.encode(frame)), frame)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 40), st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_an_opaque_image_is_stored_as_rgb_and_decodes_exactly(h, w, seed):
    a = opaque(np.random.default_rng(seed).integers(0, 256, (h, w, 4), dtype=np.uint8))
    data = encode_png(a)
    assert mode(data) == "RGB"
    np.testing.assert_array_equal(decode(data), a)


def test_matplotlib_reads_the_rgb_frames_too(rng, tmp_path):
    import matplotlib.image

    bg = opaque(rng.integers(0, 256, (24, 18, 4), dtype=np.uint8))
    enc = BandedPngEncoder(band=5)
    enc.set_background(0, bg)
    frame = bg.copy()
    frame[7:9, 2:11, :3] = 9
    for i, image in enumerate((bg, frame)):
        (tmp_path / f"{i}.png").write_bytes(enc.encode(image))
        read = matplotlib.image.imread(tmp_path / f"{i}.png")  # floats in [0, 1], RGB
        assert read.shape == (24, 18, 3)
        np.testing.assert_array_equal(np.round(read * 255).astype(np.uint8), image[..., :3])


def test_a_translucent_frame_over_an_opaque_background_is_stored_as_rgba(rng):
    bg = opaque(rng.integers(0, 256, (32, 20, 4), dtype=np.uint8))
    enc = BandedPngEncoder(band=4)
    enc.set_background("k", bg)
    moved = bg.copy()
    moved[3:6, 4:9, :3] = 0
    see_through = moved.copy()
    see_through[20, 7, 3] = 128  # one pixel, in a band the previous frame did not change
    expected_modes = []
    for frame in (bg, moved, see_through, moved, bg, see_through, see_through):
        data = enc.encode(frame)
        expected_modes.append(mode(data))
        np.testing.assert_array_equal(decode(data), frame)
    assert expected_modes == ["RGB", "RGB", "RGBA", "RGB", "RGB", "RGBA", "RGBA"]


def test_a_translucent_background_keeps_every_frame_rgba(rng):
    bg = rng.integers(0, 256, (16, 16, 4), dtype=np.uint8)
    bg[0, 0, 3] = 7
    enc = BandedPngEncoder(band=4)
    enc.set_background(0, bg)
    for frame in (bg, opaque(bg)):
        data = enc.encode(frame)
        assert mode(data) == "RGBA"
        np.testing.assert_array_equal(decode(data), frame)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 6), st.booleans(), st.integers(0, 2**32 - 1))
def test_any_sequence_of_changed_rows_decodes_exactly(band, see_through, seed):
    # Rows change right at band edges too: a band's first row is filtered against the row above
    # it, so a band is only reused when that row is unchanged as well.
    rng = np.random.default_rng(seed)
    bg = opaque(rng.integers(0, 256, (13, 9, 4), dtype=np.uint8))
    enc = BandedPngEncoder(band=band)
    enc.set_background(0, bg)
    frame = bg.copy()
    for _ in range(8):
        frame = (bg if rng.random() < 0.3 else frame).copy()
        for row in rng.integers(0, 13, rng.integers(1, 3)):
            frame[row, rng.integers(0, 9), :3] = rng.integers(0, 256, 3)
            if see_through and rng.random() < 0.2:
                frame[row, 0, 3] = 200
        np.testing.assert_array_equal(decode(enc.encode(frame)), frame)


def test_a_change_in_the_last_row_of_a_band_reaches_the_next_band(rng):
    bg = opaque(rng.integers(0, 256, (12, 5, 4), dtype=np.uint8))
    enc = BandedPngEncoder(band=4)
    enc.set_background(0, bg)
    enc.encode(bg)
    frame = bg.copy()
    frame[3, :, :3] = 0  # the last row of the first band: the second band's filter input changes
    np.testing.assert_array_equal(decode(enc.encode(frame)), frame)
    np.testing.assert_array_equal(decode(enc.encode(bg)), bg)


def chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The (tag, data) chunks of a PNG, each CRC checked."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    out, at = [], 8
    while at < len(data):
        (n,) = struct.unpack(">I", data[at: at + 4])
        tag, body = data[at + 4: at + 8], data[at + 8: at + 8 + n]
        (crc,) = struct.unpack(">I", data[at + 8 + n: at + 12 + n])
        assert crc == zlib.crc32(tag + body), tag
        out.append((tag, body))
        at += 12 + n
    return out


@pytest.mark.parametrize("alpha", ["random", "opaque"])
def test_the_idat_chunks_form_one_checked_zlib_stream(rng, alpha):
    # zlib itself checks the stream's Adler-32, which the bands' checksums were combined into
    bg, enc = _encoder_over(rng, (21, 11, 4), alpha)
    frame = bg.copy()
    frame[9, 3, :3] += 1
    for image in (bg, frame, bg):
        parts = chunks(enc.encode(image))
        tags = [tag for tag, _ in parts]
        assert tags[0] == b"IHDR" and tags[-1] == b"IEND" and tags.count(b"IDAT") == 2 + 6
        raw = zlib.decompress(b"".join(body for tag, body in parts if tag == b"IDAT"))
        channels = 3 if alpha == "opaque" else 4
        assert len(raw) == 21 * (11 * channels + 1)
