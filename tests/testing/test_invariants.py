"""The property-suite invariants (freecalc/testing/invariants.py) pass on a correct law and catch broken ones."""
import types
import warnings

import numpy as np
import pytest
from hypothesis import settings

import freecalc as fc
from freecalc.testing import invariants as inv
from freecalc.testing.strategies import exported_law_classes, parameter_grid, scaled_examples


class _HeavyDensity(fc.Semicircle):
    """A semicircle whose density is 1 % too large: mass 1.01."""

    def _pdf(self, x):
        return 1.01 * super()._pdf(x)


class _WrongBranch(fc.Semicircle):
    """m(z) on the wrong sheet: Im m < 0 in the upper half plane."""

    def _stieltjes(self, z):
        return np.conj(super()._stieltjes(z))


class _ScalarAsArray(fc.Semicircle):
    """pdf of a scalar comes back as a 1-element array."""

    def pdf(self, x):
        return np.atleast_1d(super().pdf(x))


class _WrongMean(fc.Semicircle):
    def _moment(self, k):
        return super()._moment(k) + (0.1 if k == 1 else 0.0)


def test_a_correct_law_passes_everything() -> None:
    inv.check_invariants(fc.MarchenkoPastur(2.0), rng=1)  # with an atom at 0
    inv.check_invariants(fc.Semicircle(1.5, center=0.3), rng=2)


@pytest.mark.parametrize("law, check, fragment", [
    (_HeavyDensity(2.0), inv.check_mass, "total mass"),
    (_WrongBranch(2.0), lambda law: inv.check_stieltjes(law, np.random.default_rng(0)), "≤ 0 at z"),
    (_ScalarAsArray(2.0), lambda law: inv.check_shapes(law, np.random.default_rng(0)), "scalar in"),
    (_WrongMean(2.0), inv.check_moments, "mean"),
], ids=["mass", "branch", "shapes", "mean"])
def test_each_invariant_can_fail(law, check, fragment) -> None:
    with pytest.raises(AssertionError, match=fragment):
        check(law)


def test_discovery_and_grid() -> None:
    classes = exported_law_classes(fc)
    assert fc.Semicircle in classes and fc.Law not in classes and fc.AlgebraicLaw not in classes
    fake = types.SimpleNamespace(__all__=["Semicircle", "free_add", "Law"], Semicircle=fc.Semicircle,
                                 free_add=fc.free_add, Law=fc.Law)
    assert exported_law_classes(fake) == [fc.Semicircle]
    grid = parameter_grid(fc.Wachter, 2)  # the ends of the typical ranges a, b ∈ [0.6, 4]
    assert {(law.a, law.b) for law in grid} == {(0.6, 0.6), (0.6, 4.0), (4.0, 0.6), (4.0, 4.0)}
    assert len(parameter_grid(fc.FreeMeixner, 3)) == 27


def test_scaled_examples_follows_the_profile() -> None:
    base = settings.default.max_examples
    assert scaled_examples(6) == max(1, round(6 * base / 100))


def test_equation_check_with_coefficients_beyond_the_double_range() -> None:
    # KestenMcKay shifted by 6.9e-231, written exactly, has integer coefficients ~1e600: the residual check
    # P(m(z), z) ≈ 0 converted them to inf and warned (invalid value) instead of checking
    # (through to_algebraic: an affine image of the named law is a ShiftedFreeMeixner, which has a closed form)
    law = fc.to_algebraic(fc.KestenMcKay(7.013329890996599)) + (-6.926380804120241e-231)
    assert isinstance(law, fc.AlgebraicLaw)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # as in the property suite
        assert inv.check_symbolic(law, np.random.default_rng(0)) == "equation"


class _HalfAtom(fc.MarchenkoPastur):
    """MP(2) whose cdf carries only half its atom at 0."""

    def _cdf(self, x):
        return super()._cdf(x) - 0.25 * (np.asarray(x) >= 0.0)


def test_atom_jump_with_an_edge_in_the_last_ulp() -> None:
    # ChiralBlock with c → 1: the continuous part's edge is 1 ulp below the atom at β, and the last ulp holds
    # ~7e-7 of continuous mass (found by the thorough run); the atom itself (5e-6) must still be all there
    law = fc.ChiralBlock(918.6573402212521, -331.7238639695573, 0.99999)
    (loc, mass), = law.atoms
    jump = float(law.cdf(loc) - law.cdf(np.nextafter(loc, -np.inf)))
    assert 1e-7 < jump - mass < 5e-6  # the excess this rule admits, measured 6.7e-7
    inv.check_cdf_ppf(law, np.random.default_rng(0))
    with pytest.raises(AssertionError, match="cdf jumps by"):
        inv._check_atom_jump(_HalfAtom(2.0), 0.0, 0.5)
