"""`NetworkAnimator`: a network's training as its output surface morphing, with export and live view."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ._animator import Animator
from .scenes import DEFAULT_CMAP, Framing, Style, build_network_scene, collect
from .scenes.limits import Domain
from .scenes.network import Kind, Predict

__all__ = ["NetworkAnimator"]


class NetworkAnimator(Animator):
    """Animate a network's training: its output surface over the input plane, morphing epoch by epoch.

    For a 2-input regression the surface is the network's output z = net(x1, x2) with the
    training targets as points above their inputs, each tied to the surface by its residual;
    for a 2-input classifier it is the probability of class 1, with the training points coloured
    by class on the floor and the decision boundary p = 1/2. A top view and the loss curve
    complete the figure; the headline gives the epoch, the loss and (classifier) the accuracy.
    Export and live view work as for `Animator` (PNG frames, GIF, MP4, ``show``).

    Parameters
    ----------
    iterates : iterable
        The training run: records with ``k, x, fun, grad`` where ``x`` is the flat parameter
        vector (e.g. ``adam(*mlp.objective(X, y), mlp.params)``). Read lazily, up to `frames`.
    predict : callable
        ``predict(theta, P) -> values`` of shape (M,) or (M, 1) for input rows P of shape (M, 2):
        the network's output (regression) or its probability of class 1 (classification), e.g.
        ``lambda theta, P: mlp.predict(P, theta)[:, 0]``.
    X : ndarray, shape (N, 2)
        Training inputs.
    y : ndarray, shape (N,)
        Training targets, or class labels 0/1.
    kind : {"regression", "classification"}
    title : str, optional
        Static title (LaTeX allowed in ``$...$``).
    domain : ((xmin, xmax), (ymin, ymax)), optional
        The input square shown; default: a square around the training inputs.
    zlim : (low, high), optional
        Height range (classification: always (0, 1)); default: the targets and the network's
        values over the run (sampled frames, outer 0.5% left out).
    frames, every, figsize, dpi :
        As for `Animator`.
    view : (float, float)
        Camera elevation and azimuth in degrees.
    cmap : str, optional
        Colormap (default viridis for regression, RdBu_r for probabilities).
    alpha : float
        Surface opacity.
    surface_count : int
        Polygons per side of the 3D surface where it is smooth.
    refine : int
        Where the surface bends sharply within a polygon (a classifier's cliff), that polygon
        is split into refine x refine; the network is evaluated on the fine grid of
        ``surface_count * refine + 1`` points per side (the top view shows them all).
    step_name : str
        What one iterate is, for the headline and the loss axis.
    style : {"lecture", "paper"}
        The look, as for `Animator`.

    Notes
    -----
    Per frame, the network is evaluated once on the fine grid and the N training points; a run keeps its
    iterates as a `Trace` (one parameter vector per iterate: 300 epochs of a 400-weight network
    are under 1 MB) and a few frames of network values, never images, so memory does not grow
    with the number of frames exported.
    """

    _framing_keywords = ("domain", "zlim", "frames", "every", "figsize", "dpi")

    def __init__(self, iterates: Iterable[Any], predict: Predict, X: np.ndarray, y: np.ndarray, *,
                 kind: Kind = "regression", title: str | None = None, domain: Domain | None = None,
                 zlim: tuple[float, float] | None = None, frames: int | None = None,
                 every: int = 1, figsize: tuple[float, float] = (12.8, 7.2), dpi: float = 100.0,
                 view: tuple[float, float] = (30.0, -60.0), cmap: str | None = None, alpha: float = 0.8,
                 surface_count: int = 24, refine: int = 4, step_name: str = "epoch",
                 style: str = "lecture"):
        if not callable(predict):
            raise ValueError(f"predict must be a callable predict(theta, P), got {predict!r}")
        self.framing = Framing(domain=domain, zlim=zlim, frames=frames, every=every, figsize=figsize, dpi=dpi)
        if kind not in DEFAULT_CMAP:
            raise ValueError(f"kind must be 'regression' or 'classification', got {kind!r}")
        self._options = dict(predict=predict, X=X, y=y, kind=kind, title=title, view=view, cmap=cmap,
                             alpha=alpha, surface_count=surface_count, refine=refine, step_name=step_name,
                             style=style)
        look = Style(figsize=self.framing.figsize, dpi=self.framing.dpi, cmap=cmap or DEFAULT_CMAP[kind],
                     alpha=alpha, elev=view[0], azim=view[1], surface_count=surface_count, look=style)
        trace = collect(iterates, limit=self.framing.read_limit)
        self.scene = build_network_scene(trace, predict, X, y, kind=kind, title=title, framing=self.framing,
                                         refine=refine, step_name=step_name, style=look)
        self._view = None
