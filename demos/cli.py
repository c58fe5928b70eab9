"""The ``optviz`` command: your own problem, or a demo, one command away.

    optviz run "-x1 + x2" -c "x1 + x2 = 1" -c "x2 >= 1" --x0 -0.5 0.2 --export frames/
    optviz run problem.toml --gif run.gif
    optviz demo penalty_seed --no-show --export frames/
    optviz list
"""

from __future__ import annotations

import argparse
import importlib
import math
import pkgutil
import sys
import tomllib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

import demos
from demos import _cli
from demos._flags import Parser, finite, number, shown

__all__ = ["main"]

EXIT_FAILED, EXIT_USAGE = 1, 2
MAX_ITER = 10**7  # inner steps per penalty weight
MAX_FILE_BYTES = 1_000_000  # a problem file is a few lines; anything larger is a mistake
SOLVER_KEYS = {"outer": str, "method": str, "line_search": str, "step": float, "M0": float, "C": float,
               "epsilon": float, "tol": float, "max_iter": int}
FILE_KEYS = {"objective", "constraints", "variables", "x0", "domain", *SOLVER_KEYS}

RUN_EXAMPLE = """examples:
  optviz run "-x1 + x2" -c "x1 + x2 = 1" -c "x2 >= 1" --x0 -0.5 0.2
  optviz run "(x1 - 1)^2 + 10*(x2 - x1^2)^2" --x0 -1 1 --method newton --gif rosenbrock.gif
  optviz run problem.toml --export frames/ --no-show

problem.toml holds the same as keys (command-line flags win):
  objective = "-x1 + x2"
  constraints = ["x1 + x2 = 1", "x2 >= 1"]
  x0 = [-0.5, 0.2]
  outer = "penalty"        # penalty | multipliers | barrier
  method = "gd"            # gd | newton | cg
  line_search = "exact"    # exact | armijo | fixed
  step = 0.1               # the fixed step (learning rate); the first trial step otherwise
  M0 = 1
  C = 10
  epsilon = 1e-5
  domain = [0, 4, 0, 4]    # x1 from 0 to 4, x2 from 0 to 4
"""


class UsageError(Exception):
    """A mistake in the command line or problem file: printed as one line, exit status 2."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``optviz`` console script; returns the exit status."""
    parser, commands = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # a usage error (already printed) or --help: its status, also in-process
        return int(stop.code or 0)
    if args.command == "demo":  # the demo guards its own run, under its own name; this guards the import
        return _cli.interruptible("optviz demo", lambda: _demo(args.name, args.demo_args))
    return _cli.interruptible("optviz", lambda: _command(commands[args.command], args))


