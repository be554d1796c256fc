"""Tests of NumericLaw with exact evaluators (so that every discrepancy is NumericLaw's own)."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from freecalc.laws.numeric import (ConvergenceError, ConvergenceWarning, Evaluator, FailurePolicy, NumericLaw,
                                   Solution)
from freecalc.laws.semicircle import Semicircle
from freecalc.testing import check_law


class MixtureEvaluator(Evaluator):
    """0.3·SC(1, −3) + 0.5·SC(1.5, 2) + 0.2·δ₀: two support intervals with an atom in the gap.

    Points with real part in ``fail`` are reported as not converged (to test failure handling).
    """

    parts = ((0.3, Semicircle(1.0, center=-3.0)), (0.5, Semicircle(1.5, center=2.0)))
    atom = (0.0, 0.2)

    def __init__(self, fail=None):
        self.fail = fail
        self.calls = 0

    def solve(self, z, start=None, start_kind=None):
        self.calls += 1
        z = np.asarray(z, dtype=complex)
        m = sum(w * law.stieltjes(z) for w, law in self.parts) + self.atom[1] / (self.atom[0] - z)
        conv = np.ones(z.shape, dtype=bool)
        if self.fail is not None:
            conv &= ~((z.real >= self.fail[0]) & (z.real <= self.fail[1]))
        return Solution(z, m, z, conv, np.ones(z.shape, dtype=np.int64), np.zeros(z.shape))

    def bracket(self):
        return -4.0, 3.5

    def window(self):
        return -4.0, 3.5

    @property
    def scale(self):
        return 2.0

    def atoms(self):
        return (self.atom,)

    def moment(self, k):
        return sum(w * law.moment(k) for w, law in self.parts) + self.atom[1] * self.atom[0] ** k

    def describe(self):
        return "mixture"


def exact_cdf(x):
    return sum(w * law.cdf(x) for w, law in MixtureEvaluator.parts) + 0.2 * (x >= 0)


def test_support_atoms_and_density():
    law = NumericLaw(MixtureEvaluator())
    (a1, b1), (a2, b2) = law.support
    # edge refinement as far as 45 halvings of the grid spacing (7.5/511 · 2^-45 ≈ 4e-16), then rounding
    assert abs(a1 + 4) < 1e-12 and abs(b1 + 2) < 1e-12
    assert abs(a2 - 0.5) < 1e-12 and abs(b2 - 3.5) < 1e-12
    assert law.atoms == ((0.0, 0.2),)
    x = np.linspace(-5, 5, 1001)
    rho = law.pdf(x)
    exact = sum(w * l.pdf(x) for w, l in MixtureEvaluator.parts)
    assert np.max(np.abs(rho - exact)) < 1e-14  # the same formula, evaluated through NumericLaw
    assert np.all(rho[(x > -2) & (x < 0.5)] == 0)


def test_density_before_the_edges_are_refined():
    # the density classifies the points of a grid bracket around an edge directly, without refining the edges
    law = NumericLaw(MixtureEvaluator())
    x = np.concatenate([np.linspace(-5, 5, 1001), -2 + np.array([-1e-9, -1e-15, 1e-15, 1e-9]),
                        0.5 + np.array([-1e-9, -1e-15, 1e-15, 1e-9])])
    rho = law.pdf(x)
    assert "_support_info" not in law.__dict__  # the edges were not refined
    exact = sum(w * l.pdf(x) for w, l in MixtureEvaluator.parts)
    assert np.max(np.abs(rho - exact)) < 1e-14  # the same formula, evaluated through NumericLaw
    assert np.all(rho[(x > -2) & (x < 0.5)] == 0) and rho[-8] > 0 and rho[-1] > 0  # 1e-9 inside the edges
    refined = NumericLaw(MixtureEvaluator())
    refined.support
    assert np.array_equal(refined.pdf(x), rho)


def test_conformance():
    law = NumericLaw(MixtureEvaluator())
    report = check_law(law).require_complete({"symbolic": "a numerically evaluated law has no symbolic face"})
    assert "mass" in report.passed and "cdf_ppf" in report.passed and "moments" in report.passed


def test_cdf_ppf_against_exact():
    law = NumericLaw(MixtureEvaluator())
    x = np.linspace(-4.5, 4, 301)
    # composite Gauss–Legendre in θ on square-root edges: ~1e-14, slack for summation
    assert np.max(np.abs(law.cdf(x) - exact_cdf(x))) < 1e-12
    q = np.array([0.01, 0.2, 0.3, 0.35, 0.45, 0.5, 0.9, 0.999])
    xq = law.ppf(q)
    # 0.35 and 0.45 fall inside the atom's jump (cdf jumps from 0.3 to 0.5 at 0)
    assert xq[3] == 0.0 and xq[4] == 0.0
    cont = np.array([0, 1, 6, 7])
    assert np.max(np.abs(exact_cdf(xq[cont]) - q[cont])) < 1e-11  # Newton polish to 1e-13 on a 1e-12 cdf


def test_moments_from_evaluator_and_quadrature_fallback():
    ev = MixtureEvaluator()
    law = NumericLaw(ev)
    assert law.moment(3) == pytest.approx(ev.moment(3), rel=1e-15)

    class NoMoments(MixtureEvaluator):
        def moment(self, k):
            raise NotImplementedError

    law2 = NumericLaw(NoMoments())
    # quadrature of the density plus atoms: θ-rule exact to ~1e-14 for these smooth moments
    assert law2.moment(4) == pytest.approx(ev.moment(4), rel=1e-11)


def test_failures_are_reported_not_silent():
    law = NumericLaw(MixtureEvaluator(fail=(1.0, 1.2)))
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        m = law.stieltjes(np.array([1.1 + 0.1j, -3.0 + 0.1j]))
    assert np.isnan(m[0]) and np.isfinite(m[1])
    strict = NumericLaw(MixtureEvaluator(fail=(1.0, 1.2)), policy=FailurePolicy.RAISE)
    with pytest.raises(ConvergenceError, match="1 of 1 points did not converge"):
        strict.stieltjes(1.1 + 0.5j)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isfinite(strict.stieltjes(-3.0 + 0.5j))


def test_solution_report():
    sol = MixtureEvaluator(fail=(0.0, 0.0)).solve(np.array([0.0 + 1j, 1.0 + 1j]))
    assert "1 of 2 points did not converge" in sol.report()
    assert sol.failed.tolist() == [1j]


def test_unbounded_bracket_extends_support():
    class Shifted(MixtureEvaluator):
        def bracket(self):
            return -4.0, math.inf

        def window(self):
            return -4.0, 3.2  # the scan stops inside the second interval

    law = NumericLaw(Shifted())
    assert law.support[-1][1] == math.inf


def test_validation_and_identity():
    with pytest.raises(TypeError, match="Evaluator"):
        NumericLaw(object())
    with pytest.raises(TypeError, match="FailurePolicy"):
        NumericLaw(MixtureEvaluator(), policy="warn")
    with pytest.raises(ValueError, match="grid"):
        NumericLaw(MixtureEvaluator(), grid=3)
    ev = MixtureEvaluator()
    law = NumericLaw(ev, size=100)
    assert repr(law) == "NumericLaw(mixture, size=100)"
    assert law.replace(size=50).size == 50 and law.replace(size=50).evaluator is ev
    with pytest.raises(TypeError, match="no parameters"):
        law.replace(r=1.0)
    assert law == NumericLaw(ev, size=100) and law != NumericLaw(MixtureEvaluator(), size=100)
    with pytest.raises(AttributeError):
        law.foo = 1
    with pytest.raises(ValueError, match="Im z >= 0"):
        law.solve(1 - 1j)


class StableEvaluator(Evaluator):
    """m(z) of FreeStable(α, β, σ) from the law's own closed-form transform (unbounded support, power tails)."""

    def __init__(self, law):
        self.law = law

    def solve(self, z, start=None, start_kind=None):
        z = np.asarray(z, dtype=complex)
        with warnings.catch_warnings():
            # FreeStable's boundary value can miss exactly at its edge (0.5 for α = ½, β = 1); 1e-12 above the axis
            # it is off by ~1e-12/√(x − edge), far below what matters here
            warnings.simplefilter("ignore", ConvergenceWarning)
            m = self.law.stieltjes(z)
            bad = ~np.isfinite(m)
            m[bad] = self.law.stieltjes(z[bad] + 1e-12j)
        return Solution(z, m, z, np.ones(z.shape, dtype=bool), np.ones(z.shape, dtype=np.int64), np.zeros(z.shape))

    def bracket(self):
        return self.law.support[0]

    def window(self):
        lo, hi = self.law.support[0]
        # a finite edge inside the window (it is found from outside), unbounded sides at the 1 % quantiles
        return (lo - 1.0 if math.isfinite(lo) else float(self.law.ppf(0.01)),
                hi + 1.0 if math.isfinite(hi) else float(self.law.ppf(0.99)))

    @property
    def scale(self):
        lo, hi = self.window()
        return (hi - lo) / 4

    def core(self):
        q1, q2, q3 = self.law.ppf(np.array([0.25, 0.5, 0.75]))
        return float(q2), float(q3 - q1) / 16

    def describe(self):
        return f"stable {self.law!r}"


