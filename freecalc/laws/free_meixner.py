r"""The free Meixner laws (Anshelevich; Bożejko–Bryc): constant Jacobi parameters after the first step.

``FreeMeixner(a, b, c)`` (a real, b > 0, c > 0) is the law whose orthogonal polynomials have Jacobi parameters
:math:`\alpha_0 = 0,\ \beta_0^2 = bc` and :math:`\alpha_k = a,\ \beta_k^2 = b` for k ≥ 1 (the bordered Toeplitz
tridiagonal matrix of the talk), i.e.

.. math:: G(z) = \frac{1}{z - c\,h(z)},\qquad
          h(z) = \frac{z - a - \sqrt{(z-a)^2 - 4b}}{2} = b\,G_{\mathrm{SC}(a, b)}(z),

with :math:`G_{\mathrm{SC}(a,b)}` the Cauchy transform of the semicircle of centre a and variance b. Mean 0,
variance bc. Density on :math:`a \pm 2\sqrt b`:

.. math:: \rho(x) = \frac{c\sqrt{4b - (x-a)^2}}{2\pi\left((1-c)x^2 + acx + bc^2\right)} .

Our quadratic :math:`Q m^2 - P m + 1 = 0` has :math:`P(z) = (c-2)z - ac`, :math:`Q(z) = (1-c)z^2 + acz + bc^2`
(the talk's table gives :math:`P/(-2)` and :math:`Q/4`, whose root is :math:`-2m`, not m). Every (a, b > 0, c > 0)
is a probability law (Favard: positive Jacobi parameters).

Atoms: a pole of G is a real z = cu with :math:`(1-c)u^2 + au + b = 0` and :math:`|u| < \sqrt b` (the principal
branch of h takes values in :math:`|h| < \sqrt b` off the support); its mass is :math:`1/(1 - c h'(z)) =
(b - u^2)/(2b + au)`. With :math:`s = \sqrt{a^2 + 4b(c-1)}`:

* an atom at :math:`x_+ = 2bc/(s - a) > 0` with mass :math:`\frac{(s-a)^2 - 4b}{2s(s-a)}` iff :math:`a < (c-2)\sqrt b`;
* an atom at :math:`x_- = -2bc/(s + a) < 0` with mass :math:`\frac{(s+a)^2 - 4b}{2s(s+a)}` iff :math:`a > (2-c)\sqrt b`.

So there are two atoms iff c > 2 and :math:`|a| < (c-2)\sqrt b`, none iff :math:`|a| \le (2-c)\sqrt b` (c ≤ 2), one
otherwise; at the thresholds the atom reaches the edge :math:`a \pm 2\sqrt b` with mass 0.

R-transform (from :math:`R(G) = z - 1/G = c\,h`): :math:`R(w) = \frac{2bcw}{1 - aw + \sqrt{(1-aw)^2 - 4b(1-c)w^2}}`
:math:`= \frac{c}{1-c}\cdot\frac{1 - aw - \sqrt{(1-aw)^2 - 4b(1-c)w^2}}{2w}` (the talk's table has + before the
root, which makes R(0) infinite). The mean is 0, so there is no S-transform. Special cases: c = 1 is a shifted
free Poisson law (a semicircle when a = 0), a = 0, b = d − 1, c = d/(d−1) is Kesten–McKay(d).

References: Anshelevich (2003), Duke Math. J. 118 (free Meixner polynomials); Bożejko & Bryc (2006), J. Funct.
Anal. 236; Saitoh & Yoshida (2001), Probab. Math. Statist. 21.
"""
from __future__ import annotations

import cmath
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from freecalc._lazy import lazy_module
from freecalc._params import LOCATION, SCALE, Domain, Parameter
from freecalc.laws.extension import FitHints, Kernels, affine_starts, spread_edges
from freecalc.laws.quadratic import QuadraticCoefficients, QuadraticLaw, QuadraticSymbolicFace
from freecalc.laws.wachter import manova_matrix, wishart_matrix
from freecalc.numerics.quadrature import IntervalRule

sp = lazy_module("sympy")
T = lazy_module("freecalc.symbolic.transforms")
QK = lazy_module("freecalc.kernels.quadratic")

