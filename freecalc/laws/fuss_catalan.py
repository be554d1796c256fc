r"""The Fuss–Catalan law of order s (squared singular values of a product of s Ginibre matrices).

Moments are the Fuss–Catalan numbers :math:`M_k = \binom{(s+1)k}{k}/(sk+1)`, whose generating function
:math:`B(t) = \sum_k M_k t^k` solves :math:`B = 1 + tB^{s+1}` (a (s+1)-ary tree is a root with s + 1 subtrees).
With :math:`m(z) = -\sum_k M_k z^{-k-1} = -B(1/z)/z`, i.e. :math:`B(1/z) = -zm`:

.. math:: -zm = 1 + z^{-1}(-zm)^{s+1}
          \quad\Longleftrightarrow\quad (-1)^{s+1} z^s m^{s+1} + zm + 1 = 0,

a polynomial equation of degree s + 1 in m (s = 1: :math:`zm^2 + zm + 1 = 0`, Marchenko–Pastur with c = 1).
Support :math:`[0, (s+1)^{s+1}/s^s]`, no atoms, density :math:`\sim x^{-s/(s+1)}` at 0. The S-transform is
:math:`S(w) = (1 + w)^{-s}`: the law is :math:`\mathrm{MP}(1)^{\boxtimes s}`.

References: Penson & Życzkowski (2011), Phys. Rev. E 83, 061118 (product of Ginibre matrices, explicit densities);
Banica, Belinschi, Capitaine & Collins (2011), Canad. J. Math. 63 (free Bessel laws).
"""
from __future__ import annotations

import math
from functools import cached_property
from typing import Any, Callable, NamedTuple

import numpy as np

from freecalc._lazy import lazy_module
from freecalc._params import Domain, Parameter, is_symbolic_value
from freecalc.laws.algebraic import AlgebraicLaw
from freecalc.laws.base import Law

sp = lazy_module("sympy")
A = lazy_module("freecalc.symbolic.algebraic")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["FussCatalan", "fuss_catalan_equation"]

#: largest order: the equation has degree s + 1 in m and s in z; beyond this the exact edge and atom analysis of
#: the discriminant (degree ~ s² in z) gets slow, and products of more factors are rarely wanted
S_MAX = 12


#: below this x the density comes from the rescaled equation (the continuation from x + iY needs |m| moderate)
_SMALL_X = 1e-3


def _small_x_pdf(x: np.ndarray, s: int) -> np.ndarray:
    r"""Density at small x > 0 from the roots of the rescaled equation.

    With :math:`m = x^{-s/(s+1)} y` and :math:`\varepsilon = x^{1/(s+1)}` the equation becomes
    :math:`(-1)^{s+1}y^{s+1} + \varepsilon y + 1 = 0`; at ε = 0 its roots are the (s+1)-th roots of :math:`(-1)^s`,
    :math:`2\sin(\pi/(s+1))` apart, and the boundary value of the Stieltjes branch is the one at
    :math:`\omega = e^{i\pi s/(s+1)}` (density :math:`\sin(\pi/(s+1))\,x^{-s/(s+1)}/\pi` at leading order). A root
    moves by about ε/(s+1) ≤ 0.6/(s+1) for x ≤ 10⁻³: less than half the separation, so the nearest root is the branch.
    """
    eps = x ** (1.0 / (s + 1))
    # companion matrices of y^{s+1} + (−1)^{s+1}(ε y + 1) (monic form of the rescaled equation)
    sign = (-1.0) ** (s + 1)
    comp = np.zeros((x.size, s + 1, s + 1))
    comp[:, 1:, :-1] = np.eye(s)
    comp[:, 0, -1] = -sign            # constant term
    if s >= 1:
        comp[:, 1, -1] = -sign * eps  # coefficient of y
    roots = np.linalg.eigvals(comp)
    omega = np.exp(1j * np.pi * s / (s + 1))
    pick = roots[np.arange(x.size), np.argmin(np.abs(roots - omega), axis=1)]
    return np.maximum(pick.imag, 0.0) * x ** (-s / (s + 1.0)) / np.pi


