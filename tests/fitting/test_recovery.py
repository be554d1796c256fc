"""Recovery: fitted parameters within 3 standard errors of the truth, on iid samples (rvs) and on eigenvalues of
matrix models, at two or more parameter points per law.

3 standard errors: a 99.7 % band for each parameter if the errors are right; the standard errors themselves are
checked for coverage in test_coverage.py. For matrix models the errors treat eigenvalues as iid, which overstates
the noise of rigid eigenvalues, so the band is conservative there (the finite-n bias, O(1/n), stays well inside).
"""
import zlib

import numpy as np
import pytest

import freecalc as fc


def _check(result, truth):
    for name, value in truth.items():
        est, se = result.params[name], result.stderr[name]
        assert np.isfinite(se) and se > 0, (name, se)
        assert abs(est - value) <= 3 * se, f"{name}: {est} vs {value} (se {se})"


RVS_CASES = [
    (fc.MarchenkoPastur(0.3, 1.5), 1.0, {}),
    (fc.MarchenkoPastur(2.0, 0.7), 1.0, {}),
    (fc.Semicircle(2.0, center=0.5), 1.0, {}),
    (fc.KestenMcKay(3.0), 1.5, {"loc": 0.2}),
    (fc.Wachter(2.0, 3.0), 1.0, {}),
    (fc.FreeMeixner(-0.3, 0.8, 0.7), 1.0, {"loc": 0.0}),
    (fc.HTMP(0.3, 2.0), 2.0, {}),
    (fc.InverseHTMP(0.3, 2.0), 0.5, {}),
    # density diverging at 0 (A = κ(1−γ)/(2γ) − 1 = −0.83, −0.91): samples reach 1e-18, which must not be clipped
    # to 0 (tails of 1/X reach 1e13)
    (fc.HTMP(0.6, 0.5), 2.0, {}),
    (fc.InverseHTMP(0.6, 0.5), 2.0, {}),
    (fc.InverseHTMP(0.1, 2.0), 2.0, {}),  # small γ, still inside the family (the Gamma limit is γ → 0)
]


@pytest.mark.parametrize("law,scale,extra", RVS_CASES, ids=lambda v: repr(v) if isinstance(v, fc.Law) else "")
def test_recovery_from_iid_samples(law, scale, extra):
    rng = np.random.default_rng(zlib.crc32(repr(law).encode()))  # stable across processes (str hash is not)
    x = scale * law.rvs(600, rng=rng) + extra.get("loc", 0.0)
    result = fc.fit(x, type(law))
    truth = dict(law.params)
    if "scale" in result.params:
        truth["scale"] = scale
    truth.update({k: v for k, v in extra.items() if k in result.params})
    _check(result, truth)


def test_recovery_mp_from_weight_matrices():
    rng = np.random.default_rng(7)
    # tall W (N=1000, M=300): ESD of WᵀW/N -> MP(c = M/N = 0.3, sigma2 = Var W_ij = 0.64)
    r = fc.fit(0.8 * rng.standard_normal((1000, 300)), fc.MarchenkoPastur)
    _check(r, {"c": 0.3, "sigma2": 0.64})
    assert r.num_spikes == 0
    # wide W (N=200, M=500): 300 exact zeros, MP(c = 2.5) with atom 1 - 1/c = 0.6
    r = fc.fit(1.2 * rng.standard_normal((200, 500)), fc.MarchenkoPastur)
    _check(r, {"c": 2.5, "sigma2": 1.44})
    assert r.law.atoms[0][1] == pytest.approx(0.6, abs=3 * r.stderr["c"] / 2.5 ** 2)


MATRIX_CASES = [
    (fc.Semicircle(1.5, center=-1.0), 400),
    (fc.KestenMcKay(5.0), 300),
    (fc.Wachter(0.5, 3.0), 300),
    (fc.Wachter(2.0, 0.6), 300),
    (fc.FreeMeixner(0.3, 1.0, 1.5), 300),
]


@pytest.mark.parametrize("law,n", MATRIX_CASES, ids=lambda v: repr(v) if isinstance(v, fc.Law) else str(v))
def test_recovery_from_matrix_models(law, n):
    rng = np.random.default_rng(11)
    result = fc.fit(law.matrix(n, rng=rng), type(law))  # symmetric matrix -> its eigenvalues
    truth = dict(law.params)
    for k, v in (("scale", 1.0), ("loc", 0.0)):
        if k in result.params:
            truth[k] = v
    _check(result, truth)


@pytest.mark.parametrize("law", [fc.HTMP(0.5, 5.0), fc.InverseHTMP(0.25, 1.0), fc.InverseHTMP(0.85, 2.0),
                                 fc.InverseHTMP(0.1, 10.0)], ids=repr)
def test_recovery_from_beta_laguerre_eigenvalues(law):
    x = 3.0 * law.sample_eigenvalues(500, rng=5)
    result = fc.fit(x, type(law))
    _check(result, {**law.params, "scale": 3.0})
