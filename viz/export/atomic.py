"""Files written atomically: a temporary file beside the target, then `os.replace`.

Every file viz writes (PNG frames, the player's saved frame, ``frames.tex``, movies) goes through
here, so an interrupted write leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .png import encode_png

__all__ = ["umask", "write_atomic", "write_png"]


def umask() -> int:
    """The process's umask (the permission bits new files leave out)."""
    mask = os.umask(0o022)  # reading the umask means setting it: put it straight back
    os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write `data` to `path` through a temporary file and `os.replace`.

    A reader (or a Ctrl-C) never sees a half-written file: `path` either keeps its old content
    or holds all of `data`. The temporary file, ``.<name>.<pid>.tmp`` beside `path`, is removed
    if writing fails; a plain `open` gives it the usual permissions (umask), unlike `mkstemp`.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_png(path: str | os.PathLike[str], rgba: np.ndarray, *, dpi: float | None = None) -> Path:
    """Encode the RGBA image `rgba` as a PNG with its `dpi` recorded and write it atomically."""
    path = Path(path)
    write_atomic(path, encode_png(rgba, dpi=dpi))
    return path
