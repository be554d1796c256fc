"""Exact free decompression (operations/exact_decompression.py): symbolic identities of the closed-form rules and
the quadratic formula, the algebraic route, and the largest valid factor."""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

import freecalc as fc
from freecalc.laws.algebraic import AlgebraicLaw
from freecalc.laws.free_meixner import FreeMeixner
from freecalc.laws.kesten_mckay import KestenMcKay
from freecalc.laws.quadratic import QuadraticCoefficients as QC
from freecalc.laws.wachter import Wachter
from freecalc.operations import exact_decompression as X
from freecalc.symbolic.algebraic import compress_equation
from freecalc.symbolic.transforms import m as M, w as W, z as Z

f_sym = sp.Symbol("f", positive=True)


# ----------------------------------------------------------------------------------------------------------------
# exact route: symbolic identities
# ----------------------------------------------------------------------------------------------------------------
def _r_identity(law, out, f):
    """R_out(w) − R_law(f w), simplified: 0 for a correct decompression."""
    return sp.simplify(out.sym.r_transform(W) - law.sym.r_transform(f * W))


def test_symbolic_marchenko_pastur_and_semicircle():
    c, s2, r, a = sp.symbols("c sigma2 r a", positive=True)
    mp = fc.MarchenkoPastur(c, s2)
    out = mp.decompress(factor=f_sym)
    assert isinstance(out, fc.MarchenkoPastur) and sp.simplify(out.c - c * f_sym) == 0
    assert _r_identity(mp, out, f_sym) == 0
    sc = fc.Semicircle(r, center=a)
    out = sc.decompress(factor=f_sym)
    assert isinstance(out, fc.Semicircle) and out.center == a
    assert _r_identity(sc, out, f_sym) == 0


def test_symbolic_wachter_closed_with_scaled_parameters():
    a, b = sp.symbols("a b", positive=True)
    law = Wachter(a, b)
    out = law.decompress(factor=f_sym)
    assert isinstance(out, Wachter)
    assert sp.simplify(out.a - a / f_sym) == 0 and sp.simplify(out.b - b / f_sym) == 0
    # the named result has the coefficients of the generic quadratic map (substitution into the equation)
    generic = X.decompressed_quadratic(law.sym.coefficients, f_sym)
    assert all(sp.simplify(u - v) == 0 for u, v in zip(generic, out.sym.coefficients))
    # free cumulants scale as κ_k → f^{k-1} κ_k (Nica–Speicher), checked at numbers (symbolic cumulants of the
    # Wachter law take minutes in sympy)
    num, numout = Wachter(2.0, 3.0), Wachter(2.0, 3.0).decompress(factor=1.7)
    np.testing.assert_allclose(numout.free_cumulants(6), [1.7 ** k * v for k, v in enumerate(num.free_cumulants(6))],
                               rtol=1e-11)  # exact moment recursion, rounding only


def test_symbolic_free_meixner_closed():
    a = sp.Symbol("a", real=True)
    b, c = sp.symbols("b c", positive=True)
    law = FreeMeixner(a, b, c)
    out = law.decompress(factor=f_sym)
    assert isinstance(out, FreeMeixner)
    generic = X.decompressed_quadratic(law.sym.coefficients, f_sym)
    assert all(sp.simplify(u - v) == 0 for u, v in zip(generic, out.sym.coefficients))
    # variance bc scales by f (κ2 → f κ2), mean stays 0
    assert sp.simplify(out.b * out.c - f_sym * b * c) == 0


@pytest.mark.parametrize("law", [FreeMeixner(0.5, 1.0, 0.7), FreeMeixner(0.3, 1.0, 1.4), FreeMeixner(-1.0, 0.5, 2.5)])
def test_free_meixner_cumulants_scale(law):
    f = 1.3
    out = law.decompress(factor=f)
    # κ_k → f^{k−1} κ_k; exact moment recursion, so only rounding (1e-11 relative over 6 orders)
    np.testing.assert_allclose(out.free_cumulants(6), [f ** k * v for k, v in enumerate(law.free_cumulants(6))],
                               rtol=1e-11, atol=1e-12)


