"""The morphing network scene: adaptive surface cells, per-frame artists, cached pixels, export."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from PIL import Image
from viz_streams import CountingWriter

from optimizers import Iterate
from viz import NetworkAnimator
from viz.figures import figure_for
from viz.scenes import surface_cells
from viz.scenes.network import SPLIT, STEEP

RNG = np.random.default_rng(0)
X_TRAIN = RNG.uniform(-1, 1, size=(30, 2))


def linear(theta, P):
    """A stand-in network: z = theta0 x1 + theta1 x2 + theta2 (its surface is a plane)."""
    return theta[0] * P[:, 0] + theta[1] * P[:, 1] + theta[2]


def logistic(theta, P):
    return 1.0 / (1.0 + np.exp(-linear(theta, P)))


def run(n=12, scale=1.0):
    """Parameters moving from (0, 0, 0) to (scale, -scale, 0.2) with a falling loss."""
    for k in range(n):
        t = k / (n - 1)
        yield Iterate(k=k, x=np.array([scale * t, -scale * t, 0.2 * t]), fun=1.0 / (1 + k), grad=np.ones(3))


def regression(**options):
    y = linear(np.array([1.0, -1.0, 0.2]), X_TRAIN)
    base = dict(surface_count=6, refine=2, figsize=(6.4, 3.6), dpi=50)
    return NetworkAnimator(run(), linear, X_TRAIN, y, **{**base, **options})


def classifier(**options):
    labels = (X_TRAIN[:, 0] > X_TRAIN[:, 1]).astype(float)
    base = dict(kind="classification", surface_count=6, refine=4, figsize=(6.4, 3.6), dpi=50)
    return NetworkAnimator(run(scale=20.0), logistic, X_TRAIN, labels, **{**base, **options})


# --- surface cells ---------------------------------------------------------------------------------

def shoelace(polygons):
    x, y = polygons[..., 0], polygons[..., 1]
    return 0.5 * np.abs(np.sum(x * np.roll(y, -1, axis=1) - np.roll(x, -1, axis=1) * y, axis=1))


@pytest.mark.parametrize("Z_of", [lambda X, Y: 2 * X - Y + 0.5 * X * Y,  # bilinear: all coarse
                                  lambda X, Y: np.tanh(25 * (X - 0.3 * Y)),  # a cliff
                                  lambda X, Y: np.sin(3 * X) * np.cos(2 * Y)])
def test_cells_tile_the_domain_without_gaps_and_sit_on_grid_values(Z_of):
    xs = np.linspace(-1, 1, 17)
    X, Y = np.meshgrid(xs, np.linspace(0, 2, 17))
    Z = Z_of(X, Y)
    cells = surface_cells(X, Y, Z, step=4, tol=0.01)
    assert cells.shape[1:] == (16, 3)
    assert shoelace(cells).sum() == pytest.approx(2.0 * 2.0)  # the domain's area: no gap, no overlap
    # every vertex is a grid point carrying its grid value, so neighbours share edges exactly
    i = np.rint((cells[..., 1] - 0) / (2 / 16)).astype(int)
    j = np.rint((cells[..., 0] + 1) / (2 / 16)).astype(int)
    np.testing.assert_allclose(cells[..., 2], Z[i, j], atol=1e-12)


def test_only_blocks_that_bend_are_refined():
    X, Y = np.meshgrid(np.linspace(0, 1, 9), np.linspace(0, 1, 9))
    assert len(surface_cells(X, Y, X * Y, step=4, tol=1e-9)) == 4  # bilinear: the 2 x 2 blocks
    cliff = surface_cells(X, Y, np.tanh(40 * (X - 0.8)), step=4, tol=0.01)
    assert len(cliff) == 2 + 2 * 16  # the blocks holding the cliff are split 4 x 4, the others not
    assert len(surface_cells(X, Y, X * Y, step=1, tol=0.0)) == 64


@pytest.mark.parametrize("step", [1, 4])
def test_steep_probability_cells_follow_the_sigmoid_of_an_affine_logit(step):
    # P = sigmoid(a x + b y + c) rises from 0.01 to 0.99 within about one fine cell: the split cells
    # must sit on the true P (log-odds interpolated bilinearly are exact for an affine logit)
    xs = np.linspace(-1, 1, 4 * 4 + 1)
    X, Y = np.meshgrid(xs, xs)

    def P(x, y):
        return 1 / (1 + np.exp(-(40 * x - 25 * y + 3)))

    plain = surface_cells(X, Y, P(X, Y), step=step, tol=0.01)
    cells = surface_cells(X, Y, P(X, Y), step=step, tol=0.01, probability=True)
    assert cells.shape[1:] == (4 * step, 3)
    assert shoelace(cells).sum() == pytest.approx(4.0)  # still the whole domain, once
    np.testing.assert_allclose(cells[..., 2], P(cells[..., 0], cells[..., 1]), atol=1e-9)
    # the steepest drawn cell rises far less than the steepest fine cell; every polygon rising by
    # more than STEEP is a split cell (at most a quarter of a fine cell); and only the steep cells
    # were split: far fewer polygons than a uniformly finer grid would need
    rise, plain_rise = (np.ptp(c[:, ::step, 2], axis=1) for c in (cells, plain))
    assert rise.max() < 0.75 * plain_rise.max()
    fine_area = (2 / 16) ** 2
    assert np.all(shoelace(cells)[rise > STEEP] <= fine_area / 4 + 1e-12)
    assert len(cells) < 0.5 * 16 * 16 * SPLIT**2
    assert len(plain) < len(cells) < len(plain) + (SPLIT**2 - 1) * 16 * 4
    # a surface that is not steep anywhere is not split at all
    gentle = 1 / (1 + np.exp(-0.3 * (X - Y)))  # rises by < 0.08 across a block
    assert len(surface_cells(X, Y, gentle, step=step, tol=0.01, probability=True)) == \
        len(surface_cells(X, Y, gentle, step=step, tol=0.01))


# --- the scene and its frames ------------------------------------------------------------------------

def test_each_frame_shows_the_network_of_its_iterate():
    anim = regression(every=3)
    sc, view = anim.scene, anim.view
    np.testing.assert_array_equal(sc.frames, [0, 3, 6, 9, 11])
    assert len(sc.xs) == 6 * 2 + 1  # surface_count * refine + 1
    theta = np.array([1.0, -1.0, 0.2])  # the last iterate
    view.update(4)
    verts = view.cells.reshape(-1, 3)
    np.testing.assert_allclose(verts[:, 2], np.clip(linear(theta, verts[:, :2]), *sc.zlim), atol=1e-12)
    G1, G2 = np.meshgrid(sc.xs, sc.ys)
    grid_points = np.column_stack([G1.ravel(), G2.ravel()])
    np.testing.assert_allclose(view.image.get_array(), linear(theta, grid_points).reshape(G1.shape))
    segments = view.residuals  # from each target to the network's value
    np.testing.assert_allclose(segments[:, 1, 2], np.clip(linear(theta, X_TRAIN), *sc.zlim))
    np.testing.assert_allclose(segments[:, 0, 2], np.clip(sc.y, *sc.zlim))
    assert view.headline.get_text().startswith("epoch 11") and "0.08333" in view.headline.get_text()
    x, y = view.loss_line.get_data()
    assert len(x) == 12 and y[-1] == pytest.approx(1 / 12)
    view.update(0)  # back to the start: the flat network
    assert np.all(view.image.get_array() == 0) and view.headline.get_text().startswith("epoch 0 ")
    assert sc.zlim[0] <= sc.y.min() and sc.zlim[1] >= sc.y.max()
    anim.close()


def test_classifier_frames_show_probability_boundary_and_accuracy():
    anim = classifier(frames=4, every=3)
    sc, view = anim.scene, anim.view
    assert sc.zlim == (0.0, 1.0) and len(anim) == 4
    view.update(3)  # theta = (20/11*9, -..): boundary where x1 = x2
    bx, by = view.boundary2d.get_data()
    ok = np.isfinite(bx)
    assert ok.sum() >= 2
    np.testing.assert_allclose(bx[ok] - by[ok], -0.2 / (20 * 9 / 11), atol=1e-2)
    assert "accuracy 100.0%" in view.headline.get_text()
    view.update(0)  # theta = 0: P = 1/2 everywhere, no boundary to draw
    assert view.boundary2d.get_data()[0].size == 0
    assert "accuracy" in view.headline.get_text()
    anim.close()


def test_cached_render_equals_a_full_drawing():
    for anim in (regression(frames=3), classifier(frames=3, every=5)):
        view = anim.view
        for frame in (2, 1):
            fast = view.render(frame)
            view.update(frame)
            view.figure.canvas.draw()  # everything, in matplotlib's own order
            full = np.asarray(view.figure.canvas.buffer_rgba())
            rows, cols = np.nonzero(np.any(fast != full, axis=-1))
            # only where the top view's tick marks meet its image (antialiased tick ends)
            x0, y0, x1, y1 = view.ax_top.get_window_extent().extents
            h = full.shape[0]
            on_border = (np.abs(cols - x0) < 1.5) | (np.abs(cols - x1) < 1.5) | \
                        (np.abs(rows - (h - y0)) < 1.5) | (np.abs(rows - (h - y1)) < 1.5)
            assert len(rows) <= 40 and on_border.all(), f"{len(rows)} pixels differ"
        anim.close()


def test_frames_export_with_one_size_and_memory_stays_flat(tmp_path):
    anim = regression()
    result = anim.save_frames(tmp_path / "out", quiet=True)
    files = sorted((tmp_path / "out").glob("frame_*.png"))
    assert result.count == len(files) == len(anim) == 12
    assert {Image.open(f).size for f in files} == {result.size} == {(320, 180)}
    first, last = (np.asarray(Image.open(f).convert("L"), dtype=float) for f in (files[0], files[-1]))
    assert first.std() > 10 and np.abs(first - last).mean() > 0.5  # not blank; the surface moved
    assert len(anim.scene.outputs._cache) <= 8  # a few frames of network values, never all of them
    writer = CountingWriter()
    anim.save(tmp_path / "x.count", writer, quiet=True)
    assert writer.frames == 12
    anim.close()


def test_parallel_export_writes_the_same_frames(tmp_path):
    anim = classifier(frames=6, every=2)
    serial = anim.save_frames(tmp_path / "serial", quiet=True)
    parallel = anim.save_frames(tmp_path / "parallel", quiet=True, parallel=True)
    assert serial.count == parallel.count == 6
    pairs = zip(*(sorted((tmp_path / name).glob("*.png")) for name in ("serial", "parallel")), strict=True)
    for a, b in pairs:
        np.testing.assert_array_equal(np.asarray(Image.open(a)), np.asarray(Image.open(b)))
    anim.close()


def test_restricted_scene_is_plain_data_for_worker_processes():
    anim = regression(frames=4)
    with pytest.raises(TypeError, match="do not pickle"):
        pickle.dumps(anim.scene)
    part = pickle.loads(pickle.dumps(anim.scene.restricted([1, 2])))
    assert sorted(part.outputs) == [int(anim.scene.frames[1]), int(anim.scene.frames[2])]
    np.testing.assert_array_equal(part.values(part.frames[2])[0], anim.scene.values(anim.scene.frames[2])[0])
    fig = figure_for(part)
    assert fig.render(1).shape == (180, 320, 4)
    fig.close()
    anim.close()


@pytest.mark.parametrize("call, message", [
    (lambda: regression(frames=0), "frames"),
    (lambda: NetworkAnimator(run(), lambda t, P: np.zeros((len(P), 2)), X_TRAIN, X_TRAIN[:, 0]), "one value"),
    (lambda: NetworkAnimator(run(), linear, X_TRAIN, X_TRAIN[:, 0], kind="classification"), "labels 0 and 1"),
    (lambda: NetworkAnimator(run(), lambda t, P: linear(t, P) - 1, X_TRAIN, np.ones(30),
                             kind="classification"), "probabilities"),
    (lambda: NetworkAnimator(run(), linear, X_TRAIN[:, :1], X_TRAIN[:, 0]), r"shape \(N, 2\)"),
    (lambda: NetworkAnimator(run(), linear, X_TRAIN, np.ones(5)), "one target per row"),
    (lambda: NetworkAnimator(run(), linear, X_TRAIN, np.ones(30), kind="ranking"), "kind"),
    (lambda: regression(refine=0), "refine"),
])
def test_mistakes_are_refused_at_the_call(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_show_plays_every_frame_live_or_exports_them_headless(tmp_path, monkeypatch, capsys):
    import matplotlib.pyplot as plt

    import viz._animator

    anim = regression(frames=5)
    result = anim.show(fallback_dir=tmp_path / "live", quiet=True)  # Agg: no display
    assert result.count == 5 and "No display" in capsys.readouterr().out
    monkeypatch.setattr(viz._animator, "has_display", lambda: True)  # where show() asks
    monkeypatch.setattr(plt, "show", lambda **kwargs: None)
    player = anim.show(interval=1)  # the live player; its timer's ticks are called by hand
    try:
        shown = [player.frame]
        while player.playing:
            player.tick()
            shown.append(player.frame)
        assert shown == [0, 1, 2, 3, 4, 4]
        assert player.figure._optviz_player is player
    finally:
        plt.close("all")
        anim.close()
