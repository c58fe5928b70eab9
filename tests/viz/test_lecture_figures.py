"""The lecture figures (viz.lecture): true to their data, readable at 1280x720, written as PNGs.

The data come from the solvers (N&W Example 17.1, the seed problem, a barrier run) and are read
back from the drawn artists; the closed forms are the independent truth: on Example 17.1 the
violation of the pure penalty falls like 1/M, and a barrier's gap on m inequalities is m/t.
"""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from optimizers import run
from penalty import Problem, exterior_penalty, log_barrier, method_of_multipliers
from viz.lecture import OuterRun, outer_figure, save_figure, small_multiples
from viz.lecture.small_multiples import quantile_levels

NW = Problem("x1 + x2", ["x1^2 + x2^2 = 2"])
SEED = Problem("-x1 + x2", ["x1 + x2 = 1", "x2 >= 1"])
DISC = Problem("x1 + x2", ["x1^2 + x2^2 <= 2", "x1 >= -1.25", "x2 <= 1"])
INNER = dict(method="gd", line_search="exact", tol=1e-7, max_iter=300)


@pytest.fixture(scope="module")
def nw_penalty() -> OuterRun:
    result = run(exterior_penalty(NW, (-0.4, -1.6), method="newton", M0=1.0, C=10.0, epsilon=1e-300,
                                  max_outer=4, tol=1e-10, max_iter=100))
    return OuterRun.from_steps("pure penalty", result.outer_steps)


@pytest.fixture(scope="module")
def seed_runs() -> list[OuterRun]:
    penalty = run(exterior_penalty(SEED, (-0.5, 0.2), epsilon=1e-9, **INNER))
    multipliers = run(method_of_multipliers(SEED, (-0.5, 0.2), epsilon=1e-9, **INNER))
    return [OuterRun.from_steps("pure penalty", penalty.outer_steps),
            OuterRun.from_steps("method of multipliers", multipliers.outer_steps)]


@pytest.fixture(scope="module")
def barrier_run() -> OuterRun:
    result = run(log_barrier(DISC, (0.5, 0.5), t0=1.0, C=4.0, epsilon=1e-4))
    return OuterRun.from_steps("log barrier", result.outer_steps, weight_name="t")


def axes_by_gid(figure):
    return {ax.get_gid(): ax for ax in figure.axes}


def line(ax, gid):
    (found,) = [artist for artist in ax.lines if artist.get_gid() == gid]
    return found


def drawn_texts(figure):
    """Every non-empty visible text the figure draws (tick labels only inside the axis limits)."""
    figure.canvas.draw()
    texts = list(figure.texts)
    for legend in figure.legends:
        texts += [*legend.get_texts(), legend.get_title()]
    for ax in figure.axes:
        texts += [ax.title, ax.xaxis.label, ax.yaxis.label]
        legend = ax.get_legend()
        if legend is not None:
            texts += [*legend.get_texts(), legend.get_title()]
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for locs, labels in ((axis.get_majorticklocs(), axis.get_majorticklabels()),
                                 (axis.get_minorticklocs(), axis.get_minorticklabels())):
                texts += [t for loc, t in zip(locs, labels, strict=False)
                          if lo * (1 - 1e-9) - 1e-12 <= loc <= hi * (1 + 1e-9) + 1e-12]
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


def assert_readable(figure):
    """Lecture-hall text: every text >= 14 px, inside the figure, none over another."""
    renderer = figure.canvas.get_renderer()
    width, height = figure.canvas.get_width_height()
    texts = drawn_texts(figure)
    boxes = []
    for t in texts:
        assert t.get_fontsize() * figure.dpi / 72 >= 14, (t.get_text(), t.get_fontsize())
        box = t.get_window_extent(renderer)
        assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= width and box.y1 <= height, (t.get_text(), box)
        boxes.append((t.get_text(), box.padded(-1)))
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        assert not box_a.overlaps(box_b), f"{a!r} overlaps {b!r}"
    return texts


