"""`to_jshtml`: the animation as a self-contained HTML player, for notebooks without a widget backend."""

from __future__ import annotations

import re
from typing import Any

import matplotlib as mpl

__all__ = ["embedded_frames", "to_jshtml"]


def to_jshtml(animator: Any, *, fps: float = 8.0, embed_limit_mb: float = 100.0) -> str:
    """The animation as a self-contained HTML player (every frame embedded), for notebooks.

    Parameters
    ----------
    animator : Animator
        What to play (its off-screen figure is used; frames as the PNG export draws them).
    fps : float
        Playback speed.
    embed_limit_mb : float
        Size limit of the embedded frames (``rcParams["animation.embed_limit"]`` for this call;
        matplotlib's default, 20 MB, drops frames beyond it with only a log message).

    Returns
    -------
    str
        HTML, e.g. for ``IPython.display.HTML``.

    Raises
    ------
    ValueError
        Not every frame fitted under `embed_limit_mb`: raise it, or use ``every=`` or a lower dpi.
    """
    from matplotlib.animation import FuncAnimation

    animation = FuncAnimation(animator.figure, animator.update, frames=range(len(animator)),
                              interval=1000.0 / fps, blit=False, cache_frame_data=False)
    with mpl.rc_context({"animation.embed_limit": embed_limit_mb}):
        html = animation.to_jshtml(fps=fps, default_mode="once")
    embedded = embedded_frames(html)
    if embedded != len(animator):
        raise ValueError(f"only {embedded} of {len(animator)} frames fit in embed_limit_mb={embed_limit_mb}: "
                         "raise it, or draw fewer or smaller frames (every=, dpi=)")
    return html


def embedded_frames(html: str) -> int:
    """How many frame images a ``to_jshtml`` page holds."""
    return len(re.findall(r'frames\[\d+\] = "data:image/', html))
