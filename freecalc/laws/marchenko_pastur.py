r"""The Marchenko–Pastur law (the free Poisson law).

``MarchenkoPastur(c, sigma2)`` is the limiting ESD of :math:`\frac{\sigma^2}{d} X X^T`, :math:`X` an n×d matrix with
i.i.d. unit-variance entries and :math:`c = n/d`. With :math:`\lambda_\pm = \sigma^2(1 \pm \sqrt c)^2`:

.. math:: \rho(x) = \frac{\sqrt{(\lambda_+ - x)(x - \lambda_-)}}{2\pi c \sigma^2 x},\qquad
          \text{atom } (1 - 1/c)\,\delta_0 \text{ when } c > 1,

:math:`c\sigma^2 z\, m^2 - (\sigma^2(1-c) - z)\, m + 1 = 0`, :math:`R(w) = \sigma^2/(1 - c\sigma^2 w)`,
:math:`S(w) = 1/(\sigma^2(1 + cw))`, free cumulants :math:`\kappa_k = c^{k-1}\sigma^{2k}`.

Reference: Marchenko & Pastur (1967), Math. USSR Sb. 1; Bai & Silverstein (2010), *Spectral Analysis of Large
Dimensional Random Matrices*, ch. 3.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import sympy as sp

from freecalc._params import SCALE, Parameter
from freecalc.laws.quadratic import QuadraticCoefficients, QuadraticLaw, QuadraticSymbolicFace
from freecalc.symbolic import transforms as T

__all__ = ["MarchenkoPastur"]


class MarchenkoPasturSymbolicFace(QuadraticSymbolicFace):
    def r_transform(self, w: Any = T.w) -> sp.Expr:
        c, s2 = self.params["c"], self.params["sigma2"]
        return s2 / (1 - c * s2 * w)

    def s_transform(self, w: Any = T.w) -> sp.Expr:
        c, s2 = self.params["c"], self.params["sigma2"]
        return 1 / (s2 * (1 + c * w))

    @property
    def atoms(self) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        c = self.params["c"]
        mass = sp.Piecewise((1 - 1 / c, c > 1), (0, True))
        if mass == 0:
            return ()
        return ((sp.Integer(0), mass),)


class MarchenkoPastur(QuadraticLaw):
    """Marchenko–Pastur law with ratio ``c = n/d`` and scale ``sigma2``.

    Parameters
    ----------
    c : float > 0
        Aspect ratio n/d of the n×d data matrix (atom of mass 1 − 1/c at 0 when c > 1).
    sigma2 : float > 0, default 1
        Variance of the entries (the law's mean).
    size : int, optional
        Matrix dimension n.
    """

    parameters = (
        Parameter("c", "c", SCALE, typical=(0.1, 3.0)),
        Parameter("sigma2", r"\sigma^2", SCALE, typical=(0.5, 2.0), default=1.0),
    )
    latex_name = r"\mathrm{MP}"
    symbolic_face_class = MarchenkoPasturSymbolicFace

    def _coefficients(self, p: Mapping[str, Any]) -> QuadraticCoefficients:
        c, s2 = p["c"], p["sigma2"]
        return QuadraticCoefficients(p0=s2 * (1 - c), p1=-1, q0=0, q1=c * s2, q2=0)

    def _edges_formula(self, p: Mapping[str, Any], sqrt: Any) -> tuple[Any, Any]:
        c, s2 = p["c"], p["sigma2"]
        return s2 * (1 - sqrt(c)) ** 2, s2 * (1 + sqrt(c)) ** 2

    def _matrix(self, n: int, rng: np.random.Generator) -> np.ndarray:
        d = max(1, int(round(n / self.c)))
        x = rng.standard_normal((n, d))
        return (self.sigma2 / d) * (x @ x.T)
