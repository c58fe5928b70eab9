"""What the multiplier and barrier methods share: option checks and the drive of one inner run."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator

import numpy as np

from optimizers import Iterate, Result, Status

from ._options import check_options
from ._sumt import _inner

__all__ = ["FATAL", "check_options", "drive", "start_inner"]

# An inner run ending so stops the outer method: no later weight can repair it.
FATAL = (Status.DIVERGED, Status.UNBOUNDED, Status.LINE_SEARCH_FAILED)


def start_inner(F, method: str, x: np.ndarray, options: dict) -> Iterator[Iterate]:
    """The inner minimizer's stream on the compiled function `F` (ValueError for bad options)."""
    return _inner(F, method, x, options)


def drive(stream: Iterator[Iterate], wrap: Callable[[Iterate], Iterate]) -> Generator[Iterate, None, Result]:
    """Yield ``wrap(it)`` for every iterate of an inner `stream`; return its `Result`."""
    while True:
        try:
            it = next(stream)
        except StopIteration as stop:
            return stop.value
        yield wrap(it)