_EPS = float(np.finfo(float).eps)

__all__ = ["FreeMeixner", "free_meixner_pdf", "free_meixner_support", "free_meixner_atoms",
           "free_meixner_logpdf", "free_meixner_check"]


@dataclass(frozen=True)
class _RefinedRule(IntervalRule):
    """An :class:`IntervalRule` with extra panel boundaries (in θ) around an interior near-pole of the density."""

    extra: tuple[float, ...] = ()

    def breakpoints(self) -> np.ndarray:
        return np.unique(np.concatenate([super().breakpoints(), np.asarray(self.extra, dtype=float)]))


def _atom_formulas(a: Any, b: Any, c: Any, sqrt: Any) -> tuple[tuple[Any, Any, Any], ...]:
    """(location, mass, (lhs, rhs)) of the two candidate atoms x₊ > 0 and x₋ < 0; each exists iff lhs < rhs.

    Numeric callers must evaluate a candidate only when its condition holds (s may be imaginary, or s ∓ a zero,
    otherwise); :func:`_numeric_atoms` does.
    """
    s = sqrt(a * a + 4 * b * (c - 1))
    plus = (2 * b * c / (s - a), ((s - a) ** 2 - 4 * b) / (2 * s * (s - a)), (a, (c - 2) * sqrt(b)))
    minus = (-2 * b * c / (s + a), ((s + a) ** 2 - 4 * b) / (2 * s * (s + a)), ((2 - c) * sqrt(b), a))
    return plus, minus


def _numeric_atoms(a: float, b: float, c: float) -> tuple[tuple[float, float], ...]:
    """Atoms for float parameters (same formulas as :func:`_atom_formulas`, each evaluated only if it exists)."""
    rb = math.sqrt(b)
    out = []
    if a < (c - 2) * rb:  # then a² + 4b(c − 1) ≥ c²b > 0 and s − a > 0
        s = math.sqrt(a * a + 4 * b * (c - 1))
        out.append((2 * b * c / (s - a), _atom_mass(s - a, b, s)))
    if a > (2 - c) * rb:  # then s + a > 0
        s = math.sqrt(a * a + 4 * b * (c - 1))
        out.append((-2 * b * c / (s + a), _atom_mass(s + a, b, s)))
    return tuple((loc, m) for loc, m in out if m > 0)


def _atom_mass(d: float, b: float, s: float) -> float:
    """Mass (d² − 4b)/(2sd) of an atom, or 0 when it is below the rounding error of that difference.

    At the boundary of an atom's existence (|a| = (c − 2)√b: e.g. a Wachter law with b = 1 mapped to free Meixner
    parameters) d² − 4b cancels, and float parameters leave a spurious atom of mass ~1e-15 sitting on a density edge
    that diverges like |x − x₀|^(−1/2); the sum d² + 4b bounds the rounding error of the difference.
    """
    scale = 2.0 * s * d
    mass = (d * d - 4.0 * b) / scale
    return mass if mass > 16.0 * _EPS * (d * d + 4.0 * b) / scale else 0.0


def free_meixner_support(a: float, b: float, c: float) -> tuple[tuple[float, float], ...]:
    r"""Support :math:`[a - 2\sqrt b,\ a + 2\sqrt b]` of the continuous part (scalar parameters).

    Parameters
    ----------
    a, b, c : float
        Parameters of :class:`FreeMeixner` (b > 0, c > 0).

    Returns
    -------
    tuple of (float, float)
    """
    r = 2 * math.sqrt(b)
    return ((a - r, a + r),)


def free_meixner_atoms(a: float, b: float, c: float) -> tuple[tuple[float, float], ...]:
    """Atoms (location, mass) of :class:`FreeMeixner` (scalar parameters), sorted by location (see the module
    docstring for the closed forms).

    Parameters
    ----------
    a, b, c : float
        Parameters (b > 0, c > 0).

    Returns
    -------
    tuple of (location, mass)
    """
    return tuple(sorted(_numeric_atoms(a, b, c)))


