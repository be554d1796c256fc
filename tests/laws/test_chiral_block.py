"""Chiral block law: the curve from the free Poisson reduction, closed forms against the curve's generic evaluation,
exact moments, freealg's values, the matrix model, bad input."""
import math

import mpmath
import numpy as np
import pytest
import sympy as sp

import freecalc as fc
from freecalc.laws.chiral_block import ChiralBlock, chiral_block_equation
from freecalc.laws.distances import ks_distance
from freecalc.symbolic import transforms as T
from freecalc.testing import check_law, check_samples

# c < 1 (atom at β), c > 1 (atom at α), c = 1 (no atom, inverse square-root inner edges), α = β (one gap around
# the atom), α = β with c = 1 (one interval: the semicircle of radius 2), near c = 1 (atom next to an edge)
POINTS = [(0.0, 1.0, 0.5), (1.0, -2.0, 2.0), (-1.0, 2.0, 1.0), (0.3, 0.3, 2.5), (0.5, 0.5, 1.0), (0.0, 0.0, 0.999),
          (0.0, 1.0, 1.001), (-3.0, 4.0, 0.01)]


def _same_curve(P, Q):
    """Equal up to a constant factor."""
    ratio = sp.cancel(P / Q)
    return not (ratio.free_symbols & {T.m, T.z})


@pytest.mark.parametrize("p", POINTS)
def test_conformance(p):
    report = check_law(ChiralBlock(*p))
    assert not report.skipped  # the closed-form m(z) of the symbolic face is compared too


def test_curve_from_the_free_poisson_reduction():
    # m = ((z − α + z − β) m_π(t) − (c − 1)/(z − α))/(1 + c), t = (z − α)(z − β), m_π on FreePoisson(c)'s own
    # curve: solving for m_π and substituting gives (z − α) times the law's curve, for symbolic α, β, c
    a, b = sp.symbols("a b", real=True)
    c = sp.Symbol("c", positive=True)
    m, z, mt, t = T.m, T.z, sp.Symbol("mt"), sp.Symbol("t")
    fp_curve = fc.FreePoisson(c).sym.equation(mt, t)
    assert _same_curve(fp_curve.subs({mt: T.m, t: T.z}), (T.z * T.m ** 2 + (T.z - c + 1) * T.m + 1))
    mt_of_m = ((1 + c) * m + (c - 1) / (z - a)) / (2 * z - a - b)
    reduced = sp.numer(sp.together(fp_curve.subs({mt: mt_of_m, t: (z - a) * (z - b)}, simultaneous=True)))
    assert _same_curve(reduced, (z - a) * chiral_block_equation(a, b, c))
    law = ChiralBlock(a, b, c)
    assert law.is_symbolic
    assert _same_curve(law.equation.subs({a: 0, b: 1, c: sp.Rational(1, 2)}), ChiralBlock(0, 1, 0.5).equation)
    # tr H/N = (nα + pβ)/N and tr H²/N = (nα² + pβ² + 2 tr BBᵀ)/N with tr BBᵀ = n
    expected = [(c * a + b) / (1 + c), (c * a ** 2 + b ** 2 + 2 * c) / (1 + c)]
    assert [sp.simplify(u - v) for u, v in zip(law.sym.moments(2), expected)] == [0, 0]
    with pytest.raises(fc.SymbolicParameterError):
        law.pdf(0.1)