def test_the_pure_penalty_violation_falls_with_slope_minus_one_on_nw_17_1(nw_penalty):
    figure = outer_figure([nw_penalty], star=[0.5], names=["2Mh"])
    ax = axes_by_gid(figure)["violation"]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    M, violation = line(ax, "violation: pure penalty").get_data()
    np.testing.assert_allclose(M, [1, 10, 100, 1000])
    slope = np.polyfit(np.log10(M), np.log10(violation), 1)[0]
    assert slope == pytest.approx(-1.0, rel=0.05)
    rx, ry = line(ax, "reference violation").get_data()
    assert np.log10(ry[-1] / ry[0]) / np.log10(rx[-1] / rx[0]) == pytest.approx(-1.0)
    assert "slope" in ax.get_legend().get_texts()[0].get_text()


def test_condition_and_multiplier_panels_show_the_records(nw_penalty):
    panels = axes_by_gid(outer_figure([nw_penalty], star=[0.5], names=["2Mh"]))
    assert set(panels) == {"violation", "condition", "multipliers", "inner"}
    M, kappa = line(panels["condition"], "condition: pure penalty").get_data()
    np.testing.assert_allclose(kappa, nw_penalty.condition)
    assert kappa[-1] / kappa[0] > 100  # kappa grows like M (1000-fold M here)
    k, estimate = line(panels["multipliers"], "2Mh: pure penalty").get_data()
    np.testing.assert_allclose(estimate, nw_penalty.multipliers[:, 0])
    assert abs(estimate[-1] - 0.5) < 1e-3 < abs(estimate[0] - 0.5)  # 2 M h -> lambda* = 1/2
    assert line(panels["multipliers"], "star 2Mh").get_ydata()[0] == 0.5
    heights = [p.get_height() for p in panels["inner"].patches]
    assert heights == list(nw_penalty.inner_iterations)


def test_two_runs_share_the_panels_in_distinct_colours_and_are_readable(seed_runs):
    figure = outer_figure(seed_runs, names=["λ", "μ"], title="pure penalty vs method of multipliers")
    ax = axes_by_gid(figure)["violation"]
    colours = {line(ax, f"violation: {r.name}").get_color() for r in seed_runs}
    assert len(colours) == 2
    labels = [t.get_text() for t in figure.legends[0].get_texts()]
    assert labels == ["pure penalty", "method of multipliers"]
    star = axes_by_gid(figure)["multipliers"]
    np.testing.assert_allclose([line(star, "star λ").get_ydata()[0], line(star, "star μ").get_ydata()[0]],
                               [1.0, 2.0], atol=1e-6)  # the final estimates of the last run
    assert len(assert_readable(figure)) > 30


def test_the_barrier_figure_draws_the_gap_on_m_over_t_and_no_empty_violation_panel(barrier_run):
    figure = outer_figure([barrier_run], m=3, names=["μ circle", "μ x1", "μ x2"])
    panels = axes_by_gid(figure)
    assert "violation" not in panels  # strictly feasible throughout: nothing to show
    t, gap = line(panels["gap"], "gap: log barrier").get_data()
    np.testing.assert_allclose(gap, 3 / t, rtol=1e-9)
    rt, rgap = line(panels["gap"], "reference gap").get_data()
    np.testing.assert_allclose(rgap, 3 / rt)
    assert panels["condition"].get_xlabel() == "weight t"
    assert_readable(figure)


def test_five_panels_are_readable(barrier_run):
    mixed = OuterRun(name="seed barrier", weight=barrier_run.weight, violation=1 / barrier_run.weight,
                     condition=barrier_run.condition, inner_iterations=barrier_run.inner_iterations,
                     gap=barrier_run.gap, multipliers=barrier_run.multipliers, x=barrier_run.x,
                     weight_name="t")
    figure = outer_figure([mixed], title="five panels")
    assert len(figure.axes) == 5
    assert_readable(figure)


