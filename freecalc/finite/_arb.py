r"""Certified real roots of a real-rooted polynomial given by ball (arb) coefficients: the Sturm-chain route.

This route needs no approximate roots; it serves polynomials of degree ≤ 200 and those given by coefficients, and
is the fallback of the faster interlacing route of :mod:`freecalc.finite._interlace` (used above degree 200).

Why not the coefficients in floating point: a degree-d polynomial whose roots fill an interval has monomial
coefficients of size :math:`e^{O(d)}` that cancel to the much smaller values between its roots, so every
coefficient-based finite free formula loses about :math:`1.2\,d` bits (all of double precision near d ≈ 50). This
module therefore keeps the coefficients as FLINT balls at a working precision of :math:`\approx 1.3\,d + 64` bits
and extracts the roots in three steps:

1. **J-fraction (Sturm chain).** With :math:`P_d = r` and :math:`P_{d-1} = r'/d` (both monic), the Euclidean
   algorithm gives :math:`P_{k+1} = (x - \alpha_k) P_k - \beta_k P_{k-1}`. For a real-rooted r with simple roots
   every :math:`\beta_k > 0`, and the roots of r are the eigenvalues of the Jacobi matrix
   :math:`J = \mathrm{tridiag}(\sqrt{\beta}, \alpha, \sqrt{\beta})` (the J-fraction of the Cauchy transform of the
   root measure, :math:`r'/(d\,r)`). The chain runs on midpoints (ball radii would overestimate the error growth)
   and tapers its precision with the degree of :math:`P_k`; it costs :math:`O(d^2)` operations at ≈ 1.3 d bits.
2. **Eigenvalues.** The symmetric tridiagonal eigenproblem is well conditioned (Weyl: an entry error ε moves an
   eigenvalue by at most ~ε), so double-precision :math:`\alpha, \beta` give the roots to ~1e-15 relative.
3. **Certificate.** r (as the ball polynomial, which contains the exact polynomial) is evaluated in ball arithmetic
   at :math:`x_i \pm \delta_i`; disjoint intervals with a certain sign change each hold a root, and d of them hold
   all d roots, so the result is *proved* real-rooted with simple roots and each root lies within :math:`\delta_i`
   of the returned value. If the chain fails (a :math:`\beta_k \le 0`), the certificate fails, or the proved radius
   is wider than ``TIGHT`` (relative), the precision is doubled; past the maximum a proved but wider result is
   returned with its radius, and a polynomial without any proof is refused (:class:`CertificationError`).

Reference: W. Gautschi, *Orthogonal Polynomials: Computation and Approximation* (2004), §2.1 and §3.1 (Jacobi
matrices of discrete measures, Sturm sequences); F. Johansson, *Arb*, IEEE Trans. Comput. 66 (2017).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["CertificationError", "flint_module", "working_precision", "certified_roots"]

PRECISION_PER_DEGREE = 1.3
"""Working bits per degree: the coefficient route loses ≈ 1.14 d bits for roots filling an interval (measured on
semicircle quantiles at d = 200..2000); the margin covers ordinary spreads, and failures double the precision."""

PRECISION_ROUNDS = 3
"""Precision doublings tried before a polynomial is refused."""

TIGHT = 2.0 ** -36
"""Certified radius (relative to the root scale) below which a result is accepted; wider ones retry at doubled
precision (the eigenvalues came from too short a working precision) and the tightest proof is kept."""

WIDEN_ROUNDS = 8
"""Rounds in which a root whose certificate failed gets a 16× wider interval (while the intervals stay disjoint)."""


class CertificationError(ValueError):
    """A polynomial could not be certified real-rooted with simple roots (it is refused rather than guessed)."""


def flint_module() -> Any:
    """Return the ``flint`` module (python-flint), or raise ImportError saying how to install it."""
    try:
        import flint
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise ImportError(
            "fc.finite needs python-flint (certified ball arithmetic): pip install python-flint (a core "
            "dependency of freecalc)") from exc
    return flint


def working_precision(d: int) -> int:
    """Initial working precision in bits for a degree-d polynomial (see PRECISION_PER_DEGREE)."""
    return int(math.ceil(PRECISION_PER_DEGREE * d)) + 64


def _mid_poly(poly: Any) -> Any:
    flint = flint_module()
    return flint.arb_poly([c.mid() for c in poly.coeffs()])


def _jacobi(poly: Any, d: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(alpha, beta) of the J-fraction of poly'/(d·poly) from the Euclidean chain on midpoints; None if some β ≤ 0.

    With ``cur`` monic of degree k + 1 and ``nxt`` monic of degree k, the quotient is x − α with
    α = nxt[k−1] − cur[k] and the remainder cur − (x − α)·nxt = −β·P_{k−1}. Only midpoints matter (they are plain
    floating point at the working precision, whatever the radii; the result is certified afterwards), so the
    radii are dropped whenever they grow large, before they could reach infinity.
    """
    flint = flint_module()
    cur = _mid_poly(poly * (1 / poly[d]))
    nxt = _mid_poly(cur.derivative() * (flint.arb(1) / d))
    alpha = np.empty(d)
    beta = np.empty(max(d - 1, 0))
    top = flint.ctx.prec
    extra = top - working_precision(d) + 64
    try:
        for k in range(d - 1, -1, -1):
            # P_k has degree k: its own cancellation needs ~1.3 k bits, so the chain tapers its precision
            flint.ctx.prec = min(top, working_precision(k + 1) + extra)
            a = (nxt[k - 1] if k > 0 else 0) - cur[k]
            alpha[k] = float(a.mid())
            if k == 0:
                break
            rem = (cur - nxt.left_shift(1) + nxt * a.mid()).truncate(k)
            b = -rem[k - 1].mid()
            bf = float(b)
            if not bf > 0.0 or not math.isfinite(bf):
                return None
            beta[k - 1] = bf
            cur, nxt = nxt, rem * (-1 / b)
            if not nxt[k - 1].rad() < _STRIP_RADIUS:
                nxt = _mid_poly(nxt)
            if not cur[k].rad() < _STRIP_RADIUS:
                cur = _mid_poly(cur)
    finally:
        flint.ctx.prec = top
    if not np.all(np.isfinite(alpha)):
        return None
    return alpha, beta


