"""Loss-landscape planes: filter normalization, PCA of a path, projections, the vectorized surface."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizers import Iterate, adam
from viz import Animator, Plane, collect, filter_normalized_direction, pca_directions


def quadratic(n: int, seed: int = 0):
    """f(theta) = 0.5 theta' A theta with A symmetric positive definite, batched over rows."""
    rng = np.random.default_rng(seed)
    Q = rng.normal(size=(n, n))
    A = Q @ Q.T + n * np.eye(n)

    def loss_many(thetas):
        thetas = np.atleast_2d(thetas)
        return 0.5 * np.einsum("mi,ij,mj->m", thetas, A, thetas)

    return A, loss_many


# --- filter normalization ------------------------------------------------------------------------

def test_each_filter_of_the_direction_has_the_norm_of_the_parameters_filter():
    rng = np.random.default_rng(1)
    theta = rng.normal(size=23)
    filters = [np.arange(0, 5), np.arange(5, 12), np.array([12, 15, 18]), np.arange(19, 21)]
    d = filter_normalized_direction(theta, filters, rng=7)
    for f in filters:
        assert np.linalg.norm(d[f]) == pytest.approx(np.linalg.norm(theta[f]), rel=1e-12)
    outside = np.setdiff1d(np.arange(23), np.concatenate(filters))  # biases: direction 0
    assert np.all(d[outside] == 0.0)
    np.testing.assert_array_equal(d, filter_normalized_direction(theta, filters, rng=7))  # seeded
    assert not np.allclose(d, filter_normalized_direction(theta, filters, rng=8))


def test_a_zero_filter_stays_zero_and_bad_filters_are_refused():
    theta = np.array([0.0, 0.0, 1.0, 2.0])
    d = filter_normalized_direction(theta, [[0, 1], [2, 3]], rng=0)
    assert np.all(d[:2] == 0.0) and np.linalg.norm(d[2:]) == pytest.approx(np.sqrt(5.0))
    with pytest.raises(ValueError, match="overlap"):
        filter_normalized_direction(theta, [[0, 1], [1, 2]])
    with pytest.raises(ValueError, match="range"):
        filter_normalized_direction(theta, [[3, 4]])


# --- PCA of a trajectory ---------------------------------------------------------------------------

@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(3, 40), steps=st.integers(3, 30))
def test_pca_of_a_planar_path_recovers_its_plane_and_the_path(seed, n, steps):
    rng = np.random.default_rng(seed)
    center = rng.normal(size=n)
    U = np.linalg.qr(rng.normal(size=(n, 2)))[0] * rng.uniform(0.5, 3.0, size=2)  # any plane
    ab = rng.normal(size=(steps, 2)).cumsum(axis=0)
    ab -= ab[-1]  # the path ends at the centre, as a training run ends at theta*
    path = center + ab @ U.T
    d1, d2, explained = pca_directions(path)
    D = np.column_stack([d1, d2])
    np.testing.assert_allclose(D.T @ D, np.eye(2), atol=1e-10)  # orthonormal
    assert explained.sum() == pytest.approx(1.0)  # all the variance lies in the plane
    plane = Plane(path[-1], d1, d2)
    coords = plane.coordinates(path)
    np.testing.assert_allclose(plane.points(coords[:, 0], coords[:, 1]), path, atol=1e-9)
    assert coords[0, 0] <= 1e-12 and coords[0, 1] <= 1e-12  # signed: the path arrives from below


def test_pca_refuses_a_path_that_moves_along_a_line():
    path = np.outer(np.linspace(0, 1, 10), np.arange(5.0))
    with pytest.raises(ValueError, match="two independent directions"):
        pca_directions(path)
    with pytest.raises(ValueError, match="N >= 3"):
        pca_directions(path[:2])


# --- the plane ---------------------------------------------------------------------------------------

