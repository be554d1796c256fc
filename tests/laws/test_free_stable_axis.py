"""FreeStable's Stieltjes transform on and just above the real axis (freecalc/laws/free_stable_axis.py), against a
60-digit mpmath Newton solve of u − b u^{1−α} = z."""
import mpmath as mp
import numpy as np
import pytest

import freecalc as fc
from freecalc.laws.free_stable_axis import boundary_stieltjes, taylor_above_axis


def _m_mpmath(law, z, dps=60):
    # independent route: Newton on u − b u^{1−α} = z at 60 digits (u = −1/m), continued down from Im z = 1e-4|z|
    # where the double-precision solve is accurate
    with mp.workdps(dps):
        a, b = mp.mpf(float(law.alpha)), mp.mpc(law._b)
        x, y, top = mp.mpf(z.real), mp.mpf(z.imag), mp.mpf(abs(z)) * mp.mpf("1e-4")
        u = -1 / mp.mpc(complex(law.stieltjes(np.array([complex(z.real, float(top))]))[0]))
        for k in range(1, 25):  # steps of ≤ 10^0.5 in Im z: Newton from the previous root converges in a few steps
            zk = mp.mpc(x, top * (y / top) ** (mp.mpf(k) / 24))
            for _ in range(12):
                u -= (u - b * mp.exp((1 - a) * mp.log(u)) - zk) / (1 - (1 - a) * b * mp.exp(-a * mp.log(u)))
        return complex(-1 / u)


@pytest.mark.parametrize("args", [(1.2, 0.0), (0.6, 0.5), (1.9, -0.3)])
def test_stieltjes_just_above_the_axis_far_out(args):
    # far in a tail Im m(x + iy) ≈ πρ(x) + y/x² is dominated by the y m'(x) term for Im z/|z| down to 1e-16: the
    # boundary value alone was ~100 % wrong there (Im m of FreeStable(1.2, 0, 0.5) at 1e14 + 1e-14·1e14 i); measured
    # ≤ 3e-11 relative (the Taylor step's remainder and the continuation at Im z/|z| ~ 1e-6)
    law = fc.FreeStable(*args)
    for x in (1e3, 1e10, 1e14, -1e14, 1e50):
        for r in (1e-16, 1e-14, 1e-12, 1e-9, 1e-7):
            z = complex(x, abs(x) * r)
            m, ref = law.stieltjes(np.array([z]))[0], _m_mpmath(law, z)
            assert abs(m.imag / ref.imag - 1) < 1e-9, (x, r)
            assert abs(m.real / ref.real - 1) < 1e-13, (x, r)


def test_boundary_value_is_the_density_and_the_step_declines_next_to_an_edge():
    law = fc.FreeStable(0.8, 1.0, 0.5)  # one-sided: support [e, ∞), e > 0
    plus, minus = law._sides
    lo = law.support[0][0]
    x = np.array([lo - 1.0, lo + 1e-3, 1.0, 10.0, 1e8])
    m, conv = boundary_stieltjes(x, plus, minus)
    assert conv.all()
    # Im m(x + i0) = πρ(x) (the closed-form density, another parametrisation of the same curve): measured 1e-16
    np.testing.assert_allclose(m.imag / np.pi, law.pdf(x), rtol=1e-12, atol=0)
    # 1e-9 above the axis at 1e-8 beyond the edge the Taylor step declines (the edge is within 1e5·y: |m''| ≫ |m'|/y);
    # far out it applies, and agrees with the 60-digit solve (measured ≤ 1e-11 relative in Im m)
    y = np.array([1e-9, 1e-6])
    xe = np.array([lo + 1e-8, 1e8])
    mt, ok = taylor_above_axis(boundary_stieltjes(xe, plus, minus)[0], y, float(law.alpha), law._b)
    assert not ok[0] and ok[1]
    ref = _m_mpmath(law, complex(xe[1], y[1]))
    assert abs(mt[1].imag / ref.imag - 1) < 1e-9
