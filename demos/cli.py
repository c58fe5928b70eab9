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
import tempfile
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

import demos
from demos import _cli

__all__ = ["main"]

EXIT_FAILED, EXIT_USAGE = 1, 2
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
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "list":
            for name, description in demo_list():
                print(f"{name:<16} {description}")
            return 0
        if args.command == "demo":
            return _demo(args.name, args.demo_args)
        return _run(parser, args)
    except UsageError as error:
        print(f"optviz: error: {error}", file=sys.stderr)
        return EXIT_USAGE


def demo_list() -> list[tuple[str, str]]:
    """Every demo module with the first line of its docstring."""
    out = []
    for info in pkgutil.iter_modules(demos.__path__):
        if info.name.startswith("_") or info.name == "cli":
            continue
        module = importlib.import_module(f"demos.{info.name}")
        out.append((info.name, (module.__doc__ or "").strip().splitlines()[0]))
    return sorted(out)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
    run.add_argument("--x0", nargs="+", type=float, metavar="X", help="start point")
    run.add_argument("--outer", choices=["penalty", "multipliers", "barrier"],
                     help="outer method: exterior penalty (default), method of multipliers, or log barrier "
                          "(needs a strictly feasible --x0)")
    run.add_argument("--method", choices=["gd", "newton", "cg"], help="inner minimizer (default gd)")
    run.add_argument("--line-search", dest="line_search", choices=["exact", "armijo", "fixed"],
                     help="line search (default exact)")
    run.add_argument("--step", type=float, help="fixed step (learning rate), or first trial step (default 1)")
    run.add_argument("--M0", type=float, help="first penalty weight (default 1); the first t for the barrier")
    run.add_argument("--C", type=float, help="penalty growth factor (default 10)")
    run.add_argument("--eps", dest="epsilon", type=float, help="stop when M*alpha < eps (default 1e-5)")
    run.add_argument("--tol", type=float, help="inner gradient tolerance (default 1e-3)")
    run.add_argument("--max-iter", dest="max_iter", type=int, help="inner steps per weight (default 15)")
    run.add_argument("--domain", nargs=4, type=float, metavar=("X1MIN", "X1MAX", "X2MIN", "X2MAX"),
                     help="shown ranges of the first two variables (default: around the path)")
    demo = sub.add_parser("demo", help="run a demo (see 'optviz list')",
                          description="Run a demo; flags after NAME go to the demo.",
                          epilog="example:\n  optviz demo penalty_seed --export frames/ --no-show",
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    demo.add_argument("name", help="a demo name from 'optviz list'")
    demo.add_argument("demo_args", nargs=argparse.REMAINDER, help="the demo's flags")
    sub.add_parser("list", help="list the demos, one a line",
                   description="List the demos: module name and what it shows.",
                   epilog="example:\n  optviz list", formatter_class=argparse.RawDescriptionHelpFormatter)
    return parser


def _demo(name: str, argv: Sequence[str]) -> int:
    names = [n for n, _ in demo_list()]
    if name not in names:
        raise UsageError(f"no demo named {name!r}; choose one of: {', '.join(names)}")
    return importlib.import_module(f"demos.{name}").run(list(argv))


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from optimizers import Status
    from penalty import Problem, ProblemError

    spec = _problem_spec(args)
    try:
        problem = Problem(spec["objective"], spec.get("constraints", ()), spec.get("variables"))
    except ProblemError as error:
        raise UsageError(str(error)) from None
    x0 = spec.get("x0")
    if x0 is None:
        raise UsageError(f"give a start point: --x0 with {problem.n} numbers "
                         f"({', '.join(map(str, problem.variables))})")
    domain = _domain(spec.get("domain"))
    _cli.check(parser, args)
    if args.export:
        _check_writable(Path(args.export))
    options = {key: spec[key] for key in SOLVER_KEYS if spec.get(key) is not None}
    try:
        stream = _outer_stream(problem, x0, options)
    except ValueError as error:  # ProblemError too, e.g. a barrier start outside
        raise UsageError(str(error)) from None

    # The table prints while the solver runs; the iterates (a few floats each) then feed the
    # animator, which may stop early at --frames without cutting the run short.
    recorder = _Recorder(stream, quiet=args.quiet)
    iterates = list(recorder)
    result = recorder.result
    status = 0
    if args.export or args.gif or args.mp4 or not args.no_show:
        status = _animate(problem, iterates, domain, args, options)
    weight = f"t = {1 / result.M:g}" if options.get("outer") == "barrier" else f"M = {result.M:g}"
    print(f"{result.message} x = {_fmt(result.x)}, f = {result.fun:.6g}, "
          f"max violation = {result.max_violation:.3g}, {result.nit} steps, "
          f"{result.nouter} penalty weights ({weight})")
    if status:
        return status
    return 0 if result.status == Status.CONVERGED else EXIT_FAILED


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
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise UsageError(f"{path}: {error}") from None
    unknown = sorted(set(data) - FILE_KEYS)
    if unknown:
        raise UsageError(f"{path}: unknown key {unknown[0]!r}; known keys: {', '.join(sorted(FILE_KEYS))}")
    for key, kind in SOLVER_KEYS.items():
        allowed = (int, float) if kind is float else kind  # TOML writes 10 for 10.0
        if key in data and not isinstance(data[key], allowed):
            raise UsageError(f"{path}: {key} must be a {kind.__name__}, got {data[key]!r}")
    if isinstance(data.get("constraints"), str):
        data["constraints"] = [data["constraints"]]
    for key in ("x0", "domain"):
        value = data.get(key)
        if value is not None and not (isinstance(value, list)
                                      and all(isinstance(v, int | float) for v in value)):
            raise UsageError(f"{path}: {key} must be a list of numbers, got {value!r}")
    return data


def _domain(values: Sequence[float] | None):
    if values is None:
        return None
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise UsageError(f"domain needs 4 finite numbers X1MIN X1MAX X2MIN X2MAX, got {list(values)}")
    (a, b), (c, d) = values[:2], values[2:]
    if not (a < b and c < d):
        raise UsageError(f"domain: each minimum must be below its maximum, got {a:g}..{b:g} and {c:g}..{d:g}")
    return ((a, b), (c, d))


def _check_writable(directory: Path) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as error:
        raise UsageError(f"cannot write frames to {directory}: {error.strerror or error}") from None


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
    return dict(surface_of_M=lambda M: problem.penalized_function(M).surface,
                title=f"F(x; M) = {problem.latex()}")


def _animate(problem, iterates: Iterable, domain, args: argparse.Namespace, options: dict[str, Any]) -> int:
    from viz import Animator

    animator = Animator(
        iterates,
        **_surfaces(problem, options.get("outer")),
        equalities=problem.equality_functions,
        inequalities=problem.inequality_functions,
        domain=domain,
        **_cli.animator_options(args),
    )
    # The live window restarts the run from a clicked point with new M0 and C, and for a fixed
    # step, a new step length: the learning rate of plain gradient descent.
    params = {"M0": options.get("M0", 1.0), "C": options.get("C", 10.0)}
    if options.get("line_search") == "fixed":
        params["step"] = options.get("step", 1.0)

    def rerun(x0, **changed):
        return _outer_stream(problem, x0, {**options, **changed})

    return _cli.run(animator, args, rerun=rerun, params=params)


class _Recorder:
    """Iterates of a stream, printed as a table row each as they pass; keeps the stream's result."""

    HEADER = f"{'k':>5} {'x':<28} {'f':>12} {'F':>12} {'|grad F|':>10} {'M':>8} {'step':>10}"

    def __init__(self, stream, *, quiet: bool) -> None:
        self.stream, self.quiet, self.result = stream, quiet, None

    def __iter__(self) -> Iterator:
        if not self.quiet:
            print(self.HEADER)
        while True:
            try:
                it = next(self.stream)
            except StopIteration as stop:
                self.result = stop.value
                return
            if not self.quiet:
                step = "" if it.step is None else f"{it.step:.3g}"
                print(f"{it.k:>5} {_fmt(it.x):<28} {it.objective:>12.6g} {it.fun:>12.6g} "
                      f"{it.grad_norm:>10.3g} {it.M:>8.3g} {step:>10}", flush=True)
            yield it


def _fmt(x) -> str:
    return "(" + ", ".join(f"{v:.6g}" for v in np.asarray(x)) + ")"


if __name__ == "__main__":
    sys.exit(main())
