"""Loss landscapes: a plane through parameter space, the loss over it, and the path projected on it.

A network's loss lives in as many dimensions as it has parameters; what a 3D picture can show is
its restriction to a plane ``theta(a, b) = theta_c + a d1 + b d2`` (Li, Xu, Taylor, Studer &
Goldstein, "Visualizing the Loss Landscape of Neural Nets", NeurIPS 2018). `Plane` is that map,
plus the projection of parameter vectors and gradients into plane coordinates; the directions
come from `filter_normalized_direction` (random, scaled filter by filter to the parameters) or
`pca_directions` (the two directions in which the recorded trajectory moves most). With the
surface ``(a, b) -> loss(theta(a, b))`` and the projected iterates, `Animator` draws the scene.

Everything here is plain numpy over flat parameter vectors: the network is only seen through a
batched loss ``loss_many(thetas) -> losses`` and, for filter normalization, index groups.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .trace import Returning

__all__ = ["Plane", "filter_normalized_direction", "pca_directions"]

LossMany = Callable[[np.ndarray], np.ndarray]


def filter_normalized_direction(theta: np.ndarray, filters: Sequence[np.ndarray], *,
                                rng: np.random.Generator | int | None = None) -> np.ndarray:
    """A random direction whose every filter has the norm of the same filter of `theta`.

    Parameters
    ----------
    theta : ndarray, shape (n,)
        The parameters the plane passes through (usually the trained ones).
    filters : sequence of index arrays
        Positions of each filter in `theta`, e.g. the weights feeding one unit of a dense layer.
        Filters must not overlap. Entries in no filter (biases) get direction 0.
    rng : numpy Generator or int, optional
        Source (or seed) of the Gaussian draw.

    Returns
    -------
    d : ndarray, shape (n,)

    Raises
    ------
    ValueError
        If an index is out of range or appears in two filters.

    Notes
    -----
    Li et al. (2018, sec. 4) draw ``d ~ N(0, I)`` and rescale each filter,
    ``d_ij <- d_ij / ||d_ij|| * ||theta_ij||`` (layer i, filter j). A network's output is unchanged
    when a ReLU unit's incoming weights are scaled up and its outgoing ones down, so raw
    distances in parameter space are not comparable between layers or networks; matched
    per-filter norms make a step ``a = 1`` the size of the weights themselves everywhere. Like
    their default ``ignore='biasbn'``, biases are left out (direction 0).
    """
    theta = np.asarray(theta, dtype=float)
    if theta.ndim != 1:
        raise ValueError(f"theta must be a flat parameter vector, got shape {theta.shape}")
    rng = np.random.default_rng(rng)
    d = rng.standard_normal(theta.shape)
    seen = np.zeros(theta.shape, dtype=bool)
    out = np.zeros_like(theta)
    for f in filters:
        f = np.asarray(f, dtype=int).ravel()
        if f.size == 0:
            continue
        if f.min() < 0 or f.max() >= theta.size:
            raise ValueError(f"filter indices must lie in range({theta.size}), got {f.min()}..{f.max()}")
        if seen[f].any() or np.unique(f).size != f.size:
            raise ValueError("filters must not overlap: each parameter belongs to at most one filter")
        seen[f] = True
        norm = np.linalg.norm(d[f])
        out[f] = d[f] * (np.linalg.norm(theta[f]) / norm) if norm > 0 else 0.0
    return out


def pca_directions(trajectory: np.ndarray, center: np.ndarray | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The two principal directions of a recorded trajectory, as orthonormal vectors.

    Parameters
    ----------
    trajectory : ndarray, shape (N, n)
        Parameter vectors, one per recorded step (N >= 3).
    center : ndarray, shape (n,), optional
        The point the plane passes through; default the last row (the trained parameters).

    Returns
    -------
    d1, d2 : ndarray, shape (n,)
        Orthonormal; signed so that the trajectory's first point has coordinates <= 0 (it
        arrives from the lower left at `center`).
    explained : ndarray, shape (2,)
        Fraction of the offsets' variance along d1 and d2.

    Raises
    ------
    ValueError
        For fewer than 3 points or a trajectory that does not move in two dimensions.

    Notes
    -----
    As Li et al. (2018, sec. 7): the principal components of ``M = [theta_i - theta_c]``,
    mean-centred (what their scikit-learn PCA does), from the SVD ``M - mean = U S V'``: the
    first two rows of ``V'``. A random plane almost misses a trajectory in high dimension
    (random vectors are nearly orthogonal), so the path would barely move on it; the PCA plane
    is the best 2D fit to the path. If the trajectory lies in a plane through `center`, that
    plane is recovered exactly and the projected path reconstructs it.
    """
    P = np.asarray(trajectory, dtype=float)
    if P.ndim != 2 or P.shape[0] < 3:
        raise ValueError(f"trajectory must be (N, n) with N >= 3 points, got shape {P.shape}")
    c = P[-1] if center is None else np.asarray(center, dtype=float)
    M = P - c
    _, s, Vt = np.linalg.svd(M - M.mean(axis=0), full_matrices=False)
    if s.size < 2 or not s[1] > 1e-12 * max(s[0], 1e-300):
        raise ValueError("the trajectory does not move in two independent directions; "
                         "use filter_normalized_direction for a random plane instead")
    d1, d2 = Vt[0].copy(), Vt[1].copy()
    start = M[0]
    if start @ d1 > 0:
        d1 = -d1
    if start @ d2 > 0:
        d2 = -d2
    explained = s[:2] ** 2 / np.sum(s**2)
    return d1, d2, explained