class _PieceTable(NamedTuple):
    """A density integrated in a variable t ∈ [0, 1] (x = x(t)): nodes, weights and the antiderivative per panel."""

    x: np.ndarray
    w: np.ndarray
    edges: np.ndarray
    anti: np.ndarray
    before: np.ndarray
    total: float

    @staticmethod
    def build(pdf: Callable[[np.ndarray], np.ndarray], xmap: Callable[[np.ndarray], np.ndarray],
              jac: Callable[[np.ndarray], np.ndarray], panels: int = 32, order: int = 16,
              graded: bool = False) -> _PieceTable:
        t, wt = np.polynomial.legendre.leggauss(order)
        inv_vander = np.linalg.inv(np.polynomial.legendre.legvander(t, order - 1))
        edges = np.linspace(0.0, 1.0, panels + 1)
        if graded:
            # panels halving towards t = 0: ρ dx is analytic in t there, but integrands of the rule such as
            # log ρ (entropy) keep a log t singularity, which uniform panels resolve to only ~1e-4
            # (FussCatalan(2): 0.322656 against the exact 0.3224760); down to 2^-40 it is ~1e-11
            edges = np.concatenate(([0.0], 2.0 ** -np.arange(40.0, 5.0, -1.0), edges[edges >= 2.0 ** -5]))
        d = np.diff(edges)
        tt = edges[:-1, None] + 0.5 * d[:, None] * (t[None, :] + 1.0)
        xn = xmap(tt)
        g = pdf(xn.ravel()).reshape(xn.shape) * jac(tt)
        # Legendre coefficients of each panel's interpolant, integrated from the panel's left end
        anti = np.polynomial.legendre.legint(g @ inv_vander.T, lbnd=-1, axis=1) * (0.5 * d[:, None])
        totals = 0.5 * d * (g @ wt)
        before = np.concatenate(([0.0], np.cumsum(totals)))
        w = (0.5 * d[:, None] * wt[None, :]) * g
        return _PieceTable(xn.ravel(), w.ravel(), edges, anti, before, float(before[-1]))

    def integral(self, t: np.ndarray) -> np.ndarray:
        """∫₀ᵗ ρ(x(τ)) x'(τ) dτ for t ∈ [0, 1]."""
        k = np.clip(np.searchsorted(self.edges, t, side="right") - 1, 0, len(self.edges) - 2)
        tloc = 2.0 * (t - self.edges[k]) / (self.edges[k + 1] - self.edges[k]) - 1.0
        return self.before[k] + np.polynomial.legendre.legval(tloc, self.anti[k].T, tensor=False)


def fuss_catalan_equation(s: int, m: Any = None, z: Any = None) -> sp.Expr:
    r"""The polynomial :math:`(-1)^{s+1} z^s m^{s+1} + zm + 1` whose Stieltjes branch is the Fuss–Catalan law.

    Parameters
    ----------
    s : int ≥ 1
        Order.
    m, z : sympy.Symbol, optional
        The Stieltjes-transform variable and the spectral variable.

    Returns
    -------
    sympy.Expr
    """
    m = T.m if m is None else m
    z = T.z if z is None else z
    return (-1) ** (s + 1) * z ** s * m ** (s + 1) + z * m + 1