def _command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    try:
        if args.command == "list":
            for name, description in demo_list():
                print(f"{name:<16} {description}")
            return 0
        return _run(parser, args)
    except UsageError as error:
        print(f"{parser.prog}: error: {shown(error, 300)}", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as stop:  # a flag refused by `_cli.check`, already printed
        return int(stop.code or 0)


def demo_list() -> list[tuple[str, str]]:
    """Every demo module with the first line of its docstring."""
    out = []
    for info in pkgutil.iter_modules(demos.__path__):
        if info.name.startswith("_") or info.name == "cli":
            continue
        module = importlib.import_module(f"demos.{info.name}")
        out.append((info.name, (module.__doc__ or "").strip().splitlines()[0]))
    return sorted(out)


def _parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    parser = Parser(
        prog="optviz", description="See optimization: solve and animate a problem, or run a demo.",
        epilog="run 'optviz COMMAND --help' for a command's options and an example.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser(
        "run", parents=[_cli.parser()], conflict_handler="resolve",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=RUN_EXAMPLE,
        help="solve and animate your own problem (text or a TOML file)",
        description="Minimize an objective under constraints by the exterior-penalty method and "
                    "animate the iterates.")
    run.add_argument("problem", help="the objective, e.g. \"-x1 + x2\", or a .toml problem file")
    run.add_argument("-c", "--constraint", action="append", dest="constraints", metavar="REL",
                     help='a constraint, e.g. "x1 + x2 = 1" or "x2 >= 1" (repeatable)')
    run.add_argument("--x0", nargs="+", type=finite, metavar="X", help="start point")
    run.add_argument("--outer", choices=["penalty", "multipliers", "barrier"],
                     help="outer method: exterior penalty (default), method of multipliers, or log barrier "
                          "(needs a strictly feasible --x0)")
    run.add_argument("--method", choices=["gd", "newton", "cg"], help="inner minimizer (default gd)")
    run.add_argument("--line-search", dest="line_search", choices=["exact", "armijo", "fixed"],
                     help="line search (default exact)")
    run.add_argument("--step", type=finite,
                     help="fixed step (learning rate), or first trial step (default 1)")
    run.add_argument("--M0", type=finite,
                     help="first penalty weight (default 1); the first t for the barrier")
    run.add_argument("--C", type=finite, help="penalty growth factor (default 10)")
    run.add_argument("--eps", dest="epsilon", type=finite, help="stop when M*alpha < eps (default 1e-5)")
    run.add_argument("--tol", type=finite, help="inner gradient tolerance (default 1e-3)")
    run.add_argument("--max-iter", dest="max_iter", type=number(1, MAX_ITER, integer=True),
                     help="inner steps per weight (default 15)")
    run.add_argument("--domain", nargs=4, type=finite, metavar=("X1MIN", "X1MAX", "X2MIN", "X2MAX"),
                     help="shown ranges of the first two variables (default: around the path)")
    demo = sub.add_parser("demo", help="run a demo (see 'optviz list')",
                          description="Run a demo; flags after NAME go to the demo.",
                          epilog="example:\n  optviz demo penalty_seed --export frames/ --no-show",
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    demo.add_argument("name", help="a demo name from 'optviz list'")
    demo.add_argument("demo_args", nargs=argparse.REMAINDER, help="the demo's flags")
    listing = sub.add_parser("list", help="list the demos, one a line",
                             description="List the demos: module name and what it shows.",
                             epilog="example:\n  optviz list",
                             formatter_class=argparse.RawDescriptionHelpFormatter)
    return parser, {"run": run, "demo": demo, "list": listing}


def _demo(name: str, argv: Sequence[str]) -> int:
    names = [n for n, _ in demo_list()]
    if name not in names:
        print(f"optviz demo: error: no demo named '{shown(name)}'; choose one of: {', '.join(names)}",
              file=sys.stderr)
        return EXIT_USAGE
    return importlib.import_module(f"demos.{name}").run(list(argv), prog=f"optviz demo {name}")


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from optimizers import Status
    from penalty import Problem, ProblemError

    _cli.check(parser, args)  # before any compiling: a run must not end at a target it cannot write
    spec = _problem_spec(args)
    try:
        problem = Problem(spec["objective"], spec.get("constraints", ()), spec.get("variables"))
    except ProblemError as error:
        raise UsageError(str(error)) from None
    x0 = spec.get("x0")
    names = ", ".join(map(str, problem.variables))
    if x0 is None:
        raise UsageError(f"give a start point: --x0 with {_counted(problem.n, 'number')} ({names})")
    if len(x0) != problem.n:
        raise UsageError(f"x0 has {_counted(len(x0), 'number')}, the problem has "
                         f"{_counted(problem.n, 'variable')} ({names})")
    domain = _domain(spec.get("domain"))
    options = {key: spec[key] for key in SOLVER_KEYS if spec.get(key) is not None}
    try:
        stream = _outer_stream(problem, x0, options)
    except ValueError as error:  # ProblemError too, e.g. a barrier start outside
        raise UsageError(str(error)) from None

    # The table prints while the solver runs. The animator reads only the iterates it draws (up
    # to --frames) into its arrays; the rest of the run then passes through the table, so no list
    # of iterate objects is ever kept.
    rows = _Rows(stream, quiet=args.quiet)
    animator, undrawable = None, None
    with np.errstate(all="ignore"):  # overflow and NaN become the run's status, never warning lines
        if args.export or args.gif or args.mp4 or not args.no_show:
            try:
                animator = _animator(problem, rows, domain, args, options)
            except ValueError as error:  # e.g. a start where the surface is not finite
                undrawable = str(error).split(": pass ")[0]
        for _ in rows:
            pass
    result = rows.result
    weight = f"t = {1 / result.M:g}" if options.get("outer") == "barrier" else f"M = {result.M:g}"
    print(f"{result.message} x = {_fmt(result.x)}, f = {result.fun:.6g}, "
          f"max violation = {result.max_violation:.3g}, {result.nit} steps, "
          f"{result.nouter} penalty weights ({weight})", flush=True)
    if undrawable is not None:
        raise UsageError(f"cannot draw this run ({shown(undrawable, 200)}); pass --domain X1MIN X1MAX X2MIN "
                         "X2MAX where the function is finite, or start elsewhere with --x0")
    if animator is not None:
        figures = _outer_figures(problem, result, options, args)
        status = _cli.run(animator, args, prog=parser.prog, figures=figures, **_live(problem, options))
        if status:
            return status
    return 0 if result.status == Status.CONVERGED else EXIT_FAILED


def _counted(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _problem_spec(args: argparse.Namespace) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if args.problem.endswith(".toml"):
        spec = _read_toml(Path(args.problem))
    else:
        spec["objective"] = args.problem
    for key in ("constraints", "x0", "domain", *SOLVER_KEYS):
        value = getattr(args, key, None)
        if value is not None:
            spec[key] = value
    if "objective" not in spec:
        raise UsageError(f"{args.problem}: no 'objective' key")
    return spec


def _read_toml(path: Path) -> dict[str, Any]:
    """The keys of a problem file, each of its documented type: one clear line for anything else."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UsageError(f"{shown(path)}: {path.stat().st_size:,} bytes; a problem file holds at most "
                             f"{MAX_FILE_BYTES:,}")
        text = path.read_bytes().decode("utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise UsageError(f"{shown(path)}: no such file") from None
    except UnicodeDecodeError as error:
        raise UsageError(f"{shown(path)}: not UTF-8 text (byte {error.start}); save the file as UTF-8"
                         ) from None
    except RecursionError:
        raise UsageError(f"{shown(path)}: nested too deeply to be a problem file") from None
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise UsageError(f"{shown(path)}: {getattr(error, 'strerror', None) or error}") from None
    unknown = sorted(set(data) - FILE_KEYS)
    if unknown:
        raise UsageError(f"{shown(path)}: unknown key '{shown(unknown[0])}'; known keys: "
                         f"{', '.join(sorted(FILE_KEYS))}")
    for key, kind in SOLVER_KEYS.items():
        if key in data and not _is(data[key], kind):
            raise UsageError(f"{shown(path)}: {key} must be {_KINDS[kind]}, got {_toml(data[key])}")
    for key in ("x0", "domain"):
        value = data.get(key)
        if value is not None and not (isinstance(value, list) and all(_is(v, float) for v in value)):
            raise UsageError(f"{shown(path)}: {key} must be a list of finite numbers, got {_toml(value)}")
    if isinstance(data.get("constraints"), str):
        data["constraints"] = [data["constraints"]]
    for key, listed in (("constraints", True), ("variables", True), ("objective", False)):
        value = data.get(key)
        if value is None:
            continue
        if listed and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise UsageError(f"{shown(path)}: {key} must be a list of strings, got {_toml(value)}")
        if not listed and not isinstance(value, str):
            raise UsageError(f"{shown(path)}: {key} must be a string, e.g. \"x1^2 + x2^2\", "
                             f"got {_toml(value)}")
    return data


_KINDS = {str: "a string", float: "a finite number", int: "a whole number"}


def _is(value: Any, kind: type) -> bool:
    """`value` read from TOML is of `kind` (TOML writes 10 for 10.0; true is not a number)."""
    if isinstance(value, bool):
        return kind is bool
    if kind is float:
        return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))
    return isinstance(value, kind)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return shown(repr(value), 60)


def _domain(values: Sequence[float] | None):
    if values is None:
        return None
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise UsageError(f"domain needs 4 finite numbers X1MIN X1MAX X2MIN X2MAX, got {list(values)}")
    (a, b), (c, d) = values[:2], values[2:]
    if not (a < b and c < d):
        raise UsageError(f"domain: each minimum must be below its maximum, got {a:g}..{b:g} and {c:g}..{d:g}")
    return ((a, b), (c, d))


def _outer_stream(problem, x0, options: dict[str, Any]):
    """The chosen outer method's stream; the barrier's first weight t0 comes in as M0."""
    from penalty import iterates

    options = dict(options)
    if options.get("outer") == "barrier" and "M0" in options:
        options["t0"] = options.pop("M0")
    return iterates(problem, x0, **options)


def _surfaces(problem, outer: str | None) -> dict[str, Any]:
    """The animator's surface and title for an outer method (iterates carry M; the barrier's is 1/t)."""
    from penalty import barrier_function

    if outer == "barrier":
        barrier = barrier_function(problem)
        return dict(surface_of_M=lambda M: barrier.function(1.0 / M).surface,
                    title=r"B(x; t) = f + t \sum h_i^2 - \frac{1}{t} \sum \log(-g_j),\ M = 1/t")
    if outer == "multipliers":  # L_A changes with the multipliers too: draw f, which does not
        return dict(surface=problem.objective_function.surface,
                    title=(f"f(x) = {problem.latex('objective')}"
                           r"\quad \mathrm{(the\ method\ of\ multipliers\ minimizes}\ L_A)"))
    if not (problem.equality_functions or problem.inequality_functions):  # nothing to penalize: f itself
        return dict(surface_of_M=lambda M: problem.penalized_function(M).surface,
                    title=f"f(x) = {problem.latex('objective')}")
    return dict(surface_of_M=lambda M: problem.penalized_function(M).surface,
                title=f"F(x; M) = {problem.latex()}")


def _animator(problem, iterates: Iterator, domain, args: argparse.Namespace, options: dict[str, Any]):
    from viz import Animator

    return Animator(
        iterates,
        **_surfaces(problem, options.get("outer")),
        equalities=problem.equality_functions,
        inequalities=problem.inequality_functions,
        domain=domain,
        **_cli.animator_options(args),
    )


def _outer_figures(problem, result, options: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """``outer_steps.png`` for a constrained run (written beside the frames by ``--export``)."""
    from demos._lecture import OUTER_STEPS_PNG, outer_steps_figure

    n_eq, n_in = len(problem.equalities), len(problem.inequalities)
    if not (n_eq + n_in) or not result.outer_steps:
        return {}
    outer = options.get("outer", "penalty")
    name = {"penalty": "exterior penalty", "multipliers": "method of multipliers",
            "barrier": "log barrier"}[outer]
    names = [f"\u03bb{i + 1}" for i in range(n_eq)] + [f"\u03bc{j + 1}" for j in range(n_in)]
    barrier = outer == "barrier"
    return {OUTER_STEPS_PNG: lambda: outer_steps_figure(
        {name: result}, barrier=[name] if barrier else [], names=names,
        m=n_in if barrier and not n_eq else None, title=f"{name}: per outer step",
        figsize=tuple(args.size), dpi=args.dpi)}


def _live(problem, options: dict[str, Any]) -> dict[str, Any]:
    """The live window's restart hook: from a clicked point with new M0 and C and, for a fixed
    step, a new step length (the learning rate of plain gradient descent)."""
    params = {"M0": options.get("M0", 1.0), "C": options.get("C", 10.0)}
    if options.get("line_search") == "fixed":
        params["step"] = options.get("step", 1.0)

    def rerun(x0, **changed):
        return _outer_stream(problem, x0, {**options, **changed})

    return dict(rerun=rerun, params=params)


class _Rows:
    """The iterates of a stream, each printed as a table row as it passes; keeps the stream's result.

    An iterator with no ``close``: a reader that stops early (the animator at --frames) leaves
    the run to go on, so the table and the result are the whole run's.
    """

    HEADER = f"{'k':>5} {'x':<28} {'f':>12} {'F':>12} {'|grad F|':>10} {'M':>8} {'step':>10}"

    def __init__(self, stream, *, quiet: bool) -> None:
        self.quiet, self.result = quiet, None
        self._rows = self._printed(stream)

    def __iter__(self) -> _Rows:
        return self

    def __next__(self):
        return next(self._rows)

    def _printed(self, stream):
        from optimizers import mapped

        if not self.quiet:
            print(self.HEADER)
        self.result = yield from mapped(stream, self._row)

    def _row(self, it):
        if not self.quiet:
            step = "" if it.step is None else f"{it.step:.3g}"
            print(f"{it.k:>5} {_fmt(it.x):<28} {it.objective:>12.6g} {it.fun:>12.6g} "
                  f"{it.grad_norm:>10.3g} {it.M:>8.3g} {step:>10}", flush=True)
        return it


def _fmt(x) -> str:
    return "(" + ", ".join(f"{v:.6g}" for v in np.asarray(x)) + ")"


if __name__ == "__main__":
    sys.exit(main())
