"""Command-line flags shared by every demo, and what to do with them.

Every demo builds an `viz.Animator` from the parsed flags and hands it to `run`, which exports
(PNG frames, GIF, MP4) and then shows the live view, or, on a machine without a display, says so
and exports frames to a default folder instead.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["animator_options", "check", "main", "parser", "run"]

EXIT_USAGE, EXIT_NO_FFMPEG, EXIT_INTERRUPTED = 2, 3, 130


def parser(description: str | None = None) -> argparse.ArgumentParser:
    """The demos' shared flags."""
    p = argparse.ArgumentParser(description=description,
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    out = p.add_argument_group("export")
    out.add_argument("--export", metavar="DIR", help="write PNG frames (and frames.tex) to DIR")
    out.add_argument("--gif", metavar="FILE", help="write an animated GIF")
    out.add_argument("--mp4", metavar="FILE", help='write an MP4 (needs ffmpeg: pip install "optviz[video]")')
    out.add_argument("--overwrite", action="store_true", help="replace earlier frames in DIR")
    out.add_argument("--parallel", action="store_true", help="render PNG frames on all cores")
    out.add_argument("--fps", type=float, default=8.0, help="frames per second of GIF, MP4 and frames.tex")
    look = p.add_argument_group("frames")
    look.add_argument("--dpi", type=float, default=100.0, help="pixels per inch")
    look.add_argument("--size", nargs=2, type=float, metavar=("W", "H"), default=(12.8, 7.2),
                      help="figure size in inches")
    look.add_argument("--frames", type=int, metavar="N", help="at most N frames")
    look.add_argument("--every", type=int, default=1, metavar="K", help="draw every K-th iterate")
    run_group = p.add_argument_group("run")
    run_group.add_argument("--no-show", action="store_true", help="do not open the live window")
    run_group.add_argument("--seed", type=int, default=0, help="seed for demos that draw random numbers")
    run_group.add_argument("--quiet", action="store_true", help="no progress bars")
    return p


def animator_options(args: argparse.Namespace) -> dict[str, Any]:
    """The `viz.Animator` keywords the shared flags set."""
    return dict(figsize=tuple(args.size), dpi=args.dpi, frames=args.frames, every=args.every)


def check(p: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.dpi <= 0 or min(args.size) <= 0:
        p.error("--dpi and --size must be positive")
    if args.frames is not None and args.frames < 1:
        p.error("--frames must be at least 1")
    if args.every < 1:
        p.error("--every must be at least 1")
    if args.fps <= 0:
        p.error("--fps must be positive")


def run(animator: Any, args: argparse.Namespace, **live: Any) -> int:
    """Export what the flags ask for, then show the animation live (or explain why not).

    `live` holds extra `viz.Animator.show` keywords, e.g. ``rerun=`` and ``params=`` so the
    window can restart the run from a clicked point or with new parameters.

    Returns
    -------
    int
        The process exit status.
    """
    from viz import ExportInterrupted, FFmpegNotFoundError, has_display

    exported = False
    try:
        if args.export:
            result = animator.save_frames(args.export, overwrite=args.overwrite, quiet=args.quiet,
                                          fps=args.fps, parallel=args.parallel)
            print(f"Wrote {result.count} frames ({result.size[0]}x{result.size[1]} px) and "
                  f"{result.tex.name} to {result.directory}/")
            exported = True
        if args.gif:
            print(f"Wrote {animator.save_gif(args.gif, fps=args.fps, quiet=args.quiet)}")
            exported = True
        if args.mp4:
            print(f"Wrote {animator.save_mp4(args.mp4, fps=args.fps, quiet=args.quiet)}")
            exported = True
    except FileExistsError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except FFmpegNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_NO_FFMPEG
    except ExportInterrupted:
        return EXIT_INTERRUPTED
    if args.no_show:
        return 0
    if exported and not has_display():
        print("No display available: skipped the live view (the exports above hold the animation).")
        return 0
    try:
        animator.show(quiet=args.quiet, interval=1000.0 / args.fps, **live)
    except ExportInterrupted:
        return EXIT_INTERRUPTED
    return 0


def main(build: Callable[[argparse.Namespace], Any], description: str | None = None,
         argv: Sequence[str] | None = None, *,
         options: Callable[[argparse.ArgumentParser], None] | None = None) -> int:
    """Parse `argv`, build the animator with `build(args)`, and `run` it.

    `options(parser)`, if given, adds a demo's own flags to the shared ones. `build` returns
    the animator, or ``(animator, live)`` with `live` the extra keywords for its live window.
    """
    p = parser(description)
    if options is not None:
        options(p)
    args = p.parse_args(argv)
    check(p, args)
    built = build(args)
    animator, live = built if isinstance(built, tuple) else (built, {})
    return run(animator, args, **live)
