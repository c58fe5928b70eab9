"""Collecting a stream into a Trace: fields, laziness, limits, errors."""

from __future__ import annotations

import numpy as np
import pytest
from viz_streams import PenaltyIterate, quadratic_stream, seed_penalty_stream

from optimizers import Iterate
from viz import collect


def test_plain_stream_fields_match_the_iterates():
    its = list(quadratic_stream(steps=5))
    tr = collect(iter(its))
    assert len(tr) == 6 and tr.n == 2
    np.testing.assert_array_equal(tr.x, [it.x for it in its])
    np.testing.assert_allclose(tr.grad_norm, [it.grad_norm for it in its])
    assert np.isnan(tr.step[0]) and np.isfinite(tr.step[1:]).all()
    np.testing.assert_allclose(tr.previous_x[1:], [it.previous_x for it in its[1:]])
    assert not tr.is_penalty and (tr.outer == -1).all() and np.isnan(tr.M).all()


def test_penalty_fields_are_read():
    tr = collect(seed_penalty_stream(inner=3))
    assert tr.is_penalty
    assert tr.M[0] == 1 and tr.M.max() >= 100
    assert (np.diff(tr.outer) >= 0).all()
    assert np.isfinite(tr.objective).all() and (tr.violation >= 0).all()


def test_arrays_are_read_only():
    tr = collect(quadratic_stream(steps=2))
    with pytest.raises(ValueError):
        tr.x[0, 0] = 1.0


def test_limit_stops_reading_and_closes_the_generator():
    pulled = []

    def stream():
        try:
            for it in quadratic_stream(steps=50):
                pulled.append(it.k)
                yield it
        finally:
            pulled.append("closed")

    tr = collect(stream(), limit=4)
    assert len(tr) == 4
    assert pulled == [0, 1, 2, 3, "closed"]


def test_duck_typed_records_are_enough():
    class Rec:
        def __init__(self, k):
            self.k, self.x, self.fun, self.grad = k, np.array([k, -k], float), float(k), np.ones(2)

    tr = collect(Rec(k) for k in range(3))
    assert len(tr) == 3 and np.isnan(tr.step).all()


@pytest.mark.parametrize(
    ("stream", "message"),
    [
        ([], "empty"),
        ([Iterate(k=0, x=[], fun=1.0, grad=[])], "at least 1"),
        ([Iterate(k=0, x=[1.0, 2], fun=1.0, grad=[1.0, 1]),
          Iterate(k=1, x=[1.0, 2, 3], fun=1.0, grad=[1.0, 1, 1])], "coordinates"),
    ],
)
def test_bad_streams_raise_clear_errors(stream, message):
    with pytest.raises(ValueError, match=message):
        collect(stream)


def test_keyboard_interrupt_in_the_stream_propagates():
    def stream():
        yield from quadratic_stream(steps=2)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        collect(stream())


def test_penalty_iterate_is_an_iterate():
    it = PenaltyIterate(k=0, x=[0, 1], fun=1.0, grad=[0, 0], M=10.0)
    assert isinstance(it, Iterate) and it.M == 10.0


def _ending_with(result):
    def stream():
        yield from quadratic_stream(steps=1)
        return result

    return stream()


def test_status_is_read_by_name_from_an_enum_a_string_or_nothing():
    from types import SimpleNamespace

    from optimizers import gradient_descent

    real = collect(gradient_descent(lambda x: float(x @ x), lambda x: 2 * x, [1.0, 2.0], max_iter=50))
    assert real.status == real.result.status.name and real.status  # the optimizers' own enum
    assert collect(_ending_with(SimpleNamespace(status="DIVERGED"))).status == "DIVERGED"
    assert collect(_ending_with(None)).status == ""
    assert collect(quadratic_stream(steps=3), limit=2).status == ""  # stopped early: no result


def test_returning_keeps_the_return_value_and_passes_close_on():
    from viz.scenes.trace import Returning

    stream = Returning(_ending_with("the result"))
    assert len(list(stream)) == 2 and stream.result == "the result"
    closed = []

    def endless():
        try:
            yield from quadratic_stream(steps=100)
        finally:
            closed.append(True)

    stopped = Returning(endless())
    reading = iter(stopped)
    next(reading)
    reading.close()
    assert closed == [True] and stopped.result is None


def _synthetic(n):
    """`n` lazily made iterates of a 2-variable run (each dropped once read)."""
    from types import SimpleNamespace

    for k in range(n):
        x = np.array([k * 1e-5, 1.0])
        yield SimpleNamespace(k=k, x=x, fun=float(k), grad=x, step=0.5, direction=x, M=1.0, outer=0)


def _peak_bytes_per_iterate(n):
    import tracemalloc

    tracemalloc.start()
    try:
        trace = collect(_synthetic(n))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(trace) == n and trace.k[-1] == n - 1 and trace.x[-1, 0] == pytest.approx((n - 1) * 1e-5)
    return peak / n


def test_collect_memory_per_iterate_stays_flat_and_small():
    # Stored as one growing float array: 12 floats (96 bytes) a row for 2 variables, plus at
    # most the slack of the last doubling. Per-iterate Python objects (the old lists) cost
    # about 590 bytes here.
    # 5,000 and 40,000 rows fill 8,192 and 65,536 (the same slack), so the two compare exactly.
    small, large = _peak_bytes_per_iterate(5_000), _peak_bytes_per_iterate(40_000)
    assert large < 200 and small < 200
    assert large < 1.1 * small  # the same per iterate at eight times the run: memory stays flat
