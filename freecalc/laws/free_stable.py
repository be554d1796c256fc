r"""The free (strictly) stable laws FreeStable(α, β, σ) of Bercovici and Pata.

Parametrisation. With :math:`R(G(z)) + 1/G(z) = z`,

.. math:: R(w) = -i\,\sigma^\alpha\big(1 + i\beta\tan\tfrac{\pi\alpha}{2}\big)\,(iw)^{\alpha-1}
          \qquad(\Im w < 0,\ \text{principal power}),

α ∈ (0, 2], β ∈ [−1, 1], σ > 0, α ≠ 1 unless β = 0 (α = 1 with β ≠ 0 is not strictly stable: its R carries a
:math:`\log w` term). β > 0 means right-skewed: the density decays as
:math:`\rho(x) \sim C_\pm|x|^{-1-\alpha}`, :math:`C_\pm = (1 \pm \beta)\,\sigma^\alpha\sin(\pi\alpha/2)/\pi`, as
x → ±∞. Special cases: α = 1, β = 0 is the Cauchy law :math:`\sigma/(\pi(\sigma^2 + x^2))`,
:math:`G(z) = 1/(z + i\sigma)`; α = 2 is the semicircle of variance σ² (R(w) = σ²w); α = ½, β = 1 is the free
Lévy law :math:`\rho(x) = \sqrt{\sigma(2x - \sigma)}/(\pi x^2)` on :math:`[\sigma/2, \infty)` (the law of
:math:`2\sigma/S^2` for S standard semicircular).

σ is a scale: :math:`\lambda\cdot\mathrm{FreeStable}(\alpha, \beta, \sigma) = \mathrm{FreeStable}(\alpha, \beta,
\lambda\sigma)` for λ > 0, and −X has −β. R-transforms of equal α add, so
:math:`X^{\boxplus 2} = 2^{1/\alpha} X`, and :math:`\mathrm{FreeStable}(\alpha, \beta_1, \sigma_1) \boxplus
\mathrm{FreeStable}(\alpha, \beta_2, \sigma_2) = \mathrm{FreeStable}(\alpha, \beta, \sigma)` with
:math:`\sigma^\alpha = \sigma_1^\alpha + \sigma_2^\alpha`, :math:`\beta\sigma^\alpha = \beta_1\sigma_1^\alpha +
\beta_2\sigma_2^\alpha`.

Relation to the classical laws: the Bercovici–Pata bijection maps the classical strictly stable law
:math:`S_\alpha(s, \beta, 0)` (characteristic function :math:`\exp(-s^\alpha|t|^\alpha(1 - i\beta\,\mathrm{sign}(t)
\tan\frac{\pi\alpha}{2}))`, Samorodnitsky–Taqqu; ``scipy.stats.levy_stable(alpha, beta, scale=s)``) to
FreeStable(α, β, σ) with :math:`\sigma = \Gamma(\alpha + 1)^{1/\alpha} s`: both have the Lévy measure
:math:`C_\pm|x|^{-1-\alpha}dx`. In the notation of Hasebe & Kuznetsov (2014) the law has
:math:`\varphi(u) = R(1/u) = -b\,u^{1-\alpha}`, :math:`b = \sigma^\alpha e^{i\pi\alpha/2}(1 + i\beta\tan
\frac{\pi\alpha}{2})`, and :math:`P(X > 0) = \arg b/(\pi\alpha)` (their ρ).

Support: the whole line, except when β = ±1 and α ≠ 1: then a half-line with a finite edge on the side of the
light tail (β = 1: [e, ∞) with e > 0 for α < 1, e < 0 for α > 1; e = r₀α/(1 − α),
:math:`r_0 = (|b|\,|1-\alpha|)^{1/\alpha}`); α = 2: [−2σ, 2σ]. Moments: :math:`E|X|^k < \infty` iff k < α (or
α = 2): :meth:`FreeStable.moment` returns ``inf`` for every order k ≥ α (the moment does not exist; also for odd k
of a symmetric law), so ``mean()`` is ``inf`` for α ≤ 1 and 0 for α > 1, ``var()`` is ``inf`` for α < 2. Free
cumulants do not exist for α < 2 (R is not analytic at 0): ``free_cumulants`` raises.

Numerics (:mod:`freecalc.kernels.free_stable`): the density, cdf and quantiles in closed form along the polar
parametrisation of the boundary of F(ℂ⁺); m(z) off the axis by Newton on the subordination equation.

References: H. Bercovici, V. Pata, *Stable laws and domains of attraction in free probability theory*, Ann. Math.
149 (1999) 1023 (appendix by P. Biane); T. Hasebe, A. Kuznetsov, *On free stable distributions*, Electron. Commun.
Probab. 19 (2014) 56; N. Demni, *Kanter random variable and positive free stable distributions*, Electron.
Commun. Probab. 16 (2011) 137.
"""
from __future__ import annotations

