"""fc.finite.free_add / free_mul / compress: exact high-precision references, closed forms, the d → ∞ limit, errors."""
from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from scipy.special import roots_hermitenorm

import freecalc as fc
from freecalc import finite as ff

D12 = 12
RNG_SEED = 20261204


def _ks_to_law(roots: np.ndarray, law: fc.Law) -> float:
    # Kolmogorov distance between the root measure (atoms 1/d) and a continuous law: both one-sided gaps at each atom
    d = roots.size
    cdf = np.asarray(law.cdf(np.sort(roots)), dtype=float)
    i = np.arange(1, d + 1)
    return float(max(np.max(i / d - cdf), np.max(cdf - (i - 1) / d)))


def _mp_elementary(roots: list) -> list:
    # e_0..e_d of the roots, 50 digits
    e = [mpmath.mpf(1)] + [mpmath.mpf(0)] * len(roots)
    for r in roots:
        for k in range(len(roots), 0, -1):
            e[k] += r * e[k - 1]
    return e


def _mp_sorted_real_roots(e: list) -> np.ndarray:
    # monic sum_k (-1)^k e_k x^(d-k) in 50 digits; roots must come out real
    coeffs = [(-1) ** k * e[k] for k in range(len(e))]
    roots = mpmath.polyroots(coeffs, maxsteps=500, extraprec=400)
    assert all(abs(mpmath.im(r)) < mpmath.mpf(10) ** -30 for r in roots)
    return np.sort(np.array([float(mpmath.re(r)) for r in roots]))


@pytest.fixture(scope="module")
def inputs12() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(RNG_SEED)
    return np.sort(rng.normal(size=D12)), np.sort(rng.gamma(2.0, size=D12))


def test_free_add_d12_matches_the_exact_mss_formula(inputs12):
    a, b = inputs12
    d = D12
    with mpmath.workdps(50):
        ea, eb = _mp_elementary([mpmath.mpf(float(x)) for x in a]), _mp_elementary([mpmath.mpf(float(x)) for x in b])
        f = mpmath.factorial
        e = [sum(f(d - i) * f(d - (k - i)) / (f(d) * f(d - k)) * ea[i] * eb[k - i] for i in range(k + 1))
             for k in range(d + 1)]
        ref = _mp_sorted_real_roots(e)
    r = ff.free_add(a, b)
    # 1e-8: the acceptance bound; the certificate itself claims ~1e-13
    assert np.max(np.abs(r.roots - ref)) < 1e-8
    assert 0 < r.radius < 1e-10


def test_free_mul_d12_matches_the_exact_mss_formula(inputs12):
    a, b = inputs12
    d = D12
    with mpmath.workdps(50):
        ea, eb = _mp_elementary([mpmath.mpf(float(x)) for x in a]), _mp_elementary([mpmath.mpf(float(x)) for x in b])
        e = [ea[k] * eb[k] / mpmath.binomial(d, k) for k in range(d + 1)]
        ref = _mp_sorted_real_roots(e)
    r = ff.free_mul(a, b)
    assert np.max(np.abs(r.roots - ref)) < 1e-8  # issue's bound
    assert r.radius < 1e-10


def test_compress_d12_matches_the_exact_derivative(inputs12):
    a, _ = inputs12
    k = 5
    with mpmath.workdps(50):
        coeffs = [(-1) ** i * c for i, c in enumerate(_mp_elementary([mpmath.mpf(float(x)) for x in a]))]
        poly = coeffs
        for _ in range(D12 - k):
            n = len(poly) - 1
            poly = [c * (n - i) for i, c in enumerate(poly[:-1])]
        roots = mpmath.polyroots(poly, maxsteps=500, extraprec=400)
        ref = np.sort([float(mpmath.re(r)) for r in roots])
    r = ff.compress(a, k)
    assert r.degree == k
    assert np.max(np.abs(r.roots - ref)) < 1e-8  # issue's bound


def test_hermite_closed_form_is_kept_at_moderate_degree():
    # independent exact identity: He_d(x; s) ⊞_d He_d(x; t) = He_d(x; s + t), roots of He_d(x; t) = √t · roots(He_d)
    d = 300
    h, _ = roots_hermitenorm(d)
    r = ff.free_add(h, 2.0 * h)
    # 1e-9: scipy's Hermite roots are accurate to ~1e-12 relative; the certificate bounds our side
    np.testing.assert_allclose(r.roots, math.sqrt(5.0) * np.sort(h), rtol=0, atol=1e-9)
    assert r.radius < 1e-9


def test_compress_of_hermite_is_hermite():
    # He_d^{(j)} = d!/(d−j)! He_{d−j}: the compression of a Hermite polynomial is the lower-degree Hermite polynomial
    d, k = 200, 120
    h, _ = roots_hermitenorm(d)
    hk, _ = roots_hermitenorm(k)
    r = ff.compress(h, k)
    np.testing.assert_allclose(r.roots, np.sort(hk), rtol=0, atol=1e-9)  # scipy roots ~1e-12; ours certified