def free_meixner_pdf(x: Any, a: Any, b: Any, c: Any) -> np.ndarray:
    r"""Density :math:`c\sqrt{(x-\lambda_-)(\lambda_+-x)}/(2\pi Q(x))`, :math:`Q(x) = (1-c)x^2 + acx + bc^2`,
    :math:`\lambda_\pm = a \pm 2\sqrt b`, of the continuous part; exactly 0 outside the support.

    The same floating-point operations as the law's own density (the generic quadratic kernel with these
    coefficients), so a likelihood built on it equals the law's bit for bit, without building a law object per
    evaluation (Anshelevich 2003; Bożejko & Bryc 2006).

    Parameters
    ----------
    x : array_like
        Points; broadcasts against the parameters.
    a, b, c : float or ndarray
        Parameters (b > 0, c > 0).

    Returns
    -------
    ndarray
    """
    x = np.asarray(x, dtype=float)
    if isinstance(a, float) and isinstance(b, float) and isinstance(c, float):
        # scalar parameters (every likelihood evaluation): the law's own compiled kernel, no temporaries
        r = 2 * math.sqrt(b)
        q2 = 1.0 - c
        flat = np.ascontiguousarray(x).ravel()
        return QK.quadratic_pdf(flat, b * c * c, a * c, q2, 1.0 - q2, a - r, a + r).reshape(x.shape)
    r = 2 * np.sqrt(b)
    lo, hi = a - r, a + r
    q0, q1, q2 = b * c * c, a * c, 1.0 - c
    inside = (x > lo) & (x < hi)
    with np.errstate(all="ignore"):
        val = (1.0 - q2) * np.sqrt((x - lo) * (hi - x)) / (2.0 * math.pi * (q0 + x * (q1 + q2 * x)))
    return np.where(inside, val, 0.0)


def free_meixner_logpdf(x: Any, a: Any, b: Any, c: Any) -> np.ndarray:
    """log of :func:`free_meixner_pdf` (−inf where the density is 0), with no floating-point warning to silence.

    Parameters
    ----------
    x, a, b, c : array_like
        As for :func:`free_meixner_pdf`.

    Returns
    -------
    ndarray
        log ρ(x), the shape of the broadcast arguments.
    """
    p = free_meixner_pdf(x, a, b, c)
    if p.size and p.min() > 0.0:  # every point inside the support (a likelihood's usual case): a plain log
        return np.log(p)
    out = np.full(p.shape, -np.inf)
    np.log(p, out=out, where=p > 0)
    return out


def free_meixner_check(a: float, b: float, c: float) -> None:
    """Reject what the law's constructor rejects, cheaply for ordinary parameters.

    The constructor refuses non-finite coefficients, a support narrower than 1e-10 of its distance from 0, and a
    zero of Q within round-off (64 ε relative) of a support edge when the density is then unresolvable. Here the
    zeros of Q come from a closed form accurate to ~√ε even at a double zero, and any zero within 1e-6 (relative)
    of an edge — a superset of the constructor's test —, or a support narrower than 1e-8, or a non-finite
    coefficient sends the parameters to the law itself, which applies its exact tests and raises with its own
    message. Every other parameter value passes both.

    Parameters
    ----------
    a, b, c : float
        Parameters.

    Raises
    ------
    ValueError
        Parameters the law rejects.
    """
    r = 2 * math.sqrt(b)
    lo, hi = a - r, a + r
    q0, q1, q2 = b * c * c, a * c, 1.0 - c
    ordinary = (math.isfinite(q0) and math.isfinite(q1) and math.isfinite(lo) and math.isfinite(hi)
                and hi - lo > 1e-8 * max(abs(lo), abs(hi)))
    if ordinary and (q2 != 0 or q1 != 0):
        zeros = _quadratic_zeros(q2, q1, q0) if q2 != 0 else (complex(-q0 / q1),)
        alo, ahi = abs(lo), abs(hi)
        for z in zeros:
            az = abs(z)
            if abs(z - lo) <= 1e-6 * max(az, alo) or abs(z - hi) <= 1e-6 * max(az, ahi):
                ordinary = False
    if not ordinary:
        FreeMeixner(a, b, c)


