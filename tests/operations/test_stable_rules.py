"""Closed-form rules of the free stable laws (freecalc/operations/stable_rules.py): power and compression."""
from __future__ import annotations

import math

import numpy as np
import pytest

import freecalc as fc
from freecalc.operations.subordination import compress_numeric, free_power_numeric
from freecalc.testing.invariants import check_invariants

Q = np.array([1e-3, 0.1, 0.3, 0.5, 0.7, 0.9, 0.999])


@pytest.mark.parametrize("alpha, beta, scale", [(1.9, 0.8, 0.5), (0.7, 0.5, 1.0), (1.0, 0.0, 2.0), (2.0, 0.0, 1.5)])
def test_power_and_compress_stay_in_the_family(alpha, beta, scale) -> None:
    # R → sR: σ^α → sσ^α; R(w) → R(tw) = t^(α−1) R(w): σ → t^((α−1)/α) σ; β is kept by both
    x = fc.FreeStable(alpha, beta, scale)
    s, t = 1.3958687912655883, 0.5113348696415276
    assert fc.power(x, s) == fc.FreeStable(alpha, beta, scale * s ** (1 / alpha))
    assert fc.compress(x, t) == fc.FreeStable(alpha, beta, scale * t ** ((alpha - 1) / alpha))
    # compress(μ, t) is the dilation by t of μ^{⊞1/t} (Nica & Speicher, Lecture 14), through the scale rule
    dilated = t * fc.FreeStable(alpha, beta, scale * (1 / t) ** (1 / alpha))
    assert fc.compress(x, t).scale == pytest.approx(dilated.scale, rel=1e-14)  # two roundings apart
    # α = 2 is the semicircle of variance σ²: compression multiplies the variance by t, the power by s
    if alpha == 2:
        assert fc.compress(x, t).var() == pytest.approx(t * scale ** 2, rel=1e-14)
        assert fc.power(x, s).var() == pytest.approx(s * scale ** 2, rel=1e-14)


def test_compressed_size() -> None:
    x = fc.FreeStable(1.5, 0.3, size=1000)
    assert fc.compress(x, 0.25).size == 250 and fc.power(x, 2.0).size == 1000


@pytest.mark.slow  # two numeric subordination laws, ~4-15 s each
@pytest.mark.parametrize("alpha, beta, scale", [(1.9, 0.8, 0.5), (0.5, 1.0, 1.0)])
def test_rules_against_the_numeric_route(alpha, beta, scale) -> None:
    # the numeric subordination route of the same operation: measured cdf errors ≤ 3e-15 and quantile errors
    # ≤ 5e-12 (relative to max(1, |x|)) at these quantiles, for these and four other (α, β, σ)
    x = fc.FreeStable(alpha, beta, scale)
    for exact, numeric in ((fc.power(x, 1.3958687912655883), free_power_numeric(x, 1.3958687912655883)),
                           (fc.compress(x, 0.5113348696415276), compress_numeric(x, 0.5113348696415276))):
        assert isinstance(exact, fc.FreeStable)
        xq = exact.ppf(Q)
        assert np.max(np.abs(numeric.cdf(xq) - Q)) < 1e-10
        assert np.max(np.abs(numeric.ppf(Q) - xq) / np.maximum(1.0, np.abs(xq))) < 1e-8


def test_results_found_by_the_property_run() -> None:
    # regression (tests/properties/test_operation_properties.py, thorough run): compress gave a numeric law whose
    # mean raised (no free cumulants of the operand) and power a numeric law of total mass 1 − 2.5e-8
    x = fc.FreeStable(1.9, 0.8, 0.5)
    for r in (fc.compress(x, 0.5113348696415276), fc.power(x, 1.3958687912655883)):
        assert isinstance(r, fc.FreeStable)
        check_invariants(r, 7)
        assert r.mean() == 0.0 and r.var() == math.inf
