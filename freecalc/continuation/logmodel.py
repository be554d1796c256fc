r"""A rational Joukowski model for the density of :math:`s = \log\lambda`, seen as a law of λ.

Kernel and NTK Gram matrices have positive spectra spanning several decades with mass piling up near 0: in λ the
bulk has no square-root edge a low-degree rational model could capture, in :math:`s = \log\lambda` it is a smooth
hump. :class:`LogRationalCauchy` wraps a :class:`~freecalc.continuation.pade.RationalCauchy` ``inner`` for the
density :math:`\rho_s` of s on :math:`[s_a, s_b]` and evaluates the λ-law's Stieltjes transform on both sheets by
singularity subtraction (:func:`freecalc.kernels.characteristics.source_stieltjes`, ``kind = LOG``):

.. math:: m(z) = \int\frac{\rho_s(s)\,ds}{e^s - z} = e^{-\sigma}m_s(\sigma)
          + \int\rho_s(s)\Bigl[\frac{1}{e^s - z} - \frac{e^{-\sigma}}{s - \sigma}\Bigr]ds,
          \qquad \sigma = \log z,

where the bracket is analytic in s (so Gauss quadrature in θ is accurate even next to the support) and the singular
part continues to the second sheet with :math:`m_s`, i.e. :math:`u \mapsto 1/u` in the Joukowski variable of
:math:`[s_a, s_b]`. The λ-density is :math:`\rho_s(\log x)/x` on :math:`[e^{s_a}, e^{s_b}]`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from freecalc.continuation.pade import RationalCauchy
from freecalc.kernels import characteristics as K

__all__ = ["LogRationalCauchy", "N_QUAD"]

N_QUAD = 128
"""Gauss–Legendre points (in θ) of the s-density used for the smooth part of the integral."""


# log of the largest float: e^s overflows beyond it
_LOG_FLOAT_MAX = math.log(np.finfo(float).max)


def _exp_edge(s: float) -> float:
    """e^s for a support edge in the log variable; an edge beyond the float range is reported as inf (a fit that
    wild is then refused by its caller with this value in the message), not as an overflow warning."""
    return math.exp(s) if s < _LOG_FLOAT_MAX else math.inf


@dataclass(frozen=True)
class LogRationalCauchy:
    r"""Law of λ = e^s where s has the :class:`RationalCauchy` density ``inner``.

    Parameters
    ----------
    inner : RationalCauchy
        The model of the density of :math:`s = \log\lambda` on its Joukowski plane.
    """

    inner: RationalCauchy

    kind = K.LOG

    @property
    def a(self) -> float:
        """Left end of the λ-support, :math:`e^{s_a}`."""
        return _exp_edge(self.inner.a)

    @property
    def b(self) -> float:
        """Right end of the λ-support, :math:`e^{s_b}` (inf beyond the float range)."""
        return _exp_edge(self.inner.b)

    @property
    def mass(self) -> float:
        """Total mass of the model."""
        return self.inner.mass

    @property
    def map(self):
        """The Joukowski map of the s-support (kernel coordinates)."""
        return self.inner.map

    @property
    def p(self) -> np.ndarray:
        """Ascending coefficients of the inner model's P."""
        return self.inner.p

    @property
    def q(self) -> np.ndarray:
        """Ascending coefficients of the inner model's Q."""
        return self.inner.q

    def poles(self) -> np.ndarray:
        """Poles of the inner model (all should be on the second sheet, |u| > 1).

        Returns
        -------
        numpy.ndarray of complex
            The zeros of the inner model's Q in the u plane of the s-support.
        """
        return self.inner.poles()

    def min_density(self, n: int = 400) -> float:
        """Minimum of the s-density over a θ grid (negative means the fit is not a density).

        Parameters
        ----------
        n : int
            Number of grid points in θ.

        Returns
        -------
        float
        """
        return self.inner.min_density(n)

    def kernel_args(self) -> tuple:
        """Arguments of :func:`freecalc.kernels.characteristics.source_stieltjes` for this model.

        Returns
        -------
        tuple
            ``(kind, p, q, c, h, nodes, weights)`` with ``kind = LOG`` and a quadrature of the s-density.
        """
        s_nodes, s_w = self.inner.quadrature(N_QUAD)
        J = self.inner.map
        return (self.kind, np.ascontiguousarray(self.inner.p, float), np.ascontiguousarray(self.inner.q, float),
                J.c, J.h, np.ascontiguousarray(s_nodes), np.ascontiguousarray(s_w))

    def quadrature(self, n: int = 128) -> tuple[np.ndarray, np.ndarray]:
        r"""Nodes in λ and weights with Σ w g(λ) ≈ ∫ g ρ dλ (the inner rule mapped by exp).

        Parameters
        ----------
        n : int
            Number of Gauss–Legendre nodes in θ (in s).

        Returns
        -------
        x, w : numpy.ndarray
            Nodes :math:`\lambda = e^s` and weights (summing to the mass).
        """
        s, w = self.inner.quadrature(n)
        return np.exp(s), w

    def u_first(self, z: np.ndarray) -> np.ndarray:
        """Physical-sheet Joukowski preimage of log z in the s-plane.

        Parameters
        ----------
        z : complex or array_like
            Points of the λ plane.

        Returns
        -------
        numpy.ndarray of complex
        """
        return self.inner.map.u(np.log(np.asarray(z, dtype=complex)))

    def _eval(self, u: np.ndarray) -> np.ndarray:
        args = self.kernel_args()
        flat = np.asarray(u, dtype=complex).ravel()
        out = np.array([K.source_stieltjes(*args, complex(v))[2] for v in flat])
        return out.reshape(np.shape(u))

    def stieltjes_first(self, z: np.ndarray) -> np.ndarray:
        """Physical-sheet m(z) of the λ-law, by singularity subtraction (module docstring).

        Parameters
        ----------
        z : complex or array_like
            Points of the spectral plane (λ).

        Returns
        -------
        numpy.ndarray of complex
            Shaped like ``z``.
        """
        z = np.asarray(z, dtype=complex)
        return self._eval(self.u_first(z))

    def stieltjes_second(self, z: np.ndarray) -> np.ndarray:
        """Second-sheet m(z): the singular part continued with u ↦ 1/u.

        Parameters
        ----------
        z : complex or array_like
            Points of the spectral plane (λ).

        Returns
        -------
        numpy.ndarray of complex
            Shaped like ``z``.
        """
        z = np.asarray(z, dtype=complex)
        return self._eval(1.0 / self.u_first(z))

    def density(self, x: np.ndarray) -> np.ndarray:
        r"""The λ-density :math:`\rho_s(\log x)/x`.

        Parameters
        ----------
        x : array_like
            Real points.

        Returns
        -------
        numpy.ndarray
            Shaped like ``x``; 0 outside :math:`(e^{s_a}, e^{s_b})`.
        """
        x = np.asarray(x, float)
        out = np.zeros(x.shape)
        inside = (x > self.a) & (x < self.b)
        if np.any(inside):
            out[inside] = self.inner.density(np.log(x[inside])) / x[inside]
        return out
