"""A progress bar for long exports: tqdm when installed (optional extra), else a plain counter."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

__all__ = ["progress"]


class _Quiet:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> _Quiet:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class _Counter(_Quiet):
    """``label: 120/2000 frames`` on stderr, rewritten in place on a terminal, at most once a second."""

    def __init__(self, total: int, label: str, stream: TextIO):
        self.total, self.label, self.stream = total, label, stream
        self.done = 0
        self._last = 0.0
        self._tty = bool(getattr(stream, "isatty", lambda: False)())

    def update(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if now - self._last >= 1.0 or self.done >= self.total:
            self._last = now
            end = "\r" if self._tty and self.done < self.total else "\n"
            print(f"{self.label}: {self.done}/{self.total} frames", end=end, file=self.stream, flush=True)

    def close(self) -> None:
        if self._tty and self.done < self.total:
            print(file=self.stream, flush=True)


def progress(total: int, *, label: str = "frames", quiet: bool = False, stream: TextIO | None = None) -> Any:
    """A context manager with ``update(n)``: tqdm's bar if available, else `_Counter`; silent if quiet."""
    if quiet:
        return _Quiet()
    stream = stream if stream is not None else sys.stderr
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return _Counter(total, label, stream)
    return tqdm(total=total, desc=label, unit="frame", file=stream, leave=True)