import math
from functools import cached_property
from typing import Any

import numpy as np
from numpy.polynomial.legendre import leggauss

from freecalc._lazy import lazy_module
from freecalc._params import SCALE, Domain, Parameter, is_symbolic_value
from freecalc.kernels import free_stable as K
from freecalc.laws.base import Law, SymbolicFace
from freecalc.laws.extension import FitHints, Kernels
from freecalc.laws.free_stable_axis import boundary_stieltjes, taylor_above_axis
from freecalc.laws.free_stable_axis import locate as _locate
from freecalc.numerics.solvers import SolverStatus, handle_failures

sp = lazy_module("sympy")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["FreeStable", "free_stable_pdf", "free_stable_support", "free_stable_check", "ALPHA_MIN"]

#: With β ≠ 0, indices closer to 1 than this are refused (see :func:`free_stable_check`).
_ALPHA_GAP = 1e-5

#: Smallest index accepted: below it the 1e-6 quantiles exceed ~1e120 σ (P(X > x) ≈ (σ/x)^α), and the quadrature
#: nodes and the tails used by the generic checks and operations leave the double range.
ALPHA_MIN = 0.05

_ALPHA = Parameter("alpha", r"\alpha", Domain(ALPHA_MIN, 2.0), typical=(0.4, 1.9))
_BETA = Parameter("beta", r"\beta", Domain(-1.0, 1.0), typical=(-0.8, 0.8), default=0.0)
_SCALE = Parameter("scale", r"\sigma", SCALE, typical=(0.5, 2.0), default=1.0)

# Quadrature in the curve angle t ∈ (0, π/2] per side: the mass density in t is analytic, but functions of x
# such as 1/(x − z) behave like t^{1/α} at t = 0, hence panels graded geometrically towards 0.
_PANELS = 48
_ORDER = 16


def free_stable_check(alpha: float, beta: float, scale: float) -> None:
    """Reject α = 1 with β ≠ 0 (not strictly stable), and β ≠ 0 with 0 < |α − 1| < 1e-5 (not representable).

    As α → 1 with β ≠ 0 the law moves off to ≈ −2βσ/(π(α − 1)) while its width stays ≈ σ: within 1e-5 of α = 1
    double precision no longer resolves it (its cdf stops being monotone at |α − 1| ≈ 3e-6).

    Parameters
    ----------
    alpha, beta, scale : float

    Raises
    ------
    ValueError
        Naming alpha and beta.
    """
    if alpha == 1.0 and beta != 0.0:
        raise ValueError(f"FreeStable: alpha = 1 with beta = {beta!r} != 0 is not strictly stable (its R-transform "
                         f"has a log w term); use beta = 0 (the Cauchy law) or alpha != 1")
    if beta != 0.0 and 0.0 < abs(alpha - 1.0) < _ALPHA_GAP:
        raise ValueError(f"FreeStable: alpha = {alpha!r} within {_ALPHA_GAP:g} of 1 with beta = {beta!r} != 0 is out "
                         f"of reach of double precision (the law sits near -2*beta*scale/(pi*(alpha - 1)) with width "
                         f"~scale); use |alpha - 1| >= {_ALPHA_GAP:g} or beta = 0")