class FreeMeixnerSymbolicFace(QuadraticSymbolicFace):
    """Closed forms of the free Meixner law (R- and S-transforms, atoms).

    Parameters
    ----------
    law : FreeMeixner
        The law (the face is obtained as ``law.sym``).
    """

    def r_transform(self, w: Any = None) -> sp.Expr:
        """R(w) = 2bcw/(1 − aw + √((1 − aw)² − 4b(1 − c)w²)).

        Parameters
        ----------
        w : sympy.Expr or number

        Returns
        -------
        sympy.Expr
        """
        w = T.w if w is None else w
        a, b, c = self.params["a"], self.params["b"], self.params["c"]
        return 2 * b * c * w / (1 - a * w + sp.sqrt((1 - a * w) ** 2 - 4 * b * (1 - c) * w ** 2))

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
        raise ValueError("the S-transform of a free Meixner law is undefined (its mean is 0)")

    @property
    def atoms(self) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        """Up to two atoms with Piecewise masses; numeric parameters keep only the atoms that exist."""
        a, b, c = self.params["a"], self.params["b"], self.params["c"]
        out = []
        for loc, mass, (lhs, rhs) in _atom_formulas(a, b, c, sp.sqrt):
            cond = sp.Lt(lhs, rhs)
            if cond == sp.false:
                continue
            if cond == sp.true:
                out.append((sp.simplify(loc), sp.simplify(mass)))
            else:
                out.append((loc, sp.Piecewise((mass, cond), (0, True))))
        return tuple(out)


#: Representable range of c. As c → 0 the density c√(4b − (x−a)²)/(2π((1−c)x² + acx + bc²)) becomes a spike of
#: width ~c√b inside the support, which the closed-form cdf and the quadrature rules resolve to ≤ 3e-11 for
#: c ≥ 1e-6 but only to 2e-7 at c = 1e-10 (silently missing mass); for c ≥ 1e50 the closed-form cdf returns NaN
#: (its β = √((α−1)/(α+1)) underflows). (1e-6, 1e15] keeps cdf, moments and quadrature accurate for every b in
#: its domain (checked on a grid of b in [1e-10, 1e100] and a in {0, 1}).
C_DOMAIN = Domain(1e-6, 1e15, lo_closed=False)