def test_quadratic_map_reproduces_kesten_mckay_dilation_and_round_trip():
    d, f = sp.symbols("d f", positive=True)

    def km(dd):
        return QC(0, (2 - dd) / (dd - 1), dd ** 2 / (dd - 1), 0, -1 / (dd - 1))

    def eq(c, scale=1):
        # equation of D_scale μ: m'(z) = m(z/scale)/scale
        zz, mm = Z / scale, M * scale
        return (c.q0 + c.q1 * zz + c.q2 * zz ** 2) * mm ** 2 - (c.p0 + c.p1 * zz) * mm + 1

    # decompression of KM(d) by f is the dilation by f of KM(d/f)
    assert sp.simplify(eq(X.decompressed_quadratic(km(d), f)) - eq(km(d / f), f)) == 0
    # and compress(decompress(μ, f), 1/f) = μ for a general quadratic law (p1 = −1 − q2)
    p0, q0, q1, q2 = sp.symbols("p0 q0 q1 q2")
    gen = QC(p0, -1 - q2, q0, q1, q2)
    back = X.decompressed_quadratic(X.decompressed_quadratic(gen, f), 1 / f)
    assert all(sp.simplify(u - v) == 0 for u, v in zip(back, gen))


def test_quadratic_map_agrees_with_compress_equation():
    # independent route: the resultant-based compress_equation (symbolic), R(w) → R(αw) with α = f
    for law in (KestenMcKay(3), Wachter(2, 3)):
        for f in (sp.Rational(3, 2), sp.Integer(2)):
            c = X.decompressed_quadratic(X._exact_coefficients(law), f)
            ratio = sp.simplify(compress_equation(law.sym.equation(M, Z), f) / X._quadratic_polynomial(c))
            assert ratio.is_number and ratio != 0


def test_compress_after_decompress_is_identity_numerically():
    for law in (fc.MarchenkoPastur(0.3), Wachter(2.0, 3.0), KestenMcKay(4.0), fc.Semicircle(1.5, center=0.3)):
        c = law.coefficients
        back = X.decompressed_quadratic(X.decompressed_quadratic(c, 3.0), 1 / 3.0)
        np.testing.assert_allclose(back, c, rtol=1e-13, atol=1e-14)  # a few roundings per coefficient


# ----------------------------------------------------------------------------------------------------------------
# exact route: numeric checks for the non-closed family (Kesten–McKay)
# ----------------------------------------------------------------------------------------------------------------
def test_kesten_mckay_decompresses_to_dilated_kesten_mckay_with_atoms():
    law = KestenMcKay(3.0, size=1000)
    out = law.decompress(2000)
    # KM(d) = FreeMeixner(0, d − 1, d/(d − 1)) decompresses to FreeMeixner(0, f(d − f), d/(d − f))
    assert isinstance(out, FreeMeixner) and out.size == 2000
    assert (out.a, out.b, out.c) == pytest.approx((0.0, 2.0, 3.0), abs=1e-15)
    # the same law through the generic route (equation → AlgebraicLaw), an independent implementation
    alg = X._algebraic_candidate(law, 2.0, 2000)
    assert isinstance(alg, AlgebraicLaw)
    x0 = np.linspace(-2.7, 2.7, 7)
    np.testing.assert_allclose(alg.pdf(x0), out.pdf(x0), rtol=1e-9)  # both ~1e-12 accurate
    # D_2 KM(3/2): continuous part on ±2·2√(1/2), atoms at ±d = ±3 of mass 1 − d/(2f) = 1/4 each
    (lo, hi), = out.support
    assert lo == pytest.approx(-2 * math.sqrt(2), abs=1e-12) and hi == pytest.approx(2 * math.sqrt(2), abs=1e-12)
    atoms = out.atoms
    assert [a for a, _ in atoms] == pytest.approx([-3.0, 3.0], abs=1e-12)
    assert [w for _, w in atoms] == pytest.approx([0.25, 0.25], abs=1e-12)
    x = np.linspace(-2.7, 2.7, 13)
    dd = 1.5
    ref = dd * np.sqrt(4 * (dd - 1) - (x / 2) ** 2) / (2 * np.pi * (dd ** 2 - (x / 2) ** 2)) / 2
    np.testing.assert_allclose(out.pdf(x), ref, rtol=1e-9)  # branch continuation polished by Newton to ~1e-12
    # free cumulants κ_k → f^{k−1} κ_k (moments of an algebraic law are exact rationals here)
    ks, kd = law.free_cumulants(6), out.free_cumulants(6)
    np.testing.assert_allclose(kd, [2.0 ** k * v for k, v in enumerate(ks)], rtol=1e-10, atol=1e-10)


