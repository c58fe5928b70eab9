"""Every command-line flag checked once, at the edge: one clear line naming the flag, the value and the fix.

`Parser` is the argparse parser of every command and demo: its errors are two lines at most (the
error, then a hint or where the help is), control characters escaped, exit status 2. `number` and
`finite` are the flag types that refuse what is not a number in range at parse time; `check_frames`
and `check_targets` check what needs several flags or the file system, before anything runs.
"""

from __future__ import annotations

import argparse
import errno
import math
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

__all__ = ["DPI", "FPS", "LOOKS", "MAX_GIF_BYTES", "MAX_PIXELS", "MAX_SIDE", "SIZE", "Parser", "check_frames",
           "check_targets", "finite", "gif_memory_problem", "number", "shown"]

EXIT_USAGE = 2
DPI = (40.0, 1000.0)  # below 40 dpi the smallest labels fall under FreeType's one-pixel glyph size
SIZE = (0.5, 100.0)  # inches, each side
FPS = (0.1, 100.0)  # GIF durations are whole centiseconds: 100 fps is the fastest a GIF can say
LOOKS = ("lecture", "paper")  # --style: viz.scenes.LOOKS (the flags layer imports no viz at parse time)
MAX_SIDE = 8192  # pixels of either side of a frame
MAX_PIXELS = 7680 * 4320  # 8K UHD: one RGBA frame is 130 MB already
MAX_GIF_BYTES = 2_000_000_000  # a GIF's frames, held in memory as palette images until it is written
# a number, with exponent: "-1e300" is a value of --x0, not an unknown flag (argparse 3.11 says flag)
_READS_AS_FLAG = "hint: {} starting with '-' reads as a flag; write"
_NEGATIVE_NUMBER = re.compile(r"^-((\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|inf|infinity|nan)$", re.IGNORECASE)


def shown(text: object, limit: int = 200) -> str:
    """`text` safe to print: control characters escaped (``\\x1b`` stays visible, never acts), shortened."""
    out = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in str(text))
    return out if len(out) <= limit else out[: limit - 3] + "..."


class Parser(argparse.ArgumentParser):
    """An argparse parser whose errors are one line, plus one line of hint or help pointer.

    A user's mistake must not scroll a screen: argparse's own usage block (many lines for
    ``optviz run``) is replaced by the pointer to ``--help``.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = _NEGATIVE_NUMBER
        self._argv: list[str] = []

    def parse_known_args(self, args=None, namespace=None):
        self._argv = [str(a) for a in (sys.argv[1:] if args is None else args)]
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        hint = self._hint() or f"run '{self.prog} --help' for the flags and an example"
        self.exit(EXIT_USAGE, f"{self.prog}: error: {shown(message, 300)}\n{shown(hint, 300)}\n")

    def _hint(self) -> str | None:
        """What a user obviously meant: an objective or constraint starting with '-' is not a flag."""
        known = self._option_string_actions
        for i, token in enumerate(self._argv):
            if token == "--":
                return None
            if (token.startswith("-") and not token.startswith("--") and len(token) > 1
                    and " " not in token and token not in known and not _is_number(token)
                    and not any(token.startswith(flag) for flag in known if len(flag) == 2)):
                before = self._argv[i - 1] if i else ""
                if before in ("-c", "--constraint"):
                    return f'{_READS_AS_FLAG.format("a constraint")} --constraint="{token}"'
                return f'{_READS_AS_FLAG.format("text")} {self.prog} [flags] -- "{token}"'
        return None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def number(low: float, high: float, *, integer: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite number (a whole one if `integer`) from `low` to `high`."""
    kind, form = ("a whole number", "d") if integer else ("a number", "g")
    accepted = f"{kind} from {low:{form}} to {high:{form}}"

    def parse(text: str) -> float:
        try:
            value = int(text) if integer else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{shown(text, 40)}' is not {accepted}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{shown(text, 40)} is not finite: give {accepted}")
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{shown(text, 40)} is out of range: give {accepted}")
        return value

    parse.__name__ = "int" if integer else "float"
    return parse