class FreeMeixner(QuadraticLaw):
    """Free Meixner law with parameters ``a`` (real), ``b`` > 0, ``c`` > 0: mean 0, variance bc.

    Parameters
    ----------
    a : float
        Jacobi parameter α_k (k ≥ 1): the centre of the support a ± 2√b.
    b : float > 0
        Jacobi parameter β_k² (k ≥ 1): the support has half-width 2√b.
    c : float > 0
        Ratio β_0²/β_1² (variance = bc). c ≤ 1: ⊞-infinitely divisible (free Poisson at c = 1); c > 1: free
        binomial type.
    size : int, optional
        Matrix dimension n.

    Notes
    -----
    Matrix model (:meth:`matrix`):

    * c > 1: with t = c/(c−1), the law is the t-th free power of the two-point law ν = p δ_x + (1−p) δ_y,
      x, y = (a ± s)/2, s = √(a² + 4b(c−1)), p = (s − a)/(2s) (mean 0, Jacobi parameters α₁ = x + y,
      β₀² = −xy). By Nica–Speicher, ν^{⊞t} is t times the n×n compression of a tn×tn Haar-rotated
      diag(x I_{ptn}, y I_{(1−p)tn}); that compression is y I + (x − y) M with M the MANOVA matrix with
      ptn and (1−p)tn degrees of freedom (see :func:`freecalc.laws.wachter.manova_matrix`). Genuine model.
    * c = 1: a shifted Marchenko–Pastur matrix, (b/a)(W/d − I) with W ~ W_n(I, d), d = nb/a² (a ≠ 0), and a
      GOE matrix of radius 2√b when a = 0. Genuine model.
    * c < 1 and |a| > r = 2√(b(1−c)) (this includes every c < 1 law with an atom), rate λ ≤ 8: the law is the
      compound free Poisson law with Lévy measure bc·SC(a, radius r); the model is the Wishart-type matrix
      (1/n) Σ_{j ≤ λn} t_j x_j x_jᵀ − κ I with Gaussian x_j and i.i.d. jumps t_j (see
      :func:`_compound_poisson_model`). Genuine model.
    * otherwise (c < 1 with |a| ≤ r, where that jump law is not integrable, or λ > 8): **no classical ensemble is
      used**; the matrix is the orthogonally invariant :math:`O^T \\mathrm{diag}(q_1..q_n) O` with O Haar and
      q_i the law's quantiles at (i − ½)/n. Its ESD converges to the law, but it is a quantile construction.
    """

    parameters = (
        Parameter("a", "a", LOCATION, typical=(-1.5, 1.5)),
        Parameter("b", "b", SCALE, typical=(0.3, 2.0)),
        Parameter("c", "c", C_DOMAIN, typical=(0.3, 3.0)),
    )
    latex_name = r"\mathrm{FM}"
    symbolic_face_class = FreeMeixnerSymbolicFace
    aliases = ("fm",)
    # (a, b, c) → (sa, s²b, c) is the law of sX: the family carries its own scale (b); the mean is 0, so a
    # location is added
    fit_hints = FitHints(scale_param="b", auto_scale=True, auto_location=True, finite_edge=True, candidate=True)
    # closed-form density for the likelihood: no law object (quadratic solve, edge-pole test) per evaluation
    kernels = Kernels(pdf=free_meixner_pdf, logpdf=free_meixner_logpdf, support=free_meixner_support,
                      atoms=free_meixner_atoms, check=free_meixner_check)

    @classmethod
    def fit_starts(cls, data: Any, with_scale: bool, with_loc: bool) -> list[dict[str, float]]:
        r"""FreeMeixner(a, b, c) has mean 0, variance bc and support a ± 2√b: with the added location at the data's
        mean, the centred data's midrange and half-range give a and b, the variance gives c (also tried: c = 1, the
        free Poisson member, and c = 2).

        Parameters
        ----------
        data : DataSummary
            Sorted data.
        with_scale, with_loc : bool
            Include an added ``scale`` (1) / ``loc`` (the mean).

        Returns
        -------
        list of dict
        """
        x = data.x
        mu = float(np.mean(x)) if with_loc else 0.0
        y = x - mu
        var = float(np.mean(y * y))
        lo, hi = spread_edges(y, 0.01)
        a = 0.5 * (lo + hi)
        b = (0.25 * (hi - lo)) ** 2
        if not (b > 0 and var > 0):
            return []
        return affine_starts([{"a": a, "b": b, "c": c} for c in (var / b, 1.0, 2.0)], with_scale, with_loc, loc=mu)

    def _coefficients(self, p: Mapping[str, Any]) -> QuadraticCoefficients:
        a, b, c = p["a"], p["b"], p["c"]
        return QuadraticCoefficients(p0=-a * c, p1=c - 2, q0=b * c * c, q1=a * c, q2=1 - c)

    def _edges_formula(self, p: Mapping[str, Any], sqrt: Any) -> tuple[Any, Any]:
        r = 2 * sqrt(p["b"])
        return p["a"] - r, p["a"] + r

    def _interval_rule(self, a: float, b: float, panels: int = 64, order: int = 16) -> IntervalRule:
        # For c < 1 the zeros of Q can be a complex pair close to the support's interior (as c → 0 the law tends
        # to δ₀ through a Lorentzian-like peak of width ~c at 0): refine the θ-panels geometrically around it.
        rule = super()._interval_rule(a, b, panels, order)
        q2, q1, q0 = 1.0 - self.c, self.a * self.c, self.b * self.c * self.c
        disc = q1 * q1 - 4 * q2 * q0
        if q2 == 0 or disc >= 0:
            return rule
        pole = complex(-q1, math.sqrt(-disc)) / (2 * q2)
        ctr, half = 0.5 * (a + b), 0.5 * (b - a)
        theta = cmath.acos((ctr - pole) / half)
        t0, eps = theta.real, abs(theta.imag)
        step = math.pi / panels
        if not (0 < t0 < math.pi) or eps >= step:
            return rule
        extra, r = [t0], 0.5 * eps
        while r < step:
            extra += [t0 - r, t0 + r]
            r *= 2.0
        extra = [t for t in extra if 0 < t < math.pi]
        return _RefinedRule(rule.a, rule.b, rule.panels, rule.order, rule.grading, extra=tuple(extra))

    def _numeric_atoms(self, *args: Any) -> tuple[tuple[float, float], ...]:
        # exact closed forms instead of the generic residue at zeros of Q (which divides by Q' = 0 when Q has a
        # double zero, a² = 4b(1 − c))
        return _numeric_atoms(self.a, self.b, self.c)

    def _atoms(self) -> tuple[tuple[float, float], ...]:
        return _numeric_atoms(self.a, self.b, self.c)

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        # Closed form: with x = m − h cos θ (support a ± 2√b = m ± h) and 1/Q(x) = Σ_k r_k/(x − z_k) over the
        # zeros z_k of Q (complex when c < 1 and a² < 4b(1 − c)), the continuous part up to x is
        # c h/(2π) Re Σ_k r_k F(α_k, θ), α_k = (m − z_k)/h (see _f_complex). A zero of Q just outside an edge (near
        # the atom threshold a = ±(2 − c)√b, where Q(edge) = 0) puts much of the mass within a few |α_k ∓ 1| of
        # that edge, so α_k ∓ 1 = (edge − z_k)/h is taken from Q(edge), known in closed form, not from the
        # difference of nearby numbers (which lost 5.6e-9 of the mass at a = b = c = 0.99999). Near a double zero
        # of Q the partial fractions cancel, so the generic quadrature cdf is used there.
        a, b, c = self.a, self.b, self.c
        lo, hi = self.support[0]
        m, h = 0.5 * (lo + hi), 0.5 * (hi - lo)
        # θ from the distance to the nearer edge (arccos((m − x)/h) loses the digits of x − lo there, where a
        # pole near the edge makes the cdf steep)
        d_lo, d_hi = np.clip((x - lo) / (2 * h), 0.0, 1.0), np.clip((hi - x) / (2 * h), 0.0, 1.0)
        theta = np.where(d_lo <= d_hi, 2 * np.arcsin(np.sqrt(d_lo)), math.pi - 2 * np.arcsin(np.sqrt(d_hi)))
        q2, q1, q0 = 1.0 - c, a * c, b * c * c
        # Q(a ∓ 2√b) = (a ∓ (2 − c)√b)², exactly (expand Q at the edges)
        q_edges = ((a - (2.0 - c) * math.sqrt(b)) ** 2, (a + (2.0 - c) * math.sqrt(b)) ** 2)
        if q2 != 0:
            z1, z2 = _quadratic_zeros(q2, q1, q0)
            if abs(z1 - z2) < 1e-3 * h:
                return np.clip(super()._cdf(x), 0.0, 1.0)
            r = 1.0 / (q2 * (z1 - z2))
            f1 = _f_complex(*_edge_offsets(z1, z2, q2, (lo, hi), q_edges, h), theta)
            f2 = _f_complex(*_edge_offsets(z2, z1, q2, (lo, hi), q_edges, h), theta)
            total = (r * (f1 - f2)).real
        elif q1 != 0:
            # Q = q1 (x − z) with z = −q0/q1: edge − z = Q(edge)/q1
            total = (_f_complex(q_edges[0] / (q1 * h), q_edges[1] / (q1 * h), theta) / q1).real
        else:  # c = 1, a = 0: the semicircle, Q = b
            total = h * (0.5 * theta - 0.25 * np.sin(2 * theta)) / q0
        # the continuous part lies in [0, continuous mass]: the clip removes round-off only
        cont = np.clip(c * h / (2 * math.pi) * total, 0.0, self.continuous_mass)
        out = np.where(x <= lo, 0.0, np.where(x >= hi, self.continuous_mass, cont))
        for loc, mass in self.atoms:
            out = out + np.where(x >= loc, mass, 0.0)
        return out

    def _matrix(self, n: int, rng: np.random.Generator) -> np.ndarray:
        a, b, c = self.a, self.b, self.c
        if c > 1:
            t = c / (c - 1)
            s = math.sqrt(a * a + 4 * b * (c - 1))
            x, y = 0.5 * (a + s), 0.5 * (a - s)
            p = (s - a) / (2 * s)
            d1, d2 = p * t * n, (1 - p) * t * n
            if d1 < n and d2 < n and round(d1) + round(d2) <= n:
                d2 = n + 1 - round(d1)  # keep the pencil invertible after rounding the ranks (n tiny)
            M = manova_matrix(n, d1, d2, rng)
            return t * (y * np.eye(n) + (x - y) * M)
        if c == 1:
            if a == 0:
                g = rng.standard_normal((n, n))
                return math.sqrt(b) * (g + g.T) / math.sqrt(2.0 * n)  # semicircle of variance b
            d = n * b / (a * a)
            W = wishart_matrix(n, d, rng)
            return (b / a) * (W / max(1, round(d)) if d < n else W / d) - (b / a) * np.eye(n)
        model = _compound_poisson_model(a, b, c)
        if model is not None:
            return _compound_poisson_matrix(n, *model, rng)
        # c < 1 with the Lévy measure's semicircle covering (or too close to) 0: quantile construction
        q = self.ppf((np.arange(n) + 0.5) / n)
        g = rng.standard_normal((n, n))
        O, r = np.linalg.qr(g)
        O = O * np.sign(np.diag(r))  # Haar (Mezzadri's sign fix)
        return (O * q) @ O.T


