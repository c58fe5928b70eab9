"""Bad input, command by command and flag by flag: exit status, at most two stderr lines, no traceback.

Each row is (command line, exit status, a fragment of the message). The rows run in-process through
each command's ``main`` or ``run`` (parsing and checking happen before anything is compiled or
drawn, so they are fast); interruptions are checked in-process by raising in the run, and twice
for real by sending the signal to a subprocess.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import signal
import subprocess
import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from demos import _cli
from demos.cli import main

SEED_RUN = ["run", "-x1 + x2", "-c", "x1 + x2 = 1", "-c", "x2 >= 1", "--x0", "-0.5", "0.2", "--no-show",
            "--quiet"]
DEMOS = ["line_search", "loss_landscape", "mlp_classifier", "mlp_surface", "optimizer_race", "penalty_seed",
         "zigzag"]
ESC = "\x1b[2J"

# Flags every command shares: (flags, fragment). {file}, {dir} are replaced by a file and a folder.
SHARED = [
    (["--dpi", "0.5"], "--dpi: 0.5 is out of range: give a number from 40 to 1000"),
    (["--dpi", "0.01"], "--dpi: 0.01 is out of range"),
    (["--dpi", "1"], "--dpi: 1 is out of range"),
    (["--dpi", "nan"], "--dpi: nan is not finite"),
    (["--dpi", "inf"], "--dpi: inf is not finite"),
    (["--dpi", "1e9"], "--dpi: 1e9 is out of range"),
    (["--dpi", "2000"], "--dpi: 2000 is out of range"),
    (["--dpi", "-1"], "--dpi: -1 is out of range"),
    (["--dpi", "many"], "--dpi: 'many' is not a number"),
    (["--size", "nan", "1"], "--size: nan is not finite"),
    (["--size", "inf", "1"], "--size: inf is not finite"),
    (["--size", "0", "1"], "--size: 0 is out of range: give a number from 0.5 to 100"),
    (["--size", "1e9", "1"], "--size: 1e9 is out of range"),
    (["--size", "100", "100"], "makes frames of 10000x10000 px"),
    (["--size", "60", "40", "--dpi", "200"], "makes frames of 12000x8000 px"),
    (["--size", "40", "40", "--dpi", "200"], "most is 8192 px a side"),
    (["--fps", "1e-300"], "--fps: 1e-300 is out of range: give a number from 0.1 to 100"),
    (["--fps", "1e300"], "--fps: 1e300 is out of range"),
    (["--fps", "nan"], "--fps: nan is not finite"),
    (["--fps", "inf"], "--fps: inf is not finite"),
    (["--fps", "0"], "--fps: 0 is out of range"),
    (["--frames", "0"], "--frames: 0 is out of range: give a whole number from 1 to 1000000"),
    (["--frames", "-3"], "--frames: -3 is out of range"),
    (["--frames", "1.5"], "--frames: '1.5' is not a whole number"),
    (["--frames", "99999999999999"], "--frames: 99999999999999 is out of range"),
    (["--every", "0"], "--every: 0 is out of range"),
    (["--every", "x"], "--every: 'x' is not a whole number"),
    (["--seed", "-1"], "--seed: -1 is out of range: give a whole number from 0 to 4294967295"),
    (["--seed", "4294967296"], "--seed: 4294967296 is out of range"),
    (["--export", "{file}"], "--export '{file}': not a folder"),
    (["--export", "{file}/frames"], "is a file, so no folder can be made in it"),
    (["--export", "/proc"], "cannot create files in /proc"),
    (["--export", "/proc/frames"], "cannot create files in /proc"),
    (["--export", "/dev/null"], "--export '/dev/null': not a folder"),
    (["--export", ""], "--export '': empty"),
    (["--export", "  "], "empty; give a folder"),
    (["--gif", "{dir}"], "a folder; give a file name ending in .gif"),
    (["--gif", "{dir}/noext"], "the name must end in .gif"),
    (["--gif", "{dir}/a.png"], "the name must end in .gif (for PNG use --export DIR)"),
    (["--gif", "/proc/a.gif"], "cannot create files in /proc"),
    (["--gif", "{file}/a.gif"], "is a file, so no folder can be made in it"),
    (["--gif", ""], "--gif '': empty"),
    (["--gif", "/dev/null"], "must end in .gif"),
    (["--mp4", "{dir}/a.gif"], "the name must end in .mp4 (for GIF use --gif)"),
    (["--mp4", "{dir}"], "a folder; give a file name ending in .mp4"),
    (["--mp4", "/proc/a.mp4"], "cannot create files in /proc"),
    (["--mp4", ""], "--mp4 '': empty"),
    (["--mp4", "a\x00.mp4"], "not a usable path"),
    (["--dpi", ESC], r"'\x1b[2J' is not a number"),
    (["--gif", f"{ESC}.png"], r"'\x1b[2J.png'"),
    (["--no-such-flag", ESC], r"unrecognized arguments: --no-such-flag \x1b[2J"),
]

# optviz run's own flags and inputs.
RUN = [
    (["run", "-x1+x2", "--x0", "0", "0"], 'hint: text starting with \'-\' reads as a flag; write optviz run '
                                          '[flags] -- "-x1+x2"'),
    (["run", "x1^2", "-c", "-x1>=0", "--x0", "1"], 'write --constraint="-x1>=0"'),
    (["run", "x1^2 + x2^2", "--x0", "1"], "x0 has 1 number, the problem has 2 variables (x1, x2)"),
    (["run", "x1^2 + x2^2", "--x0", "1", "2", "3"], "x0 has 3 numbers, the problem has 2 variables"),
    (["run", "x1^2", "-c", "x1 >= 1", "--x0", "1", "2"], "x0 has 2 numbers, the problem has 1 variable (x1)"),
    (["run", "x1^2 + x2^2", "--x0", "nan", "1"], "--x0: nan is not allowed: give a finite number"),
    (["run", "x1^2 + x2^2", "--x0", "-inf", "1"], "--x0: -inf is not allowed"),
    (["run", "x1^2 + x2^2", "--x0", "1", "1", "--max-iter", "0"], "--max-iter: 0 is out of range"),
    (["run", "x1^2 + x2^2", "--x0", "1", "1", "--max-iter", "true"], "--max-iter: 'true' is not a whole"),
    (["run", "x1^2 + x2^2", "--x0", "1", "1", "--step", "nan"], "--step: nan is not allowed"),
    (["run", "x1^2 + x2^2", "--x0", "1", "1", "--M0", "inf"], "--M0: inf is not allowed"),
    (["run", "x1^2 + x2^2", "--x0", "1", "1", "--C", "nan"], "--C: nan is not allowed"),
    (["run", "x1^2 + x2^2", "--x0", "1", "1", "--eps", "-inf"], "--eps: -inf is not allowed"),
    (["run", "x1^2 + x2^2", "--x0", "1", "1", "--tol", "nan"], "--tol: nan is not allowed"),
    (["run", "x1^2 + x2^2", "--x0", "1", "1", "--domain", "nan", "1", "0", "1"], "--domain: nan is not"),
    (["run", "x1^2 + x2^2", "--x0", "1", "1", "--domain", "0", "4", "3", "1"], "minimum must be below"),
    (["run", "x1^2 + x2^2", "--x0", "1", "1", "--method", "bfgs"], "--method: invalid choice: 'bfgs'"),
    (["run", f"x1 + {ESC}", "--x0", "1"], r"objective 'x1 + \x1b[2J'"),
    (["run", "x1^2 + zoo", "--x0", "1"], "name 'zoo' is not allowed: values must be finite"),
    (["run", "x1 + x2", "-c", f"x1 >= {ESC}", "--x0", "1", "1"], r"\x1b[2J"),
    (["run", "__import__('os').system('true')", "--x0", "0"], "objective"),
    (["run", "{dir}/missing.toml"], "no such file"),
    (["run"], "the following arguments are required: problem"),
    ([], "the following arguments are required: COMMAND"),
    (["demo", "no_such_demo"], "no demo named 'no_such_demo'"),
    (["demo", f"x{ESC}"], r"no demo named 'x\x1b[2J'"),
    (["demo", "mlp_surface", "--seed", "-1"], "optviz demo mlp_surface: error: argument --seed: -1"),
    (["demo", "mlp_classifier", "--seed", "-1"], "optviz demo mlp_classifier: error: argument --seed"),
    (["demo", "loss_landscape", "--seed", "-1"], "optviz demo loss_landscape: error: argument --seed"),
    (["list", "extra"], "unrecognized arguments: extra"),
]

# Problem files: (contents as bytes, fragment).
TOML = [
    ('objective = "x1^2"\nx0 = [1]\n'.encode("utf-16"), "not UTF-8 text"),
    (b'objective = "x1^2 + \xff"\nx0 = [1]\n', "not UTF-8 text (byte 20)"),
    (b'objective = "x1^2"\nvariables = 5\nx0 = [1]\n', "variables must be a list of strings, got 5"),
    (b'objective = "x1^2"\nvariables = "x1"\nx0 = [1]\n', "variables must be a list of strings"),
    (b"a = " + b"[" * 100_000 + b"]" * 100_000 + b"\n", "nested too deeply"),
    (b'objective = "x1^2"\nx0 = [true]\n', "x0 must be a list of finite numbers, got [True]"),
    (b'objective = "x1^2"\nx0 = [nan]\n', "x0 must be a list of finite numbers, got [nan]"),
    (b'objective = "x1^2"\nx0 = [inf]\n', "x0 must be a list of finite numbers"),
    (b'objective = "x1^2"\nx0 = [1]\nM0 = true\n', "M0 must be a finite number, got true"),
    (b'objective = "x1^2"\nx0 = [1]\nmax_iter = true\n', "max_iter must be a whole number, got true"),
    (b'objective = "x1^2"\nx0 = [1]\nmax_iter = 2.5\n', "max_iter must be a whole number, got 2.5"),
    (b'objective = "x1^2"\nx0 = [1]\nC = nan\n', "C must be a finite number, got nan"),
    (b'objective = "x1^2"\nx0 = [1]\ndomain = "0 1 0 1"\n', "domain must be a list of finite numbers"),
    (b'objective = 5\nx0 = [1]\n', "objective must be a string"),
    (b'objective = "x1^2"\nconstraints = [1]\nx0 = [1]\n', "constraints must be a list of strings, got [1]"),
    (b'objective = "x1^2"\nx0 = [1]\nspeed = 3\n', "unknown key 'speed'"),
    (b'objective = "x1^2"\nx0 = [0, 0\n', "Unclosed array"),
    (b'x0 = [1]\n', "no 'objective' key"),
    (b"# " + b"x" * 1_000_001 + b"\n", "a problem file holds at most 1,000,000"),
    (b'objective = "x1 + \\u001b[2J"\nx0 = [1]\n', r"\x1b[2J"),
]


def _fill(argv, tmp_path):
    file = tmp_path / "a file.txt"
    file.write_text("not a folder")
    return [a.format(file=file, dir=tmp_path) for a in argv]


def _assert_one_clear_error(status, err, code, fragment):
    assert status == code, err
    assert fragment in err
    assert len(err.splitlines()) <= 2, err
    assert "Traceback" not in err
    assert "\x1b" not in err and "\x00" not in err


@pytest.mark.parametrize("command", ["penalty_seed", "optviz run", "optviz demo mlp_surface"])
@pytest.mark.parametrize("flags, fragment", SHARED, ids=[" ".join(f) for f, _ in SHARED])
def test_every_shared_flag_refuses_bad_values(command, flags, fragment, tmp_path, capsys):
    flags = _fill(flags, tmp_path)
    if command == "penalty_seed":
        status = importlib.import_module("demos.penalty_seed").run(["--no-show", *flags])
        prog = "python -m demos.penalty_seed"
    elif command == "optviz run":
        status = main([*SEED_RUN, *flags])
        prog = "optviz"  # the run's own error, or the top parser's for flags it does not know
    else:
        status = main(["demo", "mlp_surface", "--no-show", *flags])
        prog = "optviz demo mlp_surface"
    err = capsys.readouterr().err
    _assert_one_clear_error(status, err, 2, fragment.format(file=tmp_path / "a file.txt", dir=tmp_path))
    assert err.startswith(prog), err


@pytest.mark.parametrize("argv, fragment", RUN, ids=[" ".join(a)[:40] for a, _ in RUN])
def test_optviz_commands_refuse_bad_input(argv, fragment, tmp_path, capsys):
    status = main(_fill(argv, tmp_path))
    _assert_one_clear_error(status, capsys.readouterr().err, 2, fragment)


@pytest.mark.parametrize("contents, fragment", TOML, ids=[f[:30] for _, f in TOML])
def test_problem_files_refuse_bad_keys_types_and_encodings(contents, fragment, tmp_path, capsys):
    path = tmp_path / "problem.toml"
    path.write_bytes(contents)
    start = time.perf_counter()
    status = main(["run", str(path), "--no-show", "--quiet"])
    assert time.perf_counter() - start < 10
    _assert_one_clear_error(status, capsys.readouterr().err, 2, fragment)


DEMO_FLAGS = [
    ("mlp_surface", ["--epochs", "0"], "--epochs: 0 is out of range: give a whole number from 1 to 100000"),
    ("mlp_surface", ["--epochs", "1e9"], "--epochs: '1e9' is not a whole number"),
    ("mlp_surface", ["--lr", "nan"], "--lr: nan is not finite"),
    ("mlp_surface", ["--lr", "0"], "--lr: 0 is out of range: give a number from 1e-09 to 1000"),
    ("mlp_surface", ["--optimizer", "lbfgs"], "--optimizer: invalid choice: 'lbfgs'"),
    ("mlp_surface", ["--seed", "-1"], "--seed: -1 is out of range"),
    ("mlp_classifier", ["--seed", "-1"], "--seed: -1 is out of range"),
    ("mlp_classifier", ["--lr", "inf"], "--lr: inf is not finite"),
    ("loss_landscape", ["--seed", "-1"], "--seed: -1 is out of range"),
    ("loss_landscape", ["--network", "three-weight"], "--network: invalid choice"),
    ("loss_landscape", ["--frames", "1", "--every", "2"], "--directions pca fits its plane to the drawn"),
    ("loss_landscape", ["--epochs", "1"], "these flags draw 2 iterate(s)"),
    ("optimizer_race", ["--function", "rastrigin"], "--function: invalid choice: 'rastrigin'"),
    ("zigzag", ["--function", "beale"], "--function: invalid choice: 'beale'"),
    ("line_search", ["--step", "0.1"], "unrecognized arguments: --step 0.1"),
    ("penalty_seed", ["-x1+x2"], "hint: text starting with '-' reads as a flag"),
    ("penalty_seed", ["--gif", "big.gif", "--size", "76.8", "43.2"], "92 frames of 7680x4320 px would hold"),
]


@pytest.mark.parametrize("name, flags, fragment", DEMO_FLAGS,
                         ids=[f"{n} {' '.join(f)}" for n, f, _ in DEMO_FLAGS])
def test_each_demo_refuses_its_own_bad_flags(name, flags, fragment, capsys):
    status = importlib.import_module(f"demos.{name}").run(["--no-show", *flags])
    err = capsys.readouterr().err
    _assert_one_clear_error(status, err, 2, fragment)
    assert err.startswith(f"python -m demos.{name}: error:")


@pytest.mark.parametrize("name", DEMOS)
def test_demo_usage_names_its_command(name, capsys):
    assert importlib.import_module(f"demos.{name}").run(["--help"]) == 0
    assert capsys.readouterr().out.startswith(f"usage: python -m demos.{name} ")
    assert main(["demo", name, "--help"]) == 0
    assert capsys.readouterr().out.startswith(f"usage: optviz demo {name} ")


@pytest.mark.parametrize("objective, x0", [("sqrt(x1) + x2^2", ["-1", "1"]), ("x1^2 + x2^2", ["1e300", "1"])])
def test_a_run_that_cannot_be_drawn_prints_its_result_then_what_to_pass(objective, x0, tmp_path, capsys):
    status = main(["run", objective, "--x0", *x0, "--export", str(tmp_path / "frames"), "--quiet"])
    out, err = capsys.readouterr()
    _assert_one_clear_error(status, err, 2, "cannot draw this run (the surface is not finite anywhere")
    assert "pass --domain X1MIN X1MAX X2MIN X2MAX" in err
    assert out.startswith("Stopped:") and "x = (" in out and out.count("\n") == 1
    assert not list((tmp_path / "frames").glob("*.png")) if (tmp_path / "frames").exists() else True


def test_the_table_and_result_cover_the_whole_run_when_fewer_frames_are_drawn(tmp_path, capsys):
    # the animator reads 3 iterates; the run (and its table) goes on to the end, streamed
    status = main(["run", "x1^2 + 10*x2^2", "--x0", "8", "0.8", "--max-iter", "40", "--export", str(tmp_path),
                   "--frames", "3", "--dpi", "40", "--size", "4", "3", "--no-show"])
    out = capsys.readouterr().out.splitlines()
    assert status in (0, 1)
    rows = [line for line in out[1:] if line.split()[0].isdigit()]
    result = next(line for line in out if " steps, " in line)
    steps = int(result.split(" steps, ")[0].rsplit(" ", 1)[1])
    assert len(rows) == steps + 1 > 3  # the start and one row per step
    assert len(list(tmp_path.glob("frame_*.png"))) == 3


@pytest.mark.parametrize("signum, code, word",
                         [(None, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")])
def test_an_interruption_anywhere_is_one_line(signum, code, word, capsys, monkeypatch):

    def stopped(*args, **kwargs):
        if signum is None:
            raise KeyboardInterrupt
        os.kill(os.getpid(), signum)  # the handler raises here, mid-work
        time.sleep(5)
        raise AssertionError("the signal did not arrive")

    before = signal.getsignal(signal.SIGTERM)
    assert _cli.main(stopped, argv=["--no-show"], prog="demo") == code
    assert capsys.readouterr().err == f"demo: {word}\n"
    monkeypatch.setattr("penalty.iterates", stopped)
    assert main(SEED_RUN) == code
    assert capsys.readouterr().err == f"optviz: {word}\n"
    assert signal.getsignal(signal.SIGTERM) is before  # the handler is put back


def _started(process, condition, what):
    deadline = time.monotonic() + 60
    while not condition():
        assert process.poll() is None, f"ended before {what}: {process.communicate()}"
        assert time.monotonic() < deadline, f"no {what} within 60 s"
        time.sleep(0.02)


def test_ctrl_c_while_solving_exits_130_with_one_line(tmp_path):
    # a fixed tiny step on Rosenbrock: a run of millions of steps, stopped once its table has begun
    process = subprocess.Popen(
        [sys.executable, "-m", "demos.cli", "run", "(x1 - 1)^2 + 100*(x2 - x1^2)^2", "--x0", "-1", "1",
         "--line-search", "fixed", "--step", "1e-7", "--max-iter", "10000000", "--no-show"],
        stdout=open(tmp_path / "out.txt", "w"), stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    _started(process, lambda: (tmp_path / "out.txt").stat().st_size > 2000, "table rows")
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err == "optviz: interrupted\n"


def test_sigterm_while_writing_a_gif_leaves_no_temporary_file(tmp_path):
    env = {**os.environ, "MPLBACKEND": "Agg"}
    process = subprocess.Popen(
        [sys.executable, "-m", "demos.penalty_seed", "--no-show", "--quiet", "--gif", str(tmp_path / "a.gif"),
         "--dpi", "60"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=env)
    _started(process, lambda: any(tmp_path.glob(".a.*.gif")), "temporary GIF")
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 143, err
    assert err == "python -m demos.penalty_seed: terminated\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_disk_that_fills_up_while_writing_is_one_line(tmp_path, capsys):
    import errno

    class FullDisk:
        def __len__(self):
            return 3

        def save_frames(self, directory, **options):
            raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "frame_1.png"))

    args = _cli.parser().parse_args(["--export", str(tmp_path), "--no-show", "--quiet"])
    assert _cli.run(FullDisk(), args, prog="demo") == 1
    err = capsys.readouterr().err
    assert err == f"demo: error: cannot write {tmp_path / 'frame_1.png'}: No space left on device\n"


def test_ctrl_c_at_the_terminal_while_encoding_an_mp4_exits_130_and_leaves_nothing(tmp_path):
    # a terminal's Ctrl-C reaches the whole process group: the demo and its ffmpeg child alike
    process = subprocess.Popen(
        [sys.executable, "-m", "demos.penalty_seed", "--no-show", "--quiet", "--mp4", str(tmp_path / "a.mp4"),
         "--dpi", "60"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        env={**os.environ, "MPLBACKEND": "Agg"}, start_new_session=True)
    # as soon as the temporary file exists: ffmpeg may be starting (viz holds the signal until it runs)
    _started(process, lambda: any(tmp_path.glob(".a.*.mp4")), "temporary MP4")
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err == "python -m demos.penalty_seed: interrupted\n"
    assert list(tmp_path.iterdir()) == []



def test_sigterm_during_an_overwrite_keeps_the_earlier_export_and_no_temporary_folder(tmp_path, capsys):
    frames = tmp_path / "frames"
    small = ["--no-show", "--quiet", "--dpi", "40", "--size", "4", "3", "--export", str(frames)]
    assert importlib.import_module("demos.penalty_seed").run([*small, "--frames", "3"]) == 0
    earlier = {f.name: f.read_bytes() for f in frames.iterdir()}
    process = subprocess.Popen(
        [sys.executable, "-m", "demos.penalty_seed", *small, "--overwrite", "--frames", "400"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        env={**os.environ, "MPLBACKEND": "Agg"})
    _started(process, lambda: any(tmp_path.glob(".frames.optviz-tmp-*/frame_*.png")), "a first new frame")
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 143, err
    assert err == "python -m demos.penalty_seed: terminated\n"
    assert {f.name: f.read_bytes() for f in frames.iterdir()} == earlier
    assert sorted(p.name for p in tmp_path.iterdir()) == ["frames"]

FLAG_WORDS = ["run", "demo", "list", "x1^2", "--dpi", "--size", "--fps", "--frames", "--every", "--seed",
              "--x0", "--export", "--gif", "--mp4", "-c", "--domain", "--max-iter", "--", "-x1", "nan",
              "-inf", "1e999", "0", "-1", "2.5", "a.gif", "", ESC, "\x00", "é", "--no-such"]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.one_of(st.sampled_from(FLAG_WORDS), st.text(max_size=8)), max_size=8))
def test_any_command_line_parses_or_is_refused_in_two_escaped_lines(argv):
    from demos.cli import _parser

    parser, _ = _parser()
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            parser.parse_args(argv)
        except SystemExit as stop:
            assert stop.code in (0, 2)
    lines = err.getvalue().splitlines()
    assert len(lines) <= 2 and all(line.isprintable() for line in lines), lines
