"""LaTeX from SymPy becomes text that matplotlib's mathtext renders (never an error at draw time)."""

from __future__ import annotations

import pytest
import sympy as sp  # the tests may use sympy (viz itself never imports it)

from viz.figures.title import figure_title, fitted_title, mathtext, renders

x1, x2, M = sp.symbols("x1 x2 M")
EXPRESSIONS = [
    -x1 + x2 + M * ((x1 + x2 - 1) ** 2 + sp.Min(0, x2 - 1) ** 2),
    -x1 + x2 + M * ((x1 + x2 - 1) ** 2 + sp.Max(0, 1 - x2) ** 2),
    -x1 + x2 + M * ((x1 + x2 - 1) ** 2 + sp.Piecewise((x2 - 1, x2 < 1), (0, True)) ** 2),
    sp.Piecewise((x1, x1 < 0), (x1**2, x1 < 3), (0, True)) + sp.Abs(x2),
    sp.Heaviside(1 - x2) * (x2 - 1) ** 2 + sp.exp(x1) + sp.sqrt(x2) / x1 + sp.log(x2),
]


@pytest.mark.parametrize("expr", EXPRESSIONS, ids=range(len(EXPRESSIONS)))
def test_sympy_latex_renders(expr):
    text = mathtext(sp.latex(expr))
    assert text.startswith("$") and text.endswith("$")
    assert renders(text)


def test_piecewise_becomes_a_brace():
    text = mathtext(sp.latex(sp.Piecewise((x2 - 1, x2 < 1), (0, True))))
    assert r"\left\{" in text and r"\mathrm{if}" in text and r"\mathrm{otherwise}" in text


def test_text_with_math_is_kept_and_unknown_latex_falls_back_to_plain_text():
    assert mathtext(r"minimize $f(x)$ subject to $h(x)=0$") == r"minimize $f(x)$ subject to $h(x)=0$"
    fallback = mathtext(r"\begin{matrix} a \end{matrix}")
    assert "$" not in fallback and renders(fallback)
    assert mathtext("   ") == ""


@pytest.mark.parametrize("title", [sp.latex(e) for e in EXPRESSIONS] + [r"\begin{matrix} a \end{matrix}",
                                   "cost $x_1$ of $y", "", "  "])
def test_fitted_title_shows_what_figure_title_makes_and_fits(title):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = FigureCanvasAgg(Figure(figsize=(4, 3), dpi=100)).figure
    text = fitted_title(fig, title, "M = 10", fontsize=40)
    assert text.get_text() == figure_title(title, "M = 10")
    renderer = fig.canvas.get_renderer()
    assert text.get_window_extent(renderer).width <= 0.97 * fig.bbox.width + 1  # shrunk to fit
    fig.canvas.draw()  # never an error at draw time
    alone = fitted_title(FigureCanvasAgg(Figure()).figure, title, fontsize=10)
    assert (alone is None) == (not title.strip())


def test_fitted_title_parses_a_rendering_title_once(monkeypatch):
    import matplotlib._mathtext as mt
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    parsed = []
    parse = mt.Parser.parse
    monkeypatch.setattr(mt.Parser, "parse", lambda self, s, *a: (parsed.append(s), parse(self, s, *a))[1])
    fig = FigureCanvasAgg(Figure(figsize=(6, 3), dpi=100)).figure
    title = sp.latex(EXPRESSIONS[1]) + r" + \alpha_{17}"  # not parsed by an earlier test
    fitted_title(fig, title, fontsize=12)
    fig.canvas.draw()
    assert parsed == [f"${title}$"]
