r"""The Joukowski variable of an interval: both sheets of a Stieltjes transform in one plane.

For a support :math:`[a, b]` put :math:`c = (a+b)/2`, :math:`h = (b-a)/4` and

.. math:: z = c + h\,(u + 1/u).

The map is two-to-one (:math:`u` and :math:`1/u` give the same z). The exterior :math:`\mathbb{C}\setminus[a, b]` of
the physical sheet is the disc :math:`|u| < 1` (upper half plane ↔ :math:`\Im u < 0`), the support is the unit
circle (:math:`x = c + 2h\cos\theta` ↔ :math:`u = e^{-i\theta}` from above), and the *second sheet* — reached by
crossing the support — is :math:`|u| > 1`: :math:`u_{II}(z) = 1/u_I(z)`. A density with square-root edges has a
Cauchy transform analytic in u across the unit circle, so a rational model in u continues it to the second sheet.

The expansion :math:`1/(z - x) = (u/h)\sum_k U_k(\tilde x)u^k` with :math:`\tilde x = (x - c)/(2h)` and
:math:`U_k` the Chebyshev polynomials of the second kind (their generating function) makes the Taylor coefficients of
:math:`G(u) h/u` the moments :math:`\int U_k(\tilde x)\,d\mu(x)` — the Jacobi(½, ½) series of the density.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Joukowski"]


@dataclass(frozen=True)
class Joukowski:
    """z = c + h(u + 1/u) for the interval [a, b] (``a < b``).

    Parameters
    ----------
    a, b : float
        Finite support ends, ``a < b``.

    Raises
    ------
    ValueError
        If the interval is not finite with ``a < b``.
    """

    a: float
    b: float

    def __post_init__(self) -> None:
        if not (np.isfinite(self.a) and np.isfinite(self.b) and self.a < self.b):
            raise ValueError(f"Joukowski map needs a finite interval a < b, got [{self.a!r}, {self.b!r}]")

    @property
    def c(self) -> float:
        """Centre (a + b)/2."""
        return 0.5 * (self.a + self.b)

    @property
    def h(self) -> float:
        """Quarter width (b − a)/4."""
        return 0.25 * (self.b - self.a)

    def z(self, u: np.ndarray) -> np.ndarray:
        """z(u) = c + h(u + 1/u).

        Parameters
        ----------
        u : complex or array_like
            Points of the u plane (non-zero).

        Returns
        -------
        numpy.ndarray of complex
        """
        u = np.asarray(u, dtype=complex)
        return self.c + self.h * (u + 1.0 / u)

    def u(self, z: np.ndarray) -> np.ndarray:
        r"""Physical-sheet preimage :math:`|u| \le 1`; on the real axis inside [a, b] the value from above,
        :math:`e^{-i\theta}` (a real z is read as z + i0).

        Parameters
        ----------
        z : complex or array_like
            Points of the spectral plane (real z is read as z + i0).

        Returns
        -------
        numpy.ndarray of complex
            Shaped like ``z``.
        """
        zeta = (np.asarray(z, dtype=complex) - self.c) / (2.0 * self.h)
        # sqrt(ζ−1)·sqrt(ζ+1) with principal roots is analytic off [−1, 1] and ~ ζ at ∞, so u → 0 at ∞; on the
        # cut with Im ζ = +0 it gives ζ − i√(1−ζ²) = e^{−iθ}
        zeta = np.where(zeta.imag == 0, zeta.real + 0j, zeta)
        # 1/(ζ + s) = ζ − s (their product is ζ² − s² = 1) without the cancellation of ζ − s at large |ζ|
        return 1.0 / (zeta + np.sqrt(zeta - 1.0) * np.sqrt(zeta + 1.0))

    def u_second(self, z: np.ndarray) -> np.ndarray:
        """Second-sheet preimage 1/u_I(z) (|u| ≥ 1).

        Parameters
        ----------
        z : complex or array_like
            Points of the spectral plane.

        Returns
        -------
        numpy.ndarray of complex
            Shaped like ``z``.
        """
        return 1.0 / self.u(z)

    def x_tilde(self, x: np.ndarray) -> np.ndarray:
        """(x − c)/(2h): the support mapped to [−1, 1].

        Parameters
        ----------
        x : array_like
            Real points.

        Returns
        -------
        numpy.ndarray
        """
        return (np.asarray(x, dtype=float) - self.c) / (2.0 * self.h)
