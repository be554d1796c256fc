"""Boundary maxima: a fit whose likelihood rises to the edge of the family is reported on the edge, flagged
(``result.boundary``, the summary and a note naming the limiting law), with standard error NaN for the parameter on
the edge — never as a silent interior-looking estimate. Also the limit the HTMP notes name (γ → 0 at fixed
b = κ/(2γ): Gamma(b, b) for HTMP, inverse-gamma(b, b) for InverseHTMP)."""
import math

import numpy as np
import pytest
from scipy import stats

import freecalc as fc
from freecalc.fitting.families import family_of
from freecalc.fitting.likelihood import Likelihood, Model
from freecalc.fitting.mle import maximize
from freecalc.fitting.options import OptimizerOptions, ScaleOption
from freecalc.laws.htmp import htmp_logpdf
from freecalc.laws.inverse_htmp import inverse_htmp_logpdf
from freecalc.fitting.spikes import summary_starts_for

GAMMA_LO = 0.005  # lower search limit of γ for HTMP / InverseHTMP (freecalc/laws/htmp_fitting.py)


@pytest.mark.parametrize("b", [1.3, 4.0])
def test_htmp_tends_to_gamma_law_as_gamma_to_zero_at_fixed_b(b):
    x = np.array([0.05, 0.3, 1.0, 2.0, 4.0])
    errs = []
    for g in (1e-2, 1e-3):
        k = 2 * g * b
        e_h = np.max(np.abs(htmp_logpdf(x, g, k) - stats.gamma(b, scale=1 / b).logpdf(x)))
        e_i = np.max(np.abs(inverse_htmp_logpdf(1 / x, g, k) - stats.invgamma(b, scale=b).logpdf(1 / x)))
        errs.append((e_h, e_i))
    # the distance shrinks like γ: ten times smaller γ, ~ten times smaller error (measured ratio 9.9-10.0;
    # 7 allows the O(γ²) term), and at γ = 1e-3 it is below 2e-2 in log density (measured 3e-3 .. 1.9e-2)
    for (h1, i1), (h2, i2) in zip(errs[:-1], errs[1:]):
        assert h2 < h1 / 7 and i2 < i1 / 7
    assert max(errs[-1]) < 2e-2


def _student_t_spectrum(n=600, m=300, seed=0):
    rng = np.random.default_rng(seed)
    w = rng.standard_t(2.5, size=(n, m))
    return np.linalg.eigvalsh(w.T @ w / n)


@pytest.fixture(scope="module")
def student_t_spectrum():
    return _student_t_spectrum()


def test_profile_likelihood_rises_towards_gamma_zero_on_student_t(student_t_spectrum):
    # the diagnosis behind the flag: with γ held and κ, scale re-optimised, log L decreases monotonically in γ
    # (measured −765.00, −765.33, −766.84, −774.51 at γ = 0.005, 0.05, 0.2, 0.5), so the maximum is on the edge
    x = np.sort(student_t_spectrum)
    fam = family_of(fc.InverseHTMP)
    lls = []
    for g in (GAMMA_LO, 0.05, 0.2, 0.5):
        model = Model.build(fam, ScaleOption.FIT, {"gamma": g})
        lik = Likelihood(model, x, 1e-12)
        lls.append(maximize(lik, summary_starts_for(model, 1e-12)(x), OptimizerOptions()).loglik)
    assert all(a > b for a, b in zip(lls, lls[1:])), lls


@pytest.mark.parametrize("law", [fc.InverseHTMP, fc.HTMP])
def test_student_t_spectrum_fit_is_flagged_on_the_boundary(student_t_spectrum, law):
    r = fc.fit(student_t_spectrum, law)
    assert r.boundary == ("gamma",) and r.at_boundary
    assert r.params["gamma"] == pytest.approx(GAMMA_LO, rel=1e-9)  # put exactly on the limit, not near it
    assert math.isnan(r.stderr["gamma"])
    # the others get errors conditional on γ held on the limit: finite and positive
    assert np.isfinite(r.stderr["kappa"]) and r.stderr["kappa"] > 0
    assert np.isfinite(r.stderr["scale"]) and r.stderr["scale"] > 0
    text = str(r)
    assert "WARNING: maximum likelihood on the boundary" in text and "(on the boundary)" in text
    limit = "inverse-gamma" if law is fc.InverseHTMP else "Gamma law"
    assert any(n.startswith("MLE ON THE BOUNDARY") and limit in n for n in r.notes), r.notes
    assert r.to_dict()["boundary"] == ["gamma"]


