"""Several named runs over one surface: the plain data a comparison figure draws.

`build_runs_scene` evaluates the surface once, frames every run on the same frame clock (frame f
shows each run up to its own f-th drawn iterate; a finished run stays at its last point) and cuts
each path where it leaves the domain, so a diverging run is drawn up to the box's edge and no
further. The result is an ordinary `Scene` (the longest run as its `trace`) whose `runs` hold
the per-run arrays, so export, pickling to workers and the frame loop stay as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .framing import DEFAULT_FRAMING, Framing, Style
from .limits import Domain, domain_from_points, z_limits
from .sampling import DrawnRows, Surface, evaluate, phi_samples
from .scene import Scene
from .trace import Trace

__all__ = ["RUN_COLORS", "Run", "build_runs_scene"]

# Bright, saturated colours: they stand out on viridis from its dark purple floor (where runs
# converge) to its yellow top, and stay readable as text on a white label box.
RUN_COLORS = ("#e6194b", "#ff8c00", "#e040fb", "#00c8ff", "#76ff03", "#ffd700", "#a0522d", "#000000")


@dataclass(frozen=True, eq=False)
class Run:
    """One named run of a comparison, as arrays.

    Attributes
    ----------
    name : str
        The legend's name of the run.
    trace : Trace
        Every iterate read.
    index : ndarray of int
        Per frame, the trace index shown (clamped to the last: a finished run stays).
    xy : ndarray, shape (N, 2)
        The shown coordinates as drawn: where the run leaves the domain, its point on the box's
        edge, NaN after (so the path stops there).
    z : ndarray, shape (N,)
        The surface's height at `xy`.
    phi : DrawnRows, shape (N, PHI_SAMPLES)
        phi(t) around each drawn step, as `Scene.phi`.
    color : str
        Line colour.
    end_frame : int
        First frame showing the run's last iterate: from there on it no longer changes.
    """

    name: str
    trace: Trace
    index: np.ndarray
    xy: np.ndarray
    z: np.ndarray
    phi: DrawnRows
    color: str
    end_frame: int

    @property
    def status(self) -> str:
        """Why the run ended, in a word ("" if the stream returned no result)."""
        return self.trace.status.lower().replace("_", " ")


def clip_to_domain(xy: np.ndarray, domain: Domain) -> np.ndarray:
    """`xy` with the first point outside `domain` moved onto the box's edge and NaN after it.

    The edge point is where the segment from the last inside point leaves the box, so the drawn
    path ends exactly at the frame, pointing the way the run went.
    """
    (x0, x1), (y0, y1) = domain
    lo, hi = np.array([x0, y0]), np.array([x1, y1])
    with np.errstate(invalid="ignore"):
        inside = np.isfinite(xy).all(axis=1) & (xy >= lo).all(axis=1) & (xy <= hi).all(axis=1)
    out = np.array(xy, dtype=float)
    leaves = np.flatnonzero(~inside)
    if leaves.size == 0:
        return out
    e = int(leaves[0])
    out[e + 1:] = np.nan
    if e == 0 or not np.isfinite(xy[e]).all():
        out[e] = np.nan
        return out
    a, d = out[e - 1], out[e] - out[e - 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        # the largest s in [0, 1] keeping a + s d inside: the smallest exit over the four sides
        s_hi = np.where(d > 0, (hi - a) / d, np.inf)
        s_lo = np.where(d < 0, (lo - a) / d, np.inf)
    s = float(min(1.0, s_hi.min(), s_lo.min()))
    out[e] = a + s * d
    return out


def build_runs_scene(
    traces: Mapping[str, Trace],
    surface: Surface | None,
    *,
    title: str | None = None,
    framing: Framing = DEFAULT_FRAMING,
    colors: Sequence[str] | None = None,
    style: Style | None = None,
) -> Scene:
    """Evaluate the surface once and return the `Scene` of several runs (see `Animator`).

    Raises
    ------
    ValueError
        For no runs, runs of different or more than two variables (the slice through "the current
        point" is not defined for several points), penalty runs, no `surface`, or too few colours.
    """
    if not traces:
        raise ValueError("give at least one run: a mapping of name -> iterate stream")
    if surface is None:
        raise ValueError("several runs need surface=F(X, Y), a vectorized function of the two variables")
    names, runs = list(traces), list(traces.values())
    if any(tr.n != 2 for tr in runs):
        raise ValueError("several runs are drawn on 2-variable problems only; got sizes "
                         f"{[tr.n for tr in runs]} (animate a higher-dimensional run on its own)")
    if any(tr.is_penalty for tr in runs):
        raise ValueError("several runs share one fixed surface: penalty runs (with M) go one at a time")
    palette = tuple(colors) if colors is not None else RUN_COLORS
    if len(palette) < len(runs):
        raise ValueError(f"{len(runs)} runs need as many colours, got {len(palette)}")
    coords, grid, domain, zlim = framing.coords, framing.grid, framing.domain, framing.zlim
    if sorted(coords) != [0, 1]:
        raise ValueError(f"coords must be (0, 1) or (1, 0) for 2-variable runs, got {coords!r}")
    ci, cj = coords
    style = style if style is not None else Style()
    longest = max(range(len(runs)), key=lambda r: len(runs[r]))
    positions = framing.positions(len(runs[longest]))
    if domain is None:  # a diverged run would stretch the box to its last overflow: left out
        framed = [tr.x[: positions[-1] + 1][:, [ci, cj]] for tr in runs if tr.status != "DIVERGED"]
        domain = domain_from_points(np.vstack(framed or [tr.x[:1][:, [ci, cj]] for tr in runs]))
    (x0, x1), (y0, y1) = domain
    xs, ys = np.linspace(x0, x1, grid), np.linspace(y0, y1, grid)
    X, Y = np.meshgrid(xs, ys)
    Z = evaluate(surface, [X, Y] if (ci, cj) == (0, 1) else [Y, X], X.shape)

    built = []
    for r, (name, tr) in enumerate(zip(names, runs, strict=True)):
        index = np.minimum(positions, len(tr) - 1)
        xy = clip_to_domain(tr.x[:, [ci, cj]], domain)
        args = [xy[:, 0], xy[:, 1]] if (ci, cj) == (0, 1) else [xy[:, 1], xy[:, 0]]
        z = evaluate(surface, args, (len(tr),))
        phi = phi_samples(tr, [surface], np.zeros(len(tr), dtype=int), index)
        end = int(np.argmax(index == len(tr) - 1)) if index[-1] == len(tr) - 1 else len(positions)
        for a in (index, xy, z):
            a.flags.writeable = False
        built.append(Run(name=str(name), trace=tr, index=index, xy=xy, z=z, phi=phi, color=palette[r],
                         end_frame=end))
    if zlim is None:
        shown = np.concatenate([run.z[: run.index[-1] + 1] for run in built])
        zlim = z_limits(Z, [Z], shown)
    main = built[longest]
    n_main = len(main.trace)
    names = (f"$x_{{{ci + 1}}}$", f"$x_{{{cj + 1}}}$")
    return Scene(trace=main.trace, frames=positions, coords=(ci, cj), xs=xs, ys=ys, domain=domain,
                 zlim=(float(zlim[0]), float(zlim[1])), m_index=np.zeros(n_main, dtype=int), Ms=(np.nan,),
                 grid_key=np.zeros(n_main, dtype=int), grids={0: Z}, heights=main.z[None, :], phi=main.phi,
                 title=title or "", axis_names=names,
                 style=style, runs=tuple(built))