def test_mean_and_variance_add_exactly_and_input_order_is_irrelevant():
    rng = np.random.default_rng(RNG_SEED + 1)
    a, b = rng.uniform(-1, 3, size=150), rng.exponential(size=150)
    r = ff.free_add(a, b)
    s = ff.free_add(b[::-1], a)
    np.testing.assert_allclose(r.roots, s.roots, rtol=0, atol=1e-12)  # symmetric operation
    # finite free cumulants 1 and 2 are mean and variance of the roots: exactly additive (rounding only)
    assert abs(r.roots.mean() - (a.mean() + b.mean())) < 1e-12
    assert abs(r.roots.var() - (a.var() + b.var())) < 1e-10


def test_identities_of_the_special_polynomials():
    rng = np.random.default_rng(RNG_SEED + 2)
    a = rng.normal(size=40)
    np.testing.assert_array_equal(ff.free_add(a, np.zeros(40)).roots, np.sort(a))
    np.testing.assert_allclose(ff.free_add(a, np.full(40, 1.5)).roots, np.sort(a) + 1.5, atol=1e-15)
    np.testing.assert_allclose(ff.free_mul(a, np.full(40, 2.0)).roots, 2 * np.sort(a), atol=1e-15)
    np.testing.assert_array_equal(ff.free_mul(a, np.zeros(40)).roots, np.zeros(40))
    assert ff.compress(a, 40).roots.tolist() == np.sort(a).tolist()


def test_free_mul_keeps_exact_zero_roots():
    # x^m | p ⇒ x^m | p ⊠_d q: the zeros are exact, the rest certified
    rng = np.random.default_rng(RNG_SEED + 3)
    a = np.concatenate([np.zeros(3), rng.uniform(0.5, 2.0, size=17)])
    b = rng.normal(size=20)
    r = ff.free_mul(a, b)
    assert np.sum(r.roots == 0.0) == 3
    assert r.degree == 20


def test_compress_keeps_high_multiplicity_roots():
    # a root of multiplicity m survives j derivatives with multiplicity m − j
    p = np.concatenate([np.full(6, 1.0), [-2.0, -1.0, 3.0, 4.0]])
    r = ff.compress(p, 7)  # j = 3
    assert np.sum(r.roots == 1.0) == 3
    assert r.degree == 7


@pytest.mark.parametrize("d", [50, 400])
def test_free_add_tends_to_the_free_convolution(d):
    # d → ∞: the root measure of p ⊞_d q tends to μ_p ⊞ μ_q; the semicircle ⊞ MP reference is fc.free_add
    s, m = fc.Semicircle(2.0), fc.MarchenkoPastur(0.3)
    law = fc.free_add(s, m)
    r = ff.free_add(ff.quantile_polynomial(s, d), ff.quantile_polynomial(m, d))
    # the inputs are within 1/(2d) of their laws; 2/d covers that and the O(1/d) finite-d effect
    assert _ks_to_law(r.roots, law) < 2.0 / d


@pytest.mark.parametrize("d", [50, 400])
def test_free_mul_tends_to_the_free_multiplicative_convolution(d):
    # Laguerre-type case: MP quantile polynomials (nonnegative roots); reference fc.free_mul(MP, MP)
    m1, m2 = fc.MarchenkoPastur(0.5), fc.MarchenkoPastur(0.25)
    law = fc.free_mul(m1, m2)
    r = ff.free_mul(ff.quantile_polynomial(m1, d), ff.quantile_polynomial(m2, d))
    assert _ks_to_law(r.roots, law) < 2.0 / d  # as for ⊞_d


def test_compress_tends_to_the_free_compression():
    # semicircle of radius 2 compressed by t: D_t(μ^{⊞ 1/t}) is the semicircle of radius 2√t (closed form)
    d, k = 400, 100
    r = ff.compress(ff.quantile_polynomial(fc.Semicircle(2.0), d), k)
    assert _ks_to_law(r.roots, fc.Semicircle(2.0 * math.sqrt(k / d))) < 2.0 / k  # O(1/k) at the kept size


@pytest.mark.slow
def test_semicircle_quantile_polynomial_d2000():
    # the acceptance check: ⊞_2000 of the semicircle-quantile polynomial with itself vs radius 2√2
    d = 2000
    p = ff.quantile_polynomial(fc.Semicircle(2.0), d)
    r = ff.free_add(p, p)
    assert _ks_to_law(r.roots, fc.Semicircle(2.0 * math.sqrt(2.0))) < 0.01  # the bound
    assert r.radius < 1e-9


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match=r"degree mismatch: p has degree 3 and q has degree 4"):
        ff.free_add([1.0, 2.0, 3.0], [1.0, 2.0, 3.0, 4.0])
    with pytest.raises(ValueError, match=r"degree mismatch"):
        ff.free_mul([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"q is not real-rooted: root 1 = \(1\+2j\)"):
        ff.free_add([1.0, 2.0], [1.0, 1 + 2j])
    with pytest.raises(ValueError, match=r"p\[1\] = nan is not finite"):
        ff.free_add([1.0, np.nan], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"p is empty"):
        ff.free_mul([], [])
    with pytest.raises(ValueError, match=r"q must be 1-D"):
        ff.free_add([1.0, 2.0], [[1.0, 2.0]])
    with pytest.raises(ValueError, match=r"all roots ≥ 0.*p has root -1.0 and q has root -2.0"):
        ff.free_mul([-1.0, 1.0], [-2.0, 1.0])
    with pytest.raises(ValueError, match=r"k = 0 must be an integer in \[1, d\] = \[1, 2\]"):
        ff.compress([1.0, 2.0], 0)
