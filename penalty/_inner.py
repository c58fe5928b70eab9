"""What the multiplier and barrier methods share: option checks and the start of one inner run."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from optimizers import Iterate, Status

from ._options import check_options
from ._sumt import _inner

__all__ = ["FATAL", "check_options", "start_inner"]

# An inner run ending so stops the outer method: no later weight can repair it.
FATAL = (Status.DIVERGED, Status.UNBOUNDED, Status.LINE_SEARCH_FAILED)


def start_inner(F, method: str, x: np.ndarray, options: dict) -> Iterator[Iterate]:
    """The inner minimizer's stream on the compiled function `F` (ValueError for bad options)."""
    return _inner(F, method, x, options)
