"""numba kernels for quadratic laws (freecalc/kernels/quadratic.py)."""
import numpy as np
from numba import njit

import freecalc as fc
from freecalc.kernels.quadratic import quadratic_pdf, quadratic_stieltjes, quadratic_stieltjes_scalar


@njit(cache=False)
def user_mean_resolvent(zs, p0, p1, q0, q1, q2, s, lo, hi):
    # a user's own @njit code composing the scalar kernel
    acc = 0j
    for z in zs:
        acc += quadratic_stieltjes_scalar(z, p0, p1, q0, q1, q2, s, lo, hi)
    return acc / zs.shape[0]


def test_callable_from_user_njit_code():
    law = fc.MarchenkoPastur(0.3)
    zs = np.array([1 + 1j, 2 + 0.5j, -1 + 0.1j])
    assert np.isclose(user_mean_resolvent(zs, *law.kernel_args()), law.stieltjes(zs).mean(), rtol=1e-15)


def test_both_forms_agree_away_from_cancellation():
    # the kernel switches between (P + r)/(2Q) and 2/(P - r); compare with the closed form of the semicircle
    z = np.array([0.1 + 1e-9j, 5 + 0j, -5 + 0j, 1e8 + 1j, 3j])
    law = fc.Semicircle(2.0)
    expect = (-z + np.sqrt(z - 2 + 0j) * np.sqrt(z + 2 + 0j)) / 2
    got = quadratic_stieltjes(z, *law.kernel_args())
    # the closed form itself cancels at z = 1e8 (|m| ~ 1e-8): compare there with -1/z
    assert np.allclose(got[:3], expect[:3], rtol=1e-14) and np.isclose(got[3], -1 / z[3], rtol=1e-12)
    assert np.isclose(got[4], expect[4], rtol=1e-14)


def test_atom_pole_and_removable_zero_of_q():
    # MP(2): Q(0) = 0 with an atom (pole); MP(0.5): Q(0) = 0 without an atom (removable: finite m(0))
    assert np.isinf(quadratic_stieltjes(np.array([0j]), *fc.MarchenkoPastur(2.0).kernel_args())[0].real)
    m0 = quadratic_stieltjes(np.array([0j]), *fc.MarchenkoPastur(0.5).kernel_args())[0]
    # m(0) = ∫ρ(x)/x dx = 1/(1 - c) for c < 1
    assert np.isclose(m0, 1 / (1 - 0.5), rtol=1e-14)


def test_pdf_kernel_zero_outside_support():
    law = fc.MarchenkoPastur(0.5)
    x = np.array([-1.0, 0.0, law.support[0][0], 1.0, law.support[0][1], 10.0])
    n = law._numeric
    rho = quadratic_pdf(x, n.coef.q0, n.coef.q1, n.coef.q2, n.scale, n.lo, n.hi)
    assert rho[0] == rho[1] == rho[2] == rho[4] == rho[5] == 0 and rho[3] > 0
