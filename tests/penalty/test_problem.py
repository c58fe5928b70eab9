"""Problem: the penalty expressions, compiled derivatives against finite differences, line pieces, LaTeX."""

import dataclasses
import functools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import scipy.optimize
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from optimizers import Line, PiecewisePolynomial, Status, exact
from penalty import Compiled, Problem, ProblemError

FAST = settings(max_examples=40, deadline=None, derandomize=True)
x1, x2, x3 = (sympy.Symbol(name, real=True) for name in ("x1", "x2", "x3"))

PROBLEMS = {
    "seed": ("-x1 + x2", ["x1 + x2 = 1", "x2 >= 1"]),
    "smooth": ("exp(x1)*sin(x2) + x1^2", ["x1^2 + x2^2 <= 4", "exp(x1/2) + x2 = 2"]),
    "circle": ("(x1 - 2)^2 + (x2 - 1)^2", ["x1^2 + x2^2 <= 1", "x1 >= 0"]),
    "cubic": ("x1*x2*x3 + x3^2", ["x1 + 2*x2 + 3*x3 = 1", "x1^3 - x2 <= 1", "x1*x2 >= -1"]),
}
FUNCTIONS = ("asinh(x1) + acos(x2/3) + atanh(x1/2) + log(x1 + 3, 2) + sqrt(x2^2 + 1)/(1 + x1^2) + pi*E^x2",
             ["tanh(x1) + cosh(x2) <= 3", "atan2(x2, 1) >= 0"])
POLYNOMIAL = ["seed", "circle", "cubic"]


@functools.cache
def problem(name: str) -> Problem:
    return Problem(*FUNCTIONS) if name == "functions" else Problem(*PROBLEMS[name])


def points(n: int, low: float = -2.0, high: float = 2.0):
    # Components below 1e-9 are zeroed: with subnormal directions the coefficients of phi(t) underflow
    # while the kinks sit near t = 1e300, a regime no line search meets.
    coordinate = st.floats(low, high).map(lambda v: 0.0 if abs(v) < 1e-9 else v)
    return st.lists(coordinate, min_size=n, max_size=n).map(np.array)


weights = st.sampled_from([0.5, 10.0, 1000.0])


