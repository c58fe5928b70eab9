"""`scene_of`: the one place a stream (or several named streams) is read into the scene that fits it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from .framing import Framing, Style
from .line import build_line_scene
from .runs import build_runs_scene
from .sampling import Surface
from .scene import build_scene
from .trace import collect

__all__ = ["scene_of"]


def scene_of(iterates: Iterable[Any] | Mapping[str, Iterable[Any]], surface: Surface | None, *,
             surface_of_M: Callable[[float], Surface] | None, equalities: Sequence[Surface],
             inequalities: Sequence[Surface], title: str | None, colors: Sequence[str] | None,
             framing: Framing, style: Style) -> Any:
    """Several named runs on one surface (a runs `Scene`), one run of one variable (F(x; M) curves,
    a `LineScene`) or of two and more (a `Scene`); see `viz.Animator` for the parameters."""
    limit = framing.read_limit
    if isinstance(iterates, Mapping):
        if surface_of_M is not None or equalities or inequalities:
            raise ValueError("several runs share one plain surface: surface_of_M and constraints "
                             "are for a single (penalty) run")
        traces = {str(name): collect(stream, limit=limit) for name, stream in iterates.items()}
        return build_runs_scene(traces, surface, title=title, framing=framing, colors=colors, style=style)
    trace = collect(iterates, limit=limit)
    build = build_line_scene if trace.n == 1 else build_scene
    return build(trace, surface, surface_of_M=surface_of_M, equalities=equalities, inequalities=inequalities,
                 title=title, framing=framing, style=style)
