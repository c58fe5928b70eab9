"""The penalty-methods lecture demos: listed, exported headless, and true to their docstrings."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from PIL import Image

from demos.cli import demo_list
from optimizers import run
from penalty import Problem

ARGS = ["--frames", "4", "--no-show", "--dpi", "40", "--size", "4", "3", "--quiet"]
LECTURE = ["barrier", "conditioning", "penalty_vs_multipliers"]
STILLS = {"barrier": ["contours_by_t.png", "outer_steps.png"],
          "conditioning": ["contours_by_M.png", "outer_steps.png"],
          "penalty_vs_multipliers": ["contours_by_M.png", "outer_steps.png"]}


def test_every_lecture_demo_is_listed():
    listed = dict(demo_list())
    for name in LECTURE:
        assert listed[name], name


@pytest.mark.parametrize("name", LECTURE)
def test_demo_exports_frames_and_prints_the_outer_table(name, tmp_path, capsys):
    demo = importlib.import_module(f"demos.{name}")
    assert demo.run(["--export", str(tmp_path), *ARGS]) == 0
    frames = sorted(tmp_path.glob("frame_*.png"))
    assert len(frames) == 4
    for path in frames:
        with Image.open(path) as image:
            assert image.size == (160, 120)
            rgb = np.asarray(image.convert("RGB")).astype(int)
        assert (rgb < 240).any(axis=-1).mean() > 0.05  # drawn, not blank
    out = capsys.readouterr().out
    assert "violation" in out and "kappa" in out and "Converged" in out
    stills = sorted(p.name for p in tmp_path.glob("*.png") if not p.name.startswith("frame_"))
    assert stills == STILLS[name]
    for still in stills:  # the lecture figures, at the frames' size, and the demo says where they are
        with Image.open(tmp_path / still) as image:
            assert image.format == "PNG" and image.size == (160, 120)
        assert f"Wrote {tmp_path / still}" in out


def test_conditioning_outer_figure_has_the_slope_minus_one_and_lambda_star(tmp_path):
    from demos import conditioning
    from demos._lecture import outer_steps_figure

    result = run(conditioning.stream(Problem(conditioning.OBJECTIVE, conditioning.CONSTRAINTS)))
    figure = outer_steps_figure({"pure penalty": result}, star=[conditioning.LAMBDA_STAR], names=["2Mh"])
    axes = {ax.get_gid(): ax for ax in figure.axes}
    (violation,) = [ln for ln in axes["violation"].lines if ln.get_gid() == "violation: pure penalty"]
    M, v = violation.get_data()
    np.testing.assert_allclose(M, [0.5, 5.0, 50.0])
    assert np.polyfit(np.log10(M), np.log10(v), 1)[0] == pytest.approx(-1.0, rel=0.05)
    (star,) = [ln for ln in axes["multipliers"].lines if ln.get_gid() == "star 2Mh"]
    assert star.get_ydata()[0] == 0.5


def test_optviz_run_exports_the_outer_steps_figure_for_a_constrained_run(tmp_path, capsys):
    from demos.cli import main

    status = main(["run", "-x1 + x2", "-c", "x1 + x2 = 1", "-c", "x2 >= 1", "--x0", "-0.5", "1.5",
                   "--outer", "barrier", "--export", str(tmp_path), *ARGS])
    assert status == 0
    with Image.open(tmp_path / "outer_steps.png") as image:
        assert image.size == (160, 120)
    assert "outer_steps.png" in capsys.readouterr().out
    unconstrained = tmp_path / "unconstrained"
    assert main(["run", "x1^2 + x2^2", "--x0", "1", "1", "--export", str(unconstrained), *ARGS]) == 0
    assert not (unconstrained / "outer_steps.png").exists()  # no constraint: nothing per outer step to show


def test_conditioning_shows_nocedal_wright_numbers():
    from demos import conditioning

    result = run(conditioning.stream(Problem(conditioning.OBJECTIVE, conditioning.CONSTRAINTS)))
    assert result.success
    steps = result.outer_steps
    assert [s.weight for s in steps] == pytest.approx([0.5, 5.0, 50.0])
    np.testing.assert_allclose([s.multipliers[0] for s in steps], [0.4516, 0.49394, 0.499377], atol=1e-4)
    np.testing.assert_allclose([s.condition for s in steps], [11.86, 83.98, 804.0], rtol=1e-3)


def test_penalty_vs_multipliers_keeps_M_bounded_while_the_violation_vanishes():
    from demos import penalty_vs_multipliers as demo

    results = {name: run(s) for name, s in demo.streams(Problem(demo.OBJECTIVE, demo.CONSTRAINTS)).items()}
    penalty, multipliers = results["pure penalty"], results["method of multipliers"]
    assert penalty.success and multipliers.success
    assert multipliers.M <= 100 and penalty.M >= 1e9
    assert multipliers.max_violation < 1e-8 and abs(multipliers.fun - 1.0) < 1e-8
    assert multipliers.nit < penalty.nit / 2
    np.testing.assert_allclose(multipliers.multipliers, [1.0, 2.0], atol=1e-7)


def test_barrier_demo_stays_inside_and_its_gap_is_m_over_t():
    from demos import barrier as demo

    problem = Problem(demo.OBJECTIVE, demo.CONSTRAINTS)
    stream = demo.stream(problem)
    records = []
    while True:
        try:
            records.append(next(stream))
        except StopIteration as stop:
            result = stop.value
            break
    assert result.success
    for it in records:
        assert np.all(problem.constraint_values(it.x)[1] < 0)
    for s in result.outer_steps:
        assert s.gap == pytest.approx(3 / s.weight, rel=1e-9)
    np.testing.assert_allclose(result.x, [-1.0, -1.0], atol=1e-4)
    np.testing.assert_allclose(result.multipliers, [0.5, 0.0, 0.0], atol=1e-3)


SEED = ["-x1 + x2", "-c", "x1 + x2 = 1", "-c", "x2 >= 1"]
QUIET = ["--no-show", "--quiet"]


def test_optviz_run_outer_multipliers_and_barrier(capsys):
    from demos.cli import main

    assert main(["run", *SEED, "--x0", "-0.5", "0.2", "--outer", "multipliers", *QUIET]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Converged") and "(M = 1)" in out
    assert main(["run", *SEED, "--x0", "-0.5", "1.5", "--outer", "barrier", "--M0", "1", *QUIET]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Converged") and "(t = 1e+07)" in out


def test_optviz_run_barrier_outside_is_one_line_and_status_2(capsys):
    from demos.cli import main

    assert main(["run", *SEED, "--x0", "-0.5", "0.2", "--outer", "barrier", *QUIET]) == 2
    err = capsys.readouterr().err
    assert "not strictly feasible" in err and err.count("\n") == 1 and "Traceback" not in err


def test_toml_key_outer(capsys, tmp_path):
    from demos.cli import main

    path = tmp_path / "problem.toml"
    path.write_text('objective = "-x1 + x2"\nconstraints = ["x1 + x2 = 1", "x2 >= 1"]\n'
                    'x0 = [-0.5, 0.2]\nouter = "multipliers"\nmethod = "newton"\n')
    assert main(["run", str(path), *QUIET]) == 0
    assert "(M = 1)" in capsys.readouterr().out
    path.write_text('objective = "-x1 + x2"\nx0 = [0, 0]\nouter = 3\n')
    assert main(["run", str(path), *QUIET]) == 2
    assert "outer must be a str" in capsys.readouterr().err


@pytest.mark.parametrize("outer", ["multipliers", "barrier"])
def test_optviz_run_exports_frames_for_each_outer_method(outer, tmp_path, capsys):
    from demos.cli import main

    x0 = ["-0.5", "1.5"] if outer == "barrier" else ["-0.5", "0.2"]
    assert main(["run", *SEED, "--x0", *x0, "--outer", outer, "--export", str(tmp_path), *ARGS]) == 0
    assert len(sorted(tmp_path.glob("frame_*.png"))) == 4


def test_barrier_contours_trace_the_central_path_inside():
    from demos import barrier as demo
    from demos._lecture import central_path_contours

    problem = Problem(demo.OBJECTIVE, demo.CONSTRAINTS)
    figure = central_path_contours(problem, demo.X0, demo.DOMAIN, x_star=demo.X_STAR)
    assert [ax.get_gid() for ax in figure.axes] == ["t = 1", "t = 10", "t = 100", "t = 1000"]
    points = [np.ravel(ln.get_xydata()) for ax in figure.axes for ln in ax.lines if ln.get_gid() == "x(t)"]
    distances = [np.linalg.norm(p - demo.X_STAR) for p in points]
    assert all(np.all(problem.constraint_values(p)[1] < 0) for p in points)  # strictly inside
    assert np.all(np.diff(distances) < 0) and distances[-1] < 0.01  # towards x* as t grows