class FussCatalan(AlgebraicLaw):
    r"""Fuss–Catalan law of order ``s``: moments :math:`\binom{(s+1)k}{k}/(sk+1)`.

    Parameters
    ----------
    s : int, 1 ≤ s ≤ 12
        Order (s = 1 is ``MarchenkoPastur(1)``).
    size : int, optional
        Matrix dimension n.

    Raises
    ------
    ValueError
        If s is not an integer in [1, 12].
    TypeError
        If s is symbolic (the degree of the equation depends on it).

    Notes
    -----
    Matrix model: :math:`W = G G^T` with :math:`G = n^{-s/2} G_1 \cdots G_s`, :math:`G_i` independent n×n real
    Gaussian (Ginibre) matrices.
    """

    parameters = (Parameter("s", "s", Domain(1.0, float(S_MAX), integer=True), typical=(1.0, 4.0)),)
    latex_name = r"\mathrm{FC}"
    aliases = ("fusscatalan",)

    def __init__(self, *args: Any, size: Any = None, **kwargs: Any) -> None:
        Law.__init__(self, *args, size=size, **kwargs)
        s = self._values[0]
        if is_symbolic_value(s):
            raise TypeError(f"FussCatalan needs a numeric parameter 's' (an integer in [1, {S_MAX}]: the degree of "
                            f"its equation), got {s!r}")
        # the canonical form of AlgebraicLaw (sign and content normalised), so equal curves compare equal
        self._set("_P", A.stieltjes_factor(fuss_catalan_equation(int(s)), T.m, T.z))
        self._set("_hint", None)

    @property
    def is_symbolic(self) -> bool:
        """False: the order is always a number."""
        return False

    def replace(self, **changes: Any) -> Law:
        """A new law with ``s`` or ``size`` changed.

        Parameters
        ----------
        **changes
            ``s`` and/or ``size``.

        Returns
        -------
        FussCatalan
        """
        return Law.replace(self, **changes)

    def __repr__(self) -> str:
        return Law.__repr__(self)

    def _latex(self, printer: Any = None) -> str:
        return Law._latex(self, printer)

    # -- density near 0 and quadrature ---------------------------------------------------------------------------
    def _pdf(self, x: np.ndarray) -> np.ndarray:
        # Near 0 the branch continuation from x + iY cannot follow |m| ~ x^{-s/(s+1)} down to tiny x; there the
        # boundary value is the root of the rescaled equation picked by its asymptotic (see _small_x_pdf).
        small = (x > 0) & (x < _SMALL_X)
        out = AlgebraicLaw._pdf(self, np.where(small, 1.0, x))
        if np.any(small):
            out[small] = _small_x_pdf(x[small], int(self.s))
        return out

    def _s_transform(self, w: np.ndarray) -> np.ndarray:
        # MP(1)^{⊠s}: S = (1 + w)^{-s}; the Newton inversion of ψ would stop at the real end ψ(1/L) of its domain
        return (1.0 + w) ** (-int(self.s)) + 0j

    @cached_property
    def _tables(self) -> tuple[_PieceTable, _PieceTable]:
        s = int(self.s)
        L = self.support[0][1]
        xs = 0.5 * L
        # [0, L/2]: x = xs u^{s+1} makes ρ dx analytic in u (ρ ~ x^{-s/(s+1)}); [L/2, L]: x = L − (L − xs) v²
        # makes the square-root edge analytic in v
        left = _PieceTable.build(self._pdf, lambda u: xs * u ** (s + 1), lambda u: xs * (s + 1) * u ** s, graded=True)
        right = _PieceTable.build(self._pdf, lambda v: L - (L - xs) * v * v, lambda v: 2 * (L - xs) * v)
        return left, right

    def continuous_rule(self, panels: int = 64, order: int = 16) -> tuple[np.ndarray, np.ndarray]:
        r"""Gauss–Legendre rule weighted by the density, in the variables that make it analytic.

        On :math:`[0, L/2]` the substitution :math:`x = (L/2)u^{s+1}` absorbs the :math:`x^{-s/(s+1)}` singularity,
        on :math:`[L/2, L]` the substitution :math:`x = L - (L/2)v^2` the square-root edge.

        Parameters
        ----------
        panels, order : int
            Ignored (the rule has 32 panels of 16 points per piece, the left one also halving towards 0 down to
            2^-40, accurate to rounding).

        Returns
        -------
        x, w : numpy.ndarray
            Nodes and weights (the weights sum to 1).
        """
        left, right = self._tables
        return np.concatenate((left.x, right.x)), np.concatenate((left.w, right.w))

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        s = int(self.s)
        L = self.support[0][1]
        xs = 0.5 * L
        left, right = self._tables
        u = np.clip(x / xs, 0.0, 1.0) ** (1.0 / (s + 1))
        v = np.sqrt(np.clip((L - x) / (L - xs), 0.0, 1.0))
        out = np.where(x < xs, left.integral(u), left.total + right.total - right.integral(v))
        return np.where(x <= 0, 0.0, np.where(x >= L, 1.0, out))

    def _moment(self, k: int) -> float:
        s = int(self.s)
        return math.comb((s + 1) * k, k) / (s * k + 1)

    def _matrix(self, n: int, rng: np.random.Generator) -> np.ndarray:
        G = rng.standard_normal((n, n))
        for _ in range(int(self.s) - 1):
            G = G @ rng.standard_normal((n, n))
        G /= n ** (0.5 * self.s)
        return G @ G.T