def finite(text: str) -> float:
    """An argparse type: any finite number (inf and nan refused)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{shown(text, 40)}' is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{shown(text, 40)} is not allowed: give a finite number")
    return value


def check_frames(p: argparse.ArgumentParser, size: Sequence[float], dpi: float) -> None:
    """Refuse a frame of more pixels than an export can hold (`p.error` exits)."""
    w, h = (round(side * dpi) for side in size)
    if max(w, h) > MAX_SIDE or w * h > MAX_PIXELS:
        p.error(f"--size {size[0]:g} {size[1]:g} at --dpi {dpi:g} makes frames of {w}x{h} px; the most is "
                f"{MAX_SIDE} px a side and {MAX_PIXELS / 1e6:.1f} million px (7680x4320): "
                "lower --dpi or --size")


def gif_memory_problem(frames: int, size: Sequence[float], dpi: float) -> str | None:
    """Why a GIF of `frames` frames is refused: Pillow holds every frame (1 byte a pixel) until the end."""
    w, h = (round(side * dpi) for side in size)
    held = frames * w * h
    if held <= MAX_GIF_BYTES:
        return None
    return (f"{frames} frames of {w}x{h} px would hold {held / 1e9:.1f} GB in memory until the GIF is "
            f"written (the most is {MAX_GIF_BYTES / 1e9:g} GB): pass --every, --frames or a smaller --size "
            "or --dpi, or write --mp4, which streams")


def check_targets(p: argparse.ArgumentParser, *, export: str | None = None, gif: str | None = None,
                  mp4: str | None = None) -> None:
    """Refuse export targets that cannot be written, before any work (`p.error` exits)."""
    problems = [("--export", export, _folder_problem(export) if export is not None else None),
                ("--gif", gif, _file_problem(gif, ".gif") if gif is not None else None),
                ("--mp4", mp4, _file_problem(mp4, ".mp4") if mp4 is not None else None)]
    for flag, value, problem in problems:
        if problem:
            p.error(f"{flag} '{shown(value)}': {problem}")


def _folder_problem(path: str) -> str | None:
    if not path.strip():
        return "empty; give a folder for the PNG frames, e.g. --export frames/"
    if "\x00" in path:
        return "not a usable path (it holds a NUL character)"
    try:
        target = Path(path)
        if target.exists() and not target.is_dir():
            return "not a folder; give a folder for the PNG frames, e.g. --export frames/"
        return _unwritable(target)
    except (OSError, ValueError) as error:
        return f"not a usable path ({shown(getattr(error, 'strerror', None) or error)})"


def _file_problem(path: str, suffix: str) -> str | None:
    other = {".gif": "--gif", ".mp4": "--mp4", ".png": "--export DIR"}
    if not path.strip():
        return f"empty; give a file name ending in {suffix}"
    if "\x00" in path:
        return "not a usable path (it holds a NUL character)"
    try:
        target = Path(path)
        if target.is_dir():
            return f"a folder; give a file name ending in {suffix}, e.g. {target / ('run' + suffix)}"
        if target.suffix.lower() != suffix:
            instead = other.get(target.suffix.lower())
            also = f" (for {target.suffix.lower()[1:].upper()} use {instead})" if instead else ""
            return f"the name must end in {suffix}{also}"
        if target.exists() and not target.is_file():
            return f"not a regular file; give a file name ending in {suffix}"
        return _unwritable(target.parent)
    except (OSError, ValueError) as error:
        return f"not a usable path ({shown(getattr(error, 'strerror', None) or error)})"


def _unwritable(folder: Path) -> str | None:
    """Why no file can be created in `folder` or, if it is missing, in its nearest existing parent."""
    existing = folder
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        return f"{shown(existing)} is a file, so no folder can be made in it"
    try:
        with tempfile.NamedTemporaryFile(dir=existing, prefix=".optviz-probe-"):
            pass
    except OSError as error:  # /proc answers "no such file" for a folder it does have
        reason = "the system allows no new files there" if error.errno == errno.ENOENT else error.strerror
        return f"cannot create files in {shown(existing)} ({reason or error})"
    return None