@dataclass(frozen=True, eq=False)
class Plane:
    """The plane ``theta(a, b) = center + a d1 + b d2`` in parameter space.

    Attributes
    ----------
    center : ndarray, shape (n,)
    d1, d2 : ndarray, shape (n,)
        Linearly independent (orthonormal for PCA, nearly orthogonal for random directions).

    Examples
    --------
    >>> plane = Plane(theta_star, d1, d2)                            # doctest: +SKIP
    >>> anim = Animator(plane.iterates(run), plane.surface(loss_many))  # doctest: +SKIP
    """

    center: np.ndarray
    d1: np.ndarray
    d2: np.ndarray

    def __post_init__(self) -> None:
        vectors = [np.array(v, dtype=float) for v in (self.center, self.d1, self.d2)]
        if vectors[0].ndim != 1 or any(v.shape != vectors[0].shape for v in vectors):
            raise ValueError("center, d1 and d2 must be flat vectors of one length, got shapes "
                             f"{[v.shape for v in vectors]}")
        for name, v in zip(("center", "d1", "d2"), vectors, strict=True):
            v.flags.writeable = False
            object.__setattr__(self, name, v)
        G = self.gram
        if not np.linalg.det(G) > 1e-12 * G[0, 0] * G[1, 1]:
            raise ValueError("d1 and d2 must be linearly independent (and non-zero)")

    @property
    def directions(self) -> np.ndarray:
        """``D = [d1 d2]``, shape (n, 2)."""
        return np.column_stack([self.d1, self.d2])

    @property
    def gram(self) -> np.ndarray:
        """``D' D`` (the identity for orthonormal directions)."""
        D = self.directions
        return D.T @ D

    def points(self, a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
        """Parameter vectors ``center + a d1 + b d2``, shape ``broadcast(a, b).shape + (n,)``."""
        a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
        return self.center + a[..., None] * self.d1 + b[..., None] * self.d2

    def coordinates(self, thetas: np.ndarray) -> np.ndarray:
        """Plane coordinates (a, b) of parameter vectors: the least-squares projection.

        ``(a, b) = (D'D)^-1 D' (theta - center)``; exact for points of the plane. Shape
        ``thetas.shape[:-1] + (2,)``.
        """
        offsets = np.asarray(thetas, dtype=float) - self.center
        return np.linalg.solve(self.gram, (offsets @ self.directions)[..., None])[..., 0]

    def gradient(self, g: np.ndarray) -> np.ndarray:
        """``D' g``: the gradient along the plane, ``d/d(a, b) L(center + a d1 + b d2)``, when
        `g` is the gradient of L at that point (the chain rule)."""
        return np.asarray(g, dtype=float) @ self.directions

    def surface(self, loss_many: LossMany, *, chunk: int = 2048) -> Callable[..., np.ndarray]:
        """The loss over the plane as a vectorized ``F(A, B)`` for `Animator`.

        Parameters
        ----------
        loss_many : callable
            ``loss_many(thetas) -> losses``: thetas of shape (m, n), losses of shape (m,).
        chunk : int
            Parameter vectors per call: bounds memory at ``chunk * n`` floats (plus what
            `loss_many` needs for them), whatever the grid size.

        Returns
        -------
        callable
            ``F(A, B)`` on broadcastable arrays of plane coordinates, an array of their shape.
        """
        if chunk < 1:
            raise ValueError(f"chunk must be a positive number of parameter vectors, got {chunk!r}")

        def F(A: np.ndarray, B: np.ndarray) -> np.ndarray:
            A, B = np.broadcast_arrays(np.asarray(A, dtype=float), np.asarray(B, dtype=float))
            a, b = A.ravel(), B.ravel()
            out = np.empty(a.size)
            for start in range(0, a.size, chunk):
                part = slice(start, start + chunk)
                out[part] = np.asarray(loss_many(self.points(a[part], b[part])), dtype=float).ravel()
            return out.reshape(A.shape)

        return F

    def iterates(self, iterates: Iterable[Any]) -> Generator[Any, None, Any]:
        """The iterates with ``x`` and ``grad`` mapped into the plane, lazily; returns the stream's Result.

        Each record is copied with ``dataclasses.replace`` (e.g. an `optimizers.Iterate`):
        ``x`` becomes its coordinates (a, b), ``grad`` the projected gradient ``D' g``, and
        ``fun`` stays the loss at the real parameters. The step and direction are dropped:
        a step in parameter space is not a line in the plane. What the wrapped stream returns
        (its `Result`) is returned too, so `collect` and ``optimizers.run`` still see it.
        """
        stream = Returning(iterates)
        for it in stream:
            yield dataclasses.replace(it, x=self.coordinates(it.x), grad=self.gradient(it.grad),
                                      step=None, direction=None)
        return stream.result
