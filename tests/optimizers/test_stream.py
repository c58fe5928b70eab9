from itertools import pairwise

import numpy as np
import pytest

from optimizers import Iterate, Result, Status, gradient_descent, run


def quadratic():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    b = np.array([1.0, 1.0])
    return (lambda x: 0.5 * x @ A @ x - b @ x), (lambda x: A @ x - b), A, b


def test_iterates_are_fresh_and_read_only():
    f, g, _, _ = quadratic()
    iterates = list(gradient_descent(f, g, [5.0, 5.0], tol=1e-8))
    xs = [it.x for it in iterates]
    assert len({id(x) for x in xs}) == len(xs)
    assert not np.allclose(xs[0], xs[-1])
    with pytest.raises(ValueError):
        iterates[0].x[0] = 1.0
    with pytest.raises(AttributeError):
        iterates[0].fun = 0.0


def test_iterate_copies_its_arrays():
    x = np.array([1.0, 2.0])
    it = Iterate(k=0, x=x, fun=0.0, grad=x)
    x[0] = 99.0
    assert it.x[0] == 1.0 and it.grad[0] == 1.0


def test_previous_x_reconstructs_the_step():
    f, g, _, _ = quadratic()
    iterates = list(gradient_descent(f, g, [5.0, 5.0], tol=1e-8))
    assert iterates[0].previous_x is None
    for before, after in pairwise(iterates):
        np.testing.assert_allclose(after.previous_x, before.x, atol=1e-12)


def test_run_returns_result_like_scipy():
    f, g, A, b = quadratic()
    result = run(gradient_descent(f, g, [5.0, 5.0], tol=1e-8))
    assert isinstance(result, Result)
    assert result.success and result.status == Status.CONVERGED
    assert result.message == Status.CONVERGED.message
    np.testing.assert_allclose(result.x, np.linalg.solve(A, b), atol=1e-7)
    assert result.fun == pytest.approx(f(result.x))
    assert result.nit > 0 and result.nfev > result.nit


def test_closing_a_stream_stops_it():
    f, g, _, _ = quadratic()
    stream = gradient_descent(f, g, [5.0, 5.0], tol=1e-12, max_iter=10**9)
    first = [next(stream) for _ in range(3)]
    stream.close()
    assert [it.k for it in first] == [0, 1, 2]
    with pytest.raises(StopIteration):
        next(stream)
