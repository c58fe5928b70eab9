"""Where the live view can play: a window (is there a display?), or else frames on disk."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import matplotlib as mpl

__all__ = ["default_frames_dir", "has_display"]

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
