"""Every demo's text, as drawn: large enough for a lecture hall, inside the frame, never overlapping.

Each demo (all of ``optviz list``) and three ``optviz run`` problems are built from their command
lines at two frame sizes, their first and last frames drawn, and every piece of text measured by
its rendered extent (``get_window_extent`` after a draw): tick labels (the 3D axes' too), axis
labels, titles, legend entries and the glyph-cached status boxes. In the lecture style text is at
least 14 px high at 1280x720 (scaled by the frame's size relative to it); in every style no text
leaves the frame and no two labels overlap. The boxes drawn behind labels (legends with or
without a frame, rounded label boxes such as the runs' stacked labels, text bounding boxes) stay
inside the frame, hold no part of a text that is not their own (a tick label under a legend,
say), and never overlap each other.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import matplotlib
import numpy as np
import pytest
from demo_figures import RUNS, built_animator, demo_names
from matplotlib.legend import Legend
from matplotlib.patches import FancyBboxPatch
from matplotlib.text import Text

from viz.figures import GlyphText

matplotlib.use("Agg", force=True)

SIZES = {"1280x720": ("12.8", "7.2", "100"), "1280x720 as 6.4x3.6 at 200 dpi": ("6.4", "3.6", "200"),
         "960x600": ("9.6", "6", "100")}
CASES = [*demo_names(), *RUNS]
LECTURE_PX = 14.0  # at 1280x720
OVERLAP_PX = 1.0  # antialiased edges may touch


def _drawn_ticks(axis: Any, three_d: bool) -> list[Text]:
    """The tick labels drawn: those within the view interval (matplotlib keeps others, unused).

    A 3D axis places its labels while drawing (and draws only each tick's first label): its ticks
    are read as the last drawing left them, never updated here, which would move them back.
    """
    if three_d:
        lo, hi = sorted(axis.get_view_interval())
        locs = axis.get_majorticklocs()
        ticks = [t for t, loc in zip(axis.get_major_ticks(len(locs)), locs, strict=True) if lo <= loc <= hi]
        labels = [t.label1 for t in ticks]
    else:
        ticks = axis._update_ticks()
        labels = [t.label1 for t in ticks] + [t.label2 for t in ticks]
    return [label for label in labels if label.get_visible() and label.get_text()]


def texts(figure: Any) -> list[tuple[str, Any, float, float]]:
    """``(what, window extent, font size in px, height in px)`` of every visible text the figure
    draws; the height is across the writing direction (a y label's box is as wide as it is high)."""
    return [entry[:4] for entry in _texts(figure)]


def _texts(figure: Any) -> list[tuple[str, Any, float, float, Any]]:
    """`texts`, each with its artist last."""
    renderer = figure.canvas.get_renderer()
    found: list[tuple[str, Any, float, float, Any]] = []
    seen: set[int] = set()
    px = figure.dpi / 72

    def add(what: str, artist: Any) -> None:
        if id(artist) in seen or not artist.get_visible() or not artist.get_text().strip():
            return
        seen.add(id(artist))
        box = artist.get_window_extent(renderer)
        if isinstance(artist, GlyphText):
            found.append((what, box, artist.fontsize * px, box.height, artist))
            return
        upright = round(artist.get_rotation()) % 180 != 90
        found.append((what, box, artist.get_fontsize() * px, box.height if upright else box.width, artist))

    for ax in figure.axes:
        three_d = hasattr(ax, "zaxis")
        axes = [ax.xaxis, ax.yaxis] + ([ax.zaxis] if three_d else [])
        for axis in axes:  # every tick label is walked here, or not at all
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                seen.update((id(tick.label1), id(tick.label2)))
        if not ax.get_visible():
            seen.update(id(t) for t in ax.findobj(lambda a: isinstance(a, (Text, GlyphText))))
            continue
        name = ax.get_label() or type(ax).__name__
        for axis in axes:
            for label in _drawn_ticks(axis, three_d):
                seen.discard(id(label))
                add(f"tick {label.get_text()!r} of {name} at {ax.get_position().bounds[:2]}", label)
            add(f"axis label {axis.label.get_text()!r}", axis.label)
    for artist in figure.findobj(lambda a: isinstance(a, (Text, GlyphText))):
        add(f"text {artist.get_text()[:30]!r}", artist)
    return found


def label_boxes(figure: Any) -> list[tuple[str, Any, Any]]:
    """``(what, window extent, owns)`` of every visible box drawn behind labels: each legend (its
    frame, or where its entries sit when it has none), each other rounded box (`FancyBboxPatch`),
    each text's own bounding-box patch. ``owns(text, what)`` says whether a text is the box's own:
    a legend's entries and title, a text's own box; for other boxes, any plain text (not a tick
    or axis label) wholly inside. (A glyph text's box is its extent, measured with the texts.)"""
    renderer = figure.canvas.get_renderer()
    found: list[tuple[str, Any, Any]] = []
    frames: set[int] = set()

    def shown(artist: Any) -> bool:
        return artist.get_visible() and (artist.axes is None or artist.axes.get_visible())

    for legend in figure.findobj(lambda a: isinstance(a, Legend)):
        frames.add(id(legend.legendPatch))
        if shown(legend):
            mine = {id(t) for t in [*legend.get_texts(), legend.get_title()]}
            name = (legend.axes.get_label() or type(legend.axes).__name__) if legend.axes else "figure"
            found.append((f"legend of {name}", legend.get_window_extent(renderer),
                          lambda text, what, mine=mine: id(text) in mine))
    for text in figure.findobj(lambda a: isinstance(a, Text)):
        patch = text.get_bbox_patch()
        if patch is not None:
            frames.add(id(patch))
            if shown(text) and text.get_text().strip():
                text.draw(renderer)  # the patch is fitted to its text while drawing
                found.append((f"box of text {text.get_text()[:30]!r}", patch.get_window_extent(renderer),
                              lambda other, what, text=text: other is text))
    for patch in figure.findobj(lambda a: isinstance(a, FancyBboxPatch)):
        if id(patch) not in frames and shown(patch):
            box = patch.get_window_extent(renderer)
            found.append((f"box {type(patch.get_boxstyle()).__name__} at zorder {patch.get_zorder()}", box,
                          lambda text, what, box=box: what.startswith("text") and
                          _inside(text.get_window_extent(renderer), box)))
    return found


def _overlap(a: Any, b: Any) -> tuple[float, float]:
    return min(a.x1, b.x1) - max(a.x0, b.x0), min(a.y1, b.y1) - max(a.y0, b.y0)


def _inside(inner: Any, outer: Any) -> bool:
    return (inner.x0 >= outer.x0 - OVERLAP_PX and inner.y0 >= outer.y0 - OVERLAP_PX
            and inner.x1 <= outer.x1 + OVERLAP_PX and inner.y1 <= outer.y1 + OVERLAP_PX)


def check_boxes(figure: Any) -> list[str]:
    """What is wrong with the boxes behind labels: outside the frame, over a text not their own,
    over each other."""
    W, H = figure.bbox.width, figure.bbox.height
    problems = []
    drawn_boxes = label_boxes(figure)
    all_texts = _texts(figure)
    for what, box, owns in drawn_boxes:
        if box.x0 < -0.5 or box.y0 < -0.5 or box.x1 > W + 0.5 or box.y1 > H + 0.5:
            problems.append(f"{what}: leaves the frame ({box.x0:.0f}, {box.y0:.0f}, {box.x1:.0f}, "
                            f"{box.y1:.0f}) in {W:.0f}x{H:.0f}")
        for text, text_box, _, _, artist in all_texts:
            w, h = _overlap(box, text_box)
            if w > OVERLAP_PX and h > OVERLAP_PX and not owns(artist, text):
                problems.append(f"{what} covers {text} by {w:.0f}x{h:.0f} px")
    for (a, box_a, _), (b, box_b, _) in combinations(drawn_boxes, 2):
        w, h = _overlap(box_a, box_b)
        if w > OVERLAP_PX and h > OVERLAP_PX:
            problems.append(f"{a} overlaps {b} by {w:.0f}x{h:.0f} px")
    return problems


def check(figure: Any, *, minimum_px: float) -> list[str]:
    """What is wrong with the figure's text: too small, outside the frame, overlapping."""
    W, H = figure.bbox.width, figure.bbox.height
    scale = min(W / 1280, H / 720)
    problems = []
    boxes = texts(figure)
    assert len(boxes) > 10, "too few texts found: the walk is broken"
    for what, box, size, height in boxes:
        if size < minimum_px * scale - 0.01 or height < minimum_px * scale - 0.01:
            problems.append(f"{what}: {size:.1f} px font, {height:.1f} px high "
                            f"(at least {minimum_px * scale:.1f})")
        if box.x0 < -0.5 or box.y0 < -0.5 or box.x1 > W + 0.5 or box.y1 > H + 0.5:
            problems.append(f"{what}: leaves the frame ({box.x0:.0f}, {box.y0:.0f}, {box.x1:.0f}, "
                            f"{box.y1:.0f}) in {W:.0f}x{H:.0f}")
    for (a, box_a, *_), (b, box_b, *_) in combinations(boxes, 2):
        w = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        h = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        if w > OVERLAP_PX and h > OVERLAP_PX:
            problems.append(f"{a} overlaps {b} by {w:.0f}x{h:.0f} px")
    return problems + check_boxes(figure)


def drawn(case: str, size: tuple[str, str, str], style: str, frame: str = "last") -> Any:
    w, h, dpi = size
    animator = built_animator(case, ["--frames", "3", "--size", w, h, "--dpi", dpi, "--style", style,
                                     "--no-show"])
    animator.render(len(animator) - 1 if frame == "last" else 0)
    animator.figure.canvas.draw()  # a full drawing: every artist placed
    return animator


@pytest.mark.parametrize("frame", ["first", "last"])  # the moving labels sit elsewhere in each
@pytest.mark.parametrize("size", ["1280x720", "1280x720 as 6.4x3.6 at 200 dpi"])
@pytest.mark.parametrize("case", CASES)
def test_lecture_text_is_large_inside_and_apart(case, size, frame):
    animator = drawn(case, SIZES[size], "lecture", frame)
    try:
        problems = check(animator.figure, minimum_px=LECTURE_PX)
    finally:
        animator.view.close()
    assert not problems, f"{case} at {size}, {frame} frame:\n" + "\n".join(problems)


@pytest.mark.parametrize("case", ["penalty_seed", "optimizer_race", "mlp_classifier", "run_rosenbrock"])
def test_paper_text_is_smaller_and_still_apart(case):
    paper = drawn(case, SIZES["960x600"], "paper")
    lecture = drawn(case, SIZES["960x600"], "lecture")
    try:
        problems = check(paper.figure, minimum_px=9.0)
        sizes = [np.median([s for _, _, s, _ in texts(a.figure)]) for a in (paper, lecture)]
    finally:
        paper.view.close()
        lecture.view.close()
    assert not problems, f"{case} paper:\n" + "\n".join(problems)
    assert sizes[0] < 0.8 * sizes[1]


def test_text_scales_with_size_and_dpi():
    sizes = {}
    for name in ("1280x720", "1280x720 as 6.4x3.6 at 200 dpi"):
        animator = drawn("penalty_seed", SIZES[name], "lecture")
        sizes[name] = sorted(round(s, 1) for _, _, s, _ in texts(animator.figure))
        animator.view.close()
    assert sizes["1280x720"] == sizes["1280x720 as 6.4x3.6 at 200 dpi"]


def test_box_check_finds_boxes_over_ticks_off_the_frame_and_over_each_other():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    def figure_with(place):
        fig = Figure(figsize=(6.4, 3.6), dpi=100)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.15, 0.2, 0.7, 0.7))
        ax.plot([0, 1], [0, 1], label="a line")
        place(fig, ax)
        fig.canvas.draw()
        return check_boxes(fig)

    assert figure_with(lambda fig, ax: ax.legend(loc="upper left")) == []  # inside, clear of the ticks
    over_ticks = figure_with(lambda fig, ax: ax.legend(loc="upper left", bbox_to_anchor=(0.3, 0.02)))
    assert any("covers tick" in p for p in over_ticks)
    off = figure_with(lambda fig, ax: ax.legend(loc="upper left", bbox_to_anchor=(1.1, 1.0)))
    assert any("leaves the frame" in p for p in off)
    boxed = figure_with(lambda fig, ax: ax.text(0.05, 0.9, "status", transform=ax.transAxes,
                                                bbox=dict(boxstyle="round", fc="white")) and
                        ax.legend(loc="upper left"))
    assert any("overlaps" in p and "box of text 'status'" in p for p in boxed)
    stacked = figure_with(lambda fig, ax: fig.add_artist(FancyBboxPatch(
        (0.1, 0.05), 0.3, 0.1, boxstyle="round,pad=0", transform=fig.transFigure)))
    assert any("box Round" in p and "covers tick" in p for p in stacked)
