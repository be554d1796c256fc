r"""The Kesten–McKay law (the free binomial law): spectral law of the d-regular tree.

``KestenMcKay(d)``, d ≥ 2 real, has density

.. math:: \rho(x) = \frac{d\sqrt{4(d-1) - x^2}}{2\pi(d^2 - x^2)},\qquad |x| \le 2\sqrt{d-1},

no atoms (the zeros ±d of :math:`d^2 - z^2` lie outside the support for d > 2 and the Stieltjes branch has no pole
there; at d = 2 they are the edges and the law is the arcsine law on [−2, 2]). It is the d-th free additive power
of the symmetric Bernoulli law :math:`\frac12(\delta_{-1} + \delta_1)`, so

.. math:: R(w) = \frac{d\left(\sqrt{1 + 4w^2} - 1\right)}{2w},\qquad \kappa_2 = d,\ \kappa_{2j+1} = 0,

and it satisfies :math:`Q(z)m^2 - P(z)m + 1 = 0` with :math:`P(z) = \frac{(2-d)z}{d-1}`,
:math:`Q(z) = \frac{d^2 - z^2}{d-1}` (the talk's table entries, verified). The mean is 0, so there is no
S-transform. Closed-form cdf (x = R sin θ, R = 2√(d−1)):

.. math:: F(x) = \frac12 + \frac{d}{2\pi}\arcsin\frac{x}{R}
          - \frac{d-2}{2\pi}\arctan\frac{(d-2)\,x}{d\sqrt{R^2 - x^2}} .

Matrix model (:meth:`KestenMcKay.matrix`): :math:`d\,(P U B U^T P)` with B = diag(±1) half/half of size dn and
P the projection on n coordinates (Nica–Speicher: compressing by 1/d and dilating by d gives the d-th free power).
It is realised without the dn×dn Haar matrix through the equivalent MANOVA form: the n×n corner of
:math:`U\,\mathrm{diag}(I_{dn/2}, 0)\,U^T` has the law of :math:`(W_1 + W_2)^{-1/2}W_1(W_1+W_2)^{-1/2}` with
:math:`W_1, W_2 \sim W_n(I, dn/2)`, so the model is :math:`d(2M - I)` with M ~ Wachter(d/2, d/2) (exact for real
d, O(n³)). Edges check: :math:`d(2\lambda_\pm - 1) = \pm 2\sqrt{d-1}` for the Wachter(d/2, d/2) edges.

References: Kesten (1959), Trans. AMS 92; McKay (1981), Linear Algebra Appl. 40; Nica & Speicher (2006),
Lecture 14 (compression by free projections).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from freecalc._lazy import lazy_module
from freecalc._params import SCALE_MAX, Domain, Parameter
from freecalc.laws.extension import FitHints, Kernels, finite_starts, spread_edges
from freecalc.laws.quadratic import QuadraticCoefficients, QuadraticLaw, QuadraticSymbolicFace
from freecalc.laws.wachter import manova_matrix
from freecalc.numerics.quadrature import IntervalRule

sp = lazy_module("sympy")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["KestenMcKay", "kesten_mckay_pdf", "kesten_mckay_support"]


def kesten_mckay_support(d: float) -> tuple[tuple[float, float], ...]:
    """Support [−2√(d−1), 2√(d−1)] (scalar parameter).

    Parameters
    ----------
    d : float
        Degree (≥ 2).

    Returns
    -------
    tuple of (float, float)
    """
    R = 2.0 * math.sqrt(d - 1.0)
    return ((-R, R),)


def kesten_mckay_pdf(x: Any, d: Any) -> np.ndarray:
    r"""Density :math:`d\sqrt{(R-x)(R+x)}/(2\pi(d-x)(d+x))`, :math:`R = 2\sqrt{d-1}`, 0 outside the support.

    The factored forms keep full relative accuracy at the edges, where the expanded :math:`d^2 - x^2` cancels (it
    matters near d = 2, where ±d are the edges).

    Parameters
    ----------
    x : array_like
        Points; broadcasts against ``d``.
    d : float or ndarray
        Degree (≥ 2).

    Returns
    -------
    ndarray
    """
    x = np.asarray(x, dtype=float)
    R = 2.0 * np.sqrt(d - 1.0)
    inside = (x > -R) & (x < R)
    xi = np.where(inside, x, 0.0)
    out = d * np.sqrt((R - xi) * (R + xi)) / (2 * math.pi * (d - xi) * (d + xi))
    return np.where(inside, out, 0.0)


class KestenMcKaySymbolicFace(QuadraticSymbolicFace):
    """Closed forms of the Kesten–McKay law (R- and S-transforms, cdf; no atoms).

    Parameters
    ----------
    law : KestenMcKay
        The law (the face is obtained as ``law.sym``).
    """

    def r_transform(self, w: Any = None) -> sp.Expr:
        """R(w) = d(√(1 + 4w²) − 1)/(2w).

        Parameters
        ----------
        w : sympy.Expr or number

        Returns
        -------
        sympy.Expr
        """
        w = T.w if w is None else w
        d = self.params["d"]
        return d * (sp.sqrt(1 + 4 * w ** 2) - 1) / (2 * w)

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
        raise ValueError("the S-transform of a Kesten–McKay law is undefined (its mean is 0)")

    @property
    def atoms(self) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        """Empty: the law is absolutely continuous for every d ≥ 2."""
        return ()

    def cdf(self, x: Any = None) -> sp.Expr:
        """Closed-form cumulative distribution function (a Piecewise in x).

        Parameters
        ----------
        x : sympy.Expr or number

        Returns
        -------
        sympy.Expr
        """
        x = T.x if x is None else x
        d = self.params["d"]
        R = 2 * sp.sqrt(d - 1)
        inner = (sp.Rational(1, 2) + d / (2 * sp.pi) * sp.asin(x / R)
                 - (d - 2) / (2 * sp.pi) * sp.atan((d - 2) * x / (d * sp.sqrt(R ** 2 - x ** 2))))
        return sp.Piecewise((0, x <= -R), (1, x >= R), (inner, True))


class KestenMcKay(QuadraticLaw):
    """Kesten–McKay law with degree ``d`` ≥ 2 (spectral law of the d-regular tree; free binomial).

    Parameters
    ----------
    d : float ≥ 2
        Degree (real values allowed: the d-th free power of the symmetric Bernoulli law). d = 2 is the arcsine law
        on [−2, 2].
    size : int, optional
        Matrix dimension n.

    Notes
    -----
    Matrix model: d times the n×n compression of :math:`U\\,\\mathrm{diag}(\\pm 1)\\,U^T` (dn×dn, Haar U), sampled
    through its MANOVA form :math:`d(2M - I)`, M the MANOVA matrix with two Wisharts of dn/2 degrees of freedom.
    """

    # d ≤ 1e100 (the representable range of freecalc._params: q₀ = d²/(d − 1) must stay finite)
    parameters = (Parameter("d", "d", Domain(2.0, SCALE_MAX), typical=(2.2, 8.0)),)
    latex_name = r"\mathrm{KM}"
    symbolic_face_class = KestenMcKaySymbolicFace
    aliases = ("km",)
    kernels = Kernels(pdf=kesten_mckay_pdf, support=kesten_mckay_support)
    fit_hints = FitHints(auto_scale=True, auto_location=True, finite_edge=True, candidate=True)

    @classmethod
    def fit_starts(cls, data: Any, with_scale: bool, with_loc: bool) -> list[dict[str, float]]:
        r"""Starts from the kurtosis: KestenMcKay(d) has variance d and fourth moment 2d² − d (κ₂ = d, κ₄ = −d), so
        the standardised kurtosis k = 2 − 1/d gives d = 1/(2 − k) (k ∈ [1.5, 2); k ≥ 2 means nearly semicircular:
        d large). Then the added scale is sd/√d (moments) or the half-range over 2√(d−1) (edges), the location the
        mean or the midrange; d = 2.5 and 8 are tried as well.

        Parameters
        ----------
        data : DataSummary
            Sorted data.
        with_scale, with_loc : bool
            Include an added ``scale`` / ``loc``.

        Returns
        -------
        list of dict
        """
        x = data.x
        mu, sd = float(np.mean(x)), float(np.std(x))
        if not sd > 0:
            return []
        kurt = float(np.mean(((x - mu) / sd) ** 4))
        deg = 1.0 / (2.0 - kurt) if kurt < 1.98 else 50.0
        deg = min(max(deg, 2.05), 50.0)
        lo, hi = spread_edges(x)
        out = []
        for dd in (deg, 2.5, 8.0):
            st_m = {"d": dd}
            st_e = {"d": dd}
            if with_scale:
                st_m["scale"] = sd / math.sqrt(dd)
                st_e["scale"] = 0.5 * (hi - lo) / (2.0 * math.sqrt(dd - 1.0))
            if with_loc:
                st_m["loc"] = mu
                st_e["loc"] = 0.5 * (hi + lo)
            out += [st_m, st_e]
        return finite_starts(out)

    def _coefficients(self, p: Mapping[str, Any]) -> QuadraticCoefficients:
        d = p["d"]
        return QuadraticCoefficients(p0=0, p1=(2 - d) / (d - 1), q0=d * d / (d - 1), q1=0, q2=-1 / (d - 1))

    def _edges_formula(self, p: Mapping[str, Any], sqrt: Any) -> tuple[Any, Any]:
        R = 2 * sqrt(p["d"] - 1)
        return -R, R

    def _numeric_atoms(self, *args: Any) -> tuple[tuple[float, float], ...]:
        return ()  # exact, instead of the generic residues at the zeros of Q

    def _atoms(self) -> tuple[tuple[float, float], ...]:
        return ()  # the poles ±d of 1/Q are cancelled by the Stieltjes branch (see module docstring)

    def _pdf(self, x: np.ndarray) -> np.ndarray:
        return kesten_mckay_pdf(x, self.d)

    def _interval_rule(self, a: float, b: float, panels: int = 64, order: int = 16) -> IntervalRule:
        # d = 2 is the arcsine law: its θ-integrand is constant, so the plain rule is exact, while the generic
        # grading (triggered by Q's zeros ±2 computed within round-off of the edges) pushes nodes onto the edges,
        # where the 1/√ density cannot be evaluated
        if self.d == 2.0:
            return IntervalRule(a, b, panels, order)
        return super()._interval_rule(a, b, panels, order)

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        d = self.d
        R = 2.0 * math.sqrt(d - 1.0)
        u = np.clip(x, -R, R)
        root = np.sqrt(np.maximum(R * R - u * u, 0.0))
        # arctan2 keeps the limits ±π/2 at the edges (where the root vanishes) exact
        out = 0.5 + d / (2 * math.pi) * np.arcsin(u / R) - (d - 2) / (2 * math.pi) * np.arctan2((d - 2) * u, d * root)
        return np.where(x <= -R, 0.0, np.where(x >= R, 1.0, out))

    def _matrix(self, n: int, rng: np.random.Generator) -> np.ndarray:
        d = self.d
        half = 0.5 * d * n
        M = manova_matrix(n, half, half, rng)
        return d * (2.0 * M - np.eye(n))
