"""The network demos end to end on Agg, and the mathematics they stand on."""

from __future__ import annotations

import argparse

import matplotlib

matplotlib.use("Agg", force=True)

import numpy as np
import pytest
from PIL import Image

from demos import loss_landscape, mlp_classifier, mlp_surface
from demos._mlp_data import batched_loss, filters, regression_data, two_moons, weight_indices
from optimizers import MLP

SMALL = ["--frames", "4", "--no-show", "--dpi", "40", "--size", "4", "3", "--quiet"]


def check_frames(directory, count=4):
    files = sorted(directory.glob("frame_*.png"))
    assert len(files) == count
    assert {Image.open(f).size for f in files} == {(160, 120)}
    for f in files:
        gray = np.asarray(Image.open(f).convert("L"), dtype=float)
        assert gray.std() > 10  # not blank
    return files


@pytest.mark.parametrize("demo, extra", [
    (mlp_surface, []),
    (mlp_classifier, ["--every", "20"]),
    (loss_landscape, []),
    (loss_landscape, ["--directions", "random", "--epochs", "30"]),
    (loss_landscape, ["--network", "two-weight", "--optimizer", "momentum", "--lr", "0.05"]),
])
def test_every_demo_runs_headless_and_writes_its_frames(demo, extra, tmp_path, capsys):
    assert demo.run(["--export", str(tmp_path), *SMALL, *extra]) == 0
    check_frames(tmp_path)
    assert "Wrote 4 frames" in capsys.readouterr().out


def test_network_frames_morph_and_export_as_gif(tmp_path):
    gif = tmp_path / "a.gif"
    assert mlp_surface.run(["--export", str(tmp_path / "f"), "--gif", str(gif), "--every", "30", *SMALL]) == 0
    first, last = (np.asarray(Image.open(f).convert("L"), dtype=float)
                   for f in check_frames(tmp_path / "f")[::3])
    assert np.abs(first - last).mean() > 1.0  # the surface changed between epoch 0 and epoch 90
    assert Image.open(gif).n_frames == 4


def test_demo_flags_are_checked(capsys):
    assert mlp_surface.run(["--epochs", "0", "--no-show"]) == 2
    assert "--epochs" in capsys.readouterr().err
    assert loss_landscape.run(["--network", "three-weight", "--no-show"]) == 2
    assert "--network" in capsys.readouterr().err


# --- the mathematics under the pictures ------------------------------------------------------------

@pytest.mark.parametrize("options, targets", [
    (dict(), "regression"),
    (dict(output="sigmoid", loss="bce"), "labels"),
    (dict(output="softmax", loss="cross_entropy", activation="relu"), "one-hot"),
])
def test_batched_loss_is_the_mlps_loss_for_each_parameter_vector(options, targets):
    X, y = regression_data(40, seed=1)
    k = 3 if targets == "one-hot" else 1
    if targets == "labels":
        y = (y > 0).astype(float)
    elif targets == "one-hot":
        y = np.eye(3)[np.digitize(y, [-0.3, 0.3])]
    mlp = MLP([2, 5, 4, k], seed=2, **options)
    thetas = np.array([mlp.init(s) * (1 + s) for s in range(6)])
    expected = [mlp.loss(t, X, y) for t in thetas]
    np.testing.assert_allclose(batched_loss(mlp, X, y)(thetas), expected, rtol=1e-12)


def test_filters_are_the_incoming_weights_of_each_unit_once():
    mlp = MLP([3, 4, 2])
    groups = filters(mlp)
    assert len(groups) == 4 + 2 and all(len(g) == n for g, n in zip(groups, [3] * 4 + [4] * 2, strict=True))
    weights = np.concatenate([W.ravel() for W, _ in weight_indices(mlp)])
    np.testing.assert_array_equal(np.sort(np.concatenate(groups)), np.sort(weights))
    theta = mlp.init(0)
    W1 = mlp.unflatten(theta)[0][0]
    np.testing.assert_array_equal(theta[groups[1]], W1[:, 1])  # unit 1's incoming weights


def test_two_weight_surface_is_exactly_the_networks_loss():
    x, y = loss_landscape.two_weight_data(seed=3)
    mlp, at = loss_landscape.two_weight_network()
    assert mlp.n_params == 4 and sorted(at) == [0, 2]  # W1, then b1, W2, b2: the biases stay 0
    surface = loss_landscape.two_weight_surface(mlp, at, x, y)
    fun, grad = loss_landscape.two_weight_objective(mlp, at, x, y)
    W1, W2 = np.meshgrid(np.linspace(-3, 3, 7), np.linspace(-2, 2, 5))
    Z = surface(W1, W2)
    for w1, w2, z in zip(W1.ravel(), W2.ravel(), Z.ravel(), strict=True):
        closed_form = 0.5 * np.mean((w2 * np.tanh(w1 * x[:, 0]) - y) ** 2)
        assert z == pytest.approx(closed_form, rel=1e-13)
        assert z == pytest.approx(fun(np.array([w1, w2])), rel=1e-13)
    w, h = np.array([0.7, -1.3]), 1e-6  # backprop's gradient is the surface's slope
    slope = [(surface(w[0] + h, w[1]) - surface(w[0] - h, w[1])) / (2 * h),
             (surface(w[0], w[1] + h) - surface(w[0], w[1] - h)) / (2 * h)]
    np.testing.assert_allclose(grad(w), slope, rtol=1e-6)


def args(**flags):
    base = dict(frames=6, every=10, size=(4.0, 3.0), dpi=40.0, style="lecture", seed=0, network="mlp",
                directions="pca", optimizer=None, lr=None, epochs=None)
    return argparse.Namespace(**{**base, **flags})


def test_landscape_surface_at_the_origin_is_the_loss_at_the_centre():
    anim = loss_landscape.build(args())
    tr = anim.trace
    np.testing.assert_allclose(tr.x[-1], 0.0, atol=1e-12)  # the plane passes through theta*
    assert anim.scene.heights[0, -1] == pytest.approx(tr.fun[-1], rel=1e-12)
    assert anim.scene.axis_names == ("$a$", "$b$") and len(anim) == 6
    exact = loss_landscape.build(args(network="two-weight"))
    np.testing.assert_allclose(exact.scene.heights[0], exact.trace.fun, rtol=1e-12)  # no slice: exact


def test_data_sets_are_seeded():
    np.testing.assert_array_equal(two_moons(50, seed=4)[0], two_moons(50, seed=4)[0])
    assert not np.allclose(regression_data(20, seed=1)[0], regression_data(20, seed=2)[0])
    X, labels = two_moons(51)
    assert X.shape == (51, 2) and set(labels) == {0.0, 1.0} and labels.sum() == 26
