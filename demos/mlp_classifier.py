"""A neural network learning to classify: its decision surface P(class 1 | x1, x2) over the epochs.

A 2-16-16-1 tanh network with a sigmoid output is trained by backpropagation and Adam, full
batch, on binary cross-entropy for 200 points of two noisy interleaving moons. Each frame is one
epoch: the probability surface over the input plane with the training points coloured by class
on its floor, the decision boundary P = 1/2, a top view, and the loss.

Run ``python -m demos.mlp_classifier`` (a window; without a display it writes PNG frames and says
where), or export for slides: ``python -m demos.mlp_classifier --export frames/ --gif moons.gif
--no-show``. Training flags: ``--epochs``, ``--optimizer``, ``--lr``; ``--seed`` draws the data
and the initial weights.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from demos._cli import animator_options, main
from demos._mlp_data import predictor, train, training_options, two_moons
from optimizers import MLP
from viz import NetworkAnimator

LAYERS = [2, 16, 16, 1]


def build(args: argparse.Namespace) -> NetworkAnimator:
    """The classification run as an animator sized by the command-line flags."""
    X, labels = two_moons(200, seed=args.seed)
    mlp = MLP(LAYERS, activation="tanh", output="sigmoid", loss="bce", seed=args.seed)
    stream = train(mlp, X, labels, optimizer=args.optimizer, learning_rate=args.lr, epochs=args.epochs)
    return NetworkAnimator(
        stream, predictor(mlp), X, labels, kind="classification",
        title=f"2-16-16-1 tanh network classifying two moons ({args.optimizer}, cross-entropy)",
        # from the top view's bottom edge (x1 to the right, x2 away from the camera): both panels
        # show the moons in the same places; low enough that the axis names stay in the frame
        view=(30.0, -70.0),
        **animator_options(args),
    )


def options(p: argparse.ArgumentParser) -> None:
    training_options(p, epochs=300, learning_rate=0.01)


def run(argv: Sequence[str] | None = None, *, prog: str | None = None) -> int:
    """Entry point (also for tests): parse `argv`, build, export and show; `prog` names the command."""
    return main(build, __doc__.split("\n\n")[0], argv, options=options, prog=prog)


if __name__ == "__main__":
    sys.exit(run())
