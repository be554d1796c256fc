"""Properties of every exported law, drawn from its declared parameter domains (freecalc/testing/invariants.py).

Every class in ``freecalc.__all__`` that subclasses ``fc.Law`` and declares parameters is discovered and drawn; a
class that cannot be drawn (every draw rejected, or the constructor failing) makes the test fail: Hypothesis
raises ``Unsatisfiable`` / the constructor's error. Parameter-free law classes are listed below with the reason
they cannot be drawn from declarations; a new one must be added there, so nothing is left out silently.

Example counts are per law class and scale with the Hypothesis profile (``scaled_examples``).
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import freecalc as fc
from freecalc.testing.counting import counted
from freecalc.testing.invariants import (
    check_cdf_ppf, check_density, check_invariants, check_large_kappa_regime, check_mass, check_stieltjes, same_law,
)
from freecalc.testing.strategies import exported_law_classes, laws, scaled_examples, valid_params

LAW_CLASSES = exported_law_classes(fc)

#: exported law classes without declared parameters: built from data, equations or other laws, not drawn here
NOT_FROM_PARAMETERS = {
    "Law": "the abstract base class",
    "AlgebraicLaw": "built from a polynomial equation; drawn as results of ⊞/⊠/compress/power in "
                    "test_operation_properties.py",
    "Atoms": "built from locations and weights; covered as atoms of the drawn laws and by tests/laws/test_discrete.py",
    "NumericLaw": "built from an evaluator (subordination results); covered by tests/operations",
    "Empirical": "built from eigenvalue data; covered by tests/laws/test_empirical.py",
    "FittedSpectrum": "built from a fit of data; covered by tests/laws/test_empirical.py",
    "DecompressedLaw": "built by numeric decompression of data; covered by tests/operations",
}

SEEDS = st.integers(0, 2 ** 32 - 1)
# not filter_too_much: a class whose draws are all rejected must fail
COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow],
              # no shrinking: an example costs up to seconds, shrinking a failure would multiply the run time;
              # the falsifying example is printed as drawn
              phases=[Phase.explicit, Phase.reuse, Phase.generate])


def test_discovery_covers_every_exported_law_class() -> None:
    names = {cls.__name__ for cls in LAW_CLASSES}
    assert {"Semicircle", "MarchenkoPastur", "KestenMcKay", "Wachter", "FreeMeixner", "HTMP", "InverseHTMP",
            "PointMass"} <= names
    exported = {n for n in fc.__all__ if isinstance(getattr(fc, n), type) and issubclass(getattr(fc, n), fc.Law)}
    unexplained = exported - names - set(NOT_FROM_PARAMETERS)
    assert not unexplained, f"exported law classes neither drawn nor listed in NOT_FROM_PARAMETERS: {unexplained}"
    stale = set(NOT_FROM_PARAMETERS) - exported
    assert not stale, f"NOT_FROM_PARAMETERS lists classes that are not exported law classes: {stale}"


@pytest.mark.parametrize("law_cls", LAW_CLASSES, ids=lambda c: c.__name__)
def test_invariants_of_typical_laws(law_cls) -> None:
    """Mass, density, cdf/ppf, moments vs quadrature and R-transform, m(z) branch and asymptotics, symbolic =
    numeric, and input shapes, for laws with parameters drawn from the declared typical ranges."""

    @settings(max_examples=scaled_examples(5), **COMMON)
    @given(laws(law_cls), SEEDS)
    @counted
    def run(law, seed):
        check_invariants(law, seed)

    run()


@pytest.mark.parametrize("law_cls", LAW_CLASSES, ids=lambda c: c.__name__)
def test_basic_invariants_across_the_whole_domain(law_cls) -> None:
    """Mass, density, cdf/ppf and the branch of m(z) for parameters anywhere in the declared domain (clipped to
    ±1e3, edges and near-edges of open ends included): no silently wrong law at extreme parameters."""

    @settings(max_examples=scaled_examples(6), **COMMON)
    @given(valid_params(law_cls), SEEDS)
    @counted
    def run(kw, seed):
        try:
            law = law_cls(**kw)
        except ValueError as err:
            # a cross-parameter constraint may reject a draw, but only with a message naming a parameter
            assert any(repr(p.name) in str(err) or f"{p.name} = " in str(err) for p in law_cls.parameters), str(err)
            return
        gen = np.random.default_rng(seed)
        if law_cls.__name__ == "HTMP" and law.mp_limit:
            # b = κ/(2γ) > 2e4: the Marchenko–Pastur limit with proven bounds, which flags (NaN, MPLimitWarning)
            # what it cannot bound inside the edge layers instead of the general invariants
            check_large_kappa_regime(law, gen)
            return
        check_mass(law)
        check_density(law, gen)
        check_cdf_ppf(law, gen)
        check_stieltjes(law, gen)

    run()


# HTMP: m(z) off the real axis is costly and every example checks two more laws (~20 s in all)
@pytest.mark.parametrize("law_cls", [pytest.param(c, marks=pytest.mark.slow) if c.__name__ == "HTMP" else c
                                     for c in LAW_CLASSES], ids=lambda c: c.__name__)
def test_shift_and_scale(law_cls) -> None:
    """law + a and a * law: m_{X+a}(z) = m_X(z − a), m_{aX}(z) = m_X(z/a)/a, mean and variance transform exactly;
    the results satisfy every invariant."""

    @settings(max_examples=scaled_examples(3), **COMMON)
    @given(laws(law_cls), st.floats(-3, 3), st.floats(0.2, 4).flatmap(lambda v: st.sampled_from([v, -v])), SEEDS)
    @counted
    def run(law, a, c, seed):
        shifted, scaled = law + a, c * law
        gen = np.random.default_rng(seed)
        lo, hi, w = _extent(law)
        z = gen.uniform(lo - w, hi + w, 10) + 1j * w * gen.uniform(0.05, 2.0, 10)
        m = law.stieltjes(z)
        # the same closed form at a moved point: round-off of |m| only
        ms = shifted.stieltjes(z + a)
        assert np.allclose(ms, m, rtol=1e-9, atol=1e-12 / w), f"{law!r} + {a!r}: m(z + a) = {ms[:2]} ≠ m_X(z) = {m[:2]}"
        zc = c * z if c > 0 else np.conj(c * z)  # a negative scale maps the upper half plane to the lower one
        expect = m / c if c > 0 else np.conj(m / c)
        mc = scaled.stieltjes(zc)
        assert np.allclose(mc, expect, rtol=1e-9, atol=1e-12 / w), f"{c!r} * {law!r}: {mc[:2]} ≠ {expect[:2]}"
        mean, var = law.mean(), law.var()
        if math.isfinite(mean):
            assert shifted.mean() == pytest.approx(mean + a, rel=1e-9, abs=1e-9 * w)
            assert scaled.mean() == pytest.approx(c * mean, rel=1e-9, abs=1e-9 * w)
        if math.isfinite(var):
            assert shifted.var() == pytest.approx(var, rel=1e-8, abs=1e-9 * w * w)
            assert scaled.var() == pytest.approx(c * c * var, rel=1e-8, abs=1e-9 * w * w)
        check_invariants(shifted, seed)
        check_invariants(scaled, seed)

    run()


def _extent(law) -> tuple[float, float, float]:
    from freecalc.testing.invariants import law_scale

    return law_scale(law)


def test_same_law_detects_a_different_law() -> None:
    # the helper the operation properties rely on must be able to fail
    same_law(fc.Semicircle(2.0), fc.Semicircle(2.0))
    with pytest.raises(AssertionError):
        same_law(fc.Semicircle(2.0), fc.Semicircle(2.0 + 1e-5))
