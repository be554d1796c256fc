"""No silent wrong answers from the law layer: scalar/array handling of every method, R and S at w = 0, extreme
parameters (freecalc/laws/base.py, quadratic.py, the named laws and freecalc/_params.py)."""
import math
import warnings

import numpy as np
import pytest

import freecalc as fc


def _laws():
    rng = np.random.default_rng(0)
    return {
        "semicircle": fc.Semicircle(2.0),
        "shifted semicircle": fc.Semicircle(2.0, center=1.0),
        "MP": fc.MarchenkoPastur(0.5),
        "MP with atom": fc.MarchenkoPastur(2.0),
        "Kesten-McKay": fc.KestenMcKay(3.0),
        "Wachter": fc.Wachter(0.3, 2.5),
        "free Meixner": fc.FreeMeixner(0.5, 1.0, 0.3),
        "point mass": fc.PointMass(1.0),
        "atoms": fc.Atoms([0.0, 1.0], [0.3, 0.7]),
        "algebraic": fc.free_add(fc.Semicircle(2.0), fc.MarchenkoPastur(0.5)),
        "numeric": fc.free_add(fc.Semicircle(2.0), fc.MarchenkoPastur(0.5), method=fc.Method.NUMERIC),
        "empirical": fc.Empirical(rng.standard_normal(50) ** 2 + 0.5),
        "inverse": fc.inverse(fc.MarchenkoPastur(0.3)),
    }


LAWS = _laws()
REAL_METHODS = {"pdf": 0.3, "cdf": 0.3, "logpdf": 0.3, "logcdf": 0.3, "sf": 0.3, "logsf": 0.3, "ppf": 0.3,
                "isf": 0.3}
COMPLEX_METHODS = {"stieltjes": 0.3 + 0.1j, "cauchy": 0.3 + 0.1j, "r_transform": 0.05, "s_transform": 0.05}


def _methods(law):
    out = {**REAL_METHODS, **COMPLEX_METHODS}
    if law.mean() == 0:
        del out["s_transform"]  # undefined (raises, tested in test_base)
    return out


@pytest.mark.parametrize("name", list(LAWS))
def test_every_method_accepts_scalars_0d_and_nd_arrays(name):
    # scipy.stats semantics: a Python scalar or 0-d array gives a scalar, an n-d array the same shape, and the
    # values agree with the elementwise ones (regression: AlgebraicLaw.cdf(0.3) raised TypeError 'numpy.float64'
    # object does not support item assignment; NumericLaw.ppf failed on scalars and on 2-d arrays)
    law = LAWS[name]
    for meth, v in _methods(law).items():
        f = getattr(law, meth)
        grid = np.array([[v, 0.5 * v, 1.5 * v], [v, 0.25 * v, 0.75 * v]])
        arr = f(grid)
        assert np.shape(arr) == (2, 3), (meth, np.shape(arr))
        for arg in (v, np.float64(v) if isinstance(v, float) else np.complex128(v), np.array(v)):
            out = f(arg)
            assert np.ndim(out) == 0 and not isinstance(out, np.ndarray), (meth, type(out))
            # same value as inside the array (same code path up to the reshape: 1e-12 for iterative solvers
            # warm-started differently)
            assert out == pytest.approx(arr[0, 0], rel=1e-12, abs=1e-14), meth
        assert np.shape(f(grid[:1, :1])) == (1, 1)
    assert isinstance(law.cdf(1), np.floating) and isinstance(law.pdf(0), np.floating)  # Python int input


def test_algebraic_cdf_scalar_regression():
    law = fc.free_add(fc.Semicircle(2), fc.MarchenkoPastur(0.5))
    x = np.array([-1.0, 0.3, 2.0])
    np.testing.assert_array_equal([law.cdf(float(v)) for v in x], law.cdf(x))
    assert 0.0 < law.cdf(0.3) < 1.0


