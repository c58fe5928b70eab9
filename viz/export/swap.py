"""Replacing an export only when the new one is complete: build it beside the old one, then swap.

`staging` gives a temporary sibling folder to write into and always removes it; `publish` moves
the finished files into place with Ctrl-C and SIGTERM held back, so an interrupted export leaves
the earlier one as it was and no temporary folder behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

__all__ = ["publish", "signals_held", "staging"]


@contextlib.contextmanager
def staging(directory: Path) -> Iterator[Path]:
    """A temporary sibling folder ``.<name>.optviz-tmp-XXXX`` to build an export in; removed on leaving.

    The caller `publish`-es its files into `directory` once complete; whatever is left (all of
    it, on an error, Ctrl-C or SIGTERM) is removed with the folder, so nothing half-made stays.
    """
    directory = directory.resolve()
    directory.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{directory.name}.optviz-tmp-"
    try:
        if directory.is_mount():  # a USB stick's root: its parent is another file system, rename fails
            raise PermissionError
        tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=directory.parent))
    except PermissionError:  # a writable folder in a read-only one (e.g. --export /tmp): stage inside
        directory.mkdir(exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=directory))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def publish(files: Sequence[Path], directory: Path, *, stale: Sequence[Path] = ()) -> None:
    """Move `files` (in order) into `directory` with `os.replace`, then remove the `stale` ones.

    Same file system, so each move is a rename. Ctrl-C and SIGTERM are held back until all is done,
    so an earlier export is replaced completely or not at all. File by file rather than renaming
    the folder: other files in it, its permissions and a shell sitting in it (``--export .``) stay.
    """
    with signals_held():
        directory.mkdir(parents=True, exist_ok=True)
        for f in files:
            os.replace(f, directory / f.name)
        for old in stale:
            old.unlink(missing_ok=True)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Delay SIGINT and SIGTERM (where signal masks exist and this is the main thread) to the end."""
    held = {signal.SIGINT, signal.SIGTERM}
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, ValueError, OSError):  # no signal masks here (Windows)
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