def test_general_algebraic_law_decompresses_termwise():
    # R is additive under ⊞ and decompression acts on R alone: decompress(μ ⊞ ν) = decompress(μ) ⊞ decompress(ν);
    # here a cubic equation (compress_equation route) against free_add of the named results
    mu = fc.free_add(fc.MarchenkoPastur(0.5), fc.Semicircle(1.0))
    out = mu.decompress(factor=2)
    assert isinstance(out, AlgebraicLaw)
    ref = fc.free_add(fc.MarchenkoPastur(1.0), fc.Semicircle(sp.sqrt(2)))
    x = np.linspace(*out.support[0], 9)[1:-1]
    np.testing.assert_allclose(out.pdf(x), ref.pdf(x), rtol=1e-9, atol=1e-12)  # two exact curves, ~1e-15 seen


@pytest.mark.slow
def test_general_algebraic_law_validity_by_bisection():
    # KM(3) ⊞ SC(1/2) (a quartic): valid up to f = 3, where the Kesten–McKay part reaches the Bernoulli law
    # (KM(3)^{⊞1/f} is no measure beyond); bisection to rtol 1e-3 on the positivity/mass check
    nu = fc.free_add(KestenMcKay(3.0), fc.Semicircle(0.5))
    assert len(nu.decompress(factor=2.9).support) >= 1
    with pytest.raises(fc.DecompressionError) as err:
        nu.decompress(factor=3.5)
    assert err.value.max_factor == pytest.approx(3.0, rel=2e-3)


# ----------------------------------------------------------------------------------------------------------------
# validity
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "law, bad, fmax",
    [(KestenMcKay(3.0), 3.5, 3.0), (KestenMcKay(5.0), 7.0, 5.0), (Wachter(2.0, 3.0), 6.0, 5.0),
     (Wachter(0.7, 0.9), 2.0, 1.6), (FreeMeixner(0.3, 1.0, 1.4), 4.0, 3.5)],
)
def test_invalid_factor_reports_largest_valid_factor(law, bad, fmax):
    with pytest.raises(fc.DecompressionError) as err:
        law.decompress(factor=bad)
    assert err.value.max_factor == pytest.approx(fmax, rel=1e-12)
    assert f"{fmax:.10g}" in str(err.value)
    assert isinstance(err.value, ValueError)
    law.decompress(factor=0.999 * fmax)  # just below the limit: valid


def test_invalid_message_gives_target_size():
    with pytest.raises(ValueError, match=r"n <= 3000"):
        KestenMcKay(3.0, size=1000).decompress(4000)


