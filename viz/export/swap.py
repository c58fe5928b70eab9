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
from typing import Any

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
        with signals_held():  # made and named together: an interruption between them would leave it
            tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=directory.parent))
    except PermissionError:  # a writable folder in a read-only one (e.g. --export /tmp): stage inside
        directory.mkdir(exist_ok=True)
        with signals_held():
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
    """Delay SIGINT and SIGTERM to the end of the block (in the main thread; elsewhere, no delay).

    The signals are caught by a handler that only notes them, then raised again on leaving. Not a
    signal mask: a process-directed signal goes to any thread that does not block it (numpy's BLAS
    threads, say), and Python would then raise KeyboardInterrupt inside the block after all.
    """
    caught: list[int] = []
    previous: dict[int, Any] = {}
    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda s, _frame: caught.append(s))
    except ValueError:  # not the main thread: Python delivers signals to the main thread only
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if caught:
            signal.raise_signal(caught[0])