def free_stable_support(alpha: float, beta: float, scale: float) -> tuple[tuple[float, float], ...]:
    """Support: the line, a half-line (β = ±1, α ≠ 1) or [−2σ, 2σ] (α = 2).

    Parameters
    ----------
    alpha, beta, scale : float

    Returns
    -------
    tuple of (float, float)
    """
    return ((-K.edge(K.side_constants(alpha, -beta, scale)), K.edge(K.side_constants(alpha, beta, scale))),)


def free_stable_pdf(x: Any, alpha: float, beta: float, scale: float) -> np.ndarray:
    r"""Density :math:`\sin\theta/(\pi r)` at the point of the boundary curve over x (0 off the support).

    Parameters
    ----------
    x : array_like
    alpha, beta, scale : float
        Scalar parameters.

    Returns
    -------
    ndarray
    """
    xa = np.asarray(x, dtype=float)
    flat = xa.reshape(-1)
    plus, minus = K.side_constants(alpha, beta, scale), K.side_constants(alpha, -beta, scale)
    side, t, conv = _locate(flat, plus, minus)
    out = np.zeros(flat.shape)
    for sgn, s in ((1, plus), (-1, minus)):
        sel = side == sgn
        if np.any(sel):
            with np.errstate(over="ignore"):
                out[sel] = np.sin(t[sel]) / (math.pi * K.r_of_t(t[sel], s))
    handle_failures(SolverStatus.from_flags(conv), f"density of FreeStable({alpha}, {beta}, {scale}) "
                    f"(angle of the boundary curve)", points=flat, stacklevel=4)
    return np.where(conv, out, np.nan).reshape(xa.shape)


