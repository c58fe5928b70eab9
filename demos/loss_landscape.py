"""The loss landscape of a network: its loss over a plane through parameter space, with the training path.

Default: a 2-16-16-1 tanh network (337 weights) trained by Adam on y = sin(x1) cos(x2), as in
``demos.mlp_surface``. Its loss is a function of 337 variables; the picture shows it on the plane
``theta* + a d1 + b d2`` through the trained weights theta*, spanned by the two principal
directions of the recorded training path (Li et al., "Visualizing the Loss Landscape of Neural
Nets", NeurIPS 2018, sec. 7), with the path projected onto the plane. The surface is exact on the
plane, but the plane is a slice: the path's points lie only near it, so the drawn path runs over
the sliced surface while the labels and curves give the true loss of the real weights.
``--directions random`` uses two random filter-normalized directions instead (Li et al., sec. 4):
the landscape around theta* at the scale of the weights, on which the path barely moves, because
random directions in 337 dimensions are nearly orthogonal to it.

``--network two-weight``: a network with exactly two weights, x -> w2 tanh(w1 x) (one input, one
hidden tanh unit, one output, no biases), fitted to 60 noisy samples of y = 2 tanh(1.5 x) by
gradient descent (SGD, full batch). Its whole parameter space is the plane of (w1, w2), so the
surface is the loss itself, not a slice: the two valleys (w and -w give the same network), the
saddle at the origin and the flat line w1 = 0 are exactly what the optimizer walks on.

Run ``python -m demos.loss_landscape`` (a window; without a display it writes PNG frames and says
where), or for slides: ``python -m demos.loss_landscape --network two-weight --export frames/
--no-show``.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
from collections.abc import Callable, Sequence

import numpy as np

from demos._cli import animator_options, main
from demos._mlp_data import (
    OPTIMIZERS,
    batched_loss,
    filters,
    regression_data,
    train,
    training_options,
    weight_indices,
)
from optimizers import MLP
from viz import Animator, Framing, Plane, filter_normalized_direction, pca_directions

LAYERS = [2, 16, 16, 1]
# (optimizer, learning rate, epochs) when the flags leave them open
DEFAULTS = {"mlp": ("adam", 0.01, 300), "two-weight": ("sgd", 0.2, 200)}
TWO_WEIGHT_START = (2.5, -1.5)  # on the hill between the valleys: the path crosses the landscape


def two_weight_data(n: int = 60, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """x uniform on [-2, 2], y = 2 tanh(1.5 x) + 0.1 noise: a teacher of the same form, w = (1.5, 2)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 2.0, size=(n, 1))
    return x, 2.0 * np.tanh(1.5 * x[:, 0]) + 0.1 * rng.normal(size=n)


def two_weight_network() -> tuple[MLP, np.ndarray]:
    """The 1-1-1 tanh MLP and the positions of its two weights; its biases stay 0 (not trained)."""
    mlp = MLP([1, 1, 1], activation="tanh")
    (W1, _), (W2, _) = weight_indices(mlp)
    return mlp, np.array([W1[0, 0], W2[0, 0]])


def _settings(args: argparse.Namespace) -> tuple[str, float, int]:
    optimizer, lr, epochs = DEFAULTS[args.network]
    return args.optimizer or optimizer, args.lr or lr, args.epochs or epochs


def _shown(args: argparse.Namespace, epochs: int) -> int:
    """Iterates the animation will draw (the plane is fitted to those, not to unseen ones)."""
    needed = Framing(frames=args.frames, every=args.every).read_limit
    return epochs + 1 if needed is None else min(epochs + 1, needed)


def _named(animator: Animator, names: tuple[str, str]) -> Animator:
    # the scene is plain data: a copy with the plane's own coordinate names
    return Animator.from_scene(dataclasses.replace(animator.scene, axis_names=names))


def two_weight_objective(mlp: MLP, at: np.ndarray, x: np.ndarray, y: np.ndarray
                         ) -> tuple[Callable[[np.ndarray], float], Callable[[np.ndarray], np.ndarray]]:
    """The loss and its backpropagated gradient as functions of the two weights w = theta[at]."""
    fun, grad = mlp.objective(x, y)

    def embed(w: np.ndarray) -> np.ndarray:
        theta = np.zeros(mlp.n_params)
        theta[at] = w
        return theta

    return (lambda w: fun(embed(w))), (lambda w: grad(embed(w))[at])


def two_weight_surface(mlp: MLP, at: np.ndarray, x: np.ndarray, y: np.ndarray) -> Callable[..., np.ndarray]:
    """The exact loss surface L(W1, W2), vectorized: every reachable theta is ``W1 e1 + W2 e2``."""
    e1, e2 = np.eye(mlp.n_params)[at]
    return Plane(np.zeros(mlp.n_params), e1, e2).surface(batched_loss(mlp, x, y))


