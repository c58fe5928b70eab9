"""Every demo's (and ``optviz run``'s) animator, built in-process from its command line, not run.

The demos build their animator and hand it to `demos._cli.run`; here that hand-off is caught, so
a test gets the very animator the command line would export or show.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from demos import _cli, cli

# `optviz run` problems beside the demos: unconstrained, constrained, three variables
RUNS = {
    "run_rosenbrock": ["(1-x1)^2 + 100*(x2-x1^2)^2", "--x0", "-1.2", "1", "--method", "newton"],
    "run_circle": ["x1 + x2", "-c", "x1**2 + x2**2 = 2", "--x0", "1.5", "0.5"],
    "run_3_variables": ["x1^2 + 2*x2^2 + 3*x3^2", "-c", "x1 + x2 + x3 = 1", "--x0", "0.5", "-0.5", "1"],
}


def demo_names() -> list[str]:
    """Every demo of ``optviz list``."""
    return [name for name, _ in cli.demo_list()]


def built_animator(case: str, argv: Sequence[str]) -> Any:
    """The animator that `case` (a demo name or a key of `RUNS`) builds for the flags `argv`."""
    caught: list[Any] = []
    real = _cli.run

    def catch(animator: Any, args: Any, **_: Any) -> int:
        caught.append(animator)
        return 0

    _cli.run = catch
    try:
        if case in RUNS:
            # without --no-show, so that `optviz run` builds the animator (`run` is caught)
            status = cli.main(["run", *RUNS[case], "--quiet", *(a for a in argv if a != "--no-show")])
        else:
            status = importlib.import_module(f"demos.{case}").run(["--quiet", *argv])
    finally:
        _cli.run = real
    if not caught:
        raise AssertionError(f"{case} built no animator (exit status {status})")
    return caught[0]
