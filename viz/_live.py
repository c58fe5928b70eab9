"""Where the live view can play: a window, a notebook (ipympl, or HTML), or frames on disk."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

import matplotlib as mpl

__all__ = ["default_frames_dir", "embedded_frames", "has_display", "to_jshtml"]

_NON_INTERACTIVE = {"agg", "cairo", "pdf", "pgf", "ps", "svg", "template"}


def has_display() -> bool:
    """True when a window can open: an interactive backend and (on Linux) an X or Wayland display.

    Checked before pyplot makes a figure, so a headless machine (CI, ssh, a container) never hangs
    or crashes on a GUI toolkit.
    """
    backend = mpl.get_backend().lower()
    if backend in _NON_INTERACTIVE or "inline" in backend:
        return False
    if "ipympl" in backend or backend in {"widget", "ipympl", "nbagg", "webagg"}:
        return True  # drawn by the browser: no X display needed
    try:
        from matplotlib.backends import BackendFilter, backend_registry

        interactive = {b.lower() for b in backend_registry.list_builtin(BackendFilter.INTERACTIVE)}
        if not backend.startswith("module://") and backend not in interactive:
            return False
    except ImportError:  # matplotlib < 3.9: the name check above has to do
        pass
    on_linux = sys.platform.startswith("linux")
    return not (on_linux and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")))


def default_frames_dir(base: str | os.PathLike[str] = "optviz-frames") -> Path:
    """``./optviz-frames``, or ``optviz-frames-2``, ... if that already holds frames."""
    path = Path(base)
    n = 1
    while path.exists() and any(path.glob("frame_*.png")):
        n += 1
        path = Path(f"{base}-{n}")
    return path


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
