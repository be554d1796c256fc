"""Empirical (ESD of data) and FittedSpectrum (its smooth fit)."""
import numpy as np
import pytest

import freecalc as fc
from freecalc.laws.empirical import SYMMETRY_RTOL, Empirical, FittedSpectrum, Variable
from freecalc.testing import check_law


@pytest.fixture(scope="module")
def mp_eigs():
    # MP(0.1): d = 10 n columns, cheap at n = 600
    return np.linalg.eigvalsh(fc.MarchenkoPastur(0.1).matrix(600, rng=11))


def test_exact_transforms(mp_eigs):
    e = Empirical(mp_eigs[::-1])  # any order
    assert e.size == 600 and np.all(np.diff(e.eigenvalues) >= 0)
    z = np.array([1 + 0.2j, 0.3 + 1e-3j, 5.0 + 0j])
    direct = np.array([np.mean(1 / (mp_eigs - zz)) for zz in z])
    # same arithmetic in a different order: rounding only
    assert np.allclose(e.stieltjes(z), direct, rtol=1e-12, atol=0)
    assert e.cdf(mp_eigs[299]) == pytest.approx(300 / 600)
    assert e.ppf(0.5) == mp_eigs[299]
    assert e.moment(3) == pytest.approx(np.mean(mp_eigs ** 3), rel=1e-14)
    assert sum(w for _, w in e.atoms) == pytest.approx(1.0)
    assert e.support == () and np.all(e.pdf(np.array([1.0])) == 0)
    assert Empirical(mp_eigs, size=600).size == 600 and Empirical(mp_eigs, size=6e2).size == 600


def test_size_must_count_the_eigenvalues(mp_eigs):
    # before: Empirical(600 eigenvalues, size=4000) was accepted and every 1/n downstream silently wrong
    with pytest.raises(ValueError, match=r"size=4000 but 600 eigenvalues.*np.zeros\(4000 - 600\)"):
        Empirical(mp_eigs, size=4000)
    with pytest.raises(ValueError, match="size=10 but 600"):
        Empirical(mp_eigs).replace(size=10)
    with pytest.raises(ValueError, match="size"):
        Empirical(mp_eigs, size=600.5)
    with pytest.raises(TypeError, match="size"):
        Empirical(mp_eigs, size=True)
    # the documented way to give the missing (zero) eigenvalues of a rank-deficient matrix
    padded = Empirical(np.concatenate([mp_eigs, np.zeros(400)]), size=1000)
    assert padded.size == 1000 and padded.cdf(0.0) == pytest.approx(0.4)


@pytest.mark.parametrize("method, arg", [("pdf", 1.0), ("cdf", 1.0), ("ppf", 0.3), ("stieltjes", 1.0 + 0.5j),
                                         ("sf", 1.0)])
def test_scalar_in_scalar_out(mp_eigs, method, arg):
    # like scipy.stats: a Python scalar gives a scalar, a 0-d array a scalar, an n-d array the same shape
    for law in (Empirical(mp_eigs), Empirical(mp_eigs).smooth()):
        f = getattr(law, method)
        assert np.ndim(f(arg)) == 0 and np.ndim(f(np.asarray(arg))) == 0
        grid = np.full((2, 3), arg)
        assert np.shape(f(grid)) == (2, 3)
        assert f(grid)[1, 2] == pytest.approx(f(arg), rel=1e-12)


def test_conformance(mp_eigs):
    # raises on any failed invariant; neither has a closed-form symbolic m, the raw ESD is purely atomic
    check_law(Empirical(mp_eigs)).require_complete({"inversion": "purely atomic: no continuous part",
                                                     "symbolic": "no closed-form Stieltjes transform"})
    check_law(Empirical(mp_eigs).smooth()).require_complete({"symbolic": "no closed-form Stieltjes transform"})


@pytest.mark.parametrize("bad, err, match", [
    ([1.0, np.nan, 2.0], ValueError, "non-finite"),
    ([], ValueError, "empty"),
    (np.ones((3, 3)), ValueError, "1-D"),
    (["a", "b"], TypeError, "real numbers"),
    ([1 + 1j, 2], ValueError, "real"),
])
def test_bad_eigenvalues(bad, err, match):
    with pytest.raises(err, match=match):
        Empirical(bad)


