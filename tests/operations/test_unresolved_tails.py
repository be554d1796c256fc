"""unresolved_variants: tails a submatrix cannot resolve are accepted, resolved ones are not; inputs checked."""
from __future__ import annotations

import numpy as np
import pytest

import freecalc as fc
from freecalc.laws.distances import ks_distance
from freecalc.operations import unresolved_tails as UT
from freecalc.sampling import submatrix_of_invariant

N, N_S = 1200, 200  # factor 6, as in the coverage study


def _largest(tails, kind) -> float:
    return max([v.level for v in tails.accepted if v.kind is kind], default=0.0)


def _compressions(spectrum, seed, count=3):
    rng = np.random.default_rng(seed)
    return [np.linalg.eigvalsh(submatrix_of_invariant(spectrum, N_S, rng)) for _ in range(count)]


@pytest.fixture(scope="module")
def log_uniform():
    lam = np.geomspace(1e-3, 10.0, N)
    return lam, UT.unresolved_variants(lam, N_S, 1, observed=_compressions(lam, 7))


@pytest.fixture(scope="module")
def marchenko_pastur():
    lam = np.asarray(fc.MarchenkoPastur(0.3).ppf((np.arange(N) + 0.5) / N))
    return lam, UT.unresolved_variants(lam, N_S, 1, observed=_compressions(lam, 7))


def test_a_tail_over_decades_is_unresolved(log_uniform) -> None:
    lam, tails = log_uniform
    # cutting the bottom fifth of a four-decade spectrum off at its 20 % quantile (0.0063) moves no statistic of
    # its 200×200 compressions by more than the noise of one of them: the compression does not see it
    assert 0.2 <= _largest(tails, UT.VariantKind.CLIP_LOW) <= 0.45
    assert _largest(tails, UT.VariantKind.STRETCH_LOW) >= 0.2
    clip = max((v for v in tails.accepted if v.kind is UT.VariantKind.CLIP_LOW), key=lambda v: v.level)
    gained = float(np.sum(np.log(clip.spectrum)) - np.sum(np.log(lam)))
    assert 0.2 * abs(np.sum(np.log(lam))) <= gained  # a logdet range of more than 20 %
    # independent check with full compressions and fresh frames: the clipped spectrum's compressions are as close
    # (KS) to the reference's as two compressions of the reference are to each other, within a factor 1.5 for the
    # scatter of 3 draws
    ref = _compressions(lam, 11)
    own = np.median([ks_distance(ref[i], fc.Empirical(ref[j])) for i in range(3) for j in range(3) if i != j])
    cross = np.median([ks_distance(ref[i], fc.Empirical(c)) for i in range(3) for c in _compressions(clip.spectrum, 12)])
    assert cross <= 1.5 * own


def test_a_resolved_tail_is_not(marchenko_pastur) -> None:
    lam, tails = marchenko_pastur
    # MP(0.3)'s square-root edge at 0.21 is visible in its compressions: only a few per cent of the tail can be cut
    # or stretched without a detectable move (measured 0.03-0.04 at n = 2400, 400)
    assert 0.005 <= _largest(tails, UT.VariantKind.CLIP_LOW) <= 0.1
    assert 0.002 <= _largest(tails, UT.VariantKind.CLIP_HIGH) <= 0.05
    # and the rejection is real: a variant one level beyond the accepted one moves some statistic by more than z
    for v in tails.accepted:
        assert v.score <= tails.z
    assert tails.tested > len(tails.accepted)


def test_variants_are_sorted_spectra_that_differ_in_one_tail_only(marchenko_pastur) -> None:
    lam, tails = marchenko_pastur
    for v in tails.accepted:
        assert np.all(np.diff(v.spectrum) >= 0)
        m = int(np.ceil(v.level * N))
        same = slice(m, N) if v.kind.value.endswith("low") else slice(0, N - m)
        np.testing.assert_array_equal(v.spectrum[same], lam[same])


def test_acceptance_bound_is_bonferroni_at_90_percent() -> None:
    # 13 statistics of a positive spectrum: Φ⁻¹(1 − 0.1/26) = 2.665
    assert UT.z_accept(13) == pytest.approx(2.6653, abs=1e-4)
    assert UT.z_accept(1) == pytest.approx(1.6449, abs=1e-4)
    assert UT.compression_statistics(np.ones((2, 50)), positive=True).shape == (2, 13)
    assert UT.compression_statistics(np.ones((2, 50)), positive=False).shape == (2, 12)


def test_same_seed_same_variants() -> None:
    lam = np.geomspace(0.1, 10.0, 300)
    a = UT.unresolved_variants(lam, 60, 5)
    b = UT.unresolved_variants(lam, 60, 5)
    assert [(v.kind, v.level, v.score) for v in a.accepted] == [(v.kind, v.level, v.score) for v in b.accepted]


@pytest.mark.parametrize("args, kwargs, fragment", [
    ((np.array([1.0, np.nan, 2.0, 3.0, 4.0]), 2), {}, "reference must be a finite 1-D array"),
    ((np.arange(1.0, 11.0), 10), {}, r"sample_size=10 is outside the allowed range \[2, 10\)"),
    ((np.arange(1.0, 11.0), 1), {}, "sample_size=1"),
    ((np.arange(1.0, 11.0), 4), {"draws": 1}, "draws=1 must be an integer >= 2"),
    ((np.arange(1.0, 11.0), 4), {"observed": [np.ones(3)]}, r"expected \(4,\)"),
])
def test_bad_input(args, kwargs, fragment) -> None:
    with pytest.raises(ValueError, match=fragment):
        UT.unresolved_variants(*args, **kwargs)
