"""The live window's camera: a drag turns the 3D panel, redrawn alone over a cache of the rest."""

from __future__ import annotations

import numpy as np
from matplotlib.backend_bases import MouseEvent
from test_player import make_player


def mouse(player, name, fx, fy, button=1):
    x, y = player.view.ax3d.transAxes.transform((fx, fy))
    MouseEvent(name, player.figure.canvas, x, y, button=button)._process()


def pixels(player):
    return np.asarray(player.figure.canvas.buffer_rgba()).copy()


def test_a_drag_turns_the_camera_and_ends_on_the_full_drawing():
    p = make_player()
    p.toggle()  # paused
    canvas = p.figure.canvas
    p.screen.frame(p.frame)
    elev, azim = p.camera.view_angles()
    mouse(p, "button_press_event", 0.5, 0.5)
    mouse(p, "motion_notify_event", 0.6, 0.45)
    turned = p.camera.view_angles()
    assert turned[1] < azim and turned[0] > elev  # right turns the azimuth down, down tilts up
    shown = [type(c).__name__ for c in p.view.ax3d.collections if c.get_visible()]
    assert "Poly3DCollection" in shown and not any(n.startswith("QuadContourSet") for n in shown)
    assert not p.view.ax3d.xaxis.label.get_visible()  # while dragging: no floor contours, no labels
    mouse(p, "button_release_event", 0.6, 0.45)
    assert p.view.ax3d.xaxis.label.get_visible()
    blitted = pixels(p)
    canvas.draw()  # the full drawing of the same state
    full = pixels(p)
    assert p.camera.redraws == 2 and p.camera.view_angles() == turned
    differ = np.any(blitted != full, axis=-1)
    assert differ.mean() < 1e-3, f"{differ.sum()} pixels differ from the full drawing"


def test_a_drag_on_another_panel_or_with_another_button_does_nothing():
    p = make_player()
    angles = p.camera.view_angles()
    x, y = p.view.ax2d.transAxes.transform((0.5, 0.5))
    MouseEvent("button_press_event", p.figure.canvas, x, y, button=1)._process()
    mouse(p, "motion_notify_event", 0.7, 0.7)
    mouse(p, "button_release_event", 0.7, 0.7)
    mouse(p, "button_press_event", 0.5, 0.5, button=3)
    mouse(p, "motion_notify_event", 0.7, 0.7, button=3)
    assert p.camera.view_angles() == angles and p.camera.redraws == 0


def test_playback_holds_while_dragging_and_the_turn_survives_the_next_frame():
    p = make_player()
    p.tick()
    mouse(p, "button_press_event", 0.5, 0.5)
    mouse(p, "motion_notify_event", 0.4, 0.5)
    frame = p.frame
    p.tick()
    assert p.frame == frame  # held
    mouse(p, "button_release_event", 0.4, 0.5)
    angles = p.camera.view_angles()
    p.tick()
    assert p.frame == frame + 1 and p.camera.view_angles() == angles
    p.screen.frame(p.frame)
    cached = pixels(p)
    p.figure.canvas.draw()
    np.testing.assert_array_equal(cached, pixels(p))  # the background was redrawn for the new camera


def test_scroll_zooms_within_bounds():
    p = make_player()
    x, y = p.view.ax3d.transAxes.transform((0.5, 0.5))
    for _ in range(30):
        MouseEvent("scroll_event", p.figure.canvas, x, y, step=1)._process()
    assert p.camera.zoom == 2.0 and p.camera.redraws == 30
