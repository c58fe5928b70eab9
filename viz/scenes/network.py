"""`NetworkScene`: the plain data of a network animation, built from the iterates and ``predict``.

Per frame, the network's values on a fine grid over the input plane and at the training points
(evaluated lazily, a few frames cached), the fixed framing, and `surface_cells`, which turns a
frame's grid values into the surface's polygons, coarse where flat and fine where it bends.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from .framing import DEFAULT_FRAMING, Framing, Style
from .limits import Domain, domain_from_points, value_limits
from .sampling import LazyGrids
from .trace import Trace

__all__ = ["DEFAULT_CMAP", "Kind", "NetworkScene", "Predict", "build_network_scene", "surface_cells"]

Kind = Literal["regression", "classification"]
Predict = Callable[[np.ndarray, np.ndarray], np.ndarray]

DEFAULT_CMAP = {"regression": "viridis", "classification": "RdBu_r"}
_ZLIM_SAMPLE_FRAMES = 24


@dataclass(frozen=True, eq=False)
class NetworkScene:
    """Plain data for every frame of a network animation.

    Attributes
    ----------
    trace : Trace
        The training run; ``trace.x`` holds the parameter vectors.
    frames : ndarray of int
        Trace index drawn in each frame.
    kind : {"regression", "classification"}
    X : ndarray, shape (N, 2)
        Training inputs.
    y : ndarray, shape (N,)
        Targets (regression) or class labels 0/1 (classification).
    xs, ys : ndarray
        Grid axes over `domain`.
    domain : ((float, float), (float, float))
    zlim : (float, float)
        Fixed height range of the surface (values outside are clipped to it).
    outputs : mapping of int to ndarray
        Per trace index, the network's values on the grid (row-major, ``len(ys) * len(xs)``)
        followed by its values at the N training points; lazy (and cached for a few frames)
        until `restricted` turns the needed ones into a plain dict for worker processes.
    refine : int
        Fine grid cells per side of one coarse surface polygon (see `surface_cells`).
    title : str
        Static title (LaTeX allowed in ``$...$``).
    step_name : str
        What one iterate is called in the headline ("epoch").
    style : Style
    """

    trace: Trace
    frames: np.ndarray
    kind: str
    X: np.ndarray
    y: np.ndarray
    xs: np.ndarray
    ys: np.ndarray
    domain: Domain
    zlim: tuple[float, float]
    outputs: Mapping[int, np.ndarray]
    refine: int = 1
    title: str = ""
    step_name: str = "epoch"
    style: Style = field(default_factory=Style)

    def __len__(self) -> int:
        return len(self.frames)

    def values(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """The network at trace index `i`: grid values (len(ys), len(xs)) and training-point values (N,)."""
        v = self.outputs[int(i)]
        g = len(self.xs) * len(self.ys)
        return v[:g].reshape(len(self.ys), len(self.xs)), v[g:]

    def restricted(self, positions: Sequence[int]) -> NetworkScene:
        """A copy holding, as a plain dict, only the outputs frames `positions` draw (computed here)."""
        keys = sorted({int(self.frames[p]) for p in positions})
        return replace(self, outputs={k: np.asarray(self.outputs[k]) for k in keys})


def _network_values(predict: Predict, theta: np.ndarray, points: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        out = np.asarray(predict(np.array(theta), points), dtype=float)
    if out.shape not in ((len(points),), (len(points), 1)):
        raise ValueError(f"predict(theta, P) must return one value per row of P, shape ({len(points)},) or "
                         f"({len(points)}, 1); got {out.shape} (for several outputs, select one column)")
    return out.ravel()


def build_network_scene(trace: Trace, predict: Predict, X: np.ndarray, y: np.ndarray, *,
                        kind: Kind = "regression", title: str | None = None,
                        framing: Framing = DEFAULT_FRAMING, refine: int = 4, step_name: str = "epoch",
                        style: Style | None = None
                        ) -> NetworkScene:
    """Check the data, fix the framing and return the `NetworkScene` (see `NetworkAnimator`)."""
    if kind not in DEFAULT_CMAP:
        raise ValueError(f"kind must be 'regression' or 'classification', got {kind!r}")
    style = style if style is not None else Style(cmap=DEFAULT_CMAP[kind], surface_count=24)
    X = np.array(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) == 0:
        raise ValueError(f"X must be the training inputs, shape (N, 2) with N >= 1; got {X.shape}")
    y = np.array(y, dtype=float)
    if y.shape == (len(X), 1):
        y = y[:, 0]
    if y.shape != (len(X),):
        raise ValueError(f"y must hold one target per row of X, shape ({len(X)},); got {y.shape}")
    if kind == "classification" and not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("classification needs labels 0 and 1 in y (for one-hot rows pass labels.argmax(1))")
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        raise ValueError("X and y must be finite")
    if not (isinstance(refine, int) and refine >= 1):
        raise ValueError(f"refine must be a positive integer, got {refine!r}")
    if style.surface_count < 2:
        raise ValueError(f"surface_count must be at least 2 polygons per side, got {style.surface_count!r}")
    grid = style.surface_count * refine + 1  # the fine grid: refine x refine cells per coarse one

    positions = framing.positions(len(trace))
    dom = framing.domain if framing.domain is not None else domain_from_points(X, pad=0.06)
    (x0, x1), (y0, y1) = dom
    xs, ys = np.linspace(x0, x1, grid), np.linspace(y0, y1, grid)
    G1, G2 = np.meshgrid(xs, ys)
    points = np.vstack([np.column_stack([G1.ravel(), G2.ravel()]), X])
    outputs = LazyGrids(lambda i: _network_values(predict, trace.x[i], points), positions)

    first = outputs[int(positions[0])]  # evaluated now, so a wrong predict fails at the call
    if kind == "classification":
        if np.nanmin(first) < -1e-9 or np.nanmax(first) > 1 + 1e-9:
            raise ValueError("classification: predict must return probabilities in [0, 1] "
                             "(apply the sigmoid, or take the softmax column of class 1)")
        limits = (0.0, 1.0)
    elif framing.zlim is not None:
        limits = framing.zlim
    else:
        sample = positions[np.linspace(0, len(positions) - 1, _ZLIM_SAMPLE_FRAMES).astype(int)]
        seen = [y] + [np.nanquantile(outputs[int(i)], (0.005, 0.995)) for i in dict.fromkeys(sample.tolist())]
        limits = value_limits(np.concatenate(seen), log=False)
    return NetworkScene(trace=trace, frames=positions, kind=kind, X=X, y=y, xs=xs, ys=ys, domain=dom,
                        zlim=(float(limits[0]), float(limits[1])), outputs=outputs,
                        refine=refine, title=title or "", step_name=step_name, style=style)


def surface_cells(X: np.ndarray, Y: np.ndarray, Z: np.ndarray, *, step: int, tol: float,
                  probability: bool = False) -> np.ndarray:
    """Polygons of the surface z = Z(X, Y): coarse where it is nearly bilinear, fine where it bends,
    finer still where a probability surface is steep.

    Parameters
    ----------
    X, Y, Z : ndarray, shape (m, n)
        The grid and the values, with ``m - 1`` and ``n - 1`` multiples of `step`.
    step : int
        Fine cells per side of a coarse block.
    tol : float
        Largest gap allowed between the values inside a block and the bilinear interpolation of
        its four corners for the block to be drawn as one polygon.
    probability : bool
        Z is a probability (in [0, 1]): a block rising by more than `STEEP` is refined (one flat
        colour over a wider range shows as a band), and each fine cell rising by k `STEEP` is
        split into k x k cells (k at most `SPLIT`), their heights interpolated in log-odds.

    Returns
    -------
    ndarray, shape (polygons, 4 * step, 3)
        A flat block is one polygon through the ``4 * step`` grid points around its border; a
        block that bends is its ``step**2`` fine cells, each a quadrilateral whose corners are
        repeated `step` times (so all polygons have one vertex count and fit one array).

    Notes
    -----
    A trained classifier's probability rises from 0 to 1 across a band narrower than a coarse
    cell; drawn on a uniform coarse grid that cliff becomes a row of saw teeth (the band is
    aliased), while a uniformly fine grid costs several times the polygons for plateaus that do
    not need them. Refining only the blocks that bend keeps the count near the coarse one.
    Tracing each whole block through the fine points of its border makes it share every vertex
    with refined neighbours, so no cracks open between them.

    A trained classifier's wall can be narrower than a fine cell: P goes from 0.01 to 0.99 across
    one cell, and where the wall runs obliquely to the grid, its cells, each interpolated
    bilinearly, make a saw-tooth. Its log-odds log(P / (1 - P)), however, are smooth (the output
    layer's input), nearly linear across one cell: interpolated bilinearly there and mapped back
    through the sigmoid, they give the wall's true profile inside the cell (exactly, for a
    network whose logit is locally affine), at no extra network evaluations. The split cells'
    edges are the fine cell's own, so they share every vertex with their neighbours too.
    """
    P = np.stack([X, Y, Z], axis=-1)
    fine = np.stack([P[:-1, :-1], P[:-1, 1:], P[1:, 1:], P[1:, :-1]], axis=2)  # (m-1, n-1, 4, 3)
    fine = np.repeat(fine, step, axis=2)
    if step == 1:
        return _split_steep(fine.reshape(-1, 4, 3), 1) if probability else fine.reshape(-1, 4, 3)
    windows = np.lib.stride_tricks.sliding_window_view(P, (step + 1, step + 1), axis=(0, 1))
    blocks = np.moveaxis(windows[::step, ::step], 2, -1)  # (R, C, step + 1, step + 1, 3)
    t = np.linspace(0.0, 1.0, step + 1)
    u, v = t[:, None], t[None, :]  # down the rows, along the columns
    z = blocks[..., 2]
    bilinear = ((1 - u) * (1 - v) * z[..., :1, :1] + (1 - u) * v * z[..., :1, -1:]
                + u * (1 - v) * z[..., -1:, :1] + u * v * z[..., -1:, -1:])
    bends = np.abs(z - bilinear).max(axis=(-2, -1)) > tol
    if probability:  # a block rising by more than STEEP is one colour band too many: refine it
        bends |= np.ptp(z, axis=(-2, -1)) > STEEP
    k = np.arange(step)
    ring_rows = np.concatenate([np.zeros(step, int), k, np.full(step, step), step - k])
    ring_cols = np.concatenate([k, np.full(step, step), step - k, np.zeros(step, int)])
    outlines = blocks[:, :, ring_rows, ring_cols]  # (R, C, 4 * step, 3), around the border
    refined = np.repeat(np.repeat(bends, step, axis=0), step, axis=1)
    cells = _split_steep(fine[refined], step) if probability else fine[refined]
    return np.concatenate([outlines[~bends], cells])


STEEP, SPLIT = 0.15, 3  # a probability changing by k STEEP across a fine cell: split k x k (k <= 3)
_ODDS_CLIP = 1e-9


def _split_steep(cells: np.ndarray, step: int) -> np.ndarray:
    """Fine `cells` (K, 4 * step, 3), each corner repeated `step` times, with the steep ones split."""
    corners = cells[:, ::step]  # (K, 4, 3)
    n = np.minimum(np.ceil(np.ptp(corners[..., 2], axis=1) / STEEP), SPLIT).astype(int)
    parts = [cells[n <= 1]]
    for k in range(2, SPLIT + 1):  # the steeper, the finer: each split cell changes by < STEEP
        parts.append(np.repeat(_split_in_log_odds(corners[n == k], k), step, axis=1))
    return np.concatenate(parts)


def _split_in_log_odds(corners: np.ndarray, n: int) -> np.ndarray:
    """Quadrilaterals `corners` (K, 4, 3), corners (0,0), (0,1), (1,1), (1,0) in (row, column), each
    split into n x n cells: positions bilinear, heights the sigmoid of the bilinear log-odds."""
    t = np.linspace(0.0, 1.0, n + 1)
    u, v = t[:, None, None], t[None, :, None]  # down the rows, along the columns
    c00, c01, c11, c10 = (corners[:, None, None, k] for k in range(4))  # (K, 1, 1, 3)
    P = (1 - u) * (1 - v) * c00 + (1 - u) * v * c01 + u * v * c11 + u * (1 - v) * c10  # (K, n+1, n+1, 3)
    p = np.clip(corners[..., 2], _ODDS_CLIP, 1 - _ODDS_CLIP)
    odds = np.log(p / (1 - p))
    o00, o01, o11, o10 = (odds[:, None, None, k] for k in range(4))
    u, v = u[..., 0], v[..., 0]
    logit = (1 - u) * (1 - v) * o00 + (1 - u) * v * o01 + u * v * o11 + u * (1 - v) * o10
    P[..., 2] = 1 / (1 + np.exp(-logit))
    # the cells' own corners keep their heights (the clip must not move a plateau off 0 or 1)
    P[:, 0, 0, 2], P[:, 0, -1, 2] = corners[:, 0, 2], corners[:, 1, 2]
    P[:, -1, -1, 2], P[:, -1, 0, 2] = corners[:, 2, 2], corners[:, 3, 2]
    sub = np.stack([P[:, :-1, :-1], P[:, :-1, 1:], P[:, 1:, 1:], P[:, 1:, :-1]], axis=3)  # (K, n, n, 4, 3)
    return sub.reshape(-1, 4, 3)
