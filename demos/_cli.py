"""Command-line flags shared by every demo, and what to do with them.

Every demo builds an `viz.Animator` from the parsed flags and hands it to `run`, which exports
(PNG frames, GIF, MP4) and then shows the live view, or, on a machine without a display, says so
and exports frames to a default folder instead. `main` checks every flag first (`demos._flags`:
a mistake is one line, exit status 2) and runs the rest under `interruptible` (Ctrl-C or SIGTERM
anywhere is one line, exit status 130 or 143).
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from demos._flags import (
    DPI,
    FPS,
    LOOKS,
    SIZE,
    Parser,
    check_frames,
    check_targets,
    gif_memory_problem,
    number,
    shown,
)

__all__ = ["Built", "animator_options", "check", "interruptible", "main", "parser", "run"]

EXIT_FAILED, EXIT_USAGE, EXIT_NO_FFMPEG, EXIT_INTERRUPTED, EXIT_TERMINATED = 1, 2, 3, 130, 143
MAX_COUNT = 1_000_000  # of --frames and --every: more than any animation holds
MAX_SEED = 2**32 - 1  # numpy's seeds are unsigned


@dataclass(frozen=True)
class Built:
    """What a demo's ``build`` returns when it has more than the animator.

    `live` holds extra `viz.Animator.show` keywords; `figures` maps a file name to a zero-argument
    callable returning a still matplotlib figure, written beside the frames on ``--export DIR``.
    """

    animator: Any
    live: dict[str, Any] = field(default_factory=dict)
    figures: Mapping[str, Callable[[], Any]] = field(default_factory=dict)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the process is, so every Ctrl-C cleanup (temporary files) runs for it too."""