def _quadratic_zeros(q2: float, q1: float, q0: float) -> tuple[complex, complex]:
    """The zeros of q2 z² + q1 z + q0 (q2 ≠ 0) without cancellation: the larger from the formula, the other from
    the product q0/q2 (as c → 1 one zero runs off to ∞ and the textbook formula loses the other's digits)."""
    s = cmath.sqrt(q1 * q1 - 4 * q2 * q0)
    if (s.conjugate() * q1).real < 0:
        s = -s
    big = -(q1 + s) / (2 * q2)
    if big == 0:  # q1 = q0 = 0
        return 0j, 0j
    return big, q0 / (q2 * big)


def _edge_offsets(z: complex, other: complex, q2: float, edges: tuple[float, float],
                  q_edges: tuple[float, float], h: float) -> tuple[complex, complex]:
    r"""(α − 1, α + 1) = ((lo − z)/h, (hi − z)/h) for a zero z of Q = q2 (x − z)(x − other), to full relative precision.

    At each edge e the nearer of the two zeros gets e − z = Q(e)/(q2 (e − other)) (Q(e) is exact, e − other is
    not a small difference); the farther one is subtracted directly.
    """
    out = []
    for e, qe in zip(edges, q_edges):
        d, d_other = e - z, e - other
        if abs(d) < abs(d_other):
            d = qe / (q2 * d_other)
        out.append(complex(d) / h)
    return out[0], out[1]


