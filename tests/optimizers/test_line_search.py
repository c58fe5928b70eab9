import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.polynomial import polynomial as P
from scipy import optimize as sciopt

from optimizers import Line, PiecewisePolynomial, Status, armijo, exact, fixed
from optimizers._line_search import resolve_line_search


def line_of(phi, dphi, polynomial=None):
    return Line(phi=phi, dphi=dphi, phi0=phi(0.0), dphi0=dphi(0.0), polynomial=polynomial)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6))
def test_exact_step_on_a_quadratic_is_gg_over_gAg(seed):
    rng = np.random.default_rng(seed)
    Q = rng.normal(size=(3, 3))
    A = Q @ Q.T + 0.1 * np.eye(3)
    x = rng.normal(size=3)
    g = A @ x
    d = -g
    f = lambda z: 0.5 * z @ A @ z  # noqa: E731
    line = line_of(lambda t: f(x + t * d), lambda t: (A @ (x + t * d)) @ d)
    found = exact(line, 1.0)
    assert found.status == Status.CONVERGED
    assert found.t == pytest.approx((g @ g) / (g @ A @ g), rel=1e-10)


def kinked_quartic(seed):
    """phi(t) = quartic(t) + sum_j w_j max(0, t - b_j)^2: continuous, with kinks at the b_j, like a line
    through an exterior penalty; as pieces, and as a function on arrays."""
    rng = np.random.default_rng(seed)
    kinks = np.sort(rng.uniform(0.1, 5.0, size=2))
    weights = rng.uniform(0.0, 10.0, size=2)
    base = rng.normal(size=5)
    base[-1] = abs(base[-1]) + 0.01
    base[1] = -abs(base[1]) - 0.01  # descent at t = 0
    coefs = [base]
    for b, w in zip(kinks, weights, strict=True):
        coefs.append(P.polyadd(coefs[-1], w * P.polypow([-b, 1.0], 2)))
    pp = PiecewisePolynomial((0.0, *kinks), tuple(coefs))

    def dense(ts):
        kink_terms = sum(w * np.maximum(0, ts - b) ** 2 for b, w in zip(kinks, weights, strict=True))
        return P.polyval(ts, base) + kink_terms

    def slope(t):
        i = int(np.searchsorted(pp.breaks, t, side="right")) - 1
        return float(P.polyval(t, P.polyder(pp.coefs[i])))

    return pp, dense, slope


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6))
def test_exact_polynomial_is_the_first_local_minimizer_across_kinks(seed):
    pp, dense, slope = kinked_quartic(seed)
    found = exact(line_of(pp, slope, pp))
    ts = np.linspace(0.0, 30.0, 300_001)
    values = dense(ts)
    first = int(np.argmax(np.diff(values) > 0))  # the first grid point where phi turns upwards
    assert found.status == Status.CONVERGED
    assert found.t == pytest.approx(ts[first], abs=2e-4)
    assert found.phi == pytest.approx(pp(found.t)) and found.phi < pp(0.0)


@pytest.mark.parametrize("seed", range(40))
def test_exact_polynomial_agrees_with_bracketing_on_the_first_minimizer(seed):
    pp, _, slope = kinked_quartic(seed)
    by_roots = exact(line_of(pp, slope, pp))
    by_bracket = exact(line_of(pp, slope), 1e-3)  # a small first trial: the bracket holds the first valley
    assert by_roots.t == pytest.approx(by_bracket.t, rel=1e-7, abs=1e-9)


def test_exact_polynomial_stays_in_the_first_valley_of_a_function_unbounded_far_away():
    # phi = -t + t^2 - t^3/10 has a local minimizer near t = 0.553, and phi -> -inf as t -> inf.
    c = np.array([0.0, -1.0, 1.0, -0.1])
    pp = PiecewisePolynomial((0.0,), (c,))
    found = exact(line_of(pp, lambda t: P.polyval(t, P.polyder(c)), pp))
    assert found.status == Status.CONVERGED
    assert found.t == pytest.approx((2 - math.sqrt(4 - 1.2)) / 0.6, rel=1e-12)


def test_exact_polynomial_reports_unbounded():
    # phi = -t on [0, 1], then -t - (t - 1)^2: decreasing without bound, no local minimizer.
    pp = PiecewisePolynomial((0.0, 1.0), (np.array([0.0, -1.0]), np.array([-1.0, 1.0, -1.0])))
    assert exact(line_of(pp, lambda t: -1.0 - 2 * max(t - 1, 0.0), pp)).status == Status.UNBOUNDED


def test_exact_polynomial_matches_bracketing_on_a_quartic():
    c = np.array([1.0, -3.0, 0.5, -0.2, 0.05])
    phi = lambda t: P.polyval(t, c)  # noqa: E731
    dphi = lambda t: P.polyval(t, P.polyder(c))  # noqa: E731
    pp = PiecewisePolynomial((0.0,), (c,))
    by_roots = exact(line_of(phi, dphi, pp))
    by_brent = exact(line_of(phi, dphi), 1.0)
    reference = sciopt.minimize_scalar(phi, bounds=(0, 10), method="bounded", options={"xatol": 1e-12})
    assert by_roots.t == pytest.approx(reference.x, abs=1e-6)
    assert by_brent.t == pytest.approx(by_roots.t, rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.05, 50.0), st.floats(0.1, 10.0))
