"""The solver contract: SolverStatus, the failure policy, ConvergenceWarning, and the generic Newton."""
import warnings

import numpy as np
import pytest

import freecalc as fc
from freecalc.numerics import solvers as S


def test_convergence_warning_is_public_user_and_runtime_warning():
    assert fc.ConvergenceWarning is S.ConvergenceWarning
    assert issubclass(fc.ConvergenceWarning, UserWarning) and issubclass(fc.ConvergenceWarning, RuntimeWarning)
    assert fc.FailurePolicy is S.FailurePolicy and fc.SolverStatus is S.SolverStatus


def test_newton_fd_finds_roots_and_reports_status():
    # z² = a: roots √a against numpy's sqrt (independent route)
    a = np.array([2.0, 3.0 + 1j, -4.0 + 0.5j])
    x, st = S.newton_fd(lambda u: u * u - a, np.sqrt(a) * 1.1)
    assert st.all_converged and st.n_failed == 0
    # the stopping rule is a relative step of NEWTON_TOL (1e-14); Newton is quadratic there, so the error is far smaller
    assert np.max(np.abs(x - np.sqrt(a))) < 1e-13
    assert np.all(st.iterations >= 1) and np.all(st.iterations < S.NEWTON_MAXITER)


def test_newton_fd_flags_points_that_do_not_converge():
    # u² + 1 = 0 has no real root and Newton from a real start stays real and wanders: never converges
    x, st = S.newton_fd(lambda u: u * u + 1.0, np.array([0.3 + 0j, 1j * 0.9]), maxiter=40)
    assert list(st.converged) == [False, True]
    assert st.n_failed == 1 and st.iterations[0] == 40
    assert "1 of 2 points did not converge" in st.describe(np.array([0.3, 0.9j]))


def test_handle_failures_warns_or_raises_naming_count_and_points():
    st = S.SolverStatus.from_flags([True, False, False], residual=[0.0, 0.5, 0.25])
    with pytest.warns(fc.ConvergenceWarning, match=r"demo: 2 of 3 points did not converge: 1\.5 \(residual 0\.5\)"):
        S.handle_failures(st, "demo", points=np.array([1.0, 1.5, 2.5]))
    with pytest.raises(fc.ConvergenceError, match="2 of 3"):
        S.handle_failures(st, "demo", policy=fc.FailurePolicy.RAISE)
    with pytest.raises(fc.ConvergenceError):
        S.handle_failures(st, "demo", policy="raise")  # the enum's value is accepted too
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        S.handle_failures(S.SolverStatus.from_flags([True, True]), "demo")  # all converged: silent


def test_bad_solver_arguments_are_refused():
    with pytest.raises(ValueError, match="tol"):
        S.newton_fd(lambda u: u, np.zeros(1, complex), tol=0.0)
    with pytest.raises(ValueError, match="maxiter"):
        S.newton_fd(lambda u: u, np.zeros(1, complex), maxiter=0)
    with pytest.raises(TypeError, match="policy"):
        S.coerce_policy("loud")


class _Slow(fc.Law):
    """A law whose Stieltjes transform the generic R-transform Newton cannot invert within a tiny budget."""

    def _support(self):
        return ((-1.0, 1.0),)

    def _pdf(self, x):
        return np.where(np.abs(x) <= 1, 0.5, 0.0)


def test_generic_r_transform_newton_reports_non_convergence(monkeypatch):
    law = _Slow()
    w = np.array([0.2])
    # the uniform law on [-1, 1]: m(z) = log((z-1)/(z+1))/2, R from inverting it; the default budget converges
    r = law._r_transform(w.astype(complex))
    z = r + 1 / w
    assert abs(0.5 * np.log((z[0] - 1) / (z[0] + 1)) + w[0]) < 1e-10
    # one iteration cannot reach the tolerance: the point is reported, not returned silently
    monkeypatch.setattr(S, "NEWTON_MAXITER", 1)
    monkeypatch.setattr(S.newton_fd, "__kwdefaults__", {**S.newton_fd.__kwdefaults__, "maxiter": 1})
    with pytest.warns(fc.ConvergenceWarning, match="R-transform .* 1 of 1 points did not converge"):
        law._r_transform(w.astype(complex))