def _f_complex(alpha_m1: complex, alpha_p1: complex, theta: np.ndarray) -> np.ndarray:
    r""":math:`F(\alpha, \theta) = \int_0^\theta \sin^2 t/(\alpha - \cos t)\,dt` for complex α off [−1, 1], θ ∈ [0, π],
    from α − 1 and α + 1 (each to full relative precision: a pole near an edge makes F depend on α ∓ 1 itself).

    :math:`\sin^2 t/(\alpha - \cos t) = \alpha + \cos t + (1 - \alpha^2)/(\alpha - \cos t)` and, with u = tan(t/2),
    :math:`F = \alpha\theta + \sin\theta - 2\gamma\arctan(T/\beta)`, T = tan(θ/2),
    :math:`\beta = \sqrt{(\alpha-1)/(\alpha+1)}` with Re β ≥ 0, γ = (α + 1)β = √(α² − 1); the ray T/β (T ≥ 0)
    never meets arctan's cuts. For large |α| the terms αθ and 2γ arctan(T/β) are both ≈ αθ while F ≈ (θ/2 −
    sin 2θ/4)/α, so the cancellation-free form
    :math:`F = \theta/(\alpha + \gamma) + \sin\theta + 2\gamma\arctan\frac{(\beta - 1)\sin(\theta/2)\cos(\theta/2)}
    {\beta\cos^2(\theta/2) + \sin^2(\theta/2)}` is used: α − γ = 1/(α + γ) with |α + γ| ≥ 1, arctan T − arctan(T/β)
    by the subtraction rule (its real part stays in (−π/2, π/2), so no cut is crossed), and
    β − 1 = −2/((α + 1)(β + 1)). The γ-term vanishes continuously at α = ±1 (a pole at an edge).
    """
    am1, ap1 = complex(alpha_m1), complex(alpha_p1)
    alpha = 1.0 + am1 if abs(am1) <= abs(ap1) else ap1 - 1.0
    if am1 == 0 or ap1 == 0:
        return alpha * theta + np.sin(theta) + 0j
    beta = cmath.sqrt(am1 / ap1)
    if beta.real < 0:
        beta = -beta
    gamma = ap1 * beta
    sh, ch = np.sin(0.5 * theta), np.cos(0.5 * theta)
    w = (-2.0 / (ap1 * (beta + 1.0))) * sh * ch / (beta * ch * ch + sh * sh)
    return theta / (alpha + gamma) + np.sin(theta) + 2.0 * gamma * np.arctan(w)