def test_exact_non_polynomial_to_machine_precision(center, scale):
    # phi(t) = cosh((t - center) / scale) has its minimizer at t = center.
    phi = lambda t: np.cosh((t - center) / scale)  # noqa: E731  (overflows to inf far out)
    dphi = lambda t: np.sinh((t - center) / scale) / scale  # noqa: E731
    with np.errstate(over="ignore"):
        found = exact(line_of(phi, dphi), 1.0)
    assert found.status == Status.CONVERGED
    assert found.t == pytest.approx(center, rel=1e-13, abs=1e-13)


def test_exact_reports_unbounded_descent():
    found = exact(line_of(lambda t: -t, lambda t: -1.0), 1.0)
    assert found.status == Status.UNBOUNDED


def test_exact_survives_overflow_past_the_minimizer():
    # phi = exp(t^2) - 3t overflows for large t; the minimizer is about 0.9.
    phi = lambda t: np.exp(t * t) - 3 * t  # noqa: E731
    dphi = lambda t: 2 * t * np.exp(t * t) - 3  # noqa: E731
    with np.errstate(over="ignore"):
        found = exact(line_of(phi, dphi), 100.0)
    reference = sciopt.brentq(dphi, 0, 2, xtol=1e-15)
    assert found.t == pytest.approx(reference, rel=1e-12)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 10**6), st.floats(0.01, 100.0))
def test_exact_without_polynomial_finds_a_local_minimizer_below_phi0(seed, t0):
    # Random quartics with several valleys: the search must end at a stationary point lower than
    # phi(0), however far the first trial step t0 overshoots.
    rng = np.random.default_rng(seed)
    c = rng.normal(size=5)
    c[-1] = abs(c[-1]) + 0.05
    c[1] = -abs(c[1]) - 0.01  # descent at t = 0
    phi = lambda t: P.polyval(t, c)  # noqa: E731
    dphi = lambda t: P.polyval(t, P.polyder(c))  # noqa: E731
    found = exact(line_of(phi, dphi), t0)
    assert found.status == Status.CONVERGED
    assert found.phi < c[0]
    assert found.phi == phi(found.t)
    assert abs(dphi(found.t)) <= 1e-9 * max(1.0, abs(P.polyval(found.t, np.abs(P.polyder(c)))))
    # ... and a local minimizer, not a maximum.
    h = 1e-4 * max(found.t, 1.0)
    assert phi(found.t - h) >= found.phi and phi(found.t + h) >= found.phi


def test_exact_is_cheap_on_a_quadratic():
    found = exact(line_of(lambda t: (t - 0.7) ** 2, lambda t: 2 * (t - 0.7)), 1.0)
    assert found.t == pytest.approx(0.7, rel=1e-15)
    assert found.nfev <= 8


def test_armijo_returns_the_first_sufficient_decrease():
    phi = lambda t: (t - 0.1) ** 2  # noqa: E731
    line = line_of(phi, lambda t: 2 * (t - 0.1))
    found = armijo(line, 1.0)
    c1 = 1e-4
    assert phi(found.t) <= line.phi0 + c1 * found.t * line.dphi0
    bigger = 2 * found.t
    assert phi(bigger) > line.phi0 + c1 * bigger * line.dphi0


def test_armijo_fails_cleanly_on_an_ascent_direction():
    found = armijo(line_of(lambda t: t, lambda t: 1.0), 1.0)
    assert found.status == Status.LINE_SEARCH_FAILED


def test_fixed_takes_its_step():
    found = fixed(0.25)(line_of(lambda t: t * t, lambda t: 2 * t), 99.0)
    assert found.t == 0.25 and found.phi == 0.0625


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf])
def test_fixed_rejects_bad_steps(bad):
    with pytest.raises(ValueError, match="positive"):
        fixed(bad)


def test_unknown_line_search_names_the_choices():
    with pytest.raises(ValueError, match="'exact', 'armijo', 'fixed'"):
        resolve_line_search("wolfe", 1.0)


def test_exact_search_finds_a_narrow_valley_between_growing_trial_steps():
    # phi of (exp(x1) - 1)^2 + (exp(x2) - 2)^2 from (2, 4) along -grad: phi' < 0 at the trial steps
    # 3.4e-4 and 1.4e-3, but a valley (phi' > 0 on about (6.2e-4, 8.4e-4)) lies between them; the
    # first local minimizer is there, not at t = 0.0212 (x2 = -117.7, a plateau).
    x = np.array([2.0, 4.0])
    e = np.exp(x)
    d = -2.0 * (e - [1.0, 2.0]) * e
    phi = lambda t: float(np.sum((np.exp(x + t * d) - [1.0, 2.0]) ** 2))  # noqa: E731
    dphi = lambda t: float((2.0 * (np.exp(x + t * d) - [1.0, 2.0]) * np.exp(x + t * d)) @ d)  # noqa: E731
    found = exact(Line(phi, dphi, phi(0.0), dphi(0.0)), 1.0)
    assert found.status == Status.CONVERGED
    assert 6.0e-4 < found.t < 8.4e-4 and found.phi < phi(0.0)
    assert abs(dphi(found.t)) < 1e-6 * abs(dphi(0.0))
    ts = np.linspace(0.0, found.t, 200)
    assert np.all(np.diff([phi(t) for t in ts]) < 1e-9)  # phi falls all the way: the first minimizer
