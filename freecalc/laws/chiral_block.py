r"""The chiral block law: spectrum of a bipartite block matrix with constant diagonal blocks.

``ChiralBlock(alpha, beta, c)`` is the limiting spectral law, as N = n + p → ∞ with n/p → c, of

.. math:: H = \begin{pmatrix} \alpha I_n & B \\ B^T & \beta I_p \end{pmatrix}, \qquad B = p^{-1/2} X,

X an n × p matrix of independent standard Gaussians (the adjacency-type matrix of a random bipartite graph with
"twisted" on-site energies α and β; α = β = 0 is the chiral, i.e. symmetric-spectrum, case).

Reduction to the free Poisson law. For an eigenvector (u, v), :math:`(\lambda - \alpha)u = Bv` and
:math:`(\lambda - \beta)v = B^Tu` give :math:`(\lambda - \alpha)(\lambda - \beta)\,v = B^TB\,v`: every eigenvalue
t > 0 of :math:`B^TB`, whose law is the free Poisson law :math:`\pi_c` of rate c (support
:math:`t_\pm = (1 \pm \sqrt c)^2`, atom 1 − c at 0 when c < 1), gives the two eigenvalues

.. math:: \lambda_\pm(t) = \tfrac{\alpha + \beta}{2} \pm \sqrt{\big(\tfrac{\alpha - \beta}{2}\big)^2 + t},

and the |n − p| excess dimensions give an atom |c − 1|/(1 + c) at α (c > 1) or at β (c < 1). The Schur complements
of the resolvent give, with s = z − α, u = z − β and t = su,

.. math:: m(z) = \frac{(s + u)\, m_{\pi_c}(t) - (c - 1)/s}{1 + c}, \qquad
          t\,m_{\pi_c}^2 + (t - c + 1)\,m_{\pi_c} + 1 = 0,

and eliminating :math:`m_{\pi_c}` (birational, then dividing out the factor s) the curve

.. math:: (1 + c)^2 su\, m^2 + (1 + c)\big(su(s + u) + (1 - c)(s - u)\big)\, m
          + s^2 + c\,u^2 + (1 + c)\,su - (c - 1)^2 = 0,

quadratic in m, of degree 3 in z. Density :math:`\rho(x) = |2x - \alpha - \beta|\,\rho_{\pi_c}(t(x))/(1 + c)` on
the two intervals where :math:`t(x) = (x - \alpha)(x - \beta) \in [t_-, t_+]`; mean :math:`(c\alpha + \beta)/(1 + c)`.
At c = 1 the inner edges α and β carry inverse square-root singularities (:math:`\rho_{\pi_1}(t) \sim
t^{-1/2}/\pi`); for α = β, c = 1 the two intervals join into the semicircle of radius 2 centred at α,
:math:`\rho(x) = \sqrt{4 - (x - \alpha)^2}/(2\pi)`.

Numerics: the Stieltjes transform, density, cdf, atoms, support and quadrature rule are evaluated through the
formulas above (the free Poisson part in a form without cancellation next to t = 0); the curve is kept for the
exact moments, the symbolic face and the polynomial route of the free operations.

References: Marchenko & Pastur (1967), Math. USSR Sb. 1 (the law of :math:`B^TB`); Nica & Speicher (2006),
*Lectures on the Combinatorics of Free Probability*, Lecture 12 (free Poisson law); freealg's
``ChiralBlock`` distribution (the same model and parametrisation).
"""
from __future__ import annotations

import math
from functools import cached_property
from typing import Any

import numpy as np

from freecalc._lazy import lazy_module
from freecalc._params import Domain, Parameter, is_symbolic_value
from freecalc.laws.algebraic import AlgebraicLaw, AlgebraicSymbolicFace
from freecalc.laws.algebraic_numeric import NumericState, numeric_state
from freecalc.laws.base import Law, exact_value
from freecalc.laws.free_poisson import FreePoisson

sp = lazy_module("sympy")
A = lazy_module("freecalc.symbolic.algebraic")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["ChiralBlock", "ChiralBlockSymbolicFace", "chiral_block_equation"]

