"""Standard errors and covariance of a fit (freecalc/fitting/uncertainty.py): held coordinates, the delta method
and the two information estimates. Their frequentist coverage is checked in test_coverage.py."""
import math

import numpy as np
import pytest

import freecalc as fc
from freecalc.fitting.families import family_of
from freecalc.fitting.likelihood import Likelihood
from freecalc.fitting.mle import maximize
from freecalc.fitting.model import Model
from freecalc.fitting.options import ErrorMethod, OptimizerOptions, ScaleOption
from freecalc.fitting.spikes import summary_starts_for
from freecalc.fitting.uncertainty import covariance, standard_errors


def test_standard_errors_hold_matches_a_fit_with_the_parameter_fixed():
    # errors conditional on a held coordinate equal those of the model with that parameter fixed
    x = np.sort(2.0 * fc.InverseHTMP(0.3, 2.0).rvs(500, rng=8))
    fam = family_of(fc.InverseHTMP)
    full = Model.build(fam, ScaleOption.FIT, None)
    lik = Likelihood(full, x, 1e-12)
    res = maximize(lik, summary_starts_for(full, 1e-12)(x), OptimizerOptions())
    held, ok = standard_errors(lik, res.phi, 1e-4, hold=[0])
    fixed = Model.build(fam, ScaleOption.FIT, {"gamma": res.theta["gamma"]})
    lik2 = Likelihood(fixed, x, 1e-12)
    ref, ok2 = standard_errors(lik2, fixed.phi(res.theta), 1e-4)
    assert ok and ok2 and math.isnan(held["gamma"])
    for name in ("kappa", "scale"):
        # same second differences up to the step adaptation: 1 % (differences measured ~1e-6 relative)
        assert held[name] == pytest.approx(ref[name], rel=1e-2)


def test_semicircle_radius_error_matches_the_fisher_information():
    # independent route: the OPG information from the analytic score of ρ_r(x) = 2√(r² − x²)/(π r²),
    # ∂_r log ρ_r(x) = r/(r² − x²) − 2/r, gives se(r) = 1/√Σ s_i² (the φ = log r map cancels in the delta method)
    rng = np.random.default_rng(3)
    x = np.sort(fc.Semicircle(2.0).rvs(400, rng=rng))
    model = Model.build(family_of(fc.Semicircle), ScaleOption.FIT, None)
    lik = Likelihood(model, x, 1e-12)
    res = maximize(lik, [{"r": 2.1}], OptimizerOptions())
    r = res.theta["r"]
    score = r / (r * r - x * x) - 2.0 / r
    se, ok = standard_errors(lik, res.phi, 1e-4, ErrorMethod.OPG)
    assert ok
    # central differences of the per-point log-densities (step ~1e-6 in φ, error O(h²)): 4e-9 measured, 1e-6 allowed
    assert se["r"] == pytest.approx(1.0 / math.sqrt(np.sum(score ** 2)), rel=1e-6)


def test_covariance_diagonal_is_the_squared_standard_errors():
    x = np.sort(fc.MarchenkoPastur(0.4, 1.5).rvs(600, rng=5))
    model = Model.build(family_of(fc.MarchenkoPastur), ScaleOption.AUTO, None)
    lik = Likelihood(model, x, 1e-12)
    res = maximize(lik, [{"c": 0.5, "sigma2": 1.2}], OptimizerOptions())
    cov, ok = covariance(lik, res.phi, 1e-4)
    se, ok2 = standard_errors(lik, res.phi, 1e-4)
    assert ok and ok2 and cov.shape == (2, 2)
    np.testing.assert_allclose(cov, cov.T, rtol=1e-12)  # J diag(.) J of a symmetric inverse
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), [se["c"], se["sigma2"]], rtol=1e-12)  # same computation
    held, _ = covariance(lik, res.phi, 1e-4, hold=[0, 1])
    assert np.all(np.isnan(held))  # every coordinate held: nothing left to estimate
