"""LaTeX from SymPy made safe for matplotlib's mathtext (which is not full LaTeX)."""

from __future__ import annotations

import functools
import re
from typing import Any

__all__ = ["figure_title", "mathtext", "plain_or_math", "renders", "shrink_to"]

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
    text = mathtext(title) if title else ""
    if note:
        text += ("\n" if text else "") + note
    return text


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