#: largest |α| and |β|: for |α − β| large the two intervals have width ~ 4√c/|α − β| at a distance |α − β|/2 from
#: the centre (at α = −β = 1e3, c = 1e-3: 6e-5 wide, their edges exact to ~2e-10 of that width); the invariants of
#: the property suite hold up to |α|, |β| = 1e5, kept here with a factor 100 in hand
LOC_MAX = 1e3
#: ratio range: the invariants hold for c in [1e-5, 1e5]; at c = 1e-8 (a continuous part of mass 2e-8) the numeric
#: R-transform near 0 (Newton inversion of m) misses the mean by 6e-8. Kept with a factor 100 in hand
C_MIN, C_MAX = 1e-3, 1e3


def chiral_block_equation(alpha: Any, beta: Any, c: Any, m: Any = None, z: Any = None) -> sp.Expr:
    r"""The polynomial :math:`P(m, z)` of the chiral block law (module docstring).

    .. math:: (1 + c)^2 su\, m^2 + (1 + c)\big(su(s + u) + (1 - c)(s - u)\big)\, m
              + s^2 + c\,u^2 + (1 + c)\,su - (c - 1)^2, \qquad s = z - \alpha,\ u = z - \beta.

    Parameters
    ----------
    alpha, beta : number or sympy.Expr
        Diagonal values of the two blocks (a float enters as its exact rational).
    c : number or sympy.Expr
        Ratio n/p of the block sizes (> 0).
    m, z : sympy.Symbol, optional
        The Stieltjes-transform variable and the spectral variable (default: ``freecalc.symbolic.transforms.m``
        and ``z``).

    Returns
    -------
    sympy.Expr
    """
    m = T.m if m is None else m
    z = T.z if z is None else z
    a, b, cc = exact_value(alpha), exact_value(beta), exact_value(c)
    s, u = z - a, z - b
    return sp.expand((1 + cc) ** 2 * s * u * m ** 2 + (1 + cc) * (s * u * (s + u) + (1 - cc) * (s - u)) * m
                     + s ** 2 + cc * u ** 2 + (1 + cc) * s * u - (cc - 1) ** 2)


def _free_poisson_continuous_m(t: np.ndarray, c: float) -> np.ndarray:
    r"""Stieltjes transform of the continuous part of :math:`\pi_c` at t with Im t ≥ 0 (boundary value from above).

    With :math:`R = \sqrt{t - t_-}\sqrt{t - t_+}` (principal roots, R ~ t at ∞) the branch is
    :math:`m = (R - (t - c + 1))/(2t)`, and the continuous part adds back the atom :math:`(1 - c)/t` for c < 1.
    Rationalised (:math:`R^2 - (t - c + 1)^2 = -4t`, :math:`R^2 - (t + c - 1)^2 = -4ct`) the numerators'
    cancellation next to t = 0 disappears: :math:`-2/(R + t - c + 1)` for c ≥ 1 and :math:`-2c/(R + t + c - 1)`
    for c < 1.
    """
    r = math.sqrt(c)
    R = np.sqrt(t - (1.0 - r) ** 2) * np.sqrt(t - (1.0 + r) ** 2)
    if c >= 1.0:
        return -2.0 / (R + t - c + 1.0)
    return -2.0 * c / (R + t + c - 1.0)