_STRIP_RADIUS = 2.0 ** 64
"""Radius at which the chain's balls are reset to their midpoints (long before they overflow)."""


def _sign(v: Any) -> int:
    if v > 0:
        return 1
    if v < 0:
        return -1
    return 0


def _certify(poly: Any, x: np.ndarray, span: float) -> np.ndarray | None:
    """Per-root radii δ_i with a certified sign change on [x_i − δ_i, x_i + δ_i], intervals disjoint; else None."""
    flint = flint_module()
    d = len(x)
    gaps = np.diff(x)
    if d > 1 and not np.all(gaps > 0):
        return None
    half = np.full(d, np.inf)
    if d > 1:
        half[:-1] = gaps / 2.0
        half[1:] = np.minimum(half[1:], gaps / 2.0)
    delta = np.minimum(8.0 * np.finfo(float).eps * max(span, 1e-300) * max(d, 1), 0.49 * half)
    todo = np.arange(d)
    for _ in range(WIDEN_ROUNDS + 1):
        pts = [flint.arb(float(v)) for i in todo for v in (x[i] - delta[i], x[i] + delta[i])]
        vals = poly.evaluate(pts, algorithm="iter")
        failed = [i for j, i in enumerate(todo) if _sign(vals[2 * j]) * _sign(vals[2 * j + 1]) != -1]
        if not failed:
            return delta
        todo = np.asarray(failed)
        wider = np.minimum(delta[todo] * 16.0, 0.49 * half[todo])
        if np.all(wider <= delta[todo]):
            return None
        delta[todo] = wider
    return None


def certified_roots(build: Any, d: int, what: str) -> tuple[np.ndarray, float]:
    """Certified sorted real roots of the degree-d ball polynomial ``build(prec)`` and a bound on their error.

    Parameters
    ----------
    build : callable
        ``build()`` returns the ball polynomial (arb_poly of degree d) at the current ``flint.ctx.prec``; it is
        called again after each precision increase.
    d : int
        Degree (≥ 1).
    what : str
        Name of the polynomial for error messages.

    Returns
    -------
    roots : ndarray
        The d roots, ascending.
    radius : float
        Every exact root lies within ``radius`` of the returned value (proved by sign changes).

    Raises
    ------
    CertificationError
        The polynomial could not be certified real-rooted with simple roots at up to
        ``2**PRECISION_ROUNDS`` times the working precision.
    """
    from scipy.linalg import eigvalsh_tridiagonal

    flint = flint_module()
    old = flint.ctx.prec
    prec = working_precision(d)
    reason = "the Sturm chain has a non-positive coefficient (complex or multiple roots)"
    best: tuple[np.ndarray, float] | None = None
    try:
        for _ in range(PRECISION_ROUNDS + 1):
            flint.ctx.prec = prec
            poly = build()
            if d == 1:
                c = poly.coeffs()
                root = -c[0] / c[1]
                if not root.is_finite():
                    raise CertificationError(f"{what}: the linear polynomial has no finite root")
                return np.array([float(root.mid())]), float(root.rad()) + abs(float(root.mid())) * 2.0 ** -52
            jac = _jacobi(poly, d)
            if jac is not None:
                alpha, beta = jac
                x = eigvalsh_tridiagonal(alpha, np.sqrt(beta))
                span = float(np.max(np.abs(x))) + float(np.max(np.abs(alpha) + 2 * np.sqrt(np.max(beta))))
                delta = _certify(poly, x, span)
                if delta is not None:
                    radius = float(np.max(delta))
                    if best is None or radius < best[1]:
                        best = (x, radius)
                    if radius <= TIGHT * span:
                        return best
                    reason = "the certified radius stayed wide"
                else:
                    reason = "the sign-change certificate failed (roots too close for the precision, or not real)"
            prec *= 2
    finally:
        flint.ctx.prec = old
    if best is not None:
        # proved, only less tight than TIGHT: the radius says so
        return best
    raise CertificationError(
        f"{what} could not be certified real-rooted with simple roots ({reason}) at up to {prec // 2} bits; "
        "it is refused rather than returned uncertified")