# -- R and S at and next to w = 0 -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(LAWS))
def test_r_transform_at_and_near_zero(name):
    law = LAWS[name]
    k = law.free_cumulants(3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning (division by w = 0 gave nan+nanj with warnings)
        r0 = law.r_transform(0.0)
        assert isinstance(r0, np.floating)  # real input, real R: a real result
        assert r0 == pytest.approx(k[0], rel=1e-13, abs=1e-15)  # R(0) = κ₁
        for w in (1e-12, 1e-9, -1e-8, 1e-6):
            ref = k[0] + k[1] * w + k[2] * w * w  # neglected κ₄w³ ≤ 1e-18 relative here
            got = law.r_transform(w)
            assert np.isrealobj(got)
            # the closed and iterative forms subtract 1/w from G⁻¹(w) ≈ 1/w and lost up to 1e-4 here
            assert abs(got - ref) <= 1e-13 * max(1.0, abs(ref)), (w, got, ref)
        got = law.r_transform(np.array([0.0, 1e-9 + 1e-9j]))
        assert np.iscomplexobj(got) and got[0] == pytest.approx(k[0], abs=1e-15)


@pytest.mark.parametrize("name", [n for n in LAWS if LAWS[n].mean() != 0])
def test_s_transform_at_and_near_zero(name):
    law = LAWS[name]
    m1, k2 = law.mean(), law.var()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s0 = law.s_transform(0.0)
        assert isinstance(s0, np.floating)
        assert s0 == pytest.approx(1 / m1, rel=1e-13)  # S(0) = 1/m₁
        for w in (1e-12, 1e-9, -1e-8):
            ref = 1 / m1 - k2 / m1 ** 3 * w  # neglected O(w²) ≤ 1e-16 relative here
            assert law.s_transform(w) == pytest.approx(ref, rel=1e-13), w


# -- extreme parameters: computed correctly or rejected at construction, naming the parameter -------------------
@pytest.mark.parametrize("make, name", [
    (lambda: fc.KestenMcKay(1e200), "'d'"),           # var() was nan
    (lambda: fc.Wachter(1e300, 2), "'a'"),            # support was (0, inf)
    (lambda: fc.Semicircle(1e-300), "'r'"),           # pdf(0): ZeroDivisionError
    (lambda: fc.Semicircle(1e300), "'r'"),            # var(): OverflowError
    (lambda: fc.MarchenkoPastur(1e300), "'c'"),       # support: OverflowError
    (lambda: fc.MarchenkoPastur(0.5, 1e300), "'sigma2'"),
    (lambda: fc.MarchenkoPastur(0.5, 1e-300), "'sigma2'"),
    (lambda: fc.FreeMeixner(1e300, 1, 1), "'a'"),     # support: OverflowError
    (lambda: fc.FreeMeixner(0, 1, 1e-9), "'c'"),      # constructed, then support raised "invalid parameters"
    (lambda: fc.PointMass(1e300), "'loc'"),           # var(): OverflowError
])
def test_non_representable_parameters_rejected_at_construction(make, name):
    with pytest.raises(ValueError, match=rf"parameter {name} = .* outside the allowed domain .*e[+-]"):
        make()


def test_meixner_small_c_support_is_exact():
    # the discriminant test cancelled ((c − 2)² − 4(1 − c) at c = 1e-5 keeps 6 digits, at 1e-9 none): the support
    # a ± 2√b is now taken from the closed form and d2 = (1 − q2)² = c² without cancellation
    law = fc.FreeMeixner(0.0, 1.0, 1.1e-6)
    assert law.support == ((-2.0, 2.0),)
    assert law.var() == pytest.approx(1.1e-6, rel=1e-12)  # variance bc
    assert law.cdf(2.0) == pytest.approx(1.0, abs=1e-9)


def test_unresolvable_support_rejected_naming_parameters():
    # width 2 at location 1e12: x − λ₋ keeps < 6 digits, so density and quadrature would be rounding noise
    with pytest.raises(ValueError, match=r"Semicircle with r = 1, center = 1e\+12: the support .* not representable"):
        fc.Semicircle(1.0, center=1e12)
    with pytest.raises(ValueError, match=r"MarchenkoPastur with c = 1e\+100, sigma2 = 1e\+100: the support"):
        fc.MarchenkoPastur(1e100, 1e100)  # relative width 4/√c = 4e-50
    with pytest.raises(ValueError, match="location = 1e\\+200 is outside the representable range"):
        fc.Atoms([0.0, 1e200])


@pytest.mark.parametrize("make", [
    lambda: fc.Semicircle(1e-99), lambda: fc.Semicircle(1e99, center=-1e99), lambda: fc.MarchenkoPastur(1e15, 1e50),
    lambda: fc.MarchenkoPastur(1e-15, 1e100), lambda: fc.MarchenkoPastur(0.5, 1e-99), lambda: fc.KestenMcKay(1e100),
    lambda: fc.Wachter(1e15, 1e100), lambda: fc.Wachter(1e-15, 1.5), lambda: fc.FreeMeixner(1e50, 1e100, 1e15),
    lambda: fc.FreeMeixner(-1.0, 1e-99 * 1e80, 1.5e-6), lambda: fc.PointMass(-1e100), lambda: fc.Atoms([-1e100, 1e100]),
])
def test_laws_at_the_representable_bounds_are_finite(make):
    law = make()
    ends = [e for ab in law.support for e in ab] + [x for x, _ in law.atoms]
    lo, hi = min(ends), max(ends)
    x = np.linspace(lo, hi, 9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow / invalid-value warnings either
        vals = [law.mean(), law.var(), law.ppf(0.3), law.r_transform(0.0), *law.pdf(x), *law.cdf(x)]
    assert np.all(np.isfinite(vals)) and law.var() >= 0
    assert law.cdf(hi) == pytest.approx(1.0, abs=1e-9)
    # mean and variance against the support's scale: |mean| ≤ max |x|, var ≤ max |x|² (bounded support)
    big = max(abs(lo), abs(hi))
    assert abs(law.mean()) <= big * (1 + 1e-12) and law.var() <= big ** 2 * (1 + 1e-12)


def test_shifted_meixner_cdf_counts_atom_at_its_location():
    law = fc.ShiftedFreeMeixner(3.0, 0.5, 0.5, 3.0)
    (x_atom, mass), = [(x, w) for x, w in law.atoms if x > law.support[0][1]]
    assert law.cdf(x_atom) == pytest.approx(1.0, abs=1e-12)  # right-continuous: the atom counts (was 1 − 0.068)
    assert law.cdf(np.nextafter(x_atom, -np.inf)) == pytest.approx(1.0 - mass, abs=1e-9)


def test_shifted_meixner_far_from_zero_is_evaluated_centred():
    # found by the thorough property run: loc = 573 with b = 1e-6, c = 2e-6 made Q(x) round to 0 inside the
    # support (ZeroDivisionError in pdf), the variance m2 − m1² negative (−2.4e-5) and the mass 1 − 1.4e-6
    law = fc.ShiftedFreeMeixner(573.2216526459038, 0.0, 1e-06, 2e-06)
    base = fc.FreeMeixner(0.0, 1e-06, 2e-06)
    t = np.linspace(-0.0019, 0.0019, 7)
    # the same density and transform as the centred law, up to the rounding of x − loc (ulp(573) ≈ 1e-13 against
    # the density's peak width 2e-9 near t = 0; away from it far smaller)
    np.testing.assert_allclose(law.pdf(t + law.loc), base.pdf(t), rtol=1e-4)
    np.testing.assert_allclose(law.stieltjes(t + law.loc + 1e-3j), base.stieltjes(t + 1e-3j), rtol=1e-9)
    assert law.var() == pytest.approx(2e-12, rel=1e-12) and law.mean() == law.loc
    x, w = law.continuous_rule()
    assert abs(np.sum(w) - 1.0) < 1e-9 and np.all(np.isfinite(x))
    assert law.r_transform(0.3) == pytest.approx(base.r_transform(0.3) + law.loc, rel=1e-14)
    assert law.moment(2) == pytest.approx(law.loc ** 2 + 2e-12, rel=1e-14)


def test_density_pole_within_roundoff_of_an_edge_is_refused():
    # Wachter(739, 1 + 1e-6): the zero of Q at x = 1 sits ~1e-15 from the upper edge, below what x − λ₊ resolves;
    # the rule then integrated a pure 1/√ edge and the mass came out 1 + 5e-7 (found by the thorough run)
    with pytest.raises(ValueError, match=r"a = 738\.9409632599339, b = 1\.000001: a pole of the density lies within"):
        fc.Wachter(738.9409632599339, 1.000001)
    # either side of the window is fine: the pole resolvable (graded rule) or negligibly close; 1e-8 is the
    # property suite's mass tolerance (measured: 1.5e-9 at b = 1.0001, 5e-10 at 1 + 1e-9)
    for b in (1.0001, 1.0 + 1e-9, 1.0):
        law = fc.Wachter(738.9409632599339, b)
        assert abs(np.sum(law.continuous_rule()[1]) + sum(m for _, m in law.atoms) - 1.0) < 1e-8


def test_numeric_law_quantiles_beyond_its_table_follow_the_tail():
    # a numeric law with an unbounded (power-law) side answered every quantile beyond its cdf table with the
    # table's last point (an InverseHTMP decompression: 3.9e5 at q = 1 − 1e-12, where the answer is 2.6e12)
    law = fc.free_add(fc.HTMP(0.5, 2.0), fc.Semicircle(1.0), method=fc.Method.NUMERIC)
    assert math.isinf(law.support[-1][1])
    q = np.array([0.5, 1 - 1e-6, 1 - 1e-10, 1 - 1e-13])
    x = law.ppf(q)
    assert np.all(np.diff(x) > 0)
    # cdf(ppf(q)) = q to the cdf's own accuracy (1e-13 absolute: the quantile solver's residual tolerance)
    np.testing.assert_allclose(1 - law.cdf(x), 1 - q, rtol=0.02, atol=1e-13)
    assert law.ppf(1.0) == math.inf
