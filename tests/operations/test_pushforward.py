"""Pushforwards: shift/scale hooks, inverse, free additive power, compression, wishart_of."""
import numpy as np
import pytest
import sympy as sp

import freecalc as fc
from freecalc.laws.algebraic import AlgebraicLaw
from freecalc.symbolic import algebraic as A
from freecalc.operations.pushforward import AffineLaw, InverseLaw

c = sp.Symbol("c", positive=True)


def test_named_families_are_kept():
    sc = fc.Semicircle(1.0, center=0.5)
    assert sc + 3 == fc.Semicircle(1.0, center=3.5)
    assert 3 + sc == sc + 3
    assert sc - 1 == fc.Semicircle(1.0, center=-0.5)
    assert 2 * sc == fc.Semicircle(2.0, center=1.0)
    assert -sc == fc.Semicircle(1.0, center=-0.5)
    assert sc / 2 == fc.Semicircle(0.5, center=0.25)
    mp = fc.MarchenkoPastur(0.5)
    assert 2 * mp == fc.MarchenkoPastur(0.5, sigma2=2.0)
    assert mp / 4 == fc.MarchenkoPastur(0.5, sigma2=0.25)
    assert fc.PointMass(1.0) + 1 == fc.PointMass(2.0)
    assert 0 * mp == fc.PointMass(0.0)
    assert fc.Semicircle(c) * 2 == fc.Semicircle(2 * c)


def test_mp_shift_and_reflection_stay_named_and_correct():
    # every affine image of a quadratic law is a shifted free Meixner law (a readable name, exact rules)
    mp = fc.MarchenkoPastur(0.5)
    x = np.linspace(-4, 5, 901)
    for law, f in ((mp + 1.5, lambda t: mp.pdf(t - 1.5)), (-mp, lambda t: mp.pdf(-t)),
                   (3 - mp, lambda t: mp.pdf(3 - t))):
        assert isinstance(law, fc.ShiftedFreeMeixner)
        # 1e-7: square-root edges (see tests/laws/test_algebraic.py); elsewhere agreement is ~1e-14
        assert np.max(np.abs(law.pdf(x) - f(x))) < 1e-7
    assert (-mp).mean() == -1.0
    atoms = fc.Atoms([0.0, 1.0], [0.5, 0.5])
    assert 2 * atoms + 1 == fc.Atoms([1.0, 3.0], [0.5, 0.5])


@pytest.mark.parametrize("law", [fc.KestenMcKay(4), fc.Wachter(2, 3), fc.FreeMeixner(-1, 2, 3),
                                 fc.MarchenkoPastur(2.0)], ids=repr)
@pytest.mark.parametrize("a, b", [(2.5, 0.7), (-0.4, 1.0)])
def test_affine_images_of_quadratic_laws_are_shifted_free_meixner(law, a, b):
    out = a * law + b
    assert isinstance(out, fc.ShiftedFreeMeixner)
    # independent route: the algebraic equation of the dilated and shifted law (exact resultant arithmetic)
    ref = AlgebraicLaw(A.shift_equation(A.dilate_equation(fc.to_algebraic(law).equation, sp.nsimplify(a)),
                                        sp.nsimplify(b)))
    lo, hi = ref.support[0][0], ref.support[-1][1]
    x = np.linspace(lo, hi, 203)[1:-1]
    assert np.max(np.abs(out.pdf(x) - ref.pdf(x))) < 1e-7  # square-root edges, as above
    np.testing.assert_allclose(np.array(out.atoms).reshape(-1, 2), np.array(ref.atoms).reshape(-1, 2), atol=1e-10)
    assert out.mean() == pytest.approx(a * law.mean() + b, rel=1e-12, abs=1e-12)
    assert out.var() == pytest.approx(a * a * law.var(), rel=1e-12)


def test_law_plus_law_points_to_free_add():
    with pytest.raises(TypeError, match="free_add"):
        fc.Semicircle(1.0) + fc.MarchenkoPastur(0.5)
    with pytest.raises(TypeError, match="free_mul"):
        fc.Semicircle(1.0) * fc.MarchenkoPastur(0.5)
    with pytest.raises(TypeError):
        fc.Semicircle(1.0) + "x"
    with pytest.raises(ValueError):
        fc.Semicircle(1.0) + float("nan")


