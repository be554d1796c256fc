"""One decompression along the characteristics (freecalc/laws/decompressed_piece.py), from the exact rational model
of Marchenko–Pastur: decompressing MP(λ) by f is MP(λf) (free cumulants κ_k = λ^{k−1} scale by f^{k−1}), an
independent closed form for the support, density, Stieltjes transform and moments. The mixture law built from
pieces is tested in tests/operations/test_numeric_decompression.py."""
import numpy as np
import pytest

import freecalc as fc
from freecalc.continuation.pade import RationalCauchy
from freecalc.laws.decompressed_piece import DecompressedPiece, Solver

LAM, F = 0.02, 8.0
A0, B0 = (1 - LAM ** 0.5) ** 2, (1 + LAM ** 0.5) ** 2


@pytest.fixture(scope="module")
def piece():
    # G = u/(h(1 + √λ u)) on the Joukowski plane of MP(λ)'s support: the exact source model
    return DecompressedPiece(RationalCauchy(A0, B0, np.array([1.0]), np.array([1.0, LAM ** 0.5])), F)


def test_support_density_and_stieltjes_are_the_decompressed_closed_form(piece):
    target = fc.MarchenkoPastur(LAM * F)
    # critical points of Z found to rounding: 3e-16 measured
    np.testing.assert_allclose(piece.support, target.support[0], rtol=1e-13)
    x = np.linspace(*target.support[0], 9)[1:-1]
    rho, failed = piece.density(x)
    assert not failed.any()
    np.testing.assert_allclose(rho, target.pdf(x), rtol=1e-12)  # Newton to NEWTON_TOL: 9e-16 measured
    z = np.array([1 + 0.5j, 0.3 + 0.01j, 3.0 + 0j])
    m, failed = piece.stieltjes(z)
    assert not failed.any()
    np.testing.assert_allclose(m, target.stieltjes(z), rtol=1e-12)  # 8e-16 measured
    np.testing.assert_allclose(piece.bulk_moments(4), target.moments(4), rtol=1e-12)  # m_1..m_4 by the cumulant rule
    n_checked, failed_x = piece.check()
    assert n_checked == 512 and failed_x.size == 0  # every check point converged


def test_traced_solver_interpolates_the_closed_form():
    # the traced table ties next to the edges (rounding); a point below an earlier kept one crashed pchip before
    piece = DecompressedPiece(RationalCauchy(A0, B0, np.array([1.0]), np.array([1.0, LAM ** 0.5])), F,
                              solver=Solver.TRACE)
    target = fc.MarchenkoPastur(LAM * F)
    x = np.linspace(*target.support[0], 41)[1:-1]
    rho, failed = piece.density(x)
    assert not failed.any()
    # pchip between the traced points: 4.3e-9 of the peak measured; the closed form, not a 0 or a NaN
    np.testing.assert_allclose(rho, target.pdf(x), rtol=0, atol=1e-7 * target.pdf(x).max())


def test_affine_map_of_the_target(piece):
    moved = DecompressedPiece(piece.model, F, offset=1.5, scale=2.0)
    lo, hi = piece.support
    np.testing.assert_allclose(moved.support, (1.5 + 2.0 * lo, 1.5 + 2.0 * hi), rtol=1e-13)
    x = np.linspace(lo, hi, 7)[1:-1]
    # density of 1.5 + 2X at 1.5 + 2x is ρ(x)/2
    np.testing.assert_allclose(moved.density(1.5 + 2.0 * x)[0], piece.density(x)[0] / 2.0, rtol=1e-12)


@pytest.mark.parametrize("offset, scale", [(0.0, 0.0), (0.0, -1.0), (float("nan"), 1.0), (0.0, float("inf"))])
def test_bad_affine_map_is_refused(piece, offset, scale):
    with pytest.raises(ValueError, match="offset must be finite and scale finite and > 0"):
        DecompressedPiece(piece.model, F, offset=offset, scale=scale)
