"""The scipy.stats vocabulary on every exported law agrees with its definition (freecalc/laws/stats_vocabulary.py)."""
import math

import numpy as np
import pytest
from scipy import integrate

import freecalc as fc

# Identities between methods built on the same evaluators hold to round-off; 1e-9 leaves room for ppf's bisection.
TOL = 1e-9


def _exported_law_classes():
    classes = [getattr(fc, name) for name in fc.__all__]
    return [c for c in classes if isinstance(c, type) and issubclass(c, fc.Law) and c.parameters]


def _midpoint_law(cls):
    return cls(**{p.name: p.domain.sample_inside(p.typical) for p in cls.parameters})


LAWS = [_midpoint_law(c) for c in _exported_law_classes()] + [
    fc.free_add(fc.Semicircle(2), fc.MarchenkoPastur(0.5)),  # an AlgebraicLaw
    fc.MarchenkoPastur(2.0),  # an atom at 0
]


def test_every_exported_parametric_law_is_covered():
    names = {type(law).__name__ for law in LAWS}
    assert {"Semicircle", "MarchenkoPastur", "KestenMcKay", "Wachter", "FreeMeixner", "HTMP", "InverseHTMP"} <= names


@pytest.mark.parametrize("law", LAWS, ids=repr)
def test_tails_and_logs(law):
    q = np.array([0.05, 0.3, 0.5, 0.8, 0.95])
    x = law.ppf(q)
    np.testing.assert_allclose(law.sf(x), 1.0 - law.cdf(x), rtol=0, atol=TOL)
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(law.logpdf(x), np.log(law.pdf(x)), rtol=TOL)
        np.testing.assert_allclose(law.logcdf(x), np.log(law.cdf(x)), rtol=TOL)
        np.testing.assert_allclose(law.logsf(x), np.log(law.sf(x)), rtol=TOL)
    np.testing.assert_allclose(law.isf(q), law.ppf(1.0 - q), rtol=TOL, atol=TOL)
    lo, hi = law.interval(0.9)
    assert lo == pytest.approx(float(law.ppf(0.05)), abs=TOL) and hi == pytest.approx(float(law.ppf(0.95)), abs=TOL)
    assert law.median() == pytest.approx(float(law.ppf(0.5)), abs=TOL)
    assert np.ndim(law.sf(0.3)) == 0 and law.sf(np.zeros((2, 3))).shape == (2, 3)


@pytest.mark.parametrize("law", LAWS, ids=repr)
def test_expect_and_stats_agree_with_moments(law):
    # InverseHTMP has few finite moments: compare only the ones that exist
    m1, m2 = law.moment(1), law.moment(2)
    if not math.isfinite(m2):
        # FreeStable (α < 2): E X² = +inf by convention, and no quadrature of x ρ or x² ρ converges on that tail
        assert m2 == math.inf and law.var() == math.inf
        return
    assert law.expect() == pytest.approx(m1, rel=1e-8, abs=1e-10)
    assert law.expect(lambda t: t ** 2) == pytest.approx(m2, rel=1e-8)
    mean, var = law.stats("mv")
    assert mean == pytest.approx(m1, rel=TOL, abs=TOL) and var == pytest.approx(m2 - m1 ** 2, rel=1e-8)
    assert law.std() == pytest.approx(math.sqrt(var), rel=1e-8)


@pytest.mark.parametrize("law", LAWS, ids=repr)
def test_truncated_and_conditional_expect(law):
    cut = float(law.median())
    below = law.expect(lambda t: np.ones_like(t), ub=cut)
    assert below == pytest.approx(float(law.cdf(cut)), abs=1e-8)  # probability of (−∞, median]
    cond = law.expect(lambda t: np.ones_like(t), lb=cut, conditional=True)
    assert cond == pytest.approx(1.0, abs=1e-8)


@pytest.mark.parametrize("law", [law for law in LAWS if not law.atoms], ids=repr)
def test_entropy_against_adaptive_quadrature(law):
    def integrand(t):
        d = float(law.pdf(t))
        return -d * math.log(d) if d > 0 else 0.0

    ref = sum(integrate.quad(integrand, a, b, limit=400, epsabs=1e-12)[0] for a, b in law.support)
    assert law.entropy() == pytest.approx(ref, abs=1e-8)


def test_semicircle_entropy_closed_form():
    # h = log(πr) − 1/2 for the semicircle of radius r
    for r in (0.5, 2.0, 7.0):
        assert fc.Semicircle(r).entropy() == pytest.approx(math.log(math.pi * r) - 0.5, abs=1e-11)  # rule error ~3e-13


def test_entropy_of_a_law_with_atoms_is_minus_infinity():
    assert fc.MarchenkoPastur(2.0).entropy() == -math.inf


def test_stats_codes_and_skewness_of_mp():
    # MP(c): free Poisson moments m2 = 1 + c, m3 = 1 + 3c + c², m4 = 1 + 6c + 6c² + c³
    c = 0.5
    law = fc.MarchenkoPastur(c)
    skew = (1 + 3 * c + c * c - 3 * (1 + c) + 2) / c ** 1.5
    assert law.stats("s") == pytest.approx(skew, rel=1e-12)
    kurt = (1 + 6 * c + 6 * c * c + c ** 3 - 4 * (1 + 3 * c + c * c) + 6 * (1 + c) - 3) / c ** 2 - 3
    assert law.stats("k") == pytest.approx(kurt, rel=1e-12)
    assert len(law.stats("mvsk")) == 4


@pytest.mark.parametrize("alpha", [1.0, 1.5])
def test_stats_of_an_infinite_variance_law(alpha):
    # E X² = ∞ for a free stable law with α < 2: the variance is +∞ (not inf − inf = NaN), skewness and
    # kurtosis are undefined (NaN, as scipy reports them); the mean is whatever moment(1) says
    law = fc.FreeStable(alpha)
    mean, var, skew, kurt = law.stats("mvsk")
    assert mean == law.moment(1)
    assert var == math.inf and law.var() == math.inf
    assert math.isnan(skew) and math.isnan(kurt)


@pytest.mark.parametrize("bad", ["", "x", "mx", 3])
def test_stats_rejects_unknown_codes(bad):
    with pytest.raises(ValueError, match="moments"):
        fc.Semicircle(1).stats(bad)


@pytest.mark.parametrize("method, arg", [("isf", 1.5), ("isf", -0.1), ("interval", 2.0), ("interval", float("nan"))])
def test_probability_arguments_are_checked(method, arg):
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        getattr(fc.Semicircle(1), method)(arg)


def test_expect_rejects_reversed_limits():
    with pytest.raises(ValueError, match="lb"):
        fc.Semicircle(1).expect(lb=1.0, ub=0.0)
