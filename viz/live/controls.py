"""`Controls`: the live window's widgets, laid out in a strip below the animation's panels.

Only layout lives here; what the widgets do is `Player`'s business. The strip is a fixed band
of the figure (figure fractions, no layout engine), and the panels are moved above it, so
widgets never cover a panel however the window is resized.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from matplotlib.figure import Figure
from matplotlib.widgets import Button, Slider, TextBox

__all__ = ["STRIP", "Controls", "lift_panels", "live_figsize", "make_controls"]

STRIP = 0.16  # height of the control strip, as a fraction of the live figure
_BUTTONS = (("play", "pause ❚❚", 0.085), ("step", "step ▶|", 0.075), ("restart", "restart", 0.075),
            ("save", "save frame", 0.09), ("export", "export", 0.07))


@dataclass(eq=False)
class Controls:
    """The widgets of one live figure (keep a reference: widgets die with their last one)."""

    history: Slider
    speed: Slider
    buttons: dict[str, Button]
    params: dict[str, TextBox]
    status: Any  # a Text

    def overlay(self) -> list[Any]:
        """What changes with every frame: the history slider and the status line."""
        return [self.history.ax, self.status]

    def typing(self) -> bool:
        """True while a text box has the keyboard (keys then go to it, not to the player)."""
        return any(box.capturekeystrokes for box in self.params.values())


def make_controls(figure: Figure, *, frames: int, fps: float, params: Mapping[str, float]) -> Controls:
    """Add the widgets to the bottom `STRIP` of `figure`."""
    fs = 9.0
    history = Slider(figure.add_axes((0.07, 0.105, 0.5, 0.03)), "frame", 0, max(frames - 1, 1), valinit=0,
                     valstep=1, valfmt="%d")
    speed = Slider(figure.add_axes((0.68, 0.105, 0.22, 0.03)), "fps", 1.0, 30.0,
                   valinit=min(max(fps, 1.0), 30.0), valfmt="%.0f")
    history.vline.set_visible(False)  # the start mark means nothing for a history
    for slider in (history, speed):
        slider.label.set_fontsize(fs)
        slider.valtext.set_fontsize(fs)
    buttons, left = {}, 0.02
    for name, label, width in _BUTTONS:
        button = Button(figure.add_axes((left, 0.025, width, 0.05)), label)
        button.label.set_fontsize(fs)
        buttons[name] = button
        left += width + 0.008
    boxes = {}
    for i, (name, value) in enumerate(params.items()):
        box = _quiet(TextBox(figure.add_axes((0.72 + 0.135 * i, 0.025, 0.075, 0.05)), f"{name} ",
                             initial=f"{value:g}"))
        box.label.set_fontsize(fs)
        box.text_disp.set_fontsize(fs)
        boxes[name] = box
    status = figure.text(left + 0.005, 0.05, "", fontsize=fs, va="center", ha="left", color="0.25")
    return Controls(history=history, speed=speed, buttons=buttons, params=boxes, status=status)


def _quiet(box: TextBox) -> TextBox:
    """`box`, drawing the figure when it stops typing only if it was typing.

    matplotlib's TextBox stops typing at every click outside it and at every resize, and each stop
    draws the whole figure (about 110 ms at 1280x720), typing or not: a click on the contour view
    cost two such drawings before the restart began, and the window's first resizes two each.
    """
    stop = box.stop_typing
    box.stop_typing = lambda: stop() if box.capturekeystrokes else None
    return box


def lift_panels(axes: list[Any], title: Any | None) -> None:
    """Squeeze panels laid out for the whole figure into the part above the strip."""
    for ax in axes:
        x, y, w, h = ax.get_position(original=True).bounds
        ax.set_position((x, STRIP + y * (1 - STRIP), w, h * (1 - STRIP)))
    if title is not None:
        title.set_y(STRIP + title.get_position()[1] * (1 - STRIP))


def live_figsize(figsize: tuple[float, float]) -> tuple[float, float]:
    """The window's size in inches: the export's panels plus the control strip below them."""
    return figsize[0], figsize[1] / (1 - STRIP)
