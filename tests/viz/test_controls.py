"""The live window's text boxes draw the figure only when they stop typing, not at every click."""

from __future__ import annotations

from matplotlib.backend_bases import KeyEvent, MouseEvent, ResizeEvent
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from viz.live.controls import make_controls


def _controls():
    canvas = FigureCanvasAgg(Figure(figsize=(6, 4), dpi=50))
    controls = make_controls(canvas.figure, frames=5, fps=8.0, params={"M0": 1.0, "C": 10.0})
    canvas.draw()
    draws = []
    draw = canvas.draw
    canvas.draw = lambda *a, **k: (draws.append(1), draw(*a, **k))[1]
    return canvas, controls, draws


def _click(canvas, fx, fy):
    x, y = canvas.figure.transFigure.transform((fx, fy))
    MouseEvent("button_press_event", canvas, x, y, button=1)._process()
    MouseEvent("button_release_event", canvas, x, y, button=1)._process()


def test_a_click_or_resize_away_from_idle_text_boxes_draws_nothing():
    canvas, controls, draws = _controls()
    _click(canvas, 0.5, 0.7)  # the panels' area (a click on the contour view)
    ResizeEvent("resize_event", canvas)._process()
    assert draws == [] and not controls.typing()


def test_a_text_box_still_stops_typing_submits_and_draws():
    canvas, controls, draws = _controls()
    box = controls.params["M0"]
    submitted = []
    box.on_submit(submitted.append)
    x, y = box.ax.transAxes.transform((0.5, 0.5))
    _click(canvas, *canvas.figure.transFigure.inverted().transform((x, y)))
    assert controls.typing() and box.cursor.get_visible()
    KeyEvent("key_press_event", canvas, "5", x, y)._process()
    _click(canvas, 0.5, 0.7)  # clicking away stops typing: the cursor goes, the text is submitted
    assert not controls.typing() and not box.cursor.get_visible()
    assert submitted == [box.text] and "5" in box.text and draws