def test_affine_law_for_non_algebraic_input():
    base = fc.free_add(fc.Semicircle(1.0), fc.MarchenkoPastur(0.5), method=fc.Method.NUMERIC)
    law = 2 * base - 1
    assert isinstance(law, AffineLaw)
    x = np.linspace(-2, 8, 201)
    assert np.allclose(law.pdf(x), base.pdf((x + 1) / 2) / 2, rtol=1e-13, atol=0)
    assert law.mean() == pytest.approx(2 * base.mean() - 1, rel=1e-12)
    assert law.support == tuple((2 * a - 1, 2 * b - 1) for a, b in base.support)
    neg = -base
    F = neg.cdf(np.array([-1.0]))
    assert F == pytest.approx(1 - base.cdf(np.array([1.0])), abs=1e-12)
    zs = np.array([0.5 + 0.3j])
    assert neg.stieltjes(zs) == pytest.approx(-base.stieltjes(-zs.conj()).conj(), rel=1e-12)


def test_compress_is_dilation_of_power():
    law = fc.free_add(fc.Semicircle(1.0), fc.Atoms([-1.0, 2.0], [0.25, 0.75]))
    alpha = 0.4
    comp = fc.compress(law, alpha)
    ref = alpha * fc.power(law, 1 / alpha)
    assert isinstance(comp, AlgebraicLaw)
    assert comp == ref  # the same canonical polynomial
    assert np.allclose(comp.support, ref.support, rtol=1e-12, atol=0)
    # named families
    assert fc.compress(fc.Semicircle(2.0), 0.25) == fc.Semicircle(1.0)
    assert fc.compress(fc.MarchenkoPastur(0.5), 0.5) == fc.MarchenkoPastur(0.25)
    assert fc.compress(fc.MarchenkoPastur(0.5, size=1000), 0.5).size == 500
    # free cumulants scale as alpha^(k-1)
    k = law.free_cumulants(4)
    assert comp.free_cumulants(4) == pytest.approx([k[j] * alpha ** j for j in range(4)], rel=1e-10)


