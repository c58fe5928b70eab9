"""LaTeX from SymPy made safe for matplotlib's mathtext (which is not full LaTeX)."""

from __future__ import annotations

import functools
import re
from typing import Any

__all__ = ["figure_title", "fitted_title", "mathtext", "plain_or_math", "renders", "shrink_to"]

_CASES = re.compile(r"\\begin\{cases\}(.*?)\\end\{cases\}", re.DOTALL)
# Commands mathtext does not know but that only affect spacing or style: dropping them is safe.
_DROP = re.compile(r"\\(displaystyle|textstyle|limits|nolimits|middle)\b")


@functools.lru_cache(maxsize=256)
def renders(text: str) -> bool:
    """True when matplotlib can lay out `text` (with its ``$...$`` math) without error."""
    from matplotlib.mathtext import MathTextParser

    if text.count("$") % 2:
        return False
    parser = MathTextParser("agg")
    for i, part in enumerate(text.split("$")):
        if i % 2 and part.strip():
            try:
                parser.parse(f"${part}$", dpi=72)
            except ValueError:
                return False
    return True


def _cases_to_brace(match: re.Match[str]) -> str:
    # SymPy writes Piecewise as a cases environment; mathtext has no environments, so it becomes
    # a one-line brace: {A if C, B otherwise.
    rows = [r.strip() for r in match.group(1).split(r"\\") if r.strip()]
    parts = []
    for row in rows:
        value, _, condition = row.partition("&")
        condition = re.sub(r"\\text\{\s*for\s*\}\\?[:;,]?", "", condition).strip()
        condition = condition.replace(r"\text{otherwise}", r"\mathrm{otherwise}")
        if condition.startswith(r"\mathrm{otherwise}"):
            parts.append(rf"{value.strip()}\ \mathrm{{otherwise}}")
        else:
            parts.append(rf"{value.strip()}\ \mathrm{{if}}\ {condition}")
    return r"\left\{" + r",\; ".join(parts) + r"\right."


def mathtext(latex: str) -> str:
    """`latex` as a matplotlib text string that renders.

    Parameters
    ----------
    latex : str
        Either bare LaTeX math (as from ``sympy.latex``), wrapped here in ``$...$``, or text that
        already contains ``$...$`` math.

    Returns
    -------
    str
        The math in ``$...$``, with SymPy's ``cases`` environments rewritten as one-line braces
        and spacing-only commands dropped; if it still does not render, the plain characters
        (never an exception at draw time).
    """
    text = latex.strip()
    if not text:
        return ""
    if "$" not in text:
        text = f"${text}$"
    if renders(text):
        return text
    repaired = _DROP.sub("", _CASES.sub(_cases_to_brace, text))
    if renders(repaired):
        return repaired
    return text.replace("$", "")


def figure_title(title: str, note: str = "") -> str:
    """A scene's title as the figure shows it: `title` made mathtext-safe, `note` on a line below."""
    return _with_note(mathtext(title) if title else "", note)


def fitted_title(figure: Any, title: str, note: str = "", *, fontsize: float) -> Any:
    """`figure`'s suptitle showing `figure_title(title, note)`, shrunk once to 97% of its width.

    Returns the title's `Text`, or None when there is no title. The width is measured by the
    figure's renderer, which parses the math as it will draw it; a title that renders is so parsed
    once (checking it with `renders` first parsed it a second time: 30-55 ms at start-up). Only
    when that parse fails is the title repaired (`mathtext`).
    """
    text = title.strip()
    if text and "$" not in text:
        text = f"${text}$"
    if text.count("$") % 2:  # not math to matplotlib: `mathtext` decides what it shows
        text = mathtext(text)
    text = _with_note(text, note)
    if not text:
        return None
    artist = figure.suptitle(text, fontsize=fontsize, y=0.985, va="top")
    width, renderer = 0.97 * figure.bbox.width, figure.canvas.get_renderer()
    try:
        shrink_to(artist, width, renderer)
    except ValueError:  # mathtext cannot lay it out: the repaired title, or its plain characters
        artist.set_text(figure_title(title, note))
        shrink_to(artist, width, renderer)
    return artist


def _with_note(text: str, note: str) -> str:
    return text + ("\n" if text and note else "") + note


def plain_or_math(title: str) -> str:
    """`title` with plain words kept as words: only text with ``$...$`` math is repaired."""
    if not title:
        return ""
    return mathtext(title) if "$" in title else title


def shrink_to(text: Any, width: float, renderer: Any) -> None:
    """Reduce `text`'s font size, once, until it is at most `width` pixels wide."""
    actual = text.get_window_extent(renderer).width
    if actual > width:
        text.set_fontsize(text.get_fontsize() * width / actual)