def test_inverse_gamma_data_give_a_boundary_fit_with_the_right_b():
    # data from the γ → 0 limit itself: inverse-gamma with shape b = 3, times a scale 2
    b, s = 3.0, 2.0
    x = s * stats.invgamma(b, scale=b).rvs(1500, random_state=np.random.default_rng(4))
    r = fc.fit(x, fc.InverseHTMP)
    assert r.boundary == ("gamma",)
    b_hat = r.params["kappa"] / (2 * r.params["gamma"])
    b_se = r.stderr["kappa"] / (2 * r.params["gamma"])  # γ held on the limit, so b's error is κ's over 2γ
    # 3 standard errors, plus the O(γ) bias of the family at γ = 0.005 (shape shifts by ~b·γ ≈ 0.015)
    assert abs(b_hat - b) <= 3 * b_se + 0.05, (b_hat, b_se)
    assert abs(r.params["scale"] - s) <= 3 * r.stderr["scale"] + 0.05 * s
    assert r.alpha_law == pytest.approx(1 + r.params["kappa"] * (1 - r.params["gamma"]) / (2 * r.params["gamma"]))


@pytest.mark.parametrize("law", [fc.InverseHTMP(0.15, 1.0), fc.HTMP(0.1, 0.5)], ids=repr)
def test_interior_small_gamma_is_not_flagged(law):
    # a genuine law with small γ: the maximum is inside the family, found there and not flagged
    x = 2.0 * law.rvs(800, rng=12)
    r = fc.fit(x, type(law))
    assert r.boundary == () and not r.at_boundary
    assert not any("BOUNDARY" in n for n in r.notes)
    for name, v in {**law.params, "scale": 2.0}.items():
        assert abs(r.params[name] - v) <= 3 * r.stderr[name], (name, r.params[name], r.stderr[name])


def test_compare_mode_names_boundary_candidates(student_t_spectrum):
    # without spike removal every candidate sees all 300 points, where HTMP's maximum is on the edge (as above)
    opts = fc.FitOptions(candidates=(fc.MarchenkoPastur, fc.HTMP), spikes=fc.SpikeOptions(enabled=False))
    r = fc.fit(student_t_spectrum, options=opts)
    assert any(n.startswith("candidate HTMP: maximum likelihood on the boundary") for n in r.notes), r.notes


def test_compare_mode_refits_a_tail_law_to_all_points():
    # inverse-gamma data (shape 3, the γ → 0 limit of InverseHTMP, tail exponent 4): the MP reference sets ~50
    # points aside as spikes; InverseHTMP wins the ranking on the common bulk and is then refitted to all points,
    # whose tail gives alpha_law ≈ 4 (on the bulk alone it was 5.2)
    x = 2.0 * stats.invgamma(3.0, scale=3.0).rvs(1500, random_state=np.random.default_rng(4))
    r = fc.fit(x, options=fc.FitOptions(candidates=(fc.MarchenkoPastur, fc.InverseHTMP)))
    assert r.law_name == "InverseHTMP" and r.n_fit == r.n == 1500
    assert any("then refitted to all 1500" in n for n in r.notes), r.notes
    b_se = r.stderr["kappa"] / (2 * r.params["gamma"])
    # α_law = 1 + b(1 − γ): 3 standard errors of b plus the O(γ) bias at the search limit (as above)
    assert abs(r.alpha_law - 4.0) <= 3 * b_se + 0.05, (r.alpha_law, b_se)


@pytest.mark.parametrize("law", [fc.InverseHTMP(0.3, 2.0), fc.InverseHTMP(0.6, 10.0)], ids=repr)
def test_alpha_law_sigma_covers_the_true_tail_exponent(law):
    x = 0.5 * law.rvs(800, rng=21)
    r = fc.fit(x, fc.InverseHTMP)
    truth = 1 + law.params["kappa"] * (1 - law.params["gamma"]) / (2 * law.params["gamma"])
    assert np.isfinite(r.alpha_law_sigma) and r.alpha_law_sigma > 0
    # 3 standard errors: a 99.7 % band if the delta-method error is right
    assert abs(r.alpha_law - truth) <= 3 * r.alpha_law_sigma, (r.alpha_law, r.alpha_law_sigma, truth)
    assert "alpha implied by the law" in str(r) and r.to_dict()["alpha_law_sigma"] == r.alpha_law_sigma


def test_alpha_law_sigma_is_nan_on_the_boundary(student_t_spectrum):
    r = fc.fit(student_t_spectrum, fc.InverseHTMP)
    assert r.at_boundary and math.isnan(r.alpha_law_sigma)


def test_marchenko_pastur_data_put_htmp_kappa_on_its_upper_limit():
    # κ → ∞ is MP_γ: on MP data the HTMP likelihood rises to the κ limit, which is flagged with the MP advice,
    # and γ (held-κ error) recovers the MP ratio 0.3 within 3 conditional standard errors plus the 1/500 bias
    r = fc.fit(fc.MarchenkoPastur(0.3, 1.0).rvs(1500, rng=3), fc.HTMP)
    assert r.boundary == ("kappa",) and math.isnan(r.stderr["kappa"])
    assert any("fit that law instead" in n for n in r.notes)
    assert abs(r.params["gamma"] - 0.3) <= 3 * r.stderr["gamma"] + 0.3 / 500
