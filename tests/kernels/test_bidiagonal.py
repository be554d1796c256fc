"""Relatively accurate singular values of a bidiagonal matrix (freecalc/kernels/bidiagonal.py)."""
import mpmath as mp
import numpy as np

from freecalc.kernels.bidiagonal import bidiag_small_singular_values


def test_graded_bidiagonal_against_60_digit_svd():
    # entries spanning 40 decades: a plain symmetric eigensolver of B Bᵀ loses every value below 1e-16 of the
    # largest, the Sturm-count bisection keeps each to ~1e-13 relative
    n = 12
    rng = np.random.default_rng(0)
    d = 10.0 ** -np.linspace(0, 40, n) * rng.uniform(0.5, 2.0, n)
    t = 10.0 ** -np.linspace(1, 40, n - 1) * rng.uniform(0.5, 2.0, n - 1)
    sv = bidiag_small_singular_values(d, t, n, 10.0)
    with mp.workdps(60):
        B = mp.matrix(n, n)
        for i in range(n):
            B[i, i] = mp.mpf(float(d[i]))
            if i < n - 1:
                B[i + 1, i] = mp.mpf(float(t[i]))
        ref = sorted(float(s) for s in mp.svd_r(B, compute_uv=False))
    rel = np.abs(np.sort(sv) - ref) / np.array(ref)
    assert np.all(rel < 1e-12)  # bisection to ~1e-15 in log σ
    assert ref[0] < 1e-30 * ref[-1]  # the case really spans decades
