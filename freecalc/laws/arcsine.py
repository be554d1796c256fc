r"""The arcsine law on [−r, r] (Bernoulli ⊞ Bernoulli).

.. math:: \rho(x) = \frac{1}{\pi\sqrt{r^2 - x^2}},\qquad F(x) = \frac12 + \frac{\arcsin(x/r)}{\pi},\qquad
          m(z) = \frac{-1}{\sqrt{z - r}\,\sqrt{z + r}}

(principal roots: Im m > 0 for Im z > 0, m ~ −1/z), so :math:`(r^2 - z^2)\,m^2 + 1 = 0`: the quadratic family with
P = 0, Q = r² − z². The R-transform is :math:`R(w) = (\sqrt{1 + r^2w^2} - 1)/w` (free cumulants
:math:`\kappa_2 = r^2/2`, :math:`\kappa_4 = -r^4/8`, odd ones 0), moments :math:`m_{2j} = \binom{2j}{j}(r/2)^{2j}`.

It is the free additive square of the symmetric Bernoulli law: :math:`\mathrm{Arcsine}(2) =
\tfrac12(\delta_{-1} + \delta_1)^{\boxplus 2}`, i.e. ``KestenMcKay(2)``, and Arcsine(r) = (r/2)·KM(2); as a free
Meixner law it is FM(a = 0, b = r²/4, c = 2).

Reference: Nica & Speicher (2006), *Lectures on the Combinatorics of Free Probability*, Example 12.8 (the free
convolution of two symmetric Bernoulli laws).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from freecalc._lazy import lazy_module
from freecalc._params import SCALE, Parameter
from freecalc.laws.extension import FitHints, Kernels, finite_starts, spread_edges
from freecalc.laws.quadratic import QuadraticCoefficients, QuadraticLaw, QuadraticSymbolicFace
from freecalc.laws.wachter import manova_matrix
from freecalc.numerics.quadrature import IntervalRule

sp = lazy_module("sympy")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["Arcsine", "arcsine_pdf", "arcsine_support"]


def arcsine_support(r: float) -> tuple[tuple[float, float], ...]:
    """Support [−r, r] (scalar parameter).

    Parameters
    ----------
    r : float
        Half-width (> 0).

    Returns
    -------
    tuple of (float, float)
    """
    return ((-r, r),)


def arcsine_pdf(x: Any, r: Any) -> np.ndarray:
    r"""Density :math:`1/(\pi\sqrt{(r - x)(r + x)})` on (−r, r), 0 outside.

    The factored form keeps full relative accuracy next to the edges, where :math:`r^2 - x^2` cancels.

    Parameters
    ----------
    x : array_like
        Points; broadcasts against ``r``.
    r : float or ndarray
        Half-width (> 0).

    Returns
    -------
    ndarray
    """
    x = np.asarray(x, dtype=float)
    inside = (x > -r) & (x < r)
    xi = np.where(inside, x, 0.0)
    return np.where(inside, 1.0 / (math.pi * np.sqrt((r - xi) * (r + xi))), 0.0)


class ArcsineSymbolicFace(QuadraticSymbolicFace):
    """Closed forms of the arcsine law (Stieltjes transform, R-transform, cdf; no atoms, no S-transform).

    Parameters
    ----------
    law : Arcsine
        The law (the face is obtained as ``law.sym``).
    """

    def r_transform(self, w: Any = None) -> sp.Expr:
        """R(w) = (√(1 + r²w²) − 1)/w.

        Parameters
        ----------
        w : sympy.Expr or number

        Returns
        -------
        sympy.Expr
        """
        w = T.w if w is None else w
        r = self.params["r"]
        return (sp.sqrt(1 + r ** 2 * w ** 2) - 1) / w

    def s_transform(self, w: Any = None) -> sp.Expr:
        """Undefined: the mean is 0.

        Parameters
        ----------
        w : sympy.Expr or number

        Returns
        -------
        sympy.Expr

        Raises
        ------
        ValueError
            Always (mean 0).
        """
        raise ValueError("the S-transform of an arcsine law is undefined (its mean is 0)")

    @property
    def atoms(self) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        """Empty: the zeros ±r of Q are the edges, not atoms."""
        return ()

    def cdf(self, x: Any = None) -> sp.Expr:
        """F(x) = ½ + arcsin(x/r)/π on [−r, r] (a Piecewise in x).

        Parameters
        ----------
        x : sympy.Expr or number

        Returns
        -------
        sympy.Expr
        """
        x = T.x if x is None else x
        r = self.params["r"]
        return sp.Piecewise((0, x <= -r), (1, x >= r), (sp.Rational(1, 2) + sp.asin(x / r) / sp.pi, True))


class Arcsine(QuadraticLaw):
    """Arcsine law on [−r, r]: density 1/(π√(r² − x²)).

    Parameters
    ----------
    r : float > 0
        Half-width of the support.
    size : int, optional
        Matrix dimension n.

    Notes
    -----
    Matrix model: :math:`(r/2)(D_1 + O D_2 O^T)` with :math:`D_i = \\mathrm{diag}(\\pm 1)` and Haar O (Bernoulli ⊞
    Bernoulli), sampled through its MANOVA form :math:`r(2M - I)`, M the MANOVA matrix with two Wisharts of n
    degrees of freedom (the form used by ``KestenMcKay(2)``).
    """

    parameters = (Parameter("r", "r", SCALE, typical=(0.5, 3.0)),)
    latex_name = r"\mathrm{Arcsine}"
    symbolic_face_class = ArcsineSymbolicFace
    aliases = ("arcsine",)
    kernels = Kernels(pdf=arcsine_pdf, support=arcsine_support)
    fit_hints = FitHints(scale_param="r", auto_location=True, finite_edge=True)

    @classmethod
    def fit_starts(cls, data: Any, with_scale: bool, with_loc: bool) -> list[dict[str, float]]:
        r"""Variance r²/2 (moments) and the half-range (edges); the location the mean or the midrange.

        Parameters
        ----------
        data : DataSummary
            Sorted data.
        with_scale, with_loc : bool
            Include an added ``scale`` (1) / ``loc``.

        Returns
        -------
        list of dict
        """
        x = data.x
        mu, sd = float(np.mean(x)), float(np.std(x))
        lo, hi = spread_edges(x)
        out = [{"r": math.sqrt(2.0) * sd}, {"r": 0.5 * (hi - lo)}]
        for st, centre in zip(out, (mu, 0.5 * (hi + lo))):
            if with_scale:
                st["scale"] = 1.0
            if with_loc:
                st["loc"] = centre
        return finite_starts(out)

    def _coefficients(self, p: Mapping[str, Any]) -> QuadraticCoefficients:
        r = p["r"]
        return QuadraticCoefficients(p0=0, p1=0, q0=r * r, q1=0, q2=-1)

    def _edges_formula(self, p: Mapping[str, Any], sqrt: Any) -> tuple[Any, Any]:
        return -p["r"], p["r"]

    def _check_edge_pole(self) -> None:
        # the zeros ±r of Q are the edges exactly (the 1/√ density), not poles near them: nothing to resolve
        return None

    def _numeric_atoms(self, *args: Any) -> tuple[tuple[float, float], ...]:
        return ()

    def _atoms(self) -> tuple[tuple[float, float], ...]:
        return ()

    def _interval_rule(self, a: float, b: float, panels: int = 64, order: int = 16) -> IntervalRule:
        # the θ-substitution makes the integrand constant: the plain rule is exact (the generic grading would
        # push nodes onto the edges, where the 1/√ density cannot be evaluated)
        return IntervalRule(a, b, panels, order)

    def _pdf(self, x: np.ndarray) -> np.ndarray:
        return arcsine_pdf(x, self.r)

    def entropy(self) -> float:
        r"""Differential entropy :math:`h = \log(\pi r / 2)`, in closed form.

        The generic rule integrates :math:`-\rho\log\rho`, whose :math:`\log` of the inverse-square-root edges
        is a log singularity in the rule's variable (3.6e-5 off at r = 1.75).

        Returns
        -------
        float
        """
        self._require_numeric("entropy")
        return math.log(math.pi * float(self.r) / 2.0)

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        r = self.r
        u = np.clip(x / r, -1.0, 1.0)
        return 0.5 + np.arcsin(u) / math.pi

    def _ppf(self, q: np.ndarray) -> np.ndarray:
        # F⁻¹(q) = r sin(π(q − ½)) = −r cos(πq)
        return -self.r * np.cos(math.pi * np.asarray(q, dtype=float))

    def _moment(self, k: int) -> float:
        if k % 2:
            return 0.0
        return math.comb(k, k // 2) * (0.5 * self.r) ** k

    def _matrix(self, n: int, rng: np.random.Generator) -> np.ndarray:
        M = manova_matrix(n, n, n, rng)
        return self.r * (2.0 * M - np.eye(n))