def test_small_multiples_mark_x_of_M_on_one_shared_domain(nw_penalty):
    domain = ((-1.75, -0.25), (-1.75, -0.25))
    figure = small_multiples(lambda M: NW.penalized_function(M).surface, nw_penalty.weight, domain,
                             minimizers=nw_penalty.x, x_star=(-1, -1), equalities=NW.equality_functions,
                             title="contours of F(x; M)")
    panels = axes_by_gid(figure)
    assert list(panels) == ["M = 1", "M = 10", "M = 100", "M = 1000"]
    for i, ax in enumerate(panels.values()):
        assert ax.get_xlim() == domain[0] and ax.get_ylim() == domain[1]
        np.testing.assert_allclose(np.ravel(line(ax, "x(M)").get_xydata()), nw_penalty.x[i])
        assert len(line(ax, "path x(M)").get_xdata()) == i + 1
        np.testing.assert_allclose(np.ravel(line(ax, "x*").get_xydata()), [-1, -1])
    assert_readable(figure)


def test_quantile_levels_put_levels_inside_a_narrow_valley():
    X, Y = np.meshgrid(np.linspace(-2, 2, 201), np.linspace(-2, 2, 201))
    Z = X + Y + 1000 * (X**2 + Y**2 - 2) ** 2
    levels = quantile_levels(Z, 14)
    assert np.all(np.diff(levels) > 0)
    valley = Z[np.abs(X**2 + Y**2 - 2) < 0.05]  # a band about 2 % of the square
    assert np.sum(levels < valley.max()) >= 5
    assert quantile_levels(np.full((3, 3), np.inf)).size == 0


def test_save_figure_writes_a_png_of_the_figure_size_atomically(seed_runs, tmp_path):
    path = save_figure(outer_figure(seed_runs), tmp_path / "outer_steps.png")
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == (1280, 720)
    assert [p.name for p in tmp_path.iterdir()] == ["outer_steps.png"]


def test_from_steps_reads_records_by_attribute_and_bad_data_is_one_clear_error():
    step = SimpleNamespace(weight=2.0, violation=0.1, condition=5.0, inner_iterations=3, gap=0.0,
                           multipliers=[0.4], x=[1.0, 2.0])
    r = OuterRun.from_steps("run", [step, step])
    assert len(r) == 2 and r.multipliers.shape == (2, 1) and not r.x.flags.writeable
    with pytest.raises(ValueError, match="one entry per outer step"):
        OuterRun(name="r", weight=[1, 2], violation=[1], condition=[1, 1], inner_iterations=[1, 1],
                 gap=[0, 0], multipliers=[[0], [0]], x=[[0, 0], [0, 0]])
    with pytest.raises(ValueError, match="positive"):
        OuterRun.from_steps("r", [SimpleNamespace(**{**vars(step), "weight": 0.0})])
    with pytest.raises(ValueError, match="no outer steps"):
        OuterRun.from_steps("r", [])
    with pytest.raises(ValueError, match="OuterRun"):
        outer_figure([])
    with pytest.raises(ValueError, match="star has 2"):
        outer_figure([r], star=[1, 2])
    with pytest.raises(ValueError, match="minimizers"):
        small_multiples(lambda M: np.add, [1, 10], ((0, 1), (0, 1)), minimizers=[[0, 0]])
    with pytest.raises(ValueError, match="weights"):
        small_multiples(lambda M: np.add, [], ((0, 1), (0, 1)))


def test_a_flat_kappa_gets_no_growth_reference_and_a_decade_of_axis(seed_runs):
    # Linear constraints on a linear objective: the Hessian of F is M times a constant matrix.
    ax = axes_by_gid(outer_figure(seed_runs))["condition"]
    assert not [ln for ln in ax.lines if ln.get_gid() == "reference condition"]
    kappa = line(ax, "condition: pure penalty").get_ydata()
    np.testing.assert_allclose(kappa, kappa[0], rtol=1e-6)
    lo, hi = ax.get_ylim()
    assert hi / lo >= 10 * (1 - 1e-9) and lo < kappa[0] < hi
    inner = axes_by_gid(outer_figure(seed_runs))["inner"]
    zeros = [t.get_text() for t in inner.texts if t.get_text()]
    assert zeros == ["0"] * int(np.sum(seed_runs[1].inner_iterations == 0)) and zeros


def test_the_lecture_figures_are_one_name_of_the_viz_api():
    import viz

    assert "lecture" in viz.__all__ and viz.lecture.outer_figure is outer_figure
    assert set(viz.lecture.__all__) == {"OuterRun", "outer_figure", "save_figure", "small_multiples"}