def test_surface_at_the_origin_is_the_loss_at_the_centre_and_matches_pointwise_evaluation():
    A, loss_many = quadratic(7)
    rng = np.random.default_rng(3)
    plane = Plane(rng.normal(size=7), rng.normal(size=7), rng.normal(size=7))
    F = plane.surface(loss_many, chunk=5)  # a chunk that does not divide the grid
    assert F(0.0, 0.0) == pytest.approx(loss_many(plane.center)[0], rel=1e-14)
    a, b = np.meshgrid(np.linspace(-2, 2, 9), np.linspace(-1, 1, 4))
    Z = F(a, b)
    assert Z.shape == (4, 9)
    pointwise = [loss_many(plane.center + ai * plane.d1 + bi * plane.d2)[0]
                 for ai, bi in zip(a.ravel(), b.ravel(), strict=True)]
    np.testing.assert_allclose(Z.ravel(), pointwise, rtol=1e-13)
    np.testing.assert_allclose(plane.surface(loss_many, chunk=1000)(a, b), Z, rtol=1e-14)


def test_projected_gradient_is_the_gradient_of_the_surface():
    A, loss_many = quadratic(6, seed=4)
    rng = np.random.default_rng(5)
    plane = Plane(rng.normal(size=6), rng.normal(size=6), rng.normal(size=6))  # not orthogonal
    F = plane.surface(loss_many)
    a, b, h = 0.3, -0.7, 1e-6
    numeric = [(F(a + h, b) - F(a - h, b)) / (2 * h), (F(a, b + h) - F(a, b - h)) / (2 * h)]
    theta = plane.points(a, b)
    np.testing.assert_allclose(plane.gradient(A @ theta), numeric, rtol=1e-6)
    np.testing.assert_allclose(plane.coordinates(theta), [a, b], atol=1e-12)  # least squares, exact


def test_plane_refuses_dependent_directions_and_mismatched_shapes():
    with pytest.raises(ValueError, match="linearly independent"):
        Plane(np.zeros(3), np.ones(3), 2 * np.ones(3))
    with pytest.raises(ValueError, match="one length"):
        Plane(np.zeros(3), np.ones(3), np.ones(4))


def test_iterates_are_mapped_into_the_plane_and_drawn_by_the_animator():
    A, loss_many = quadratic(5, seed=6)
    fun = lambda t: float(loss_many(t)[0])  # noqa: E731
    run = list(adam(fun, lambda t: A @ t, np.ones(5), learning_rate=0.1, tol=0.0, max_iter=12))
    d1, d2, _ = pca_directions(np.array([it.x for it in run]))
    plane = Plane(run[-1].x, d1, d2)
    mapped = list(plane.iterates(run))
    assert all(isinstance(it, Iterate) for it in mapped)
    for it, orig in zip(mapped, run, strict=True):
        np.testing.assert_allclose(it.x, plane.coordinates(orig.x))
        assert it.fun == orig.fun  # the true loss of the real parameters
        np.testing.assert_allclose(it.grad, plane.gradient(orig.grad))
        assert it.step is None and it.direction is None and not it.x.flags.writeable
    np.testing.assert_allclose(mapped[-1].x, 0.0, atol=1e-12)
    anim = Animator(iter(mapped), plane.surface(loss_many), grid=12, frames=5, every=3, figsize=(4, 3),
                    dpi=40)
    assert len(anim) == 5
    assert anim.scene.heights[0, -1] != 0 and anim.render(4).shape == (120, 160, 4)
    anim.close()


def test_plane_iterates_return_the_wrapped_streams_result():
    from optimizers import gradient_descent, run

    rng = np.random.default_rng(3)
    plane = Plane(np.zeros(3), rng.normal(size=3), rng.normal(size=3))

    def stream():
        return gradient_descent(lambda x: float(x @ x), lambda x: 2 * x, [1.0, -2.0, 0.5], max_iter=40)

    expected = run(stream())
    result = run(plane.iterates(stream()))
    assert result is not None and result.status == expected.status and result.nit == expected.nit
    np.testing.assert_array_equal(result.x, expected.x)  # the real parameters, not the plane's (a, b)
    trace = collect(plane.iterates(stream()))
    assert trace.result.status == expected.status and trace.n == 2
