"""Free Poisson law: the Marchenko–Pastur correspondence, free cumulants, closed-form rules, matrix model."""
import numpy as np
import pytest
import sympy as sp

import freecalc as fc
from freecalc.symbolic import transforms as T
from freecalc.testing import check_law, check_samples

LAM, A = sp.symbols("lambda a", positive=True)
CASES = [(0.3, 1.0), (0.9, 2.0), (1.0, 3.0), (2.5, 0.7), (40.0, 0.05)]


@pytest.mark.parametrize("rate, jump", CASES)
def test_conformance(rate, jump):
    check_law(fc.FreePoisson(rate, jump)).require_complete()


@pytest.mark.parametrize("rate, jump", CASES)
def test_equals_scaled_marchenko_pastur(rate, jump):
    # FreePoisson(λ, a) = (aλ)·MP(1/λ): R(w) = λa/(1 − aw) vs σ²/(1 − cσ²w). The scaled MP is built through
    # the pushforward fc's scale (an independent route); same formulas up to rounding: 1e-10
    fp = fc.FreePoisson(rate, jump)
    mp = (rate * jump) * fc.MarchenkoPastur(1.0 / rate)
    lo, hi = fp.support[0]
    assert mp.support[0] == pytest.approx((lo, hi), rel=1e-12, abs=1e-14)
    x = np.linspace(-0.1 * hi, 1.1 * hi, 801)
    assert np.max(np.abs(fp.pdf(x) - mp.pdf(x))) < 1e-10 * np.max(mp.pdf(x))
    assert np.max(np.abs(fp.cdf(x) - mp.cdf(x))) < 1e-10
    z = np.array([0.2 + 0.1j, hi / 2 + 1e-3j, -1 + 2j, 3 * hi + 0.5j])
    assert np.max(np.abs(fp.stieltjes(z) - mp.stieltjes(z))) < 1e-10 * np.max(np.abs(mp.stieltjes(z)))
    assert len(fp.atoms) == len(mp.atoms)
    for (x0, w0), (x1, w1) in zip(fp.atoms, mp.atoms):
        assert abs(x0 - x1) < 1e-14 and abs(w0 - w1) < 1e-12


@pytest.mark.parametrize("rate, jump", CASES)
def test_free_cumulants(rate, jump):
    k = fc.FreePoisson(rate, jump).free_cumulants(5)
    expected = [rate * jump ** j for j in range(1, 6)]
    # moments → cumulants cancels: rounding relative to the moment of the same order (m_j ≤ (mean + 2 sd)^j)
    scale = rate * jump + 2 * jump * np.sqrt(rate)
    assert all(abs(a - b) < 1e-12 * scale ** j for j, (a, b) in enumerate(zip(k, expected), 1))


def test_symbolic_face():
    law = fc.FreePoisson(LAM, A)
    assert [sp.simplify(v - LAM * A ** j) for j, v in enumerate(law.sym.free_cumulants(5), 1)] == [0] * 5
    m = law.sym.stieltjes()
    assert sp.simplify(sp.expand(law.sym.equation(m, T.z))) == 0
    # S(w) from the R-transform route (independent of the closed form): S(w) = 1/(a(λ + w))
    assert sp.simplify(law.sym.s_transform() - 1 / (A * (LAM + T.w))) == 0
    assert law.sym.edges() == (A * (1 - sp.sqrt(LAM)) ** 2, A * (1 + sp.sqrt(LAM)) ** 2)


def test_closed_form_rules():
    s = fc.free_add(fc.FreePoisson(2.0, 1.5), fc.FreePoisson(1.0, 1.5))
    assert s == fc.FreePoisson(3.0, 1.5)
    # different jumps: no closed form in the family, the exact polynomial route; check κ₁, κ₂ add
    t = fc.free_add(fc.FreePoisson(2.0, 1.0), fc.FreePoisson(1.0, 2.0))
    assert np.allclose(t.free_cumulants(3), [4.0, 6.0, 10.0], rtol=1e-8)
    assert 3 * fc.FreePoisson(2.0, 1.5) == fc.FreePoisson(2.0, 4.5)
    d = fc.FreePoisson(2.0, 1.5, size=100).decompress(400)
    assert d == fc.FreePoisson(0.5, 6.0, size=400)
    # R(w) → R(fw): the decompressed cumulants are f^{k−1} κ_k
    assert np.allclose(d.free_cumulants(3), [3.0 * 4 ** (k - 1) * 1.5 ** (k - 1) for k in (1, 2, 3)], rtol=1e-10)


@pytest.mark.parametrize("rate, jump, exc", [(0, 1.0, ValueError), (-1.0, 1.0, ValueError),
                                             (float("nan"), 1.0, ValueError), (1.0, 0.0, ValueError),
                                             (1.0, -2.0, ValueError), ("1", 1.0, TypeError)])
def test_bad_parameters(rate, jump, exc):
    name = "'rate'" if not (isinstance(rate, float) and rate > 0 or rate == 1.0) else "'jump'"
    with pytest.raises(exc, match=name):
        fc.FreePoisson(rate, jump)


def test_matrix_model_small():
    # n = 400, λ = 2: (a/n) X Xᵀ with X n×2n; mean λa exactly in law, sampling error ~ 1/n
    M = fc.FreePoisson(2.0, 0.5).matrix(400, rng=4)
    eig = np.linalg.eigvalsh(M)
    assert abs(eig.mean() - 1.0) < 0.02
    lo, hi = fc.FreePoisson(2.0, 0.5).support[0]
    assert eig.min() > 0.9 * lo and eig.max() < 1.05 * hi  # edge fluctuations ~ n^{-2/3}


@pytest.mark.slow
def test_samples():
    out = check_samples(fc.FreePoisson(0.6, 2.0), 2000, rng=5)
    assert set(out) == {"rvs", "matrix"}
