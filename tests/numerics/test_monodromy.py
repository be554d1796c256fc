"""Puiseux cycle lengths by numerical monodromy (freecalc/numerics/monodromy.py), against hand-computed cycles."""
import numpy as np

from freecalc.numerics.monodromy import cycle_length


def test_square_root_cycle_and_regular_point():
    C = np.array([[0.0, -1.0], [0.0, 0.0], [1.0, 0.0]])  # m^2 - z: m = ±z^(1/2)
    assert cycle_length(C, 0.0, 1e-3, 1e-2 + 1e-2j) == 2
    assert cycle_length(C, 1.0, 1e-3, 1.0) == 1  # two separate analytic roots ±sqrt(z) near z = 1


def test_cube_root_cycle_at_pole():
    # m^3 z^2 - m z - 1 (MP(1) ⊠ MP(1)): all three roots ~ z^(-2/3) near 0 form one 3-cycle
    C = np.zeros((4, 3))
    C[3, 2], C[1, 1], C[0, 0] = 1.0, -1.0, -1.0
    assert cycle_length(C, 0.0, 1e-4, 1e3j) == 3