def test_from_matrix_checks():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((50, 50))
    S = A + A.T
    assert Empirical.from_matrix(S).size == 50
    with pytest.raises(ValueError, match="not symmetric"):
        Empirical.from_matrix(A)
    # a perturbation below the relative tolerance is accepted
    T = S.copy()
    T[0, 1] += 0.1 * SYMMETRY_RTOL * np.abs(S).max()
    Empirical.from_matrix(T)
    N = S.copy()
    N[3, 4] = np.nan
    with pytest.raises(ValueError, match=r"non-finite.*A\[3, 4\]"):
        Empirical.from_matrix(N)
    with pytest.raises(ValueError, match="square"):
        Empirical.from_matrix(np.ones((3, 4)))


def test_smooth_bad_inputs():
    with pytest.raises(ValueError, match="all 20 eigenvalues are equal"):
        Empirical(np.full(20, 3.0)).smooth()
    with pytest.raises(ValueError, match="at least 8"):
        Empirical(np.arange(5.0)).smooth()
    with pytest.raises(ValueError, match="variable="):
        Empirical(np.arange(50.0)).smooth(variable="cubic")


def test_smooth_mp(mp_eigs):
    s = Empirical(mp_eigs, size=600).smooth()
    assert isinstance(s, FittedSpectrum) and s.size == 600
    exact = fc.MarchenkoPastur(0.1)
    (a, b), = s.support
    (a0, b0), = exact.support
    # edges fitted to O(n^-2/3) of the width (TW scale ≈ 1.3e-2 here); 2e-2 of the width leaves room
    assert abs(a - a0) < 2e-2 * (b0 - a0) and abs(b - b0) < 2e-2 * (b0 - a0)
    x = np.linspace(a0, b0, 201)
    # rigid eigenvalues: the fitted cdf is within a few 1/n of the limit law
    assert np.max(np.abs(s.cdf(x) - exact.cdf(x))) < 6e-3
    # mass and first moments are fitted exactly / to the ESD's O(1/n) accuracy
    assert s.cdf(b + 1) == pytest.approx(1.0, abs=1e-12)
    assert s.mean() == pytest.approx(np.mean(mp_eigs), rel=1e-3)
    # the Jacobi(1/2,1/2)-type model for MP is the Möbius type (0, 1) in the Joukowski variable
    assert s.report.degree == (0, 1)


def test_second_sheet_of_fit(mp_eigs):
    s = Empirical(mp_eigs).smooth()
    z = np.array([1.0 - 0.05j, 0.8 - 0.2j])
    rho_hat = s.model.density_continued(z)
    m1 = np.conj(s.stieltjes(np.conj(z)))
    assert np.allclose(s.stieltjes_second(z), m1 + 2j * np.pi * rho_hat, rtol=1e-12)


def test_outliers_split_and_log_variable():
    rng = np.random.default_rng(3)
    bulk = np.exp(rng.uniform(np.log(1e-5), 0.0, 400))  # 5 decades
    ev = np.concatenate([bulk, [30.0, 100.0]])
    s = Empirical(ev).smooth()
    locs = [a for a, _ in s.atoms]
    # the planted spikes are atoms; the gap rule may also peel the sparse top of the log-uniform bulk (its largest
    # gaps in λ are there), but never more than 5 % of the eigenvalues and only from the ends
    assert 30.0 in locs and 100.0 in locs and len(locs) <= 0.05 * ev.size
    assert all(w == pytest.approx(1 / 402) for _, w in s.atoms)
    assert min(locs) > np.quantile(bulk, 0.9)
    assert type(s.model).__name__ == "LogRationalCauchy"  # AUTO picked LOG (≥ 3 decades)
    assert s.cdf(200.0) == pytest.approx(1.0, abs=1e-9)
    lin = Empirical(ev).smooth(variable=Variable.LINEAR)
    assert type(lin.model).__name__ == "RationalCauchy"
    assert len(Empirical(ev).smooth(outliers=0).atoms) == 0