class ChiralBlockSymbolicFace(AlgebraicSymbolicFace):
    """Closed forms of the chiral block law: Stieltjes transform and density (module docstring); the R- and
    S-transforms in closed form only when their equations are at most quadratic.

    Parameters
    ----------
    law : ChiralBlock
        The law (the face is obtained as ``law.sym``).
    """

    def stieltjes(self, z: Any = None) -> sp.Expr:
        r"""m(z) = ((z − α + z − β) m_π(t) − (c − 1)/(z − α))/(1 + c), t = (z − α)(z − β).

        :math:`m_\pi(t) = (R - (t - c + 1))/(2t)` with :math:`R = \sqrt{t - t_-}\sqrt{t - t_+}` (principal roots:
        R is analytic off :math:`[t_-, t_+]` and ~ t at ∞), the free Poisson transform of rate c.

        Parameters
        ----------
        z : sympy.Expr or number
            The point (a symbol by default).

        Returns
        -------
        sympy.Expr
        """
        z = T.z if z is None else z
        a, b, c = self.params["alpha"], self.params["beta"], self.params["c"]
        t = (z - a) * (z - b)
        R = sp.sqrt(t - (1 - sp.sqrt(c)) ** 2) * sp.sqrt(t - (1 + sp.sqrt(c)) ** 2)
        return ((2 * z - a - b) * (R - (t - c + 1)) / (2 * t) - (c - 1) / (z - a)) / (1 + c)

    def density(self, x: Any = None) -> sp.Expr:
        r""":math:`|2x - \alpha - \beta|\,\sqrt{(t_+ - t)(t - t_-)}/(2\pi(1 + c)t)` for :math:`t = (x - \alpha)(x - \beta)`
        in :math:`(t_-, t_+)`, else 0 (for α = β, c = 1 the semicircle of radius 2 around α).

        Parameters
        ----------
        x : sympy.Expr or number
            The point (a symbol by default).

        Returns
        -------
        sympy.Expr
        """
        x = T.x if x is None else x
        a, b, c = self.params["alpha"], self.params["beta"], self.params["c"]
        if sp.simplify(a - b) == 0 and sp.simplify(c - 1) == 0:
            return sp.Piecewise((sp.sqrt(4 - (x - a) ** 2) / (2 * sp.pi), sp.Abs(x - a) < 2), (0, True))
        t = (x - a) * (x - b)
        lo, hi = (1 - sp.sqrt(c)) ** 2, (1 + sp.sqrt(c)) ** 2
        rho = sp.Abs(2 * x - a - b) * sp.sqrt((hi - t) * (t - lo)) / (2 * sp.pi * (1 + c) * t)
        return sp.Piecewise((rho, sp.And(t > lo, t < hi)), (0, True))

    def r_transform(self, w: Any = None) -> sp.Expr:
        """R(w) in closed form when its equation ``sym.r_equation`` is at most quadratic in R (α = β, c = 1: the
        semicircle of radius 2 around α); in general it is cubic, and picking its branch analytic at 0 in radicals
        is not attempted.

        Parameters
        ----------
        w : sympy.Expr or number
            The point (a symbol by default).

        Returns
        -------
        sympy.Expr

        Raises
        ------
        NotImplementedError
            When the R-equation is of degree 3 or more in R (use ``sym.r_equation`` or the numeric
            ``law.r_transform``).
        """
        self._low_degree(self.r_equation(A.R_SYM, T.w), A.R_SYM, "R")
        return super().r_transform(w)

    def s_transform(self, w: Any = None) -> sp.Expr:
        """S(w) in closed form when its equation ``sym.s_equation`` is at most quadratic in S; in general it is
        of degree 3 or 4, and picking its branch analytic at 0 in radicals is not attempted.

        Parameters
        ----------
        w : sympy.Expr or number
            The point (a symbol by default).

        Returns
        -------
        sympy.Expr

        Raises
        ------
        NotImplementedError
            When the S-equation is of degree 3 or more in S (use ``sym.s_equation`` or the numeric
            ``law.s_transform``).
        """
        self._low_degree(self.s_equation(A.S_SYM, T.w), A.S_SYM, "S")
        return super().s_transform(w)

    def _low_degree(self, eq: sp.Expr, unknown: sp.Symbol, name: str) -> None:
        # sympy's radicals of a cubic or quartic with these coefficients are large and the branch test at 0 takes
        # tens of seconds (and fails) for every parameter point: refused at once instead
        degree = sp.Poly(eq, unknown).degree()
        if degree > 2:
            raise NotImplementedError(f"no closed-form {name}-transform is offered for {self.law!r}: its equation "
                                      f"sym.{name.lower()}_equation is of degree {degree} in {name}; use it or the "
                                      f"numeric law.{name.lower()}_transform")


