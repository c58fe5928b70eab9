"""`open_window`: a pyplot window at the export's size, with a `Player` driving the animation."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .player import Player, live_figsize

__all__ = ["open_window"]


def open_window(animator: Any, *, interval: float = 125.0, repeat: bool = False, block: bool = True,
                rerun: Callable[..., Iterable[Any]] | None = None, params: Mapping[str, float] | None = None,
                save_dir: str | os.PathLike[str] | None = None, lecture_dpi: float = 200.0) -> Player:
    """Show `animator` in a new window (see `Animator.show`); returns the player driving it.

    The window is the export's even-pixel size (`Style.pixel_figsize`) plus the control strip,
    without matplotlib's toolbar: the window has its own buttons and keys, and the mouse turns
    and zooms the 3D panel (`Camera`).
    """
    import matplotlib.pyplot as plt  # only here: importing viz must not start a GUI toolkit

    st = animator.scene.style
    with plt.rc_context({"toolbar": "None"}):  # building the toolbar cost 40-75 ms of the start-up
        fig = plt.figure(figsize=live_figsize(st.pixel_figsize), dpi=st.dpi)
    if fig.canvas.manager is not None:
        fig.canvas.manager.set_window_title("optviz")
        if getattr(fig.canvas.manager, "window", None) is not None:  # a desktop window (not a notebook's)
            _settle(fig)
    player = Player(animator, fig, rerun=rerun, params=params, fps=1000.0 / interval, repeat=repeat,
                    save_dir=save_dir, lecture_dpi=lecture_dpi)
    fig._optviz_player = player  # keep it (its timer and widgets) alive as long as the window
    _forget_pending_draw(fig.canvas)
    player.start()
    plt.show(block=block)
    return player


def _forget_pending_draw(canvas: Any) -> None:
    """Cancel the full drawing Tk was asked for before the player took the canvas's drawing over.

    Building the controls (a slider's first value) asks for one; its `draw_event` then makes the
    player's cache stale, so the window was drawn whole twice before its first frame showed. The
    player's first frame draws the whole figure anyway (its cached background), once.
    """
    pending = getattr(canvas, "_idle_draw_id", None)  # FigureCanvasTk's after_idle drawing
    if pending and hasattr(canvas, "_tkcanvas"):
        canvas._tkcanvas.after_cancel(pending)
        canvas._idle_draw_id = None


def _settle(fig: Any) -> None:
    """Map the empty window now, so that the toolkit settles its size first.

    On mapping, Tk rounds the figure to whole pixels and scales it by the screen's pixel ratio
    (``winfo_fpixels('1i') / 96``, 1.04 on a 100 dpi X display): each a resize, and a resize
    after the first frame draws the figure whole again (twice more: once for the player's
    cache, once for each text box's handler). Resized while empty, the figure is drawn once.
    """
    fig.canvas.manager.show()
    fig.canvas.flush_events()