def central_gradient(fun, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central differences, one coordinate at a time (error O(h^2) + O(eps |fun| / h))."""
    columns = []
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h * max(1.0, abs(x[i]))
        columns.append((fun(x + e) - fun(x - e)) / (2 * e[i]))
    return np.array(columns)


# --- the problem record -------------------------------------------------------------------------------


def test_seed_problem_parts():
    p = problem("seed")
    assert p.variables == (x1, x2) and p.n == 2
    assert p.objective == -x1 + x2
    assert p.equalities == (x1 + x2 - 1,)
    assert p.inequalities == (1 - x2,)
    assert p.M == sympy.Symbol("M", positive=True)
    assert p.penalty == (x1 + x2 - 1) ** 2 + sympy.Max(0, 1 - x2) ** 2
    assert sympy.expand(p.penalized - (-x1 + x2 + p.M * p.penalty)) == 0
    assert "Problem('-x1 + x2'" in repr(p)


def test_sympy_input_matches_text_input():
    a, b = sympy.symbols("x1 x2")  # no assumptions: replaced by real symbols of the same names
    from_sympy = Problem(-a + b, [sympy.Eq(a + b, 1), sympy.Ge(b, 1), sympy.Le(a**2, 4), sympy.Gt(b, -3),
                                  sympy.Lt(a, 5), a >= -5])
    from_text = Problem("-x1 + x2", ["x1 + x2 = 1", "x2 >= 1", "x1^2 <= 4", "x2 > -3", "x1 < 5", "x1 >= -5"])
    assert from_sympy.variables == from_text.variables == (x1, x2)
    assert from_sympy.objective == from_text.objective
    assert from_sympy.equalities == from_text.equalities
    assert from_sympy.inequalities == from_text.inequalities
    assert Problem(sympy.Abs(a) ** 2 + b).objective == x1**2 + x2  # real after replacement


def test_single_constraint_may_be_given_bare():
    assert Problem("x1^2", "x1 >= 1").inequalities == (1 - x1,)


def test_constant_objective_needs_constraints():
    with pytest.raises(ProblemError, match="constant, and there are no constraints"):
        Problem("3")
    F = Problem("3", ["x1 >= 1"]).penalized_function(2.0)
    assert F.fun([0.0]) == pytest.approx(3 + 2.0 * 1.0)


@pytest.mark.parametrize(("objective", "message"), [
    (sympy.Abs(x1) + x2, "not differentiable (its gradient contains sign(x1))"),
    (x1 * sympy.Abs(x1), "not differentiable"),
    (sympy.sign(x1) * x2, "not differentiable"),
    (sympy.Max(x1, x2), "not differentiable (its gradient contains Heaviside"),
    (sympy.Heaviside(x1), "not differentiable (its gradient contains DiracDelta"),
    (sympy.I * x1, "complex-valued"),
    (sympy.sqrt(-2) * x1, "complex-valued"),
    (sympy.acos(2) * x1, "complex-valued"),
    (sympy.Integer(-8) ** sympy.Rational(1, 3) * x1, "complex-valued"),
    (x1 + sympy.zoo, "undefined or infinite"),
    (x1 + sympy.nan, "undefined or infinite"),
    (sympy.oo * x1, "undefined or infinite"),
    (sympy.Function("q")(x1), "undefined function 'q'"),
    (sympy.Derivative(sympy.Function("q")(x1), x1), "undefined function 'q'"),
    (sympy.besselj(1, x1), "cannot be compiled to numpy"),
    (sympy.gamma(x1), "cannot be compiled to numpy"),
    (sympy.Ge(x1, 1), "relation is not allowed in the objective"),
    (sympy.true, "relation is not allowed in the objective"),
    (None, "must be a string or a SymPy expression"),
    (x1 + sympy.Symbol("M"), "reserved for the penalty weight"),
])
def test_sympy_objective_rejections(objective, message):
    with pytest.raises(ProblemError, match="objective") as info:
        Problem(objective)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("constraint", "message"), [
    (sympy.true, "always true"),
    (sympy.Eq(x1, x1), "always true"),
    (sympy.false, "always false"),
    (sympy.Eq(x1, x1 + 1), "always false"),
    (True, "always true"),
    (sympy.Ne(x1, 1), "'!=' is not a constraint"),
    (x1 + x2, "no relation"),
    (3, "a constraint must be a string or a SymPy relation"),
    (sympy.Ge(sympy.Abs(x1), 1), "not differentiable"),
    (sympy.Ge(x1, sympy.Symbol("y")), "unknown name 'y' (variables are x1, x2)"),
])
def test_sympy_constraint_rejections(constraint, message):
    with pytest.raises(ProblemError, match="constraint") as info:
        Problem(x1 + x2, [constraint], variables=[x1, x2])
    assert message in str(info.value)


@pytest.mark.parametrize(("variables", "message"), [
    (["x1", "x1"], "listed twice"),
    (["M"], "the name is taken"),
    (["sin"], "the name is taken"),
    (["1x"], "not a valid name"),
    (["_x"], "not a valid name"),
    ([], "variables is empty"),
])
def test_variable_rejections(variables, message):
    with pytest.raises(ProblemError, match=message):
        Problem("1", ["x1 >= 0"], variables=variables)


# --- values, gradients and Hessians -------------------------------------------------------------------


@pytest.mark.parametrize("M", [1.0, 10.0, 1e4])
def test_seed_values_at_known_points(M):
    F = problem("seed").penalized_function(M)
    assert F.fun([0.0, 1.0]) == pytest.approx(1.0)  # feasible: F = f
    assert F.fun([0.0, 0.0]) == pytest.approx(2 * M)  # h = -1, g = 1
    assert F.fun([2.0, 0.5]) == pytest.approx(-1.5 + 2.5 * M)  # h = 1.5, g = 0.5
    assert F.fun(np.array([0.0, 2.0])) == pytest.approx(1.0 * 2 + M)  # h = 1, g inactive


@pytest.mark.parametrize("M", [0.75, 1.0, 10.0, 1e3, 1e6])
def test_seed_penalized_minimizer_closed_form(M):
    """Stationary point of F(.; M): x1 = 3/(2M), x2 = 1 - 1/M, converging to (0, 1) as M grows."""
    F = problem("seed").penalized_function(M)
    x = np.array([3 / (2 * M), 1 - 1 / M])
    np.testing.assert_allclose(F.grad(x), 0.0, atol=1e-9 * max(1.0, M))
    assert np.all(np.linalg.eigvalsh(F.hess(x)) > 0)


def test_seed_minimizer_agrees_with_scipy():
    M = 10.0
    F = problem("seed").penalized_function(M)
    found = scipy.optimize.minimize(F.fun, np.zeros(2), jac=F.grad, method="BFGS", options={"gtol": 1e-10})
    np.testing.assert_allclose(found.x, [3 / (2 * M), 1 - 1 / M], atol=1e-7)


@pytest.mark.parametrize("name", list(PROBLEMS))
@FAST
@given(data=st.data(), M=weights)
def test_gradient_and_hessian_match_central_differences(name, data, M):
    p = problem(name)
    x = data.draw(points(p.n))
    F = p.penalized_function(M)
    scale = 1.0 + abs(F.fun(x))
    near_kink = any(abs(float(g(*x))) < 1e-3 for g in p.inequality_functions)
    # F is only C^1 at a kink: there central differences err by O(M h), h = 1e-6.
    atol = 1e-6 * scale + (1e-4 * M if near_kink else 0.0)
    np.testing.assert_allclose(F.grad(x), central_gradient(F.fun, x), rtol=1e-6, atol=atol)
    # The Hessian jumps where an inequality switches on; differences across the kink are meaningless.
    assume(not near_kink)
    H = F.hess(x)
    np.testing.assert_allclose(H, H.T)
    np.testing.assert_allclose(H, central_gradient(F.grad, x), rtol=1e-5, atol=1e-5 * scale)


@pytest.mark.parametrize("name", list(PROBLEMS))
@FAST
@given(data=st.data())
def test_objective_function_matches_sympy_and_differences(name, data):
    p = problem(name)
    x = data.draw(points(p.n))
    f = p.objective_function
    exact_value = float(p.objective.subs(dict(zip(p.variables, x, strict=True))))
    assert f.fun(x) == pytest.approx(exact_value, rel=1e-12, abs=1e-12)
    scale = 1.0 + abs(f.fun(x))
    np.testing.assert_allclose(f.grad(x), central_gradient(f.fun, x), rtol=1e-6, atol=1e-6 * scale)


def test_inequality_hessian_active_inactive_and_on_the_boundary():
    """Generalized Hessian: 2 [g > 0] grad g grad g^T + 2 max(0, g) hess g, zero indicator at g = 0."""
    M = 7.0
    F = problem("circle").penalized_function(M)  # g1 = x1^2 + x2^2 - 1; x1 >= 0 is inactive below
    hess_f = 2 * np.eye(2)
    np.testing.assert_allclose(F.hess([0.1, 0.2]), hess_f)  # inside: the penalty vanishes
    np.testing.assert_allclose(F.grad([0.1, 0.2]), [2 * (0.1 - 2), 2 * (0.2 - 1)])
    np.testing.assert_allclose(F.hess([1.0, 0.0]), hess_f)  # on the circle: g = 0, indicator 0
    x = np.array([1.0, 1.0])  # outside: g = 1
    grad_g = 2 * x
    expected = hess_f + M * (2 * np.outer(grad_g, grad_g) + 2 * 1.0 * 2 * np.eye(2))
    np.testing.assert_allclose(F.hess(x), expected)
    np.testing.assert_allclose(F.grad(x), 2 * (x - [2, 1]) + M * 2 * 1.0 * grad_g)


def test_penalty_value_and_max_violation():
    p = problem("seed")
    assert p.penalty_value([0.0, 0.0]) == pytest.approx(2.0)
    assert p.max_violation([0.0, 0.0]) == pytest.approx(1.0)
    assert p.penalty_value([2.0, 0.5]) == pytest.approx(2.5)
    assert p.max_violation([2.0, 0.5]) == pytest.approx(1.5)
    assert p.penalty_value([0.0, 1.0]) == 0.0 and p.max_violation([0.0, 1.0]) == 0.0
    assert p.max_violation([0.0, 2.0]) == pytest.approx(1.0)  # h = 1; g = -1 does not count
    free = Problem("x1^2 + x2^2")
    assert free.penalty_value([3.0, 4.0]) == 0.0 and free.max_violation([3.0, 4.0]) == 0.0
    assert free.penalized_function(100.0).fun([3.0, 4.0]) == pytest.approx(25.0)


def test_constant_gradients_are_fresh_float_arrays_of_full_shape():
    p = Problem("x1 + 2*x2", ["x1 >= 0"])
    f = p.objective_function
    g = f.grad([1.0, 1.0])
    assert g.shape == (2,) and g.dtype == float
    g[:] = 99.0
    np.testing.assert_array_equal(f.grad([1.0, 1.0]), [1.0, 2.0])
    assert f.hess([1.0, 1.0]).shape == (2, 2) and not f.hess([0.0, 0.0]).any()
    assert p.penalized_function(3.0).hess([1.0, 1.0]).shape == (2, 2)
    assert Problem("x1^2").penalized_function(1.0).grad([3.0]).shape == (1,)


def test_compiled_is_frozen_and_validates_points_and_weights():
    F = problem("seed").penalized_function(1.0)
    assert isinstance(F, Compiled)
    with pytest.raises(dataclasses.FrozenInstanceError):
        F.fun = None
    with pytest.raises(ValueError, match="length 2"):
        F.fun([1.0, 2.0, 3.0])
    for M in (0.0, -1.0, float("nan"), float("inf"), "ten"):
        with pytest.raises(ValueError, match="M must be a positive"):
            problem("seed").penalized_function(M)


def test_compilation_happens_once_per_problem(monkeypatch):
    p = Problem("x1^2 + x2", ["x1 + x2 >= 1"])
    p.penalized_function(1.0).along([0.0, 0.0], [1.0, 1.0])

    def refuse(*args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr("penalty._problem.lambdify", refuse)
    monkeypatch.setattr("penalty._along.lambdify", refuse)
    F = p.penalized_function(50.0)
    assert F.fun([0.0, 0.0]) == pytest.approx(50.0)  # f = 0, g = 1 - x1 - x2 = 1
    assert F.along([0.0, 0.0], [0.0, 1.0])(0.5) == pytest.approx(F.fun([0.0, 0.5]))


def test_numerical_trouble_is_a_value_not_an_exception():
    f = Problem("1/x1 + x1^1.5").objective_function
    with np.errstate(all="ignore"):
        assert np.isinf(f.fun([0.0]))
        assert np.isnan(f.fun([-1.0]))


# --- grids --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["seed", "smooth", "circle"])
def test_surface_equals_pointwise_fun(name):
    F = problem(name).penalized_function(10.0)
    X, Y = np.meshgrid(np.linspace(-2, 2, 7), np.linspace(-1.5, 2.5, 5))
    Z = F.surface(X, Y)
    assert Z.shape == X.shape
    expected = np.array([[F.fun([a, b]) for a, b in zip(row_x, row_y, strict=True)]
                         for row_x, row_y in zip(X, Y, strict=True)])
    np.testing.assert_allclose(Z, expected, rtol=1e-13)


def test_surface_broadcasts_and_constants_fill_the_grid():
    F = problem("seed").penalized_function(2.0)
    assert F.surface(np.zeros((3, 1)), np.zeros((1, 4))).shape == (3, 4)
    with pytest.raises(ValueError, match="expected 2 coordinate arrays"):
        F.surface(np.zeros(3))
    constant = Problem("3", ["x1 >= 0"], variables=["x1", "x2"]).objective_function
    X, Y = np.meshgrid(np.arange(4.0), np.arange(3.0))
    Z = constant.surface(X, Y)
    assert Z.shape == (3, 4) and Z.dtype == float and np.all(Z == 3.0)
    Z[0, 0] = 0.0  # writable, not a broadcast view
    grid = np.ogrid[0:1:2j, 0:1:3j, 0:1:4j]
    assert problem("cubic").penalized_function(1.0).surface(*grid).shape == (2, 3, 4)


def test_constraint_functions_on_grids():
    p = problem("seed")
    X, Y = np.meshgrid(np.linspace(-1, 1, 4), np.linspace(0, 2, 3))
    (h,), (g,) = p.equality_functions, p.inequality_functions
    np.testing.assert_allclose(h(X, Y), X + Y - 1)
    np.testing.assert_allclose(g(X, Y), 1 - Y)  # independent of x1, still the full grid
    assert g(X, Y).shape == X.shape
    assert Problem("x1").equality_functions == ()


# --- along a line -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", POLYNOMIAL)
@FAST
@given(data=st.data(), M=st.floats(0.1, 1e3))
def test_along_equals_penalized_function_on_the_line(name, data, M):
    p = problem(name)
    x, d = data.draw(points(p.n)), data.draw(points(p.n))
    F = p.penalized_function(M)
    pp = F.along(x, d)
    assert isinstance(pp, PiecewisePolynomial)
    breaks = np.array(pp.breaks)
    assert breaks[0] == 0.0 and np.all(np.diff(breaks) > 0) and len(pp.coefs) == len(pp.breaks)
    kinks = np.concatenate([breaks, breaks * (1 + 1e-7) + 1e-9, breaks * (1 - 1e-7)])
    ts = np.concatenate([np.linspace(0, 3, 31), kinks[kinks >= 0], 2 * breaks[-1] + np.array([0.5, 4.0])])
    direct = np.array([F.fun(x + t * d) for t in ts])
    pieces = np.array([pp(t) for t in ts])
    np.testing.assert_allclose(pieces, direct, rtol=1e-9, atol=1e-9 * (1 + np.max(np.abs(direct))))


def test_along_kinks_of_the_circle():
    """From outside through the disc: the circle's penalty switches off at t = 1 and on at t = 3."""
    F = problem("circle").penalized_function(1.0)
    pp = F.along([-2.0, 0.5], [1.0, 0.0])  # x1 = -2 + t crosses x1^2 + 0.25 = 1 at t = 2 -+ sqrt(0.75)
    expected = sorted([0.0, 2 - np.sqrt(0.75), 2 + np.sqrt(0.75), 2.0])  # and x1 >= 0 turns off at t = 2
    np.testing.assert_allclose(pp.breaks, expected)


def test_along_zero_direction_is_one_constant_piece():
    F = problem("seed").penalized_function(3.0)
    pp = F.along([0.0, 0.0], [0.0, 0.0])
    assert pp.breaks == (0.0,)
    np.testing.assert_allclose(np.trim_zeros(pp.coefs[0], "b"), [F.fun([0.0, 0.0])])


@FAST
@given(x=points(2), d=points(2), M=st.floats(0.1, 100.0))
def test_exact_line_search_on_the_pieces_is_the_global_minimum(x, d, M):
    F = problem("circle").penalized_function(M)
    pp = F.along(x, d)
    line = Line(lambda t: F.fun(x + t * d), lambda t: float(F.grad(x + t * d) @ d), F.fun(x),
                float(F.grad(x) @ d), polynomial=pp)
    result = exact(line)
    assert result.status == Status.CONVERGED
    ts = np.linspace(0.0, 2 * result.t + 5.0, 2001)
    best = min(F.fun(x + t * d) for t in ts)
    assert F.fun(x + result.t * d) <= best + 1e-9 * (1 + abs(best))


def test_along_of_a_high_degree_polynomial():
    """Coefficients come from Taylor derivatives, not expansion: degree 12 in 3 variables builds fast."""
    p = Problem("(x1 + x2 + x3)^12 / 1000 + x1^4", ["(x1 - x2)^3 <= 1"])
    F = p.penalized_function(5.0)
    x, d = np.array([0.3, -0.2, 0.1]), np.array([0.5, -1.0, 0.25])
    pp = F.along(x, d)
    for t in np.linspace(0.0, 2.0, 21):
        assert pp(t) == pytest.approx(F.fun(x + t * d), rel=1e-9, abs=1e-9)
    assert Problem("x1^17 + x2", ["x2 >= 0"]).penalized_function(1.0).along is None  # beyond degree 16


def test_along_is_none_unless_everything_is_polynomial():
    assert problem("smooth").penalized_function(1.0).along is None
    assert problem("smooth").objective_function.along is None
    mixed = Problem("x1^2 + x2^2", ["exp(x1) <= 2"])
    assert mixed.penalized_function(1.0).along is None
    pp = mixed.objective_function.along([1.0, 1.0], [1.0, -2.0])  # f alone is a polynomial
    assert pp(0.5) == pytest.approx(mixed.objective_function.fun([1.5, 0.0]))
    assert Problem("1/x1 + x2", ["x2 >= 0"]).penalized_function(1.0).along is None


# --- LaTeX --------------------------------------------------------------------------------------------


def render(latex: str) -> None:
    fig = plt.figure()
    try:
        fig.suptitle(f"${latex}$")
        fig.canvas.draw()  # mathtext parses here and raises ValueError on what it cannot typeset
    finally:
        plt.close(fig)


def test_render_check_is_not_vacuous():
    with pytest.raises(ValueError):
        render(r"\notacommand{x}")


@pytest.mark.parametrize("name", list(PROBLEMS) + ["functions"])
@pytest.mark.parametrize("which", ["penalized", "objective", "penalty"])
@pytest.mark.parametrize("M", [None, 10.0, 0.25, 1e8])
def test_latex_renders_in_matplotlib_mathtext(name, which, M):
    render(problem(name).latex(which, M=M))


def test_latex_content():
    p = problem("seed")
    assert p.latex("objective") == "- x_{1} + x_{2}"
    assert p.latex("penalty") == r"\left(x_{1} + x_{2} - 1\right)^{2} + \max\left(0, 1 - x_{2}\right)^{2}"
    assert p.latex() == r"- x_{1} + x_{2} + M \left(" + p.latex("penalty") + r"\right)"
    assert p.latex(M=10) == r"- x_{1} + x_{2} + 10 \left(" + p.latex("penalty") + r"\right)"
    assert "0.25" in p.latex(M=0.25)
    assert Problem("x1^2").latex() == "x_{1}^{2}"
    with pytest.raises(ValueError, match="which must be"):
        p.latex("gradient")


def test_line_kernel_on_plain_floats_equals_its_numpy_path(monkeypatch):
    # Few constraints take the plain-float path; forcing the numpy one must give the same pieces.
    from penalty import _along

    problem = Problem("(x1 - 2)^4 + x1*x2 + x2^2", ["x1^2 + x2 = 1", "x2 >= 0.5", "x1 - x2 <= 0.3"])
    rng = np.random.default_rng(7)
    for _ in range(5):
        x, d = rng.normal(size=2), rng.normal(size=2)
        line = problem._penalized_line
        small = line(x, d, 10.0, lam=[0.7], shift=[0.1, -0.2], offset=0.5)
        monkeypatch.setattr(_along, "SMALL", 0)
        large = line(x, d, 10.0, lam=[0.7], shift=[0.1, -0.2], offset=0.5)
        monkeypatch.setattr(_along, "SMALL", 48)
        np.testing.assert_allclose(small.breaks, large.breaks, rtol=1e-12)
        for a, b in zip(small.coefs, large.coefs, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_per_problem_builds_once_per_problem_and_holds_it_weakly():
    import gc
    import weakref

    from penalty._problem import per_problem

    built = []

    @per_problem
    def build(problem):
        """Doc kept."""
        built.append(problem)
        return object()

    p, q = Problem("x1^2"), Problem("x1^2")
    assert build(p) is build(p) and build(q) is not build(p)
    assert len(built) == 2 and build.__doc__ == "Doc kept."
    alive = weakref.ref(p)
    del p
    built.clear()
    gc.collect()
    assert alive() is None  # the cache did not keep the problem alive