class FreeStableSymbolicFace(SymbolicFace):
    """The R-transform in closed form; m(z) and the density in closed form for α = 1, α = 2 and (α, |β|) = (½, 1).

    Parameters
    ----------
    law : FreeStable
        The law (the face is obtained as ``law.sym``).
    """

    def _abs(self) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
        return self.params["alpha"], self.params["beta"], self.params["scale"]

    def r_transform(self, w: Any = None) -> sp.Expr:
        r"""R(w) = −iσ^α(1 + iβ tan(πα/2))(iw)^{α−1} for Im w < 0, and its reflection
        iσ^α(1 − iβ tan(πα/2))(−iw)^{α−1} = conj R(w̄) for Im w > 0 (a Piecewise in Im w; R is not analytic
        across the real axis unless α = 2).

        Parameters
        ----------
        w : sympy.Expr or number

        Returns
        -------
        sympy.Expr
        """
        w = T.w if w is None else w
        a, b, s = self._abs()
        t = sp.Integer(0) if a == 1 else sp.tan(sp.pi * a / 2)
        lower = -sp.I * s ** a * (1 + sp.I * b * t) * (sp.I * w) ** (a - 1)
        upper = sp.I * s ** a * (1 - sp.I * b * t) * (-sp.I * w) ** (a - 1)
        if a == 2:
            return sp.expand(lower)
        return sp.Piecewise((lower, sp.im(w) < 0), (upper, True))

    def _half_case(self) -> sp.Expr | None:
        a, b, s = self._abs()
        if a == sp.Rational(1, 2) and b in (1, -1):
            return sp.sqrt(2 * s)
        return None

    def stieltjes(self, z: Any = None) -> sp.Expr:
        """m(z) for Im z > 0: −1/(z + iσ) (α = 1); the semicircle (α = 2); −4/(ia + √(4z − a²))² (α = ½, β = 1,
        a = √(2σ)) and −4/(a + √(a² + 4z))² (α = ½, β = −1).

        Parameters
        ----------
        z : sympy.Expr or number

        Returns
        -------
        sympy.Expr

        Raises
        ------
        NotImplementedError
            For the other laws of the family (m solves u − b u^{1−α} = z, u = −1/m, a transcendental equation).
        """
        z = T.z if z is None else z
        a, b, s = self._abs()
        if a == 1:
            return -1 / (z + sp.I * s)
        if a == 2:
            return (-z + sp.sqrt(z - 2 * s) * sp.sqrt(z + 2 * s)) / (2 * s ** 2)
        half = self._half_case()
        if half is not None:
            if b == 1:
                return -4 / (sp.I * half + sp.sqrt(4 * z - half ** 2)) ** 2
            return -4 / (half + sp.sqrt(half ** 2 + 4 * z)) ** 2
        raise self._unsupported("Stieltjes transform for these parameters (a root of u - b u^(1-alpha) = z)")

    def density(self, x: Any = None) -> sp.Expr:
        """Density for α = 1, α = 2 and (α, |β|) = (½, 1) (a Piecewise off a half-line).

        Parameters
        ----------
        x : sympy.Expr or number

        Returns
        -------
        sympy.Expr

        Raises
        ------
        NotImplementedError
            For the other laws of the family (their densities are series, Hasebe & Kuznetsov 2014).
        """
        x = T.x if x is None else x
        a, b, s = self._abs()
        if a == 1:
            return s / (sp.pi * (s ** 2 + x ** 2))
        if a == 2:
            return sp.Piecewise((sp.sqrt(4 * s ** 2 - x ** 2) / (2 * sp.pi * s ** 2), sp.Abs(x) < 2 * s), (0, True))
        if self._half_case() is not None:
            y = b * x
            return sp.Piecewise((sp.sqrt(s * (2 * y - s)) / (sp.pi * y ** 2), y > s / 2), (0, True))
        raise self._unsupported("density for these parameters")

    @property
    def support(self) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        a, b, s = self._abs()
        if a == 2:
            return ((-2 * s, 2 * s),)
        if self._half_case() is not None:
            return ((s / 2, sp.oo),) if b == 1 else ((-sp.oo, -s / 2),)
        if b in (1, -1) and a != 1:
            raise self._unsupported("closed-form edge for these parameters (numeric: law.support)")
        return ((-sp.oo, sp.oo),)

    def _moment_list(self, K_: int) -> list[sp.Expr]:
        a, _, s = self._abs()
        if a == 2:
            return [sp.catalan(k // 2) * s ** k if k % 2 == 0 else sp.Integer(0) for k in range(1, K_ + 1)]
        # E|X|^k = ∞ for k ≥ α: oo, as the numeric face's inf; the mean of α > 1 is 0 (strict stability)
        return [sp.Integer(0) if k < a else sp.oo for k in range(1, K_ + 1)]

    def free_cumulants(self, K_: int) -> list[sp.Expr]:
        """κ₁ = 0, κ₂ = σ² and 0 beyond for α = 2.

        Parameters
        ----------
        K_ : int

        Returns
        -------
        list of sympy.Expr

        Raises
        ------
        ValueError
            For α < 2: R is not analytic at 0, the free cumulants do not exist.
        """
        a, _, s = self._abs()
        if a != 2:
            raise ValueError(f"free cumulants of {self.law!r} do not exist: R(w) ~ w^(alpha-1) is not analytic at "
                             f"w = 0 for alpha < 2")
        return [s ** 2 if k == 2 else sp.Integer(0) for k in range(1, K_ + 1)]


class FreeStable(Law):
    r"""Free strictly stable law: :math:`R(w) = -i\sigma^\alpha(1 + i\beta\tan(\pi\alpha/2))(iw)^{\alpha-1}`.

    Parameters
    ----------
    alpha : float in [0.05, 2]
        Stability index (tails :math:`|x|^{-1-\alpha}`); α = 2 is the semicircle of variance σ².
    beta : float in [−1, 1]
        Skewness (β > 0: heavier right tail); must be 0 when α = 1 (the Cauchy law) and when 0 < |α − 1| < 1e-5.
    scale : float > 0
        σ (α = 1: the Cauchy scale; α = 2: the standard deviation).
    size : int, optional
        Matrix dimension n.

    Raises
    ------
    ValueError
        A parameter outside its domain, α = 1 with β ≠ 0, or β ≠ 0 with 0 < |α − 1| < 1e-5.

    Notes
    -----
    The module docstring states the parametrisation, its relation to the classical stable laws and the support.
    No matrix model is provided (heavy-tailed Wigner matrices converge to other laws, Ben Arous & Guionnet 2008).
    """

    parameters = (_ALPHA, _BETA, _SCALE)
    latex_name = r"\mathrm{FreeStable}"
    symbolic_face_class = FreeStableSymbolicFace
    aliases = ("freestable",)
    kernels = Kernels(pdf=free_stable_pdf, support=free_stable_support, check=free_stable_check)
    fit_hints = FitHints(scale_param="scale", auto_location=True)

    @classmethod
    def fit_starts(cls, data: Any, with_scale: bool, with_loc: bool) -> list[dict[str, float]]:
        """Quartile matches (moments do not exist): for α ∈ {0.7, 1.2, 1.7} and β = 0, the scale from the
        interquartile range and the location from the median.

        Parameters
        ----------
        data : DataSummary
            Sorted data ``data.x``.
        with_scale, with_loc : bool
            Include an added ``scale`` (never: σ is the law's own scale) / ``loc``.

        Returns
        -------
        list of dict
        """
        q1, q2, q3 = np.quantile(np.asarray(data.x, dtype=float), [0.25, 0.5, 0.75])
        out = []
        for a in (1.2, 0.7, 1.7):
            l1, l2, l3 = cls(a, 0.0, 1.0).ppf(np.array([0.25, 0.5, 0.75]))
            s = max(float(q3 - q1), 1e-12 * max(1.0, abs(float(q2)))) / float(l3 - l1)
            start = {"alpha": a, "beta": 0.0, "scale": s}
            if with_loc:
                start["loc"] = float(q2) - s * float(l2)
            out.append(start)
        return out

    def _check_params(self) -> None:
        a, b = self.alpha, self.beta
        if is_symbolic_value(a) or is_symbolic_value(b):
            return
        free_stable_check(float(a), float(b), 1.0)

    # -- constants ---------------------------------------------------------------------------------------------
    @cached_property
    def _sides(self) -> tuple[K.Side, K.Side]:
        a, b, s = float(self.alpha), float(self.beta), float(self.scale)
        return K.side_constants(a, b, s), K.side_constants(a, -b, s)

    @property
    def _b(self) -> complex:
        p = self._sides[0]
        return p.c * complex(p.c_psi, p.s_psi)

    @property
    def tail_exponent(self) -> float:
        """1 + α: the density decays as C|x|^{−1−α} (inf for α = 2, whose support is compact)."""
        self._require_numeric("tail_exponent")
        return math.inf if self.alpha == 2 else 1.0 + float(self.alpha)

    @property
    def tail_constants(self) -> tuple[float, float]:
        r"""(C₋, C₊) with :math:`\rho(x) \sim C_\pm|x|^{-1-\alpha}` as x → ±∞:
        :math:`C_\pm = (1 \pm \beta)\sigma^\alpha\sin(\pi\alpha/2)/\pi` (0 for α = 2 and on a finite side).

        Returns
        -------
        (float, float)
        """
        self._require_numeric("tail_constants")
        a, b, s = float(self.alpha), float(self.beta), float(self.scale)
        base = 0.0 if a == 2 else s ** a * math.sin(0.5 * math.pi * a) / math.pi
        return (1 - b) * base, (1 + b) * base

    @property
    def positivity(self) -> float:
        r"""P(X > 0) = arg b/(πα) (Zolotarev's ρ: ½ + arctan(β tan(πα/2))/(πα)).

        Returns
        -------
        float
        """
        self._require_numeric("positivity")
        p = self._sides[0]
        return math.atan2(p.s_psi, p.c_psi) / (math.pi * float(self.alpha))

    # -- numeric face --------------------------------------------------------------------------------------------
    def _support(self) -> tuple[tuple[float, float], ...]:
        plus, minus = self._sides
        return ((-K.edge(minus), K.edge(plus)),)

    def _pdf(self, x: np.ndarray) -> np.ndarray:
        return free_stable_pdf(x, float(self.alpha), float(self.beta), float(self.scale))

    def _tails(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(cdf, sf), each from the half of the curve where it is the small one (full relative accuracy)."""
        plus, minus = self._sides
        side, t, conv = _locate(x, plus, minus)
        handle_failures(SolverStatus.from_flags(conv), f"cdf of {self!r} (angle of the boundary curve)", points=x,
                        stacklevel=5)
        cdf = np.where(x >= self.support[0][1], 1.0, 0.0)
        sf = 1.0 - cdf
        right, left = side == 1, side == -1
        sf[right] = K.mass_of_t(t[right], plus)
        cdf[right] = 1.0 - sf[right]
        cdf[left] = K.mass_of_t(t[left], minus)
        sf[left] = 1.0 - cdf[left]
        bad = ~conv
        cdf[bad] = sf[bad] = np.nan
        return cdf, sf

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        return self._tails(x)[0]

    def sf(self, x: Any) -> Any:
        """Survival function P(X > x), accurate to full relative precision in the right tail.

        Parameters
        ----------
        x : float or array_like

        Returns
        -------
        float or ndarray
        """
        self._require_numeric("sf")
        xa = np.asarray(x, dtype=float)
        out = self._tails(xa.reshape(-1))[1].reshape(xa.shape)
        return out[()] if np.ndim(x) == 0 else out

    def _ppf(self, q: np.ndarray) -> np.ndarray:
        plus, minus = self._sides
        lo, hi = self.support[0]
        half = float(K.mass_of_t(np.array([K.HALF]), minus)[0])  # cdf at the junction of the two halves
        out = np.full(q.shape, np.nan)
        out[q <= 0] = lo
        out[q >= 1] = hi
        left = (q > 0) & (q <= half)
        right = (q > half) & (q < 1)
        conv = np.ones(q.shape, dtype=bool)
        if np.any(left):
            t, conv[left] = K.t_of_mass(q[left], minus)
            with np.errstate(over="ignore"):
                out[left] = -K.x_of_t(t, minus)
        if np.any(right):
            t, conv[right] = K.t_of_mass(1.0 - q[right], plus)
            with np.errstate(over="ignore"):
                out[right] = K.x_of_t(t, plus)
        handle_failures(SolverStatus.from_flags(conv), f"quantiles of {self!r}", points=q, stacklevel=5)
        # an angle 0 is the end of its half: the edge, or ±inf on an unbounded side
        out[left & ~np.isfinite(out)] = lo
        out[right & ~np.isfinite(out)] = hi
        return np.where(conv, out, np.nan)

    def isf(self, q: Any) -> Any:
        """Inverse survival function: the x with P(X > x) = q (full relative accuracy in the right tail).

        Parameters
        ----------
        q : float or array_like
            Probabilities in [0, 1].

        Returns
        -------
        float or ndarray
        """
        self._require_numeric("isf")
        qa = np.asarray(q, dtype=float).reshape(-1)
        plus, minus = self._sides
        top = float(K.mass_of_t(np.array([K.HALF]), plus)[0])
        small = (qa < top) & (qa > 0)
        out = np.asarray(self.ppf(1.0 - qa), dtype=float).reshape(-1)
        if np.any(small):
            t, conv = K.t_of_mass(qa[small], plus)
            with np.errstate(over="ignore"):
                out[small] = np.where(conv, K.x_of_t(t, plus), np.nan)
        out = out.reshape(np.shape(q))
        return out[()] if np.ndim(q) == 0 else out

    def _stieltjes(self, z: np.ndarray) -> np.ndarray:
        plus, minus = self._sides
        out = np.empty(z.shape, dtype=complex)
        scale = float(self.scale)
        # closer to the axis than 1e-6 of the point's size, m(z) is its boundary value plus a second-order Taylor
        # step (the continuation from above loses Im m there: round-off 1e-16|m| against Im m ~ y/x² far out)
        axis = z.imag <= 1e-6 * (np.abs(z.real) + scale)
        conv = np.ones(z.shape, dtype=bool)
        if np.any(axis):
            m, c1 = boundary_stieltjes(z.real[axis], plus, minus)
            # the continuation from above loses Im m ~ y/x² far out (module freecalc.laws.free_stable_axis)
            out[axis], lin = taylor_above_axis(m, z.imag[axis], float(self.alpha), self._b)
            conv[axis] = c1
            axis[np.flatnonzero(axis)[~lin]] = False
        off = ~axis
        if np.any(off):
            u, c2 = K.solve_upper(z[off], float(self.alpha), self._b)
            out[off], conv[off] = -1.0 / u, c2
        handle_failures(SolverStatus.from_flags(conv), f"Stieltjes transform of {self!r} (u - b u^(1-alpha) = z)",
                        points=z, stacklevel=5)
        return np.where(conv, out, np.nan)

    def continuous_rule(self, panels: int = _PANELS, order: int = _ORDER) -> tuple[np.ndarray, np.ndarray]:
        """Nodes and weights in the curve angle t on each half (graded towards the tails and edges).

        Parameters
        ----------
        panels : int
            Panels per half: [π/2^{k+2}, π/2^{k+1}] for k < panels − 1 and [0, π/2^{panels}].
        order : int
            Gauss–Legendre nodes per panel.

        Returns
        -------
        xs, ws : ndarray
            Σ ws g(xs) ≈ E g(X); the weights sum to 1 to round-off (the mass density in t is analytic).
        """
        g, gw = leggauss(order)
        ends = K.HALF * 0.5 ** np.arange(panels)
        ends = np.append(ends, 0.0)[::-1]
        a, b = ends[:-1, None], ends[1:, None]
        t = (0.5 * (b - a) * (g + 1) + a).ravel()
        wt = (0.5 * (b - a) * gw).ravel()
        plus, minus = self._sides
        with np.errstate(over="ignore"):
            xs = np.concatenate([-K.x_of_t(t, minus), K.x_of_t(t, plus)])
        ws = np.concatenate([wt * K.mass_density_of_t(t, minus), wt * K.mass_density_of_t(t, plus)])
        keep = np.isfinite(xs)  # nodes beyond the double range carry ~1e-300 of mass
        return xs[keep], ws[keep]

    def _moment(self, k: int) -> float:
        a, s = float(self.alpha), float(self.scale)
        if a == 2:
            return 0.0 if k % 2 else math.comb(k, k // 2) / (k // 2 + 1) * s ** k
        return 0.0 if k < a else math.inf

    def free_cumulants(self, K_: int) -> np.ndarray:
        """Free cumulants κ₁..κ_K: (0, σ², 0, ...) for α = 2.

        Parameters
        ----------
        K_ : int

        Returns
        -------
        ndarray

        Raises
        ------
        ValueError
            For α < 2: R(w) ~ w^{α−1} is not analytic at 0, the free cumulants do not exist.
        """
        self._require_numeric("free_cumulants")
        if float(self.alpha) != 2:
            raise ValueError(f"free cumulants of {self!r} do not exist: R(w) ~ w^(alpha-1) is not analytic at w = 0 "
                             f"(alpha = {float(self.alpha)!r} < 2; moments of order >= alpha are infinite)")
        out = np.zeros(int(K_))
        if K_ >= 2:
            out[1] = float(self.scale) ** 2
        return out

    def _r_transform(self, w: np.ndarray) -> np.ndarray:
        # R(w) = φ(1/w) = −b (1/w)^{1−α} for Im w ≤ 0 (then 1/w lies in the closed upper half plane); R(w̄) = conj R(w)
        upper = w.imag > 0
        wl = np.where(upper, np.conj(w), w)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = -self._b * (1.0 / wl) ** (1.0 - float(self.alpha))
        return np.where(upper, np.conj(out), out)