class ChiralBlock(AlgebraicLaw):
    r"""Chiral block law: spectrum of :math:`\begin{pmatrix}\alpha I_n & B\\ B^T & \beta I_p\end{pmatrix}`,
    :math:`B = p^{-1/2}X`, n/p → c.

    Parameters
    ----------
    alpha, beta : float in [-1000, 1000] or sympy.Expr
        Diagonal values of the n × n and the p × p block.
    c : float in [0.001, 1000] or sympy.Expr
        Ratio n/p of the block sizes.
    size : int, optional
        Matrix dimension N = n + p.

    Raises
    ------
    ValueError
        A parameter outside its domain or NaN (the message names it, its value and the domain).
    TypeError
        A parameter that is not a real number or a sympy expression.

    Notes
    -----
    Two intervals :math:`\{x : (1 - \sqrt c)^2 \le (x - \alpha)(x - \beta) \le (1 + \sqrt c)^2\}` (one when
    α = β and c = 1), an atom :math:`|c - 1|/(1 + c)` at α (c > 1) or β (c < 1). Each eigenvalue t of
    :math:`B^TB` (free Poisson law of rate c) gives the two eigenvalues
    :math:`(\alpha + \beta)/2 \pm \sqrt{((\alpha - \beta)/2)^2 + t}` of H. Matrix model as above with
    p = round(N/(1 + c)).
    """

    parameters = (
        Parameter("alpha", r"\alpha", Domain(-LOC_MAX, LOC_MAX), typical=(-1.0, 1.0)),
        Parameter("beta", r"\beta", Domain(-LOC_MAX, LOC_MAX), typical=(0.0, 2.0)),
        Parameter("c", "c", Domain(C_MIN, C_MAX), typical=(0.5, 2.5)),
    )
    latex_name = r"\mathrm{CB}"
    symbolic_face_class = ChiralBlockSymbolicFace
    aliases = ("chiralblock",)

    def __init__(self, *args: Any, size: Any = None, **kwargs: Any) -> None:
        Law.__init__(self, *args, size=size, **kwargs)
        alpha, beta, c = self._exact
        self._set("_P", A.stieltjes_factor(chiral_block_equation(alpha, beta, c), T.m, T.z))
        self._set("_hint", None)

    @property
    def is_symbolic(self) -> bool:
        """Whether any parameter is symbolic."""
        return any(is_symbolic_value(v) for v in self._values)

    def replace(self, **changes: Any) -> Law:
        """A new law with ``alpha``, ``beta``, ``c`` or ``size`` changed.

        Parameters
        ----------
        **changes
            ``alpha``, ``beta``, ``c`` and/or ``size``.

        Returns
        -------
        ChiralBlock
        """
        return Law.replace(self, **changes)

    def __repr__(self) -> str:
        return Law.__repr__(self)

    def _latex(self, printer: Any = None) -> str:
        return Law._latex(self, printer)

    @cached_property
    def _numeric(self) -> NumericState:
        # the generic state (used by the R- and S-transforms and the curve's moments) with the closed-form atom:
        # its residue test cannot tell a mass |c - 1|/(1 + c) ~ 5e-6 from 0 on the inverse-square-root edge where
        # the atom sits (c -> 1), and raised ArithmeticError (found by the thorough property run)
        self._require_numeric("the numeric face")
        alpha, beta, c = self._exact
        known = {sp.sympify(alpha): 0, sp.sympify(beta): 0}
        if c != 1:
            known[sp.sympify(alpha if c > 1 else beta)] = abs(sp.sympify(c) - 1) / (1 + sp.sympify(c))
        return numeric_state(self._P, self._hint, atoms=known)

    # -- closed forms through the free Poisson law of B^T B -------------------------------------------------------
    @cached_property
    def _fp(self) -> FreePoisson:
        return FreePoisson(float(self.c))

    def _atoms(self) -> tuple[tuple[float, float], ...]:
        c = float(self.c)
        if c == 1.0:
            return ()
        return ((float(self.alpha) if c > 1.0 else float(self.beta), abs(c - 1.0) / (1.0 + c)),)

    def _support(self) -> tuple[tuple[float, float], ...]:
        a, b, c = float(self.alpha), float(self.beta), float(self.c)
        mid, d = 0.5 * (a + b), 0.5 * abs(a - b)
        r = math.sqrt(c)
        # λ(t) − mid = ±√(d² + t), at t₋ and t₊ (hypot: correctly rounded, no overflow of d²)
        inner, outer = math.hypot(d, abs(1.0 - r)), math.hypot(d, 1.0 + r)
        if inner == 0.0:  # α = β, c = 1: the intervals meet at α
            return ((mid - outer, mid + outer),)
        return ((mid - outer, mid - inner), (mid + inner, mid + outer))

    def _stieltjes(self, z: np.ndarray) -> np.ndarray:
        a, b, c = float(self.alpha), float(self.beta), float(self.c)
        z = np.asarray(z, dtype=complex)
        if a == b and c == 1.0:
            # the semicircle of radius 2 around α ((s + u) m_π(t) is 0·∞ at z = α, the centre of its support):
            # (√(y − 2)√(y + 2) − y)/2 rationalised, without cancellation at large |y|
            y = z - a
            return -2.0 / (np.sqrt(y - 2.0) * np.sqrt(y + 2.0) + y)
        s, u = z - a, z - b
        t = s * u
        # Im t = Im z · Re(s + u): for z above the axis, and for boundary values m(x + i0), t is below the axis
        # (or approaches it from below) where Re(s + u) < 0; there m_π(t) = conj m_π(conj t)
        lower = (s + u).real < 0.0
        tu = t.real + 1j * np.abs(t.imag)
        with np.errstate(divide="ignore", invalid="ignore"):
            mt = _free_poisson_continuous_m(tu, c)
            mt = np.where(lower, np.conj(mt), mt)
            out = (s + u) * mt
            for loc, w in self._atoms():
                out = out - w * (1.0 + c) / (z - loc)
        return out / (1.0 + c)

    def _pdf(self, x: np.ndarray) -> np.ndarray:
        a, b, c = float(self.alpha), float(self.beta), float(self.c)
        if a == b and c == 1.0:
            # the joined case: |2(x − α)| ρ_{π₁}((x − α)²)/2 is the semicircle of radius 2 (finite at x = α, where
            # the general form below is 0/0)
            y = np.clip(x - a, -2.0, 2.0)
            return np.sqrt((2.0 - y) * (2.0 + y)) / (2.0 * math.pi)
        r = math.sqrt(c)
        lo, hi = (1.0 - r) ** 2, (1.0 + r) ** 2
        t = (x - a) * (x - b)
        inside = (t > lo) & (t < hi)
        tt = np.where(inside, t, 0.5 * (lo + hi))
        # |dt/dx| = |2x − α − β| on each of the two branches
        rho = np.abs((x - a) + (x - b)) * np.sqrt((hi - tt) * (tt - lo)) / (2.0 * math.pi * (1.0 + c) * tt)
        return np.where(inside, rho, 0.0)

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        # the lower branch λ₋(t) decreases in t, the upper one increases; each carries the continuous part of π_c
        # with weight 1/(1 + c)
        a, b, c = float(self.alpha), float(self.beta), float(self.c)
        fp = self._fp
        t = (x - a) * (x - b)
        w0 = max(0.0, 1.0 - c)  # atom of π_c at 0
        cont = np.asarray(fp.cdf(t), dtype=float) - w0 * (t >= 0.0)
        cont = np.clip(cont, 0.0, min(c, 1.0))
        upper = (x - a) + (x - b) >= 0.0
        out = np.where(upper, min(c, 1.0) + cont, min(c, 1.0) - cont) / (1.0 + c)
        for loc, w in self._atoms():
            out = out + w * (x >= loc)
        return out

    def continuous_rule(self, panels: int = 64, order: int = 16) -> tuple[np.ndarray, np.ndarray]:
        r"""Quadrature rule of the continuous part: the free Poisson rule in t mapped to both branches.

        :math:`\int f\,\rho\,dx = \frac{1}{1 + c}\int \big(f(\lambda_+(t)) + f(\lambda_-(t))\big)\,d\pi_c^{ac}(t)`.

        Parameters
        ----------
        panels, order : int
            Accuracy hints passed to the free Poisson rule.

        Returns
        -------
        x, w : numpy.ndarray
            Nodes and weights (the weights sum to the continuous mass 2 min(c, 1)/(1 + c)).
        """
        a, b, c = float(self.alpha), float(self.beta), float(self.c)
        tn, wn = self._fp.continuous_rule(panels, order)
        mid, d = 0.5 * (a + b), 0.5 * abs(a - b)
        root = np.hypot(d, np.sqrt(np.maximum(tn, 0.0)))
        w = wn / (1.0 + c)
        return np.concatenate((mid - root, mid + root)), np.concatenate((w, w))

    def _matrix(self, n: int, rng: np.random.Generator) -> np.ndarray:
        a, b, c = float(self.alpha), float(self.beta), float(self.c)
        if n < 2:
            raise ValueError(f"ChiralBlock.matrix needs n >= 2 (one row per block), got n = {n}")
        p = min(max(int(round(n / (1.0 + c))), 1), n - 1)
        q = n - p
        H = np.zeros((n, n))
        H[:q, :q] = a * np.eye(q)
        H[q:, q:] = b * np.eye(p)
        B = rng.standard_normal((q, p)) / math.sqrt(p)
        H[:q, q:] = B
        H[q:, :q] = B.T
        return H