def parser(description: str | None = None, prog: str | None = None) -> argparse.ArgumentParser:
    """The demos' shared flags, each checked as it is parsed (see `demos._flags`)."""
    p = Parser(prog=prog, description=description, formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    out = p.add_argument_group("export")
    out.add_argument("--export", metavar="DIR", help="write PNG frames (and frames.tex) to DIR")
    out.add_argument("--gif", metavar="FILE", help="write an animated GIF (FILE ends in .gif)")
    out.add_argument("--mp4", metavar="FILE",
                     help='write an MP4 (FILE ends in .mp4; needs ffmpeg: pip install "optviz[video]")')
    out.add_argument("--overwrite", action="store_true", help="replace earlier frames in DIR")
    out.add_argument("--parallel", action="store_true", help="render PNG frames on all cores")
    out.add_argument("--fps", type=number(*FPS), default=8.0,
                     help=f"frames per second of GIF, MP4 and frames.tex ({FPS[0]:g} to {FPS[1]:g})")
    look = p.add_argument_group("frames")
    look.add_argument("--dpi", type=number(*DPI), default=100.0,
                      help=f"pixels per inch ({DPI[0]:g} to {DPI[1]:g})")
    look.add_argument("--size", nargs=2, type=number(*SIZE), metavar=("W", "H"), default=(12.8, 7.2),
                      help=f"figure size in inches ({SIZE[0]:g} to {SIZE[1]:g} each)")
    look.add_argument("--style", choices=LOOKS, default="lecture",
                      help="lecture: large text, few ticks, for a projector; paper: denser, for a page")
    look.add_argument("--frames", type=number(1, MAX_COUNT, integer=True), metavar="N",
                      help="at most N frames, spread over the whole run (first and last iterate "
                           "included); with --every K: the first N of every K-th iterate")
    look.add_argument("--every", type=number(1, MAX_COUNT, integer=True), default=1, metavar="K",
                      help="draw every K-th iterate")
    run_group = p.add_argument_group("run")
    run_group.add_argument("--no-show", action="store_true", help="do not open the live window")
    run_group.add_argument("--seed", type=number(0, MAX_SEED, integer=True), default=0,
                           help="seed for demos that draw random numbers (0 to 2^32 - 1)")
    run_group.add_argument("--quiet", action="store_true", help="no progress bars")
    return p


def animator_options(args: argparse.Namespace) -> dict[str, Any]:
    """The `viz.Animator` keywords the shared flags set."""
    return dict(figsize=tuple(args.size), dpi=args.dpi, frames=args.frames, every=args.every,
                style=args.style)


def check(p: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """What needs several flags or the file system: frame pixels and export targets (`p.error` exits)."""
    check_frames(p, args.size, args.dpi)
    check_targets(p, export=args.export, gif=args.gif, mp4=args.mp4)


def run(animator: Any, args: argparse.Namespace, *, prog: str = "optviz",
        figures: Mapping[str, Callable[[], Any]] | None = None, **live: Any) -> int:
    """Export what the flags ask for, then show the animation live (or explain why not).

    `live` holds extra `viz.Animator.show` keywords, e.g. ``rerun=`` and ``params=`` so the
    window can restart the run from a clicked point or with new parameters. `figures` (file
    name -> callable returning a figure) are written to the ``--export`` folder after the
    frames, as in `Built`. `prog` names the command in error lines.

    Returns
    -------
    int
        The process exit status.
    """
    from viz import FFmpegNotFoundError, has_display

    if args.gif:
        too_big = gif_memory_problem(len(animator), args.size, args.dpi)
        if too_big:
            print(f"{prog}: error: --gif: {too_big}", file=sys.stderr)
            return EXIT_USAGE
    exported = False
    try:
        if args.export:
            result = animator.save_frames(args.export, overwrite=args.overwrite, quiet=args.quiet,
                                          fps=args.fps, parallel=args.parallel)
            print(f"Wrote {result.count} frames ({result.size[0]}x{result.size[1]} px) and "
                  f"{result.tex.name} to {result.directory}/")
            exported = True
            _write_figures(figures or {}, Path(args.export))
        if args.gif:
            print(f"Wrote {animator.save_gif(args.gif, fps=args.fps, quiet=args.quiet)}")
            exported = True
        if args.mp4:
            print(f"Wrote {animator.save_mp4(args.mp4, fps=args.fps, quiet=args.quiet)}")
            exported = True
    except (FileExistsError, NotADirectoryError) as error:
        print(f"{prog}: error: {shown(error, 300)}", file=sys.stderr)
        return EXIT_USAGE
    except FFmpegNotFoundError as error:
        print(f"{prog}: error: {shown(error, 300)}", file=sys.stderr)
        return EXIT_NO_FFMPEG
    except OSError as error:  # the disk filled up, or the folder went away, while writing
        where = f" {shown(error.filename)}" if error.filename else ""
        print(f"{prog}: error: cannot write{where}: {shown(error.strerror or error, 300)}", file=sys.stderr)
        return EXIT_FAILED
    if args.no_show:
        return 0
    if exported and not has_display():
        print("No display available: skipped the live view (the exports above hold the animation).")
        return 0
    animator.show(quiet=args.quiet, interval=1000.0 / args.fps, **live)
    return 0


def _write_figures(figures: Mapping[str, Callable[[], Any]], directory: Path) -> None:
    from viz.lecture import save_figure

    for name, make in figures.items():
        print(f"Wrote {save_figure(make(), directory / name)}")


def interruptible(prog: str, action: Callable[[], int]) -> int:
    """`action()`, with Ctrl-C and SIGTERM anywhere (compiling, solving, rendering, encoding) ending in
    one line and exit status 130 (143 for SIGTERM) instead of a traceback.

    SIGTERM is raised as `Terminated`, a KeyboardInterrupt, so the exports remove their temporary
    files for it as for Ctrl-C. The previous handler is restored afterwards.
    """
    with _sigterm_raises() as terminated:
        try:
            return action()
        except KeyboardInterrupt as stop:
            stopped = terminated()
            said = getattr(stop, "reported", False)  # an export that has printed what it left
    if not said:
        print(f"{prog}: {'terminated' if stopped else 'interrupted'}", file=sys.stderr, flush=True)
    return EXIT_TERMINATED if stopped else EXIT_INTERRUPTED


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[Callable[[], bool]]:
    got = []

    def handler(signum, frame):
        got.append(signum)
        raise Terminated

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield lambda: False
        return
    try:
        yield lambda: bool(got)
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(build: Callable[[argparse.Namespace], Any], description: str | None = None,
         argv: Sequence[str] | None = None, *,
         options: Callable[[argparse.ArgumentParser], None] | None = None, prog: str | None = None,
         checks: Callable[[argparse.ArgumentParser, argparse.Namespace], None] | None = None) -> int:
    """Parse `argv`, build the animator with `build(args)`, and `run` it.

    `options(parser)`, if given, adds a demo's own flags to the shared ones, and `checks(parser,
    args)` checks them together. `build` returns the animator, ``(animator, live)`` with
    `live` the extra keywords for its live window, or a `Built`. `prog` names the command in usage and error
    lines (default ``python -m demos.NAME``, NAME the module of `build`).
    """
    prog = prog or _prog(build)
    p = parser(description, prog)
    if options is not None:
        options(p)
    try:
        args = p.parse_args(argv)
        check(p, args)
        if checks is not None:
            checks(p, args)
    except SystemExit as stop:  # a usage error (already printed) or --help: its status, also in-process
        return int(stop.code or 0)

    def build_and_run() -> int:
        built = build(args)
        if isinstance(built, Built):
            return run(built.animator, args, prog=prog, figures=built.figures, **built.live)
        animator, live = built if isinstance(built, tuple) else (built, {})
        return run(animator, args, prog=prog, **live)

    return interruptible(prog, build_and_run)


def _prog(build: Callable[..., Any]) -> str:
    module = build.__module__
    if module == "__main__":  # python -m demos.NAME
        spec = getattr(sys.modules["__main__"], "__spec__", None)
        module = spec.name if spec is not None else module
    return f"python -m {module}"
