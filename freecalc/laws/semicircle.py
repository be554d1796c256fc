r"""Wigner's semicircle law (the free Gaussian).

Density :math:`\rho(x) = \frac{2}{\pi r^2}\sqrt{r^2 - (x-a)^2}` on :math:`[a - r, a + r]`; Stieltjes transform
:math:`m(z) = \frac{2}{r^2}\left(a - z + \sqrt{z-a-r}\sqrt{z-a+r}\right)`, i.e. :math:`\frac{r^2}{4}m^2 + (z-a)m + 1 = 0`;
R-transform :math:`R(w) = a + r^2 w/4`; free cumulants :math:`\kappa_1 = a`, :math:`\kappa_2 = r^2/4`, others 0.
Matrix model: the Gaussian orthogonal ensemble :math:`\frac{r}{2}\,\frac{X + X^T}{\sqrt{2n}} + a I`.

Reference: Wigner (1958), Ann. Math. 67; Nica & Speicher (2006), Lecture 11.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from freecalc._lazy import lazy_module
from freecalc._params import LOCATION, SCALE, Parameter
from freecalc.laws.extension import FitHints, Kernels, affine_starts, spread_edges
from freecalc.laws.quadratic import QuadraticCoefficients, QuadraticLaw, QuadraticSymbolicFace

sp = lazy_module("sympy")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["Semicircle", "semicircle_pdf", "semicircle_support"]


def semicircle_support(r: float, center: float = 0.0) -> tuple[tuple[float, float], ...]:
    """Support [center − r, center + r] (scalar parameters).

    Parameters
    ----------
    r : float
        Radius (> 0).
    center : float
        Centre.

    Returns
    -------
    tuple of (float, float)
    """
    return ((center - r, center + r),)


def semicircle_pdf(x: Any, r: Any, center: Any = 0.0) -> np.ndarray:
    r"""Density :math:`\frac{2}{\pi r}\sqrt{1 - u^2}`, :math:`u = (x - a)/r`, 0 outside the support.

    Parameters
    ----------
    x : array_like
        Points; broadcasts against ``r`` and ``center``.
    r, center : float or ndarray
        Radius (> 0) and centre.

    Returns
    -------
    ndarray
    """
    x = np.asarray(x, dtype=float)
    u = (x - center) / r
    inside = np.abs(u) < 1
    with np.errstate(all="ignore"):
        val = 2.0 / (math.pi * r) * np.sqrt(1.0 - u * u)
    return np.where(inside, val, 0.0)


class SemicircleSymbolicFace(QuadraticSymbolicFace):
    """Closed forms of the semicircle law (cdf, R- and S-transforms).

    Parameters
    ----------
    law : Semicircle
        The law (the face is obtained as ``law.sym``).
    """

    def cdf(self, x: Any = None) -> sp.Expr:
        """Closed-form cdf (a Piecewise in x).

        Parameters
        ----------
        x : sympy.Expr or number

        Returns
        -------
        sympy.Expr
        """
        x = T.x if x is None else x
        # F(x) = 1/2 + (u√(1 − u²) + arcsin u)/π with u = (x − a)/r, clipped to [0, 1] off the support
        a, r = self.params["center"], self.params["r"]
        u = (x - a) / r
        inside = sp.Rational(1, 2) + (u * sp.sqrt(1 - u ** 2) + sp.asin(u)) / sp.pi
        return sp.Piecewise((0, x <= a - r), (1, x >= a + r), (inside, True))

    def r_transform(self, w: Any = None) -> sp.Expr:
        """R(w) = a + r²w/4.

        Parameters
        ----------
        w : sympy.Expr or number

        Returns
        -------
        sympy.Expr
        """
        w = T.w if w is None else w
        return self.params["center"] + self.params["r"] ** 2 * w / 4

    def s_transform(self, w: Any = None) -> sp.Expr:
        """S(w), the root of (r²w/4)S² + aS − 1 = 0 with S(0) = 1/a.

        Parameters
        ----------
        w : sympy.Expr or number

        Returns
        -------
        sympy.Expr

        Raises
        ------
        ValueError
            A centred semicircle (mean 0).
        """
        w = T.w if w is None else w
        a, r = self.params["center"], self.params["r"]
        if a == 0:
            raise ValueError("the S-transform of a centred semicircle is undefined (mean 0)")
        # S R(wS) = 1 with R(v) = a + r^2 v / 4: (r^2 w/4) S^2 + a S - 1 = 0, branch S(0) = 1/a
        q = r ** 2 * w / 4
        return 2 / (a + sp.sign(a) * sp.sqrt(a ** 2 + 4 * q))


class Semicircle(QuadraticLaw):
    """Wigner semicircle law of radius ``r`` centred at ``center``.

    Parameters
    ----------
    r : float > 0
        Radius (the support is ``center ± r``; variance r²/4).
    center : float, default 0
        Centre of the support.
    size : int, optional
        Matrix dimension n.
    """

    parameters = (
        Parameter("r", "r", SCALE, typical=(0.5, 3.0)),
        Parameter("center", "a", LOCATION, typical=(-1.0, 1.0), default=0.0),
    )
    latex_name = r"\mathrm{SC}"
    symbolic_face_class = SemicircleSymbolicFace
    aliases = ("sc",)
    kernels = Kernels(pdf=semicircle_pdf, support=semicircle_support)
    fit_hints = FitHints(scale_param="r", loc_param="center", auto_scale=True, auto_location=True,
                         finite_edge=True, candidate=True)

    @classmethod
    def fit_starts(cls, data: Any, with_scale: bool, with_loc: bool) -> list[dict[str, float]]:
        """Moments: centre = mean, r = 2·sd. Edges: centre = midrange, r = half the range.

        Parameters
        ----------
        data : DataSummary
            Sorted data.
        with_scale, with_loc : bool
            Include an added ``scale`` (1) / ``loc`` (0).

        Returns
        -------
        list of dict
        """
        x = data.x
        out = [{"r": 2.0 * np.std(x), "center": np.mean(x)}]
        lo, hi = spread_edges(x)
        out.append({"r": 0.5 * (hi - lo), "center": 0.5 * (hi + lo)})
        return affine_starts(out, with_scale, with_loc)

    def _coefficients(self, p: Mapping[str, Any]) -> QuadraticCoefficients:
        return QuadraticCoefficients(p0=p["center"], p1=-1, q0=p["r"] ** 2 / 4, q1=0, q2=0)

    def _edges_formula(self, p: Mapping[str, Any], sqrt: Any) -> tuple[Any, Any]:
        return p["center"] - p["r"], p["center"] + p["r"]

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        u = np.clip((x - self.center) / self.r, -1.0, 1.0)
        return 0.5 + (u * np.sqrt(1.0 - u * u) + np.arcsin(u)) / math.pi

    def _rvs(self, size: Any, rng: np.random.Generator) -> Any:
        # (2B - 1) with B ~ Beta(3/2, 3/2) is semicircular on [-1, 1]
        return self.center + self.r * (2.0 * rng.beta(1.5, 1.5, size) - 1.0)

    def _matrix(self, n: int, rng: np.random.Generator) -> np.ndarray:
        x = rng.standard_normal((n, n))
        goe = (x + x.T) / math.sqrt(2.0 * n)  # semicircle of radius 2
        return 0.5 * self.r * goe + self.center * np.eye(n)
