"""Goodness of fit: the KS distance of a fitted law, exact below KS_POINTS points and from a stride of order
statistics above (checked against the full statistic, freecalc.laws.distances.ks_distance, the independent route)."""
import numpy as np

import freecalc as fc
from freecalc.fitting.gof import KS_POINTS, ks_affine
from freecalc.laws.distances import ks_distance


def test_strided_ks_is_within_its_bound_of_the_full_statistic():
    law = fc.MarchenkoPastur(0.3)
    n = 3 * KS_POINTS + 17
    x = 2.0 + 1.5 * np.asarray(law.rvs(n, rng=9))  # data of loc + scale·X, compared with slightly wrong parameters
    for scale, loc in ((1.5, 2.0), (1.52, 1.99)):
        full = ks_distance((x - loc) / scale, law)
        got = ks_affine(law, scale, loc, x, 0.0)
        # the stride s = n // KS_POINTS = 3 misses at most s/n between evaluated order statistics (monotone cdfs)
        assert full - (n // KS_POINTS) / n - 1e-12 <= got <= full + 1e-12


def test_small_samples_use_the_full_statistic():
    law = fc.MarchenkoPastur(0.3)
    x = np.asarray(law.rvs(500, rng=10))
    assert ks_affine(law, 1.0, 0.0, x, 0.0) == ks_distance(x, law)
