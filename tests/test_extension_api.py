"""The public extension API: laws written outside the package (this module plays the user's module).

``RaisedCosine`` and ``UserSemicircle`` declare parameters, a density and a support only; ``BetaLaw`` adds numeric
kernels, a short name and a fitting start hook. Each feature is checked against an independent route: quadrature of
the declared density, a Monte Carlo matrix, or a known closed form (a semicircle written by hand against
``fc.Semicircle``).
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

import freecalc as fc
from freecalc.expressions import available_names, parse_expression


class RaisedCosine(fc.Law):
    r"""Density :math:`(1 + \cos(\pi(x - \mu)/s))/(2s)` on :math:`[\mu - s, \mu + s]`; variance
    :math:`s^2(1/3 - 2/\pi^2)`."""

    parameters = (fc.Parameter("s", "s", fc.POSITIVE, typical=(0.5, 2.0)),
                  fc.Parameter("mu", r"\mu", fc.REAL, typical=(-1.0, 1.0), default=0.0))

    def _support(self):
        return ((self.mu - self.s, self.mu + self.s),)

    def _pdf(self, x):
        u = (x - self.mu) / self.s
        return np.where(np.abs(u) < 1, (1 + np.cos(np.pi * u)) / (2 * self.s), 0.0)


class UserSemicircle(fc.Law):
    """The semicircle of radius r, written as a user would (density and support only)."""

    parameters = (fc.Parameter("r", "r", fc.POSITIVE, typical=(0.5, 2.0)),)

    def _support(self):
        return ((-self.r, self.r),)

    def _pdf(self, x):
        return 2 / (np.pi * self.r ** 2) * np.sqrt(np.maximum(self.r ** 2 - x ** 2, 0.0))


def _beta_pdf(x, a, b):
    return stats.beta.pdf(x, a, b)


KERNEL_CALLS: list = []


def _beta_kernel_pdf(x, a, b):
    # the kernel the likelihood evaluates (numba-stats style: x broadcasts against a and b); counted, so the test
    # sees that the fit calls the class's kernel rather than building a law per evaluation
    KERNEL_CALLS.append(np.shape(x))
    return _beta_pdf(x, a, b)


class BetaLaw(fc.Law):
    """Beta(a, b) on [0, 1] with a, b > 1, plus kernels, an alias and a moment start for the fit."""

    parameters = (fc.Parameter("a", "a", fc.Domain(1.0, math.inf, lo_closed=False), typical=(1.5, 4.0)),
                  fc.Parameter("b", "b", fc.Domain(1.0, math.inf, lo_closed=False), typical=(1.5, 4.0)))
    aliases = ("testbeta",)
    kernels = fc.Kernels(pdf=_beta_kernel_pdf, support=lambda a, b: ((0.0, 1.0),))
    fit_hints = fc.FitHints(nonnegative=True)
    start_calls: list = []

    def _support(self):
        return ((0.0, 1.0),)

    def _pdf(self, x):
        return _beta_pdf(x, self.a, self.b)

    @classmethod
    def fit_starts(cls, data, with_scale, with_loc):
        # method of moments: a + b = m(1 − m)/v − 1, a = m(a + b)
        m, v = float(np.mean(data.x)), float(np.var(data.x))
        t = m * (1 - m) / v - 1
        start = {"a": m * t, "b": (1 - m) * t}
        cls.start_calls.append(start)
        return [start]


# -- numeric face from a density and a support only ----------------------------------------------------------------

def test_user_law_numeric_face_against_quadrature():
    law = RaisedCosine(1.5, mu=0.2)
    rho = lambda t: float(law.pdf(t))  # noqa: E731
    # adaptive quadrature of the declared density (tolerance 1e-12) against the base class's Gauss–Legendre rules
    assert integrate.quad(rho, -1.3, 1.7)[0] == pytest.approx(1.0, abs=1e-12)
    assert law.var() == pytest.approx(1.5 ** 2 * (1 / 3 - 2 / math.pi ** 2), rel=1e-10)
    for x in (-1.0, 0.2, 1.1):
        assert law.cdf(x) == pytest.approx(integrate.quad(rho, -1.3, x)[0], abs=1e-10)
    z = 0.4 + 0.3j
    re = integrate.quad(lambda t: (rho(t) / (t - z)).real, -1.3, 1.7, limit=200)[0]
    im = integrate.quad(lambda t: (rho(t) / (t - z)).imag, -1.3, 1.7, limit=200)[0]
    # z at distance 0.3 from the support: the generic quadrature Stieltjes transform is good to ~1e-8 there
    assert abs(law.stieltjes(z) - complex(re, im)) < 1e-7


# -- operations ------------------------------------------------------------------------------------------------------

def test_user_semicircle_free_add_matches_the_closed_form():
    out = fc.free_add(UserSemicircle(2.0), fc.Semicircle(1.0))
    x = np.linspace(-2.1, 2.1, 9)
    # numeric subordination against SC(2) ⊞ SC(1) = SC(√5); 1e-6 is the subordination solver's accuracy on the axis
    np.testing.assert_allclose(out.pdf(x), fc.Semicircle(math.sqrt(5.0)).pdf(x), atol=1e-6)


def test_user_law_free_add_against_monte_carlo():
    law, sc = RaisedCosine(1.0), fc.Semicircle(2.0)
    out = fc.free_add(law, sc)
    rng = np.random.default_rng(7)
    n = 1000
    q = (np.arange(n) + 0.5) / n
    o, _ = np.linalg.qr(rng.standard_normal((n, n)))
    eig = np.linalg.eigvalsh(np.diag(law.ppf(q)) + (o * sc.ppf(q)) @ o.T)
    grid = np.linspace(-2.0, 2.0, 9)
    emp = np.searchsorted(np.sort(eig), grid) / n
    # n = 1000 eigenvalues of one matrix: fluctuations of the ESD are O(1/n) in the bulk; 0.01 leaves a margin
    assert np.max(np.abs(out.cdf(grid) - emp)) < 0.01
    assert out.var() == pytest.approx(law.var() + sc.var(), rel=1e-6)  # κ₂ adds under ⊞ (exact)


def test_user_law_free_mul_moments():
    a, b = RaisedCosine(1.0, mu=3.0), fc.MarchenkoPastur(0.5)
    out = fc.free_mul(a, b)
    # free independence: E[ab] = E[a]E[b] and E[abab] = E[a²]E[b]² + E[a]²E[b²] − E[a]²E[b]²
    m2 = a.moment(2) * b.mean() ** 2 + a.mean() ** 2 * b.moment(2) - a.mean() ** 2 * b.mean() ** 2
    assert out.mean() == pytest.approx(a.mean() * b.mean(), rel=1e-8)
    assert out.moment(2) == pytest.approx(m2, rel=1e-6)  # numeric ⊠ route: moments by quadrature of its density


def test_user_law_compress_and_decompress_match_the_semicircle():
    x = np.linspace(-1.2, 1.2, 7)
    # compression by α of SC(r) is SC(r√α); decompression by f is SC(r√f) (variance scales with the fraction)
    np.testing.assert_allclose(fc.compress(UserSemicircle(2.0), 0.5).pdf(x),
                               fc.Semicircle(2.0 * math.sqrt(0.5)).pdf(x), atol=1e-6)
    dec = UserSemicircle(1.0, size=100).decompress(200)
    np.testing.assert_allclose(dec.pdf(x), fc.Semicircle(math.sqrt(2.0)).pdf(x), atol=1e-5)


def test_user_law_functionals():
    law = RaisedCosine(1.0, mu=3.0)
    ref = integrate.quad(lambda t: math.log(t) * float(law.pdf(t)), 2.0, 4.0)[0]
    assert float(fc.logdet(law, 100)) == pytest.approx(100 * ref, rel=1e-9)
    assert float(fc.trace(law, n=100)) == pytest.approx(300.0, rel=1e-10)


# -- fitting ---------------------------------------------------------------------------------------------------------

def test_user_law_fits_with_the_default_hooks():
    truth = RaisedCosine(1.5, mu=0.2)
    x = truth.rvs(2000, rng=3)
    res = fc.fit(x, law=RaisedCosine)
    assert isinstance(res.law, RaisedCosine)
    for name in ("s", "mu"):
        # ML estimates within 4 standard errors of the truth (two-sided, seeded sample)
        assert abs(res.params[name] - truth.params[name]) < 4 * res.stderr[name]
        assert 0 < res.stderr[name] < 0.05
    assert res.ks < 0.03  # KS of 2000 draws from the fitted law: ~1/√n


def test_user_law_fit_uses_its_start_hook_and_kernels():
    BetaLaw.start_calls.clear()
    KERNEL_CALLS.clear()
    truth = BetaLaw(2.0, 5.0)
    x = stats.beta(2.0, 5.0).rvs(3000, random_state=np.random.default_rng(11))
    res = fc.fit(x, law="testbeta")
    assert BetaLaw.start_calls, "the class's fit_starts hook was not called"
    assert len(KERNEL_CALLS) > 20, "the likelihood did not evaluate the class's kernel"
    start = BetaLaw.start_calls[0]
    for name in ("a", "b"):
        assert abs(res.params[name] - truth.params[name]) < 4 * res.stderr[name]
        # the moment start is consistent: within 10 % of the maximum-likelihood estimate at n = 3000
        assert start[name] == pytest.approx(res.params[name], rel=0.1)
    # scipy's own Beta MLE (an independent optimiser on the same likelihood)
    a_ref, b_ref, _, _ = stats.beta.fit(x, floc=0, fscale=1)
    assert res.params["a"] == pytest.approx(a_ref, rel=1e-3) and res.params["b"] == pytest.approx(b_ref, rel=1e-3)


def test_user_start_hook_without_the_added_scale():
    # the hook returns (a, b) only; with ScaleOption.FIT the fit adds a scale, starts it at 1 (infeasible: the
    # data reach past 1) and moves it
    x = 1.5 * stats.beta(2.0, 5.0).rvs(3000, random_state=np.random.default_rng(12))
    res = fc.fit(x, law=BetaLaw, scale=fc.ScaleOption.FIT)
    assert set(res.params) == {"a", "b", "scale"}
    assert x.max() > 1.0
    for name, true in (("a", 2.0), ("b", 5.0), ("scale", 1.5)):
        assert abs(res.params[name] - true) < 4 * res.stderr[name]


def test_user_law_names_in_expressions():
    names = available_names(BetaLaw)
    assert parse_expression("testbeta(2, 3)", names) == BetaLaw(2, 3)
    assert parse_expression("BetaLaw(a=2, b=3)", names) == BetaLaw(2, 3)
    with pytest.raises(fc.expressions.ExpressionError, match="unknown name 'BetaLaw'"):
        parse_expression("BetaLaw(2, 3)")  # not exported by freecalc: allowed only when passed
    with pytest.raises(TypeError, match="Law subclasses"):
        available_names(float)


def _define_uniform_law(namespace: dict) -> type:
    # the same class statement run twice (a re-run notebook cell): same module and qualified name
    code = ("class RedefinedUniform(fc.Law):\n"
            "    parameters = (fc.Parameter('w', 'w', fc.Domain(0.0, math.inf, lo_closed=False), typical=(0.5, 2)),)\n"
            "    aliases = ('redefuniform',)\n"
            "    def _support(self):\n"
            "        return ((0.0, self.w),)\n"
            "    def _pdf(self, x):\n"
            "        return np.where((x > 0) & (x < self.w), 1.0 / self.w, 0.0)\n")
    exec(compile(code, "<cell>", "exec"), namespace)  # noqa: S102 - a fixed class statement
    return namespace["RedefinedUniform"]


def test_a_redefined_law_class_replaces_the_earlier_one_by_name():
    from freecalc.fitting.families import family_named

    ns = {"fc": fc, "np": np, "math": math, "__name__": "cell_module"}
    first = _define_uniform_law(ns)
    second = _define_uniform_law(ns)
    assert first is not second
    assert family_named("redefuniform").law is second  # the last definition wins, no "ambiguous" error
    # two different classes carrying one alias are a genuine ambiguity: named, both listed
    other = _define_uniform_law({"fc": fc, "np": np, "math": math, "__name__": "another_module"})
    with pytest.raises(ValueError, match="ambiguous") as err:
        family_named("redefuniform")
    assert "cell_module.RedefinedUniform" in str(err.value) and "another_module.RedefinedUniform" in str(err.value)
    del other