#: largest rate λ = N/n for which the compound free Poisson model is used (its cost is λn³ flops)
_MAX_RATE = 8.0


def _compound_poisson_model(a: float, b: float, c: float) -> tuple[float, float, float, float] | None:
    r"""Parameters (λ, κ, |a|, r) of the compound free Poisson model of FreeMeixner(a, b, c < 1), or None.

    For c < 1, :math:`R(w) = w\int d\rho(x)/(1 - xw)` with the Lévy measure
    :math:`\rho = bc\cdot\mathrm{SC}(a, \text{radius } r = 2\sqrt{b(1-c)})` (solve :math:`G_\rho(\zeta) = R(1/\zeta)`).
    A compound free Poisson law with rate λ and jump law ν has :math:`R(w) = \lambda\int t/(1 - tw)\,d\nu(t)
    = \lambda\int t\,d\nu + w\int \lambda t^2 d\nu(t)/(1 - tw)`, so :math:`\lambda t^2 \nu(dt) = \rho(dt)` and a
    shift :math:`-\kappa = -\int \rho(dx)/x`. This needs 0 outside the support of ρ (|a| > r):
    :math:`\lambda = bc\,E[X^{-2}] = \frac{2bc}{r^2}\left(\frac{|a|}{\sqrt{a^2 - r^2}} - 1\right)`,
    :math:`\kappa = \mathrm{sgn}(a)\,\frac{2bc}{r^2}\left(|a| - \sqrt{a^2 - r^2}\right)` (semicircle Stieltjes transform
    and its derivative at 0).
    """
    r = 2.0 * math.sqrt(b * (1.0 - c))
    A = abs(a)
    if A <= r:
        return None
    root = math.sqrt(A * A - r * r)
    lam = 2 * b * c / (r * r) * (A / root - 1.0)
    if not lam <= _MAX_RATE:
        return None
    kappa = math.copysign(2 * b * c / (r * r) * (A - root), a)
    return lam, kappa, A, r


def _compound_poisson_matrix(n: int, lam: float, kappa: float, A: float, r: float, rng: np.random.Generator
                             ) -> np.ndarray:
    r""":math:`\frac1n\sum_{j\le N} t_j x_j x_j^T - \kappa I`, x_j ~ N(0, I_n), N = round(λn), t_j i.i.d. ~ ν.

    ν has density ∝ SC(x)/x² on sgn(a)·[|a| − r, |a| + r]; it is sampled by inverting its cdf tabulated on a fine
    θ-grid (x = |a| − r cos θ, where the density is ∝ sin²θ/x² dθ). When λ < 1 the sum has rank N < n, which
    produces the law's atom at −κ with mass 1 − λ.
    """
    N = max(1, int(round(lam * n)))
    theta = np.linspace(0.0, np.pi, 20001)
    x = A - r * np.cos(theta)
    dens = np.sin(theta) ** 2 / x ** 2
    cdf = np.concatenate(([0.0], np.cumsum(0.5 * (dens[1:] + dens[:-1]) * np.diff(theta))))
    t = np.interp(rng.random(N), cdf / cdf[-1], x) * math.copysign(1.0, kappa)
    X = rng.standard_normal((n, N))
    M = (X * t) @ X.T / n - kappa * np.eye(n)
    return 0.5 * (M + M.T)