def _narayana_moments(a, b, c, K):
    """Exact moments from the reduction: each t > 0 of π_c gives mid ± √(d² + t) with weight 1/(1 + c), and the
    atom |c − 1|/(1 + c) sits at α (c > 1) or β (c < 1); E t^i over π_c = Σ_r N(i, r) c^r (Narayana numbers)."""
    a, b, c = sp.Rational(a), sp.Rational(b), sp.Rational(c)
    mid, d2, t = (a + b) / 2, ((a - b) / 2) ** 2, sp.Symbol("t")
    cont_mass = min(c, 1)

    def fp_moment(i):
        if i == 0:
            return cont_mass  # the continuous part only (the atom of π_c at 0 is not doubled)
        return sum(sp.binomial(i, r) * sp.binomial(i, r - 1) / i * c ** r for r in range(1, i + 1))

    out = []
    for k in range(1, K + 1):
        # λ₊^k + λ₋^k = 2 Σ_{j even} C(k, j) mid^{k−j} (d² + t)^{j/2}: a polynomial in t
        poly = sp.Poly(sp.expand(2 * sum(sp.binomial(k, j) * mid ** (k - j) * (d2 + t) ** (j // 2)
                                         for j in range(0, k + 1, 2))), t)
        cont = sum(coef * fp_moment(i) for (i,), coef in poly.terms()) / (1 + c)
        atom = 0 if c == 1 else abs(c - 1) / (1 + c) * (a if c > 1 else b) ** k
        out.append(sp.nsimplify(cont + atom))
    return out


@pytest.mark.parametrize("p", [("0", "1", "1/2"), ("1", "-2", "2"), ("-1", "2", "1"), ("3/10", "3/10", "5/2")])
def test_exact_moments(p):
    law = ChiralBlock(*(sp.Rational(v) for v in p))
    expected = _narayana_moments(*p, K=6)
    assert [sp.simplify(u - v) for u, v in zip(law.sym.moments(6), expected)] == [0] * 6
    # numeric face: the mapped free Poisson rule plus the atom (Gauss rules, rounding only)
    xs, ws = law.continuous_rule()
    quad = [float(np.sum(ws * xs ** k) + sum(w * x ** k for x, w in law.atoms)) for k in range(1, 7)]
    assert np.allclose(quad, [float(v) for v in expected], rtol=1e-12, atol=1e-12)
    # free cumulants: κ₁ = mean, κ₂ = variance
    k1, k2 = law.free_cumulants(2)
    m1, m2 = (float(v) for v in expected[:2])
    assert k1 == pytest.approx(m1, abs=1e-13) and k2 == pytest.approx(m2 - m1 * m1, abs=1e-12)


def test_alpha_equals_beta_and_c_one_is_the_semicircle():
    law, sc = ChiralBlock(0.5, 0.5, 1.0), fc.Semicircle(2.0, 0.5)
    x = np.linspace(-1.7, 2.7, 45)   # includes the centre 0.5, where the general density formula is 0/0
    z = np.array([0.5 + 0.1j, 2.0 + 1e-3j, -3.0 + 2.0j])
    # two closed forms of the same law, double precision
    assert np.allclose(law.pdf(x), sc.pdf(x), rtol=0, atol=1e-14)
    assert np.allclose(law.cdf(x), sc.cdf(x), rtol=0, atol=1e-12)
    assert np.allclose(law.stieltjes(z), sc.stieltjes(z), rtol=1e-13)
    assert law.sym.free_cumulants(4) == [sp.Rational(1, 2), 1, 0, 0]
    assert sp.simplify(law.sym.r_transform(T.w) - (T.w + sp.Rational(1, 2))) == 0


@pytest.mark.parametrize("p", POINTS)
def test_closed_forms_against_the_curve(p):
    # independent route: the generic AlgebraicLaw of the same curve (vertical continuation from the moment series,
    # certified support and atom analysis, graded quadrature) against the closed forms through the free Poisson law
    law = ChiralBlock(*p)
    gen = fc.AlgebraicLaw(law.equation)
    assert np.allclose(np.ravel(law.support), np.ravel(gen.support), rtol=1e-12, atol=1e-12)
    assert len(law.atoms) == len(gen.atoms)
    assert np.allclose(law.atoms, gen.atoms, rtol=1e-12, atol=0)
    lo, hi = law.support[0][0], law.support[-1][1]
    w = hi - lo
    rng = np.random.default_rng(7)
    z = rng.uniform(lo - 0.3 * w, hi + 0.3 * w, 60) + 1j * w * 10 ** rng.uniform(-6, 0.5, 60)
    m = law.stieltjes(z)
    # continuation to ~1e-13 relative; next to the atoms both are dominated by the exact pole term
    assert np.allclose(m, gen.stieltjes(z), rtol=1e-10, atol=0)
    # the symbolic face's closed form (single formula for all c), at 30 digits
    f = sp.lambdify(T.z, law.sym.stieltjes(T.z), "mpmath")
    with mpmath.workdps(30):
        sym = np.array([complex(f(mpmath.mpc(zz))) for zz in z[:20]])
    assert np.allclose(m[:20], sym, rtol=1e-12, atol=0)
    # boundary values m(x + i0) on the real axis (off the atoms) against the closed form at x + 1e-35i, 40 digits
    # (the generic continuation reaches ~2e-8 there next to the edges; the closed form ~1e-15)
    xr = np.linspace(lo - 0.1 * w, hi + 0.1 * w, 41)
    # off the atoms, and off the inverse square-root edges α ≠ β at c = 1 (infinite boundary value)
    poles = [loc for loc, _ in law.atoms] + ([p[0], p[1]] if p[2] == 1.0 and p[0] != p[1] else [])
    xr = xr[np.all([np.abs(xr - loc) > 1e-6 * w for loc in poles], axis=0)] if poles else xr
    with mpmath.workdps(40):
        ref = np.array([complex(f(mpmath.mpf(float(v)) + mpmath.mpc(0, "1e-35"))) for v in xr])
    assert np.allclose(law.stieltjes(xr + 0j), ref, rtol=1e-12, atol=1e-12)
    x = np.linspace(lo - 0.05 * w, hi + 0.05 * w, 301)
    # densities agree to the continuation's accuracy (the generic one loses digits next to the edges: ~4e-9)
    assert np.max(np.abs(law.pdf(x) - gen.pdf(x))) < 1e-7
    assert np.max(np.abs(law.cdf(x) - gen.cdf(x))) < 1e-8   # generic graded quadrature to ~1e-9


# freealg 0.12.2, distributions.ChiralBlock(alpha, beta, c).density(x, ac_only=False)[0] (ac_only=True subtracts
# a Lorentzian centred at 0 rather than at the atom) and .stieltjes(z): the same model and parametrisation
FREEALG = {
    (0.0, 1.0, 0.5): ([-1.0, -0.5, -0.1, 1.2, 1.6, 2.2],
                      [0.2105421996738962, 0.33923568585384606, 0.30161457248953705, 0.39747058577509475,
                       0.3178155202179573, 0.1143607333003063]),
    (1.0, -2.0, 2.0): ([-3.0, -2.5, -2.1, 1.1, 1.5, 2.3],
                       [0.17545183306158016, 0.3076659541882036, 0.4786360617251767, 0.4786360617251767,
                        0.3076659541882036, 0.06040731675735038]),
    (-1.0, 2.0, 1.0): ([-1.9, -1.5, -1.01, 2.01, 2.5, 2.9],
                       [0.14271704835504995, 0.36092948515525064, 2.7599652546741185, 2.7599652546741478,
                        0.36092948515525064, 0.14271704835504995]),
}
FREEALG_M = ([0.3 + 0.5j, 2 + 0.1j, -1 + 1j],
             [0.2627773599767755 + 0.5220064841026508j, -0.9720502179741287 + 0.6183428307742175j,
              0.34698156628728466 + 0.3820443024443415j])


@pytest.mark.parametrize("p", list(FREEALG))
def test_freealg_values(p):
    law = ChiralBlock(*p)
    x, rho = FREEALG[p]
    # both closed forms in double precision (the 2.76 near the 1/√ edge at −1 carries a few ulps more)
    assert np.allclose(law.pdf(np.array(x)), rho, rtol=1e-13, atol=1e-15)
    if p == (0.0, 1.0, 0.5):
        assert np.allclose(law.stieltjes(np.array(FREEALG_M[0])), FREEALG_M[1], rtol=1e-14)
        assert law.atoms == ((1.0, pytest.approx(1 / 3, rel=1e-15)),)


@pytest.mark.parametrize("p, seed", [((0.0, 1.0, 0.5), 1), ((1.0, -2.0, 2.0), 2), ((-1.0, 2.0, 1.0), 3)])
def test_matrix_model(p, seed):
    law = ChiralBlock(*p)
    H = law.matrix(2000, rng=seed)
    assert np.array_equal(H, H.T)
    ev = np.linalg.eigvalsh(H)
    # rigid ESD: KS ~ a few 1/n; 0.02 is the bound (measured 0.0016–0.0022 at n = 2000)
    assert ks_distance(ev, law, atom_tol=1e-8) < 0.02
    # the atom: exactly |n − p| eigenvalues at α (c > 1) or β (c < 1), rank deficiency of B, to rounding
    for loc, mass in law.atoms:
        count = np.sum(np.abs(ev - loc) < 1e-9)
        assert abs(count / 2000 - mass) <= 1 / 2000 + 1e-12
    # tr H/N = (nα + pβ)/N with p = round(N/(1 + c)), n = N − p: to rounding, and within |α − β|/N of the law's mean
    a, b, c = p
    q = round(2000 / (1 + c))
    assert np.mean(ev) == pytest.approx(((2000 - q) * a + q * b) / 2000, abs=1e-12)
    assert abs(np.mean(ev) - law.mean()) <= abs(a - b) / 2000


def test_samples():
    # iid samples (ppf of the closed-form cdf) and the matrix model against the cdf; check_samples' tolerance is
    # ~3x the 95 % null quantile (measured rvs 0.010, matrix 0.0028 at n = 1000)
    check_samples(ChiralBlock(0.0, 1.0, 0.5), 1000, rng=3)


@pytest.mark.parametrize("p", [(-1e3, 1e3, 1e-3), (-1e3, 1e3, 1e3), (1e3, 1e3, 1.0), (0.0, 1e-9, 1.0),
                               (0.0, 0.0, 1e-3)])
def test_domain_corners(p):
    # ends of the declared domain: mass, mean and variance from the closed-form rule against the exact moments
    law = ChiralBlock(*p)
    xs, ws = law.continuous_rule()
    assert ws.sum() + sum(w for _, w in law.atoms) == pytest.approx(1.0, abs=1e-12)
    a, b, c = p
    mean = (c * a + b) / (1 + c)
    assert law.mean() == pytest.approx(mean, rel=1e-12, abs=1e-12)
    m1 = float(np.sum(ws * xs) + sum(w * x for x, w in law.atoms))
    assert m1 == pytest.approx(mean, rel=1e-9, abs=1e-9 * max(1.0, abs(a), abs(b)))
    assert law.var() == pytest.approx((c * a * a + b * b + 2 * c) / (1 + c) - mean * mean, rel=1e-6, abs=1e-9)
    q = law.cdf(np.array([law.support[0][0] - 1.0, law.support[-1][1] + 1.0]))
    assert q[0] == 0.0 and q[1] == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("kwargs, exc, name", [
    (dict(alpha=float("nan"), beta=0.0, c=1.0), ValueError, "alpha"),
    (dict(alpha=2e3, beta=0.0, c=1.0), ValueError, "alpha"),
    (dict(alpha=0.0, beta=-1001.0, c=1.0), ValueError, "beta"),
    (dict(alpha=0.0, beta=0.0, c=0.0), ValueError, "'c'"),
    (dict(alpha=0.0, beta=0.0, c=-1.0), ValueError, "'c'"),
    (dict(alpha=0.0, beta=0.0, c=2e3), ValueError, "'c'"),
    (dict(alpha=0.0, beta=0.0, c=5e-4), ValueError, "'c'"),
    (dict(alpha=0.0, beta=None, c=1.0), TypeError, "beta"),
    (dict(alpha="0", beta=0.0, c=1.0), TypeError, "alpha"),
    (dict(alpha=0.0, beta=0.0, c=-sp.Symbol("k", positive=True)), ValueError, "'c'"),
])
def test_bad_parameters(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        ChiralBlock(**kwargs)


def test_matrix_size_and_identity():
    law = ChiralBlock(0.0, 1.0, 0.5)
    with pytest.raises(ValueError, match="n"):
        law.matrix(1)
    assert law == ChiralBlock(0, 1, 0.5) and law != ChiralBlock(0.0, 1.0, 0.6)
    assert repr(law.replace(c=2.0).with_size(10)) == "ChiralBlock(alpha=0, beta=1, c=2, size=10)"
    assert math.isclose(law.mean(), 2 / 3, rel_tol=1e-15)


@pytest.mark.parametrize("alpha, beta, c", [(0.99999, 0.037311053987906025, 0.99999), (0.0, 1.0, 1.00001)])
def test_a_tiny_atom_on_its_edge_comes_from_the_closed_form(alpha, beta, c):
    # c -> 1: the atom |c - 1|/(1 + c) ~ 5e-6 sits on an edge where the continuous density diverges like |x - a|^(-1/2);
    # the generic residue test could not tell it from 0 and the R-transform (through the generic numeric state)
    # raised ArithmeticError (found by the thorough property run). The state now takes the closed-form atom.
    import warnings

    from freecalc.testing.invariants import check_invariants

    law = fc.ChiralBlock(alpha, beta, c)
    where = alpha if c > 1 else beta
    (loc, mass), = law._numeric.atoms
    assert loc == where and mass == pytest.approx(abs(c - 1) / (1 + c), rel=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error", fc.ConvergenceWarning)
        check_invariants(law, 2186)
    # R(w) = κ1 + κ2 w + ...: the mean (α + cβ)/(1 + c) and the variance from the curve's exact moments
    r = law.r_transform(np.array([1e-4]))[0]
    assert r.real == pytest.approx(law.mean() + law.var() * 1e-4, rel=1e-6, abs=1e-9)