def build_two_weight(args: argparse.Namespace) -> Animator:
    """Gradient descent on the exact loss surface L(w1, w2) of the two-weight network."""
    optimizer, lr, epochs = _settings(args)
    x, y = two_weight_data(seed=args.seed)
    mlp, at = two_weight_network()
    fun, grad = two_weight_objective(mlp, at, x, y)
    stream = OPTIMIZERS[optimizer](fun, grad, TWO_WEIGHT_START, learning_rate=lr, tol=0.0, max_iter=epochs)
    animator = Animator(stream, two_weight_surface(mlp, at, x, y), view=(30.0, -120.0),
                        domain=((-3.0, 3.0), (-3.0, 3.0)),  # both valleys and the saddle between them
                        title=(r"Exact loss of the two-weight network $x \mapsto w_2 \tanh(w_1 x)$: "
                               rf"$L(w_1, w_2) = \frac{{1}}{{2N}}\sum_i (w_2 \tanh(w_1 x_i) - y_i)^2$ "
                               f"({optimizer}, lr {lr:g})"),
                        **animator_options(args))
    return _named(animator, ("$w_1$", "$w_2$"))


def build_mlp(args: argparse.Namespace) -> Animator:
    """The 2-16-16-1 network's training path on a plane through its final weights."""
    optimizer, lr, epochs = _settings(args)
    X, y = regression_data(150, seed=args.seed)
    mlp = MLP(LAYERS, activation="tanh", seed=args.seed)
    # the drawn part of the run first (no more): the plane is fitted to it before any frame is drawn
    run = list(itertools.islice(train(mlp, X, y, optimizer=optimizer, learning_rate=lr, epochs=epochs),
                                _shown(args, epochs)))
    theta_star = run[-1].x
    if args.directions == "pca":
        d1, d2, explained = pca_directions(np.array([it.x for it in run]))
        how = (f"principal directions of the path ({explained[0]:.0%} + {explained[1]:.0%} of its variance)")
        domain = None  # a square around the projected path
    else:
        rng = np.random.default_rng(args.seed)
        d1, d2 = (filter_normalized_direction(theta_star, filters(mlp), rng=rng) for _ in range(2))
        how = "random filter-normalized directions"
        domain = ((-1.0, 1.0), (-1.0, 1.0))  # a = 1: a step as long as the weights, filter by filter
    plane = Plane(theta_star, d1, d2)
    animator = Animator(plane.iterates(run), plane.surface(batched_loss(mlp, X, y), chunk=256),
                        domain=domain, view=(30.0, -60.0),
                        title=(r"Loss of a 2-16-16-1 network on the plane $\theta^* + a\,d_1 + b\,d_2$, "
                               f"{how}; {optimizer}, lr {lr:g}"),
                        **animator_options(args))
    return _named(animator, ("$a$", "$b$"))  # the title says what a and b are


def build(args: argparse.Namespace) -> Animator:
    """The landscape scene the flags ask for, as an animator."""
    return build_two_weight(args) if args.network == "two-weight" else build_mlp(args)


def options(p: argparse.ArgumentParser) -> None:
    scene = p.add_argument_group("landscape")
    scene.add_argument("--network", choices=sorted(DEFAULTS), default="mlp",
                       help="a 2-16-16-1 network on a plane, or the exact two-weight network")
    scene.add_argument("--directions", choices=["pca", "random"], default="pca",
                       help="the plane's directions (2-16-16-1 network only)")
    training_options(p, epochs=None, learning_rate=None, optimizer=None,
                     description="unset flags take each network's defaults: " + "; ".join(
                         f"{n}: {o}, lr {lr:g}, {e} epochs" for n, (o, lr, e) in DEFAULTS.items()))


def checks(p: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """The principal plane needs three drawn iterates (two span only a line)."""
    if args.network == "mlp" and args.directions == "pca":
        shown = _shown(args, _settings(args)[2])
        if shown < 3:
            p.error(f"--directions pca fits its plane to the drawn path, and these flags draw {shown} "
                    "iterate(s): pass --frames 3 or more (and --epochs 2 or more), or --directions random")


def run(argv: Sequence[str] | None = None, *, prog: str | None = None) -> int:
    """Entry point (also for tests): parse `argv`, build, export and show; `prog` names the command."""
    return main(build, __doc__.split("\n\n")[0], argv, options=options, checks=checks, prog=prog)


if __name__ == "__main__":
    sys.exit(run())
