"""A neural network learning a surface: its output z = net(x1, x2) morphing over the epochs.

A 2-16-16-1 tanh network (337 weights, Glorot initialisation) is fitted by backpropagation and
Adam, full batch, to 150 noisy samples of y = sin(x1) cos(x2) on [-3, 3]^2. Each frame is one
epoch: the network's output surface, the training targets tied to it by their residuals, a top
view of the same values, and the training loss (half the mean squared error).

Run ``python -m demos.mlp_surface`` (a window; without a display it writes PNG frames and says
where), or export for slides: ``python -m demos.mlp_surface --export frames/ --gif fit.gif
--no-show``. Training flags: ``--epochs``, ``--optimizer``, ``--lr``; ``--seed`` draws the data
and the initial weights.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from demos._cli import animator_options, main
from demos._mlp_data import predictor, regression_data, train, training_options
from optimizers import MLP
from viz import NetworkAnimator

LAYERS = [2, 16, 16, 1]


def build(args: argparse.Namespace) -> NetworkAnimator:
    """The regression run as an animator sized by the command-line flags."""
    X, y = regression_data(150, seed=args.seed)
    mlp = MLP(LAYERS, activation="tanh", seed=args.seed)
    stream = train(mlp, X, y, optimizer=args.optimizer, learning_rate=args.lr, epochs=args.epochs)
    return NetworkAnimator(
        stream, predictor(mlp), X, y, kind="regression",
        title=rf"2-16-16-1 tanh network fitting $y = \sin x_1 \cos x_2$ ({args.optimizer}, full batch)",
        **animator_options(args),
    )


def options(p: argparse.ArgumentParser) -> None:
    training_options(p, epochs=300, learning_rate=0.01)


def run(argv: Sequence[str] | None = None, *, prog: str | None = None) -> int:
    """Entry point (also for tests): parse `argv`, build, export and show; `prog` names the command."""
    return main(build, __doc__.split("\n\n")[0], argv, options=options, prog=prog)


if __name__ == "__main__":
    sys.exit(run())
