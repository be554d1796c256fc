"""The one rule for estimates over repeats: quantile band, model-error widening, central repeat, extrapolation."""
from __future__ import annotations

import math

import numpy as np
import pytest

import freecalc as fc
from freecalc.operations.estimation import (
    Band, band_quantiles, density_band, estimate_over_repeats, extrapolate_error, median_index, tabulated_quantiles,
    widen,
)


def test_band_is_the_5_95_quantiles_of_the_finite_values() -> None:
    vals = [3.0, 1.0, math.nan, 2.0, 5.0, 4.0, None]
    b = estimate_over_repeats(vals)
    # independent route: numpy's quantiles of the five finite values
    lo, hi = np.quantile([1, 2, 3, 4, 5], (0.05, 0.95))
    assert b == Band(3.0, lo, hi, (lo, hi), 0.0)
    assert band_quantiles([1.0]) == (1.0, 1.0) and band_quantiles([math.nan]) == (None, None)


def test_bias_widens_each_side_in_quadrature() -> None:
    b = estimate_over_repeats([0.0, 10.0], center=4.0, bias=3.0)
    lo, hi = np.quantile([0.0, 10.0], (0.05, 0.95))  # 0.5, 9.5
    assert b.low == pytest.approx(4.0 - math.hypot(4.0 - lo, 3.0), rel=1e-14)
    assert b.high == pytest.approx(4.0 + math.hypot(hi - 4.0, 3.0), rel=1e-14)
    assert widen(1.0, 1.0, 1.0, 2.0) == (-1.0, 3.0)
    # one repeat: the band is the model error alone; without one there is no band
    assert estimate_over_repeats([2.0], bias=0.5) == Band(2.0, 1.5, 2.5, None, 0.5)
    assert estimate_over_repeats([2.0]).low is None


def test_extrapolation_rule_is_log_f_over_log_2() -> None:
    # the rule stated in the module docstring: |e| log f / log f_c
    assert extrapolate_error(-0.3, 2.0) == pytest.approx(0.3, rel=1e-15)
    assert extrapolate_error(0.3, 8.0) == pytest.approx(0.9, rel=1e-15)
    assert extrapolate_error(0.3, 1.0) == 0.0
    assert extrapolate_error(1.0, 16.0, check_factor=4.0) == pytest.approx(2.0, rel=1e-15)
    with pytest.raises(ValueError, match="factor must be >= 1"):
        extrapolate_error(1.0, 0.5)


def test_median_index() -> None:
    assert median_index([5.0, 1.0, 3.0]) == 2
    assert median_index([4.0, 1.0, 3.0, 2.0]) == 3  # lower median (2.0)
    assert median_index([math.nan, 7.0]) == 1
    assert median_index([]) == 0


def test_density_band_contains_every_repeat_and_needs_something() -> None:
    laws = [fc.MarchenkoPastur(c) for c in (0.2, 0.25, 0.3)]
    x = np.linspace(0.3, 1.8, 50)
    lo, hi = density_band(laws[1], x, replicates=[laws[0], laws[2]], level=0.999)
    pdfs = np.array([lw.pdf(x) for lw in laws])
    # level 0.999 of three curves: the envelope up to the interpolation at the extreme order statistics
    assert np.all(lo <= pdfs.min(axis=0) + 1e-3 * pdfs.max()) and np.all(hi >= pdfs.max(axis=0) - 1e-3 * pdfs.max())
    with pytest.raises(ValueError, match="no density band"):
        density_band(laws[0], x)


def test_positive_quantities_get_positive_bands():
    # λ_min = 1e-6 with a model-error scale 0.14: the additive rule would reach −0.14; on the log scale the band
    # is [c/(1 + B/c) shrunk by the spread, ≥ c + B]
    from freecalc.operations.estimation import estimate_over_repeats

    reps = [0.9e-6, 1.0e-6, 1.2e-6]
    add = estimate_over_repeats(reps, center=1e-6, bias=0.14)
    pos = estimate_over_repeats(reps, center=1e-6, bias=0.14, positive=True)
    assert add.low < 0
    assert 0 < pos.low < 1e-6 * 0.9 and pos.high >= 1e-6 + 0.14
    assert pos.high < 1.0  # bounded above by the additive end times a modest factor, not exploding
    # a repeat at 0 or below: not positive, the additive rule is used
    assert estimate_over_repeats([0.0, 1.0, 2.0], center=1.0, bias=0.5, positive=True) == \
        estimate_over_repeats([0.0, 1.0, 2.0], center=1.0, bias=0.5)