def test_at_the_limit_the_law_is_the_two_atom_jacobi_law():
    out = Wachter(2.0, 3.0).decompress(factor=5)
    # Wachter(a/f, b/f) with a/f + b/f = 1 is b/(a+b) δ0 + a/(a+b) δ1
    locs = [a for a, _ in out.atoms]
    masses = [w for _, w in out.atoms]
    assert locs == pytest.approx([0.0, 1.0], abs=1e-12) and masses == pytest.approx([0.6, 0.4], abs=1e-12)
    out = KestenMcKay(3.0).decompress(factor=3)  # D_3 KM(1) = D_3 Bernoulli
    assert [a for a, _ in out.atoms] == pytest.approx([-3.0, 3.0], abs=1e-12)
    assert [w for _, w in out.atoms] == pytest.approx([0.5, 0.5], abs=1e-12)
    assert out.support == ()
    out = FreeMeixner(0.3, 1.0, 1.4).decompress(factor=3.5)
    # two atoms with mean 0 and variance f·bc = 4.9 (the first two moments survive the limit)
    locs = np.array([a for a, _ in out.atoms])
    masses = np.array([w for _, w in out.atoms])
    assert masses.sum() == pytest.approx(1.0, abs=1e-12) and (masses > 0).all()
    assert masses @ locs == pytest.approx(0.0, abs=1e-12) and masses @ locs ** 2 == pytest.approx(4.9, rel=1e-12)


@pytest.mark.slow
def test_discrete_laws():
    assert fc.PointMass(1.5, size=10).decompress(40) == fc.PointMass(1.5, size=40)
    # the Bernoulli law is not ⊞-divisible: no factor above 1 is valid (bisection on the algebraic candidate)
    with pytest.raises(fc.DecompressionError) as err:
        fc.Atoms((0.0, 1.0), (0.5, 0.5)).decompress(factor=2)
    assert err.value.max_factor == pytest.approx(1.0, abs=2e-3)


def test_semicircle_and_mp_have_no_limit():
    assert fc.Semicircle(1.0).decompress(factor=1e6).r == pytest.approx(1e3, rel=1e-15)
    assert fc.MarchenkoPastur(0.01).decompress(factor=1e4).c == pytest.approx(100.0, rel=1e-12)
    assert X.quadratic_max_factor(fc.MarchenkoPastur(0.5).coefficients) == math.inf


def test_validity_limit_independently_by_positivity_of_the_algebraic_candidate():
    # the resultant route (compress_equation) + positivity/mass check, not the q2 formula
    law = KestenMcKay(3.0)
    assert X._is_probability_measure(X._algebraic_candidate(law, 2.9, None))
    assert not X._is_probability_measure(X._algebraic_candidate(law, 3.2, None))


def test_symbolic_law_provably_invalid_is_rejected():
    d, g = sp.symbols("d g", positive=True)
    law = KestenMcKay(d + 2)  # q2 = −1/(d+1); 1 + q2 (f − 1) < 0 is not decidable: accepted
    out = law.decompress(factor=f_sym)
    assert isinstance(out, FreeMeixner) and sp.simplify(out.b - f_sym * (d + 2 - f_sym)) == 0
    with pytest.raises(ValueError, match="no probability measure"):
        KestenMcKay(3).decompress(factor=3 + g)  # 1 + q2 (f − 1) = −g/2 < 0 for every g > 0


@pytest.mark.parametrize("law", [fc.FussCatalan(1), fc.FussCatalan(2)])
@pytest.mark.parametrize("f", [1.7300000000000002, 3.02098447382395])
def test_compression_by_the_float_inverse_factor_gives_the_law_back(law, f):
    # regression (thorough property run): f and 1/f rationalised from floats leave a pole of residue ~1e-17 at 0
    # (FussCatalan(s) decompressed has the atom (f - 1)/f there), which the atom test refused (ArithmeticError)
    r = law.decompress(factor=f, route=fc.Route.EXACT)
    assert r.atoms[0] == pytest.approx((0.0, (f - 1) / f), rel=1e-14)  # rank n_s in dimension f n_s
    back = fc.compress(r, 1.0 / f)
    assert back.atoms == ()
    x = np.array([1e-4, 0.1, 1.0, 3.0])
    np.testing.assert_allclose(back.cdf(x), law.cdf(x), atol=1e-10)  # both curves to ~1e-13
