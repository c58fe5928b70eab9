"""PNG encoding for animation frames, fast because most of a frame is yesterday's frame.

An exported frame is a fixed background (surface, contours, axes) plus a few moving artists. The
image is cut into horizontal bands, each deflated on its own (a full flush resets the compressor,
so bands can be concatenated into one valid zlib stream); bands equal to the background reuse its
compressed bytes, and only bands the moving artists touched are compressed again. The output is
an ordinary 8-bit RGBA PNG that any reader decodes.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

__all__ = ["BandedPngEncoder", "encode_png"]


_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ZLIB_HEADER = b"\x78\x01"
_FINAL_EMPTY_BLOCK = b"\x03\x00"  # a final, empty fixed-Huffman deflate block
_ADLER_BASE = 65521


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def _adler32_combine(a1: int, a2: int, len2: int) -> int:
    """Adler-32 of A+B from those of A and B (zlib's adler32_combine, not exposed by Python)."""
    rem = len2 % _ADLER_BASE
    s1 = a1 & 0xFFFF
    s2 = (rem * s1) % _ADLER_BASE
    s1 += (a2 & 0xFFFF) + _ADLER_BASE - 1
    s2 += ((a1 >> 16) & 0xFFFF) + ((a2 >> 16) & 0xFFFF) + _ADLER_BASE - rem
    s1 %= _ADLER_BASE
    s2 %= _ADLER_BASE
    return s1 | (s2 << 16)


def _scanlines(rgba: np.ndarray) -> bytes:
    # Filter type 0 (none) on every row: filtering costs more time than it saves here.
    h, w, c = rgba.shape
    raw = np.empty((h, w * c + 1), dtype=np.uint8)
    raw[:, 0] = 0
    raw[:, 1:] = rgba.reshape(h, w * c)
    return raw.tobytes()


def _deflate_band(raw: bytes, level: int) -> tuple[bytes, int, int]:
    c = zlib.compressobj(level, zlib.DEFLATED, -15, 9)  # raw deflate; memLevel 9 is a little faster
    return c.compress(raw) + c.flush(zlib.Z_FULL_FLUSH), zlib.adler32(raw), len(raw)


def _header(width: int, height: int, dpi: float | None) -> bytes:
    out = _SIGNATURE + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
    if dpi:
        ppm = int(round(dpi / 0.0254))
        out += _chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1))
    return out


def _assemble(width: int, height: int, bands: list[tuple[bytes, int, int]], dpi: float | None) -> bytes:
    adler = 1
    for _, a, n in bands:
        adler = _adler32_combine(adler, a, n)
    body = b"".join(b for b, _, _ in bands)
    idat = _ZLIB_HEADER + body + _FINAL_EMPTY_BLOCK + struct.pack(">I", adler)
    return _header(width, height, dpi) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def _checked(rgba: np.ndarray) -> np.ndarray:
    rgba = np.asarray(rgba)
    if rgba.dtype != np.uint8 or rgba.ndim != 3 or rgba.shape[2] != 4:
        raise ValueError(f"expected an RGBA uint8 image of shape (h, w, 4), got {rgba.dtype} {rgba.shape}")
    return rgba


def encode_png(rgba: np.ndarray, *, level: int = 1, dpi: float | None = None) -> bytes:
    """An RGBA uint8 image, shape (height, width, 4), as PNG bytes (deflate `level` 0-9)."""
    rgba = _checked(rgba)
    h, w, _ = rgba.shape
    return _assemble(w, h, [_deflate_band(_scanlines(rgba), level)], dpi)


class BandedPngEncoder:
    """Encode frames that mostly equal a known background, re-compressing only changed bands.

    A band is reused, already compressed, when its pixels equal the background's (the static
    layers) or the previous frame's (artists that did not move: a converged point, finished
    curves); only the other bands are deflated again.

    Parameters
    ----------
    band : int
        Rows per band; smaller bands find more unchanged rows, larger ones compress better.
    level : int
        Deflate level (1 is fastest; frames are rewritten often, so speed wins).
    dpi : float, optional
        Stored in the PNG so slides place the frame at its intended size.
    """

    def __init__(self, *, band: int = 8, level: int = 1, dpi: float | None = None):
        if band < 1:
            raise ValueError(f"band must be at least one row, got {band!r}")
        self.band, self.level, self.dpi = band, level, dpi
        self._key: object = None
        self._bg: np.ndarray | None = None
        self._bg_bands: list[tuple[bytes, int, int]] = []
        self._prev: np.ndarray | None = None
        self._prev_bands: list[tuple[bytes, int, int]] = []

    def set_background(self, key: object, rgba: np.ndarray) -> None:
        """Use `rgba` as the background (compressed once); a repeated `key` is a no-op."""
        if key == self._key and self._bg is not None:
            return
        self._key = key
        self._bg = np.array(rgba, copy=True)
        self._bg_bands = [self._deflate(self._bg, r) for r in range(0, self._bg.shape[0], self.band)]

    def _deflate(self, rgba: np.ndarray, row: int) -> tuple[bytes, int, int]:
        return _deflate_band(_scanlines(rgba[row: row + self.band]), self.level)

    @staticmethod
    def _words(rgba: np.ndarray) -> np.ndarray:
        # Rows as 64-bit words when they allow it: an eighth of the uint8 comparisons.
        rows = rgba.reshape(rgba.shape[0], -1)
        return rows.view(np.uint64) if rows.shape[1] % 8 == 0 and rows.flags.c_contiguous else rows

    def encode(self, rgba: np.ndarray) -> bytes:
        """PNG bytes of `rgba`, an RGBA uint8 image of shape (height, width, 4)."""
        rgba = _checked(rgba)
        h, w, _ = rgba.shape
        if self._prev is None or self._prev.shape != rgba.shape:
            self._prev, self._prev_bands = None, []
        use_bg = self._bg is not None and self._bg.shape == rgba.shape
        now = self._words(rgba)
        same_prev = (now == self._words(self._prev)).all(axis=1) if self._prev is not None else None
        bg = self._words(self._bg) if use_bg else None
        bands = []
        for j, r in enumerate(range(0, h, self.band)):
            rows = slice(r, r + self.band)
            if same_prev is not None and same_prev[rows].all():
                bands.append(self._prev_bands[j])
                continue
            if bg is not None and (now[rows] == bg[rows]).all():
                bands.append(self._bg_bands[j])
            else:
                bands.append(self._deflate(rgba, r))
            if self._prev is not None:
                self._prev[rows] = rgba[rows]  # only changed rows need copying
        if self._prev is None:
            self._prev = np.array(rgba, copy=True)
        self._prev_bands = bands
        return _assemble(w, h, bands, self.dpi)
