"""The optviz command: every error path ends in one line on stderr and its exit status."""

import subprocess
import sys
from importlib.metadata import entry_points

import pytest

from demos.cli import demo_list, main

SEED = ["-x1 + x2", "-c", "x1 + x2 = 1", "-c", "x2 >= 1", "--x0", "-0.5", "0.2"]
QUIET = ["--no-show", "--quiet"]


def run_cli(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_console_script_is_declared():
    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "optviz"]
    assert script.value == "demos.cli:main"


def test_run_solves_the_seed_problem_and_prints_the_table(capsys):
    status, out, err = run_cli(capsys, "run", *SEED, "--no-show")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["k", "x", "f"]
    assert len(lines) > 50  # one row per iterate
    assert lines[-1].startswith("Converged") and "x = (1.50086e-06, 0.999999)" in lines[-1]


def test_quiet_prints_only_the_result(capsys):
    status, out, _ = run_cli(capsys, "run", *SEED, *QUIET)
    assert status == 0
    assert out.count("\n") == 1 and out.startswith("Converged")


def test_toml_problem_file_with_flag_override(capsys, tmp_path):
    path = tmp_path / "problem.toml"
    path.write_text('objective = "-x1 + x2"\nconstraints = ["x1 + x2 = 1", "x2 >= 1"]\n'
                    'x0 = [-0.5, 0.2]\nmethod = "newton"\nepsilon = 1e-8\ntol = 1e-9\nmax_iter = 50\n')
    status, out, err = run_cli(capsys, "run", str(path), *QUIET)
    assert status == 0, err
    assert "max violation = 1e-08" in out or "max violation = 1e-09" in out
    status, out, _ = run_cli(capsys, "run", str(path), "--method", "gd", "--eps", "1e-5", *QUIET)
    assert status == 0 and "(M = 1e+06)" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["run", "-x1 +* x2", "--x0", "0", "0"], "objective"),
        (["run", "__import__('os').system('true')", "--x0", "0"], "objective"),
        (["run", "-x1 + x2", "-c", "x1 + x2", "--x0", "0", "0"], "no relation"),
        (["run", *SEED[:-2], "0.2"], "x0 has 1 number, the problem has 2 variables (x1, x2)"),
        (["run", "-x1 + x2", "-c", "x2 >= 1"], "--x0"),
        (["run", *SEED, "--domain", "0", "4", "3", "1"], "minimum must be below"),
        (["run", "-x1 + x2", "--x0", "0", "0", "--C", "0.5"], "C must be"),
        (["run", "missing.toml"], "no such file"),
        (["demo", "no_such_demo"], "no demo named"),
    ],
)
def test_bad_input_is_one_line_and_status_2(capsys, argv, message):
    status, _, err = run_cli(capsys, *argv, *QUIET)
    assert status == 2
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_unwritable_export_folder(capsys, tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    status, _, err = run_cli(capsys, "run", *SEED, *QUIET, "--export", str(blocker / "frames"))
    assert status == 2 and "is a file, so no folder can be made in it" in err and err.count("\n") <= 2


def test_bad_toml_is_one_line(capsys, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('objective = "-x1 + x2"\nx0 = [0, 0\n')
    status, _, err = run_cli(capsys, "run", str(path), *QUIET)
    assert status == 2 and str(path) in err and err.count("\n") == 1
    path.write_text('objective = "-x1"\nx0 = [0]\nspeed = 3\n')
    status, _, err = run_cli(capsys, "run", str(path), *QUIET)
    assert status == 2 and "unknown key 'speed'" in err


def test_not_converging_exits_1_with_the_status(capsys):
    status, out, _ = run_cli(capsys, "run", "(x1 - 1)^2 + 100*(x2 - x1^2)^2", "--x0", "-1.2", "1",
                             "--max-iter", "3", *QUIET)
    assert status == 1
    assert "maximum number of iterations" in out


def test_list_names_every_demo_with_a_description(capsys):
    status, out, _ = run_cli(capsys, "list")
    assert status == 0
    names = [line.split()[0] for line in out.splitlines()]
    assert "penalty_seed" in names and names == sorted(names)
    assert all(len(line.split(maxsplit=1)) == 2 for line in out.splitlines())
    assert [n for n, _ in demo_list()] == names


@pytest.mark.parametrize("command", [[], ["run"], ["demo"], ["list"]])
def test_every_help_has_an_example(command):
    out = subprocess.run([sys.executable, "-m", "demos.cli", *command, "--help"],
                         capture_output=True, text=True, check=True).stdout
    assert "usage: optviz" in out
    if command:
        assert "example" in out


def test_live_window_gets_restart_controls_including_the_learning_rate(capsys, monkeypatch):
    import demos._cli

    shown = {}

    def fake_run(animator, args, **live):
        shown.update(live)
        return 0

    monkeypatch.setattr(demos._cli, "run", fake_run)
    status, _, _ = run_cli(capsys, "run", *SEED, "--line-search", "fixed", "--step", "0.05",
                           "--max-iter", "30", "--quiet", "--frames", "2")
    assert status in (0, 1)
    assert shown["params"] == {"M0": 1.0, "C": 10.0, "step": 0.05}
    first = next(shown["rerun"]([0.5, 0.5], M0=100.0, C=10.0, step=0.01))
    assert first.M == 100.0 and list(first.x) == [0.5, 0.5]
