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

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from freecalc._lazy import lazy_module
from freecalc._params import SCALE, Parameter
from freecalc.laws.extension import FitHints, Kernels, affine_starts, spread_edges
from freecalc.laws.quadratic import QuadraticCoefficients, QuadraticLaw, QuadraticSymbolicFace

sp = lazy_module("sympy")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["MarchenkoPastur", "mp_pdf", "mp_support", "mp_atoms"]


def mp_support(c: float, sigma2: float = 1.0) -> tuple[tuple[float, float], ...]:
    r"""Support :math:`[\sigma^2(1-\sqrt c)^2, \sigma^2(1+\sqrt c)^2]` of the continuous part (scalar parameters).

    Parameters
    ----------
    c, sigma2 : float
        Ratio and scale (> 0).

    Returns
    -------
    tuple of (float, float)
    """
    r = math.sqrt(c)
    return ((sigma2 * (1 - r) ** 2, sigma2 * (1 + r) ** 2),)


def mp_atoms(c: float, sigma2: float = 1.0) -> tuple[tuple[float, float], ...]:
    """The atom (0, 1 − 1/c) when c > 1, else none (scalar parameters).

    Parameters
    ----------
    c, sigma2 : float
        Ratio and scale (> 0).

    Returns
    -------
    tuple of (location, mass)
    """
    return ((0.0, 1.0 - 1.0 / c),) if c > 1 else ()


def mp_pdf(x: Any, c: Any, sigma2: Any = 1.0) -> np.ndarray:
    r"""Density :math:`\sqrt{(\lambda_+ - x)(x - \lambda_-)}/(2\pi c\sigma^2 x)` of the continuous part, 0 outside.

    Parameters
    ----------
    x : array_like
        Points; broadcasts against ``c`` and ``sigma2``.
    c, sigma2 : float or ndarray
        Ratio and scale (> 0).

    Returns
    -------
    ndarray
    """
    x = np.asarray(x, dtype=float)
    r = np.sqrt(c)
    lo, hi = sigma2 * (1 - r) ** 2, sigma2 * (1 + r) ** 2
    inside = (x > lo) & (x < hi)
    with np.errstate(all="ignore"):
        val = np.sqrt((hi - x) * (x - lo)) / (2 * math.pi * c * sigma2 * x)
    return np.where(inside, val, 0.0)


class MarchenkoPasturSymbolicFace(QuadraticSymbolicFace):
    """Closed forms of the Marchenko–Pastur law (R- and S-transforms, the atom at 0).

    Parameters
    ----------
    law : MarchenkoPastur
        The law (the face is obtained as ``law.sym``).
    """

    def r_transform(self, w: Any = None) -> sp.Expr:
        """R(w) = σ²/(1 − cσ²w).

        Parameters
        ----------
        w : sympy.Expr or number

        Returns
        -------
        sympy.Expr
        """
        w = T.w if w is None else w
        c, s2 = self.params["c"], self.params["sigma2"]
        return s2 / (1 - c * s2 * w)

    def s_transform(self, w: Any = None) -> sp.Expr:
        """S(w) = 1/(σ²(1 + cw)).

        Parameters
        ----------
        w : sympy.Expr or number

        Returns
        -------
        sympy.Expr
        """
        w = T.w if w is None else w
        c, s2 = self.params["c"], self.params["sigma2"]
        return 1 / (s2 * (1 + c * w))

    @property
    def atoms(self) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        """The atom at 0 of mass 1 − 1/c when c > 1 (a Piecewise mass for a symbolic c)."""
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
    aliases = ("mp",)
    kernels = Kernels(pdf=mp_pdf, support=mp_support, atoms=mp_atoms)
    fit_hints = FitHints(scale_param="sigma2", auto_scale=True, nonnegative=True, finite_edge=True, candidate=True)

    @classmethod
    def fit_starts(cls, data: Any, with_scale: bool, with_loc: bool) -> list[dict[str, float]]:
        r"""Moments: mean σ², variance cσ⁴ (atom included). Edges: the continuous part spans σ²(1 ∓ √c)², so the
        ratio r of the data's extremes gives √c = (√r − 1)/(√r + 1), or its reciprocal when there are zeros
        (c > 1).

        Parameters
        ----------
        data : DataSummary
            Sorted data off the atom at 0, the number of zeros and the total count.
        with_scale, with_loc : bool
            Include an added ``scale`` (1) / ``loc`` (0).

        Returns
        -------
        list of dict
        """
        out = []
        m1, var = data.mean_all, data.var_all
        if m1 > 0 and var > 0:
            c = var / m1 ** 2
            if data.n_zero and c <= data.n_total / (data.n_total - data.n_zero):
                c = 1.001 * data.n_total / (data.n_total - data.n_zero)
            out.append({"c": c, "sigma2": m1})
        lo, hi = spread_edges(data.x)
        if lo > 0 and hi > lo:
            s = math.sqrt(hi / lo)
            rc = (s + 1) / (s - 1) if data.n_zero else (s - 1) / (s + 1)
            out.append({"c": rc * rc, "sigma2": hi / (1 + rc) ** 2})
        elif hi > 0:
            out.append({"c": 1.0, "sigma2": hi / 4.0})
        return affine_starts(out, with_scale, with_loc)

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