def test_unresolved_alternatives_lie_inside_the_band() -> None:
    # tr A⁻¹ of the two-bulk spectrum (coverage study, factor 6): the numeric route says 3436 with a model-error
    # scale of 2340, the parametric route the data do not rule out says 1851. On the log scale the quadrature
    # term alone reaches down to 3436/(1 + 2340/3436) = 2043 only; the band must contain 1851 itself.
    reps = [3395.0, 3413.0, 3396.0, 3436.0, 3366.0]
    base = estimate_over_repeats(reps, center=3436.0, bias=2340.0, positive=True)
    band = estimate_over_repeats(reps, center=3436.0, bias=2340.0, positive=True, include=[1851.0, math.nan])
    assert base.low == pytest.approx(3436.0 / (1.0 + 2340.0 / 3436.0), rel=0.01) and base.low > 1851.0
    assert band.low == 1851.0 and band.high == base.high and band.value == base.value
    # a value already inside the band changes nothing; one above stretches the upper end
    assert estimate_over_repeats(reps, center=3436.0, include=[3400.0]) == estimate_over_repeats(reps, center=3436.0)
    assert estimate_over_repeats(reps, center=3436.0, include=[5000.0]).high == 5000.0
    # a single value without a model error has no band of its own; an alternative gives it one
    single = estimate_over_repeats([2.0], center=2.0, include=[3.0])
    assert (single.low, single.high) == (2.0, 3.0)


@pytest.mark.parametrize("law", [fc.MarchenkoPastur(0.3), fc.MarchenkoPastur(2.0), fc.Semicircle(2.0)],
                         ids=["mp-soft-edges", "mp-atom-at-0", "semicircle"])
def test_tabulated_quantiles_match_the_closed_form_ppf(law) -> None:
    # independent route: the closed-form / bisection ppf; 2048 Chebyshev nodes per interval give ~1e-6 of the
    # support width (MP(2) also has an atom of mass 1/2 at 0, which the levels below 1/2 must land on exactly)
    q = (np.arange(2400) + 0.5) / 2400
    width = max(b for _, b in law.support) - min([a for a, _ in law.support] + [x for x, _ in law.atoms])
    assert np.max(np.abs(tabulated_quantiles(law, q) - law.ppf(q))) < 1e-5 * width
    assert tabulated_quantiles(law, [0.0, 1.0]) == pytest.approx(law.ppf([0.0, 1.0]), abs=1e-9 * width)  # the ends
    with pytest.raises(ValueError, match="q must lie in"):
        tabulated_quantiles(law, [1.5])


def test_unresolved_tails_extend_the_band_as_a_systematic_offset() -> None:
    # logdet of the log-uniform spectrum (coverage study, factor 6, seed 1): repeats' band [-10020, -7314] around
    # -8634; the clipped-tail variant the submatrix cannot resolve has +2750 on the quantile spectrum's -8457, the
    # stretched one -4113. The offsets are shared by all repeats, so each end moves by the whole offset.
    reps = [-8634.0, -7300.0, -9990.0, -8500.0, -8800.0]
    base = estimate_over_repeats(reps, center=-8634.0)
    pairs = [(-8457.0 + 2750.0, -8457.0), (-8457.0 - 4113.0, -8457.0), (math.nan, -8457.0)]
    band = estimate_over_repeats(reps, center=-8634.0, unresolved=pairs)
    assert band.value == base.value and band.spread == base.spread
    assert band.high == pytest.approx(base.high + 2750.0) and band.low == pytest.approx(base.low - 4113.0)
    # offsets on one side only leave the other end alone
    up = estimate_over_repeats(reps, center=-8634.0, unresolved=[(-8000.0, -8457.0)])
    assert up.low == base.low and up.high == pytest.approx(base.high + 457.0)
    # a positive quantity (λ_min 5e-8): the upper end moves by the offset, the lower end by the smallest ratio, so
    # it stays positive
    pos = estimate_over_repeats([4e-8, 5e-8, 6e-8], center=5e-8, positive=True,
                                unresolved=[(4.5e-3, 6.8e-8), (2e-13, 6.8e-8)])
    ref = estimate_over_repeats([4e-8, 5e-8, 6e-8], center=5e-8, positive=True)
    assert pos.high == pytest.approx(ref.high + 4.5e-3 - 6.8e-8)
    assert pos.low == pytest.approx(ref.low * 2e-13 / 6.8e-8) and pos.low > 0
    # nothing to extend with: the band is unchanged
    assert estimate_over_repeats(reps, center=-8634.0, unresolved=[(math.inf, 1.0)]) == base