@pytest.mark.parametrize("alpha, beta", [(0.3, 0.5), (0.5, 1.0), (1.5, -0.8)])
def test_power_tails_keep_unit_mass(alpha, beta):
    # tails |x|^(−1−α): 10^(−α·6) of the mass lies beyond |x| = 1e6 σ, which a window or tan map misses (mass 0.7
    # before the log panels); β = 1 gives [σ/2, ∞) with a square-root edge (the free Lévy law at α = ½)
    from freecalc.laws.free_stable import FreeStable

    exact = FreeStable(alpha, beta, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        law = NumericLaw(StableEvaluator(exact))
        _, ws = law.continuous_rule()
        # composite Gauss–Legendre on smooth log panels plus the asymptotic tails (neglected terms ≲ 1e-9 of ≲ 1e-9)
        assert abs(float(np.sum(ws)) - 1.0) < 1e-12
        q = np.array([1e-9, 1e-6, 1e-3, 0.1, 0.5, 0.9, 0.999, 1 - 1e-6, 1 - 1e-9])
        x = exact.ppf(q)
        fin = np.isfinite(x) & (x > exact.support[0][0])
        # the cdf table: panel sums and Legendre interpolants, ~1e-15 on these smooth integrands; slack 100
        assert np.max(np.abs(law.cdf(x[fin]) - q[fin])) < 1e-12
        # ppf polishes the cdf to 1e-13: x to 1e-13/ρ(x); the check is relative to max(1, |x|)
        back = law.ppf(q[2:-2])
        assert np.max(np.abs(back - x[2:-2]) / np.maximum(1.0, np.abs(x[2:-2]))) < 1e-9
        # the extrapolated tails far beyond the table: sf(x) ~ C x^(−α)/α, continuous and monotone
        far = np.array([1e200, 1e250, 1e300])
        sf = 1.0 - law.cdf(far)
        assert np.all(np.diff(sf) <= 0) and np.all(sf >= 0)


def test_a_tail_without_decay_is_flagged():
    # Im m(x + i0) = 0.01 on the whole line is no probability density: its integrand in v grows, so no tail
    # asymptotics apply and the mass off 1 must be flagged rather than returned as a law
    class Flat(MixtureEvaluator):
        def solve(self, z, start=None, start_kind=None):
            z = np.asarray(z, dtype=complex)
            m = -1.0 / (z + 1j) + 0.01j
            return Solution(z, m, z, np.ones(z.shape, dtype=bool), np.ones(z.shape, dtype=np.int64),
                            np.zeros(z.shape))

        def bracket(self):
            return -math.inf, math.inf

        def atoms(self):
            return ()

    law = NumericLaw(Flat())
    with pytest.warns(ConvergenceWarning, match="total mass"):
        law.cdf(0.0)


def test_points_that_did_not_converge_are_nan_not_zero(monkeypatch):
    # a failed solve leaves m = NaN + 0j; the density used to floor its imaginary part to a silent 0 while the
    # warning said "returned as NaN" (compress(FreeStable(1.9, 0, 0.5), 0.3), its far-tail points forced to fail)
    import dataclasses

    import freecalc.operations.subordination as S
    from freecalc.laws.free_stable import FreeStable
    from freecalc.operations.subordination import compress_numeric

    solve = S.solve_vectorised

    def fail_far(*args, **kwargs):
        sol = solve(*args, **kwargs)
        conv = sol.converged.copy()
        conv[np.abs(sol.z.real) > 1e9] = False
        return dataclasses.replace(sol, converged=conv, m=np.where(conv, sol.m, np.nan + 0j))

    monkeypatch.setattr(S, "solve_vectorised", fail_far)
    law = compress_numeric(FreeStable(1.9, 0, 0.5), 0.3)
    with pytest.warns(ConvergenceWarning, match="returned as NaN"):
        rho = law.pdf(np.array([1e3, 1e10, 1e50]))
    assert np.isfinite(rho[0]) and rho[0] > 0
    assert np.all(np.isnan(rho[1:]))