def test_compress_matches_submatrix_monte_carlo():
    # principal 1/2-submatrix of diag(atoms) rotated by a Haar matrix (n = 1000: KS fluctuation ~ 1/n)
    rng = np.random.default_rng(3)
    n = 1000
    atoms = fc.Atoms([0.0, 1.0], [0.5, 0.5])
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    q = q * np.sign(np.diag(r))
    M = (q * np.repeat([0.0, 1.0], n // 2)) @ q.T
    ev = np.linalg.eigvalsh(M[: n // 2, : n // 2])
    law = fc.compress(atoms, 0.5)  # the arcsine law on [0, 1]
    from freecalc.testing import ks_distance
    assert ks_distance(ev, law) < 0.03  # 0.03: n/2 = 500 eigenvalues, edge bias ~1/n


def test_power():
    assert fc.power(fc.Semicircle(1.0, center=1.0), 4) == fc.Semicircle(2.0, center=4.0)
    assert fc.power(fc.MarchenkoPastur(0.5), 2) == fc.MarchenkoPastur(0.25, sigma2=2.0)
    law = fc.power(fc.Atoms([0.0, 1.0], [0.5, 0.5]), 2)
    assert isinstance(law, AlgebraicLaw)
    # R -> 2R: kappa_k doubled
    base = fc.Atoms([0.0, 1.0], [0.5, 0.5])
    assert law.free_cumulants(4) == pytest.approx(2 * base.free_cumulants(4), rel=1e-12, abs=1e-14)
    # Bernoulli(1/2)^{⊞2} = law of the sum of two free projections of trace 1/2: the arcsine law on [0, 2]
    (lo, hi), = law.support
    assert (lo, hi) == pytest.approx((0.0, 2.0), abs=1e-12)
    x = np.linspace(0.05, 1.95, 9)
    assert np.allclose(law.pdf(x), 1 / (np.pi * np.sqrt(x * (2 - x))), rtol=1e-10)


def test_inverse():
    mp = fc.MarchenkoPastur(0.25)
    inv = fc.inverse(mp)
    assert isinstance(inv, AlgebraicLaw)
    assert inv.moment(1) == pytest.approx(4 / 3, rel=1e-14)  # E[1/X] = 1/(1 - c)
    lo, hi = mp.support[0]
    assert inv.support[0] == pytest.approx((1 / hi, 1 / lo), rel=1e-12)
    y = np.linspace(0.3, 3.5, 50)
    assert np.allclose(inv.pdf(y), mp.pdf(1 / y) / y ** 2, rtol=1e-7, atol=1e-9)  # 1e-7: edges as above
    assert fc.inverse(inv) == fc.to_algebraic(mp)
    assert fc.inverse(fc.PointMass(4.0)) == fc.PointMass(0.25)
    with pytest.raises(ValueError, match="0"):
        fc.inverse(fc.Semicircle(1.0))
    with pytest.raises(ValueError, match="atom"):
        fc.inverse(fc.MarchenkoPastur(2.0))


def test_inverse_of_non_algebraic_law():
    a, b = fc.MarchenkoPastur(0.25), fc.Semicircle(0.2, center=1.0)
    base = fc.free_add(a, b, method=fc.Method.NUMERIC)
    inv = fc.inverse(base)
    assert isinstance(inv, InverseLaw)
    y = np.array([0.4, 0.8, 1.2])
    assert np.allclose(inv.cdf(y), 1 - base.cdf(1 / y), atol=1e-12)
    exact = fc.inverse(fc.free_add(a, b))
    assert np.allclose(inv.pdf(y), exact.pdf(y), rtol=1e-6)  # numeric subordination route vs exact: 1e-6


def test_wishart_of():
    assert fc.wishart_of(fc.PointMass(2.0), 0.5) == fc.MarchenkoPastur(0.5, sigma2=2.0)
    pop = fc.Atoms([1.0, 3.0], [0.5, 0.5])
    law = fc.wishart_of(pop, 0.25)
    assert law == fc.free_mul(pop, fc.MarchenkoPastur(0.25))
    assert law.mean() == pytest.approx(2.0, rel=1e-15)  # E[tr S] = E[tr T]
    sym = fc.wishart_of(fc.PointMass(1), c)
    assert sym == fc.MarchenkoPastur(c)


def test_bad_input():
    mp = fc.MarchenkoPastur(0.5)
    for s in (0.5, -1.0):
        with pytest.raises(ValueError, match="s must be >= 1"):
            fc.power(mp, s)
    for alpha in (0.0, 1.5, -0.2):
        with pytest.raises(ValueError, match="alpha"):
            fc.compress(mp, alpha)
    with pytest.raises(TypeError):
        fc.compress(3.0, 0.5)
    with pytest.raises(TypeError):
        fc.power(mp, "2")
    with pytest.raises(ValueError, match="c"):
        fc.wishart_of(mp, 0.0)
    with pytest.raises(ValueError, match="population"):
        fc.wishart_of(fc.Semicircle(1.0), 0.5)
    with pytest.raises(TypeError):
        fc.inverse([1, 2])


@pytest.mark.parametrize("base, c", [
    (fc.Wachter(2.427259590259519, 1.5), -1.1125369292536007e-308),   # subnormal shift
    (fc.KestenMcKay(7.013329890996599), -6.9e-231),
    (fc.Wachter(0.8, 2.0), 1e-200),
])
def test_negligible_shift_is_exact(base, c):
    # Regression: the exact shift (c as a rational with a 10^308 denominator) cleared to integer coefficients of
    # ~1e600, which became ±inf in double precision: empty support and m(z) = nan, returned silently. The shift
    # is far below the law's resolution, so every value must equal the base law's to rounding.
    out = base + c
    assert isinstance(out, (AlgebraicLaw, fc.ShiftedFreeMeixner))  # quadratic bases stay named
    # edges recomputed from converted (shifted free Meixner) parameters: a few ulps
    np.testing.assert_allclose(np.array(out.support), np.array(base.support), rtol=1e-13)
    z = np.array([0.5 + 0.6j, 0.3 + 1e-3j, 0.7, 2.0 + 0.1j])
    np.testing.assert_allclose(out.stieltjes(z), base.stieltjes(z), rtol=1e-10)  # continuation: ~1e-12
    x = np.linspace(*base.support[0], 9)
    np.testing.assert_allclose(out.cdf(x), base.cdf(x), atol=1e-10)
    assert out.mean() == pytest.approx(base.mean() + c, rel=1e-14)
    # R_{X+c}(w) = R_X(w) + c (the R-transform's Newton used the exact coefficients: OverflowError)
    w = np.array([0.01, -0.01, 0.3 + 0.1j, -0.2j])
    np.testing.assert_allclose(out.r_transform(w), base.r_transform(w) + c, rtol=1e-10)


def test_affine_law_with_negative_factor_has_quantiles():
    # Regression: a·X + b with a < 0 and X unbounded (HTMP) raised NotImplementedError in ppf
    base = fc.HTMP(0.8, 14.244049097768166)
    a, b = -2.9078412644717777, 0.3
    law = a * base + b
    assert isinstance(law, AffineLaw)
    q = np.array([0.0, 0.1, 0.5, 0.9, 1.0])
    got = law.ppf(q)
    # ppf(q) = a ppf_X(1 − q) + b for a continuous X (exact map, rounding only)
    np.testing.assert_allclose(got, a * base.ppf(1.0 - q) + b, rtol=1e-14)
    assert got[0] == -np.inf and got[-1] == pytest.approx(b, abs=1e-14)  # HTMP's support is [0, ∞)
    np.testing.assert_allclose(law.cdf(got[1:-1]), q[1:-1], atol=1e-10)  # the cdf is exact to ~1e-12


def test_affine_law_with_negative_factor_quantiles_at_atoms_and_gaps():
    # a < 0 needs the right-continuous quantile of X: where F_X is flat at level 1 − q, the next support point
    e = fc.Empirical([1.0, 2.0, 2.0, 5.0])
    law = -2 * e + 1  # atoms -9 (1/4), -3 (1/2), -1 (1/4)
    assert isinstance(law, AffineLaw)
    q = np.array([0.0, 0.1, 0.25, 0.26, 0.75, 0.76, 1.0])
    np.testing.assert_array_equal(law.ppf(q), [-9.0, -9.0, -9.0, -3.0, -3.0, -1.0, -1.0])
    # two support intervals: at q = P(X ≥ the gap) the quantile is the far end of the gap, not its near end
    x = fc.free_add(fc.FreeMeixner(-1.5, 0.3, 3), fc.FreeMeixner(1.5, 2, 0.3), method="numeric")
    (_, gap_lo), (gap_hi, _) = x.support
    y = -1.0 * x
    assert isinstance(y, AffineLaw)
    qg = 1.0 - float(x.cdf(gap_lo))
    assert y.ppf(qg) == pytest.approx(-gap_hi, abs=1e-12)
    # just above that level: just beyond the gap's near end (a square-root edge: mass 1e-6 spans ~4e-4 there)
    assert 0.0 < y.ppf(qg + 1e-6) - (-gap_lo) < 1e-3


@pytest.mark.parametrize("a, b", [(-2.9078412644717777, 0.3), (1.7, -0.4)])
def test_affine_law_symbolic_face_from_the_base(a, b):
    from freecalc.symbolic import transforms as T
    from freecalc.symbolic.special import lambdify

    base = fc.HTMP(0.8, 14.244049097768166)
    law = a * base + b
    assert isinstance(law, AffineLaw)
    z = np.array([0.5 + 0.6j, -3.0 + 0.1j, 2.0 + 2.0j, -40.0 + 1.0j, 30.0 + 0.5j])
    # m_Y(z) = m_X((z − b)/a)/a from the closed form vs the numeric route: both ~1e-14
    np.testing.assert_allclose(lambdify(T.z, law.sym.stieltjes(T.z))(z), law.stieltjes(z), rtol=1e-10)
    x = np.linspace(-30.0, 30.0, 13)
    with np.errstate(invalid="ignore"):  # numpy evaluates every Piecewise branch, also the one off the support
        dens = lambdify(T.x, law.sym.density(T.x))(x)
    np.testing.assert_allclose(dens, law.pdf(x), rtol=1e-10, atol=1e-14)
    lo, hi = law.sym.support[0]
    assert (float(lo), float(hi)) == law.support[0]


# ----------------------------------------------------------------------------------------------------------------
# closed forms registered per class
# ----------------------------------------------------------------------------------------------------------------
class _Tagged(fc.Semicircle):
    """A user's law class: inherits the semicircle's pushforward rules unless it registers its own."""


def test_pushforward_rules_follow_the_mro_and_fall_through_on_none():
    from freecalc.operations.pushforward import Pushforward, register_pushforward_rule

    # inherited: the semicircle rule
    assert 2 * _Tagged(1.0) == fc.Semicircle(2.0)

    @register_pushforward_rule(Pushforward.SHIFT, _Tagged)
    def _shift(law, c):
        return None if c < 0 else fc.PointMass(c)  # a marker for c ≥ 0, the next rule otherwise

    assert _Tagged(1.0) + 3 == fc.PointMass(3.0)
    assert _Tagged(1.0) - 3 == _Tagged(1.0, center=-3.0)  # None: the semicircle's rule (replace) ran
    # a negative multiple of MP is no MP law: its rule returns None and the quadratic rule answers
    out = -1 * fc.MarchenkoPastur(0.5)
    assert isinstance(out, fc.ShiftedFreeMeixner)
    assert out.mean() == pytest.approx(-fc.MarchenkoPastur(0.5).mean(), rel=1e-12)  # exact closed forms on both sides
