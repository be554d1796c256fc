"""Tests of the high-temperature Marchenko–Pastur law HTMP(γ, κ) (InverseHTMP: tests/laws/test_inverse_htmp.py)."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import sympy as sp
from numba import njit

import freecalc as fc
from freecalc.kernels.htmp import htmp_params
from freecalc.kernels.htmp_transforms import htmp_stieltjes
from freecalc.testing import check_law
from freecalc.testing.conformance import ks_distance
from freecalc.symbolic.special import lambdify

# (gamma, kappa, x, rho(x), Re m(x + i0), Im m(x + i0)): mpmath at 40 digits (mp.hyperu, argument −bx − i·10^-70),
# computed once with the density and Stieltjes formulas of the module docstring and pasted here.
REFERENCE_REAL = [
    (0.5, 1, 0.05, 1.58432816273978621365710149155, -0.722909350514446491018211267691, 4.97731371693872675750570671093),
    (0.5, 1, 0.7, 0.347578646497569941826011282027, -0.668361323314307994441840731642, 1.091950522381449447132498544),
    (0.5, 1, 3.5, 0.0416147712872463979819616856708, -0.389359795666638608756488268715, 0.130736659756832747226232137983),
    (0.75, 0.1, 1e-6, 17619.4349818821055233902691145, -447157.815012774676206624408698, 55353.0874994838344422998224641),
    (0.75, 0.1, 0.3, 0.150466319743061555220634666756, -2.67105285320043364176478243053, 0.472703884717495047608715513),
    (0.75, 0.1, 4, 0.0115475852749184362265166943246, -0.239676565185792656179229678526, 0.0362778090663854321391915692801),
    (0.25, 20, 0.3, 0.658522848239387559665564477799, 2.58470972463785322290652165452, 2.06881054224988626592968872698),
    (0.25, 20, 1.1, 0.556321252324352965991275610058, -0.643203909302619693880970085481, 1.74773475933806096397092382709),
    (0.25, 20, 2.6, 0.00330499763270258649526278234292, -0.765372241388092404051570037614, 0.0103829562830301035245176047794),
    (0.5, 2, 0.01, 1.72270159490539616574714780972, 4.41462536691998435169050112743, 5.41202667488221257692962421723),
    (0.5, 2, 1, 0.322484138821564238244227389958, -0.593764696568462402304673117103, 1.01311380142105725342401341729),
    (0.5, 2, 6, 0.00115886875256639911463513457083, -0.214818548744393391476044886144, 0.00364069355953736730773274384766),
    (0.3, 5, 0.5, 0.724930859363599408072326351305, 0.387703264242143271424167933992, 2.27743746213721947524073373752),
    (0.3, 5, 1.5, 0.330992688424005667388451350201, -0.837348000476507978904135841376, 1.03984419834479160311097145555),
]
# (gamma, kappa, z, m(z)) off the real axis, same route
REFERENCE_COMPLEX = [
    (0.5, 1, 0.5 + 0.5j, -0.076745762903600477607056409523 + 1.0424479209882169001788428669j),
    (0.25, 20, 1 + 0.05j, -0.446016124032727431377352305585 + 1.813077343568809738117780071j),
    (0.75, 0.1, -2 + 0.3j, 0.437955654069785626419436241853 + 0.0626601077736275027927312101237j),
    (0.5, 2, 3 + 2j, -0.208397733264593515125136646951 + 0.254191244739990231054143246444j),
]
# (gamma, kappa, x, F(x)) with F = arg U(B, −A, −bx − i0)/(πB), mpmath at 40 digits (the principal arg is the
# continuous one since B ≤ 1 here); x = 1e-300 exercises the x → 0 asymptotics with A + 1 = 1/60
REFERENCE_CDF = [
    (0.5, 1, 0.7, 0.562756358164994954970444412243),
    (0.5, 1, 3.5, 0.948438222927302191412014143616),
    (0.75, 0.1, 1e-6, 0.450741440725666968172463064773),
    (0.75, 0.1, 0.3, 0.80991547407315070732617685356),
    (0.5, 2, 1, 0.621386937059360727092084106168),
    (0.75, 0.1, 1e-300, 0.00000241539991000426398942729203665),
    (0.5, 1, 1e-8, 0.0000718348487846395533545962545928),
]

# The float route (Laplace start + Taylor continuation of the Kummer ODE) was measured at <= 5e-13 relative error
# against these values; 1e-11 leaves room for platform differences in exp/log without hiding a wrong branch or a
# lost factor (those are O(1) errors).
RTOL_REF = 1e-11


@pytest.mark.parametrize("g,k,x,rho,mre,mim", REFERENCE_REAL)
def test_density_and_boundary_stieltjes_match_mpmath(g, k, x, rho, mre, mim):
    law = fc.HTMP(g, k)
    assert law.pdf(x) == pytest.approx(rho, rel=RTOL_REF)
    m = law.stieltjes(x)
    assert abs(m - complex(mre, mim)) <= RTOL_REF * abs(complex(mre, mim))
    assert m.imag / math.pi == pytest.approx(law.pdf(x), rel=1e-14)  # Im m(x + i0) = π ρ(x) by construction


@pytest.mark.parametrize("g,k,z,ref", REFERENCE_COMPLEX)
def test_stieltjes_off_axis_matches_mpmath(g, k, z, ref):
    m = fc.HTMP(g, k).stieltjes(z)
    assert abs(m - ref) <= RTOL_REF * abs(ref)


@pytest.mark.parametrize("g,k,x,F", REFERENCE_CDF)
def test_cdf_matches_mpmath(g, k, x, F):
    # relative, also in the lower tail (series for Im u when bx <= 1; x -> 0 asymptotics below bx = 1e-250)
    assert fc.HTMP(g, k).cdf(x) == pytest.approx(F, rel=RTOL_REF)


# --- conformance ---------------------------------------------------------------------------------------------
# (0.5, 1): generic; (0.75, 0.1): density diverging at 0 (A = -59/60, κ < 2γ/(1-γ)); (0.5, 2): every Kummer
# parameter an integer (A = 0, B = 1, b = 2: the connection formulas are limits there); (0.25, 20): large κ/γ.
@pytest.mark.parametrize("g,k", [(0.5, 1.0), (0.75, 0.1), (0.5, 2.0), (0.25, 20.0)])
def test_conformance(g, k):
    # inversion needs a compact interval; Im m = πρ is tested above
    check_law(fc.HTMP(g, k)).require_complete({"inversion": "support (0, ∞) is not compact"})


def test_conformance_very_large_kappa():
    # κ/γ = 800: U(B, -A, w) itself under/overflows double precision (|w|^-100), so the lambdified symbolic ratio
    # is 0/0 here; the numeric face works with log u and u'/u and passes everything else
    report = check_law(fc.HTMP(0.25, 200.0), skip=("symbolic",))
    report.require_complete({"inversion": "support (0, ∞) is not compact"})
    assert not report.failed


# --- moments ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("g,k", [(0.5, 1.0), (0.75, 0.1), (0.25, 20.0), (0.3, 3.7)])
def test_mean_and_second_moment(g, k):
    law = fc.HTMP(g, k)
    assert law.mean() == pytest.approx(1.0, abs=1e-15)
    assert law.moment(2) == pytest.approx(1 + g + 2 * g / k, rel=1e-14)
    xs, ws = law.continuous_rule()
    for j in range(1, 9):  # recurrence vs quadrature of the density; 1e-9: quadrature error, large x^8 weights
        assert law.moment(j) == pytest.approx(float(np.sum(ws * xs ** j)), rel=1e-9)


def test_symbolic_moments_exact():
    g, k = sp.symbols("gamma kappa", positive=True)
    S = fc.HTMP(g, k).sym
    assert sp.simplify(S.moment(1) - 1) == 0
    assert sp.simplify(S.moment(2) - (1 + g + 2 * g / k)) == 0
    m3 = S.moment(3)
    # the third moment in closed form, checked against the numeric recurrence at a rational point
    val = m3.subs({g: sp.Rational(1, 3), k: sp.Rational(7, 2)})
    assert float(val) == pytest.approx(fc.HTMP(1 / 3, 3.5).moment(3), rel=1e-14)
    assert sp.simplify(m3 - (1 + 3 * g + g ** 2 + 6 * g / k + 6 * g ** 2 / k + 8 * g ** 2 / k ** 2)) == 0
    kap = fc.HTMP(sp.Rational(1, 2), 2).sym.free_cumulant(2)
    assert kap == 1  # κ2 = variance = γ(1 + 2/κ) = 1


def test_inverse_moments():
    law = fc.HTMP(0.25, 20.0)  # A = 29: E[X^-k] finite for k < 30
    xs, ws = law.continuous_rule()
    for j in range(1, 5):
        assert law.inverse_moment(j) == pytest.approx(float(np.sum(ws / xs ** j)), rel=1e-9)
    assert law.inverse_moment(1) == pytest.approx(law.b / law.A, rel=1e-15)
    assert fc.HTMP(0.5, 2.0).inverse_moment(1) == math.inf  # A = 0: ∫ρ/x diverges logarithmically


# --- sampling --------------------------------------------------------------------------------------------------
# KS tolerance 0.03 (the brief's): the β-Laguerre ESD at m = 2000 has O(1/m) bias plus fluctuations ~1e-2
@pytest.mark.parametrize("g,k", [(0.5, 1.0), (0.75, 0.5), (0.25, 20.0)])
def test_matrix_model_eigenvalues_ks(g, k):
    law = fc.HTMP(g, k)
    ev = law.sample_eigenvalues(2000, rng=7)
    assert np.all(ev >= 0)  # relatively accurate small eigenvalues: never the -1e-17 of a plain tridiagonal solver
    assert ks_distance(ev, law) < 0.03


def test_small_eigenvalues_relatively_accurate():
    # γ = 0.75, κ = 0.5: singular values spanning many decades; bisection on the Golub–Kahan form vs the same
    # bidiagonal's singular values in 60-digit arithmetic
    import mpmath as mp
    from freecalc.kernels.bidiagonal import bidiag_small_singular_values
    law = fc.HTMP(0.75, 0.5)
    n = 40
    d, t = law._bidiagonal(n, np.random.default_rng(3))
    sv = bidiag_small_singular_values(d, t, n, 1e3)
    with mp.workdps(60):
        Bm = mp.matrix(n, n)
        for i in range(n):
            Bm[i, i] = mp.mpf(float(d[i]))
            if i < n - 1:
                Bm[i + 1, i] = mp.mpf(float(t[i]))
        ref = sorted(mp.svd_r(Bm, compute_uv=False))
    rel = max(abs(float(s - r) / float(r)) for s, r in zip(sv, ref) if r > 0)
    assert rel < 1e-12  # bisection to 1e-15 in log σ; relative accuracy independent of the magnitude
    assert min(float(r) for r in ref) < 1e-6 * max(float(r) for r in ref)  # the case really spans decades


def test_matrix_is_symmetric_with_model_spectrum():
    law = fc.HTMP(0.5, 1.0)
    M = law.matrix(200, rng=11)
    assert np.array_equal(M, M.T) or np.allclose(M, M.T, rtol=0, atol=1e-14)
    ev = np.linalg.eigvalsh(M)
    ref = law.sample_eigenvalues(200, rng=11)  # same generator stream: the conjugation only rotates
    # eigvalsh of the dense matrix has absolute error ~ n·eps·λmax
    assert np.allclose(np.sort(ev), ref, rtol=1e-10, atol=1e-12 * ref.max())


def test_rvs_ks():
    law = fc.HTMP(0.5, 2.0)
    x = law.rvs(20000, rng=5)
    # 95% null quantile of KS at n = 20000 is 1.36/sqrt(n) = 0.0096; 0.02 fails only for a wrong sampler
    assert ks_distance(x, law) < 0.02


@pytest.mark.parametrize("g,k,qmin", [(0.5, 1.0, 1e-12), (0.25, 20.0, 1e-12), (0.75, 0.1, 1e-2), (0.9, 50.0, 1e-12)])
def test_ppf_inverts_cdf_and_is_monotone(g, k, qmin):
    # (0.75, 0.1): F(x) ~ x^{1/60}, so quantiles below ~1e-2 underflow to 0.0 (correctly: they are < 1e-308);
    # (0.9, 50): B = 25, the lower-tail angle arg u exceeds π while F < 0.1 (regression: NaN cdf there)
    law = fc.HTMP(g, k)
    q = np.concatenate([np.logspace(math.log10(qmin), -1, 30), np.linspace(0.1, 0.9, 50),
                        1 - np.logspace(-1, -10, 30)])
    x = law.ppf(q)
    assert np.all(x > 0)
    assert np.all(np.diff(x) >= 0)
    # Newton in log x to 1e-15; the cdf's absolute error ~1e-15 bounds the round trip near q = 1
    assert np.allclose(law.cdf(x), q, rtol=1e-9, atol=1e-13)
    assert law.ppf(0.0) == 0.0 and law.ppf(1.0) == math.inf


def test_sf_upper_tail_relative():
    from scipy.integrate import quad
    law = fc.HTMP(0.5, 2.0)
    x = np.array([8.0, 15.0, 30.0])
    exact = np.array([quad(lambda t: float(law.pdf(t)), v, np.inf, epsabs=0, epsrel=1e-13)[0] for v in x])
    assert np.allclose(law.sf(x), exact, rtol=1e-10, atol=0)  # relative accuracy where 1 - cdf has none
    assert exact[-1] < 1e-20


# --- limits and asymptotics ------------------------------------------------------------------------------------
def test_large_kappa_tends_to_marchenko_pastur():
    g = 0.25
    mp_law = fc.MarchenkoPastur(g)
    x = np.linspace(1e-4, 4.0, 8001)
    dx = x[1] - x[0]
    l1 = [np.sum(np.abs(fc.HTMP(g, k).pdf(x) - mp_law.pdf(x))) * dx for k in (25.0, 50.0, 100.0)]
    # L1 distance ~ c/κ: halving per doubling of κ (ratio 2 within ±30% at these κ), and small at κ = 100
    assert 1.4 < l1[0] / l1[1] < 2.6 and 1.4 < l1[1] / l1[2] < 2.6
    assert l1[2] < 0.03


def test_density_asymptotics_at_zero_and_infinity():
    law = fc.HTMP(0.5, 6.0)
    A, B, b = htmp_params(0.5, 6.0)
    C0 = b ** (A + 1) * math.gamma(b) / (math.gamma(B + 1) * math.gamma(A + 1) ** 2)
    x = 1e-9
    assert law.pdf(x) == pytest.approx(C0 * x ** A, rel=1e-7)  # relative correction O(bx) = 6e-9
    logCinf = (A + 2 * B + 1) * math.log(b) - math.lgamma(B + 1) - math.lgamma(A + B + 1)
    for x in (400.0, 1e5):  # e^{-bx} underflows: compare logs; 1e5 is beyond the ODE march (asymptotic series)
        # relative correction 2·B·b/(b x) = 6/x from the first term of U's asymptotic series
        ratio = math.exp(law.logpdf(x) - (logCinf + (A + 2 * B) * math.log(x) - b * x))
        assert ratio == pytest.approx(1.0 - 2 * B * b / (b * x), rel=1e-4)
    assert law.pdf(400.0) == 0.0  # e^{-2400}: underflow, not NaN


def test_riccati_equation():
    law = fc.HTMP(0.3, 2.5)
    A, B, b = htmp_params(0.3, 2.5)
    z = np.array([0.7 + 0.4j, 2.0 + 0.1j, -1.0 + 1.0j])
    h = 1e-5
    m = law.stieltjes(z)
    dm = (law.stieltjes(z + h) - law.stieltjes(z - h)) / (2 * h)
    resid = z * dm + B * z * m ** 2 - (A - b * z) * m + b
    assert np.all(np.abs(resid) < 1e-7)  # central difference: O(h²)·|m'''| plus 1e-16/h round-off ~1e-11


def test_kernel_callable_from_user_njit():
    @njit
    def user(z):
        return htmp_stieltjes(0.5, 1.0, z)

    z = np.array([0.5 + 0.5j])
    assert user(z)[0] == pytest.approx(fc.HTMP(0.5, 1.0).stieltjes(z)[0], rel=1e-15)


# --- parameters ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad,exc,name", [
    (dict(gamma=1.0, kappa=1.0), ValueError, "gamma"),
    (dict(gamma=0.0, kappa=1.0), ValueError, "gamma"),
    (dict(gamma=1.5, kappa=1.0), ValueError, "gamma"),
    (dict(gamma=0.5, kappa=0.0), ValueError, "kappa"),
    (dict(gamma=0.5, kappa=-2.0), ValueError, "kappa"),
    (dict(gamma=float("nan"), kappa=1.0), ValueError, "gamma"),
    (dict(gamma=0.5, kappa=float("nan")), ValueError, "kappa"),
    (dict(gamma="0.5", kappa=1.0), TypeError, "gamma"),
    (dict(gamma=0.5, kappa="big"), TypeError, "kappa"),
])
@pytest.mark.parametrize("cls", [fc.HTMP, fc.InverseHTMP])
def test_bad_parameters(cls, bad, exc, name):
    with pytest.raises(exc, match=name):
        cls(**bad)


def test_symbolic_parameters():
    g = sp.Symbol("gamma", positive=True)
    law = fc.HTMP(g, 2)
    assert law.is_symbolic
    assert sp.simplify(law.sym.moment(2) - (1 + 2 * g)) == 0
    with pytest.raises(fc.SymbolicParameterError):
        law.pdf(1.0)
    with pytest.raises(fc.SymbolicParameterError):
        law.moment(2)
    with pytest.raises(TypeError, match="not an algebraic law"):
        law.sym.equation()
    assert law.sym.density().has(sp.Symbol("x")) or law.sym.density().free_symbols


def test_symbolic_face_lambdify_agrees():
    law = fc.HTMP(0.4, 3.0)
    x, z = sp.symbols("x z")
    dens = sp.lambdify(x, law.sym.density(x), modules=["numpy"])
    xs = np.array([0.05, 0.5, 1.3, 4.0])
    # both sides are double-precision evaluations of the same formula through different code paths
    assert np.allclose([float(np.real(dens(v))) for v in xs], law.pdf(xs), rtol=1e-12, atol=0)
    stj = sp.lambdify(z, law.sym.stieltjes(z), modules=["numpy"])
    zs = np.array([0.5 + 0.2j, 2.0 + 1.0j, -1.0 + 0.5j])
    assert np.allclose(stj(zs), law.stieltjes(zs), rtol=1e-12, atol=0)
    # sympy's own evaluation (mpmath.hyperu) agrees too
    val = complex(law.sym.stieltjes(z).subs(z, sp.Rational(1, 2) + sp.I / 5).evalf(20))
    assert abs(val - law.stieltjes(0.5 + 0.2j)) < 1e-12
    # the Riccati expression vanishes on the symbolic m (checked numerically at one point)
    A, B, b = htmp_params(0.4, 3.0)
    mz = law.sym.stieltjes(z)
    ric = z * sp.diff(mz, z) + B * z * mz ** 2 - (A - b * z) * mz + b
    assert abs(complex(ric.subs(z, sp.Rational(3, 2) + sp.I / 2).evalf(25))) < 1e-15


# --- symbolic = numeric = quadrature for small gamma (Tricomi U with large parameters) ----------------------------
def _stieltjes_quad(law, z):
    """∫ρ(x)/(x − z)dx by adaptive quadrature over [ppf(1e-13), ppf(1 − 1e-13)] (the mass left out is 2e-13)."""
    from scipy.integrate import quad

    lo, hi = (float(v) for v in law.ppf(np.array([1e-13, 1 - 1e-13])))
    pts = [z.real] if lo < z.real < hi else None
    re = quad(lambda t: float(np.real(law.pdf(t) / (t - z))), lo, hi, points=pts, limit=400, epsabs=1e-13,
              epsrel=1e-11)[0]
    im = quad(lambda t: float(np.imag(law.pdf(t) / (t - z))), lo, hi, points=pts, limit=400, epsabs=1e-13,
              epsrel=1e-11)[0]
    return complex(re, im)


def _sym_evalf(expr, z, w):
    return complex(expr.subs(z, sp.Float(w.real, 20) + sp.I * sp.Float(w.imag, 20)).evalf(20))


@pytest.mark.slow  # adaptive quadrature of a density evaluated by an ODE march, per point
@pytest.mark.parametrize("w, ref", [(-0.2809 + 0.1104j, 0.77631 + 0.06715j), (-0.4397 + 0.00638j, None),
                                    (-0.3 + 0.05j, None)])
def test_symbolic_stieltjes_small_gamma_reported_points(w, ref):
    # HTMP(0.001, 1): b = 500, the closed form needs U(1/2, -997/2, -500z), where mpmath.hyperu returned
    # -4079.8-1210.7i for m (Im m < 0) at the first point
    law = fc.HTMP(0.001, 1.0)
    z = sp.Symbol("z")
    expr = law.sym.stieltjes(z)
    quadv = _stieltjes_quad(law, w)
    if ref is not None:
        assert abs(quadv - ref) < 1e-5  # the value quoted in the report, 5 digits
    ev, lam, num = _sym_evalf(expr, z, w), complex(lambdify(z, expr)(w)), complex(law.stieltjes(w))
    assert ev.imag > 0 and lam.imag > 0
    # 1e-9: the quadrature's tolerance; symbolic (20 digits) vs numeric (double, ODE route): 1e-12 measured
    for v in (ev, lam, num):
        assert abs(v - quadv) < 1e-9 * abs(quadv)
    assert abs(ev - num) < 1e-11 * abs(num)


@pytest.mark.slow  # adaptive quadrature of a density evaluated by an ODE march, per point
# (0.001, 5.0) left out: b = 2500 makes the exact evaluation cancel thousands of bits (minutes per point); the
# issue's small-γ corner is (0.001, 1.0)
@pytest.mark.parametrize("g, k", [(0.001, 0.3), (0.001, 1.0), (0.01, 2.0), (0.2, 0.5), (0.7, 3.0)])
def test_symbolic_stieltjes_random_points_agree(g, k):
    rng = np.random.default_rng(int(1000 * g + 10 * k))
    law = fc.HTMP(g, k)
    z = sp.Symbol("z")
    expr = law.sym.stieltjes(z)
    f = lambdify(z, expr)
    xs = rng.uniform(-1.0, 2.5, 3)
    ys = 10.0 ** rng.uniform(-1.5, 0.5, 3)
    for w in xs + 1j * ys:
        quadv = _stieltjes_quad(law, w)
        ev, lam, num = _sym_evalf(expr, z, w), complex(f(w)), complex(law.stieltjes(w))
        assert ev.imag > 0
        # 1e-8: quadrature tolerance (peaked density near the real point); symbolic vs numeric 1e-10: the
        # double-precision ODE route loses ~4 digits to the large parameters (b up to 2500)
        for v in (ev, lam, num):
            assert abs(v - quadv) < 1e-8 * abs(quadv), (w, v, quadv)
        assert abs(ev - num) < 1e-10 * abs(num) and abs(lam - num) < 1e-10 * abs(num)


def test_quantiles_at_the_largest_b_invert_the_cdf():
    # large b: the exact inversion (a first-order large-κ expansion used here before was
    # off by 3e-5 in ppf∘cdf at HTMP(0.0212, 888.9)); its cdf agrees with quadrature of the density to ~6e-10
    law = fc.HTMP(0.021240026177715924, 888.9024846698743)  # b = 20925 (κ ≤ 2000: validated to b = 8e4)
    q = np.array([1e-6, 0.0022, 0.3, 0.5, 0.92, 1 - 1e-6])
    x = law.ppf(q)
    assert np.all(np.diff(x) > 0)
    np.testing.assert_allclose(law.cdf(x), q, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("g, k", [(0.5, 1e6), (0.1, 1e4), (0.5, 3e4), (0.001, 200.0)])
def test_beyond_the_validated_b_htmp_takes_the_mp_limit_and_the_inverse_is_refused(g, k):
    # b > 2e4 with κ > 2000, or b > 8e4: the exact density march lost all its mass at b = 5e4..1e5 and the cdf drifted
    # by 6e-3 at b = 3e4, silently. HTMP now serves the certified MP limit (tests/laws/test_htmp_mp_limit.py);
    # InverseHTMP has no such regime and still refuses, naming the parameters
    law = fc.HTMP(g, k)
    assert law.mp_limit and not fc.HTMP(g, min(k, 2000.0 * g)).mp_limit
    with pytest.raises(ValueError, match=r"kappa = "):
        fc.InverseHTMP(g, k)


def test_rule_with_underflowing_nodes_is_quiet_and_complete():
    # Regression: for large A + 1 the panel edges 2^{-j(A+1)} underflow, nodes u = 0 hit np.log(0) (a
    # divide-by-zero warning, an error in the property suite); their weight is the limit and the mass stays 1
    law = fc.HTMP(0.25845495603712076, 17.323954595526292)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        xs, ws = law.continuous_rule()
    assert np.all(np.isfinite(ws)) and np.all(ws >= 0)
    assert ws.sum() == pytest.approx(1.0, abs=1e-12)  # the rule is exact to ~1e-13 on HTMP (seen: 2.8e-14)


@pytest.mark.parametrize("gamma, kappa", [(0.999999, 0.95), (0.999999, 0.99), (0.99999, 1.0), (0.9999, 0.95)])
def test_rule_keeps_the_mass_spread_over_hundreds_of_decades(gamma, kappa):
    # A + 1 = κ(1−γ)/(2γ) ~ 5e-7: ρ ~ x^A puts ~4 % of the mass between 1e-300 and 1e-20 (the x-geometric panels
    # stopped at 2^-80 and lost it: mass 0.964); the rule must still integrate to 1 to ~1e-13 (seen: 7e-14)
    xs, ws = fc.HTMP(gamma, kappa).continuous_rule()
    assert ws.sum() == pytest.approx(1.0, abs=1e-12)
    # the inverse law would hold that mass beyond the largest double (its upper quantiles are +inf): refused
    with pytest.raises(ValueError, match=r"InverseHTMP\(gamma = .*kappa = .*tail exponent.*1e300"):
        fc.InverseHTMP(gamma, kappa)


def test_a_plus_one_too_close_to_zero_is_refused_with_the_allowed_range():
    # ρ ~ x^A at 0 with A + 1 = 5e-12: the quadrature rule's mass was 1 - 9.2e-7 (thorough property run)
    with pytest.raises(ValueError, match=r"A \+ 1 = kappa \(1 - gamma\)/\(2 gamma\) = 5e-12 < 1e-07.*kappa >= 0\.2"):
        fc.HTMP(0.999999, 1e-5)
    law = fc.HTMP(0.999999, 0.95)  # A + 1 = 4.75e-7, above the floor: mass 1 - 7e-14 measured
    _, w = law.continuous_rule()
    assert abs(w.sum() - 1.0) < 1e-10
