"""The quadrature tables of a NumericLaw's density (freecalc/laws/numeric_quadrature.py): θ-panels on a bounded
support interval, logarithmic panels plus tail asymptotics on an unbounded one; checked against laws known in
closed form."""
import math

import numpy as np

import freecalc as fc
from freecalc.numerics.interval_map import LogMap, ThetaMap
from freecalc.operations.subordination import free_add_numeric


def test_bounded_interval_table_carries_the_mass_of_the_closed_form():
    law = free_add_numeric(fc.Semicircle(1.0), fc.Semicircle(2.0))  # = Semicircle(√5): radii add in quadrature
    (piece,) = law._pieces()
    assert isinstance(piece.mp, ThetaMap)
    assert math.isinf(piece.below[1]) and math.isinf(piece.above[1])  # no tail beyond a bounded interval
    assert abs(piece.total - 1.0) < 1e-12  # 128 θ-panels of a square-root density: 1e-15 measured
    x, w = piece.rule()
    np.testing.assert_allclose(np.sum(w * x ** 2), fc.Semicircle(5 ** 0.5).moment(2), rtol=1e-10)


def test_unbounded_interval_tail_mass_and_decay_rate_of_a_cauchy_tail():
    # FreeStable(1, 0, 1) is the Cauchy law; ⊞ with a compact law keeps its |x|^-2 tails: decay rate α = 1 in v
    law = free_add_numeric(fc.FreeStable(1.0, 0.0, 1.0), fc.Semicircle(1.0))
    (piece,) = law._pieces()
    assert isinstance(piece.mp, LogMap)
    for mass, rate in (piece.below, piece.above):
        assert 0.0 < mass < 1e-9  # beyond where the integrand fell below 1e-9 of its top: 1.8e-12 measured
        assert abs(rate - 1.0) < 1e-6  # a power tail C|x|^{-1-α} decays like e^{-α v}: 1 - 1e-16 measured
    assert abs(piece.total - 1.0) < 1e-8  # table plus both tails: 1e-16 measured
    # the cdf from the table against the exact Cauchy ⊞ semicircle = semicircle shifted by i (subordination:
    # the Cauchy law adds i to the argument), whose cdf at 0 is 1/2 by symmetry
    assert abs(float(law.cdf(0.0)) - 0.5) < 1e-10
