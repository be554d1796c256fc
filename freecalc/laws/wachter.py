r"""The Wachter law (the free Jacobi law): limit of the MANOVA / Jacobi ensemble.

``Wachter(a, b)`` is the limiting ESD of :math:`(W_1 + W_2)^{-1/2} W_1 (W_1 + W_2)^{-1/2}`, where
:math:`W_i = X_i X_i^T`, :math:`X_i` an n×d_i matrix with i.i.d. N(0, 1) entries, :math:`a = d_1/n`,
:math:`b = d_2/n` (the generalized eigenvalues of the pencil :math:`(W_1, W_1 + W_2)`). With
:math:`\lambda_\pm = \left(\frac{\sqrt b \pm \sqrt{a(a+b-1)}}{a+b}\right)^2`:

.. math:: \rho(x) = \frac{(a+b)\sqrt{(\lambda_+ - x)(x - \lambda_-)}}{2\pi x(1-x)},\qquad
          \text{atoms } (1-a)_+\,\delta_0 \text{ and } (1-b)_+\,\delta_1 .

Derivation of the atoms: the mass at 0 is :math:`-\mathrm{Res}_{z=0}m`; with :math:`\sqrt{\lambda_-\lambda_+} =
|b - a(a+b-1)|/(a+b)^2 = |1-a|/(a+b)` it is :math:`(|1-a| - (a-1))/2 = \max(0, 1-a)`, and symmetrically
:math:`\max(0, 1-b)` at 1 (x ↦ 1 − x swaps a and b). E.g. a = 1/2, b = 3: atom 1/2 at 0, continuous mass 1/2.

Parameter domain: a > 0, b > 0 and a + b > 1. The continuous mass is 1 − (1−a)₊ − (1−b)₊ = min(1, a, b, a+b−1)
> 0 exactly when a + b > 1 (for a, b < 1 it is a + b − 1); at a + b = 1 the support collapses to the point b
(λ₋ = λ₊) and the law is the Bernoulli b δ₀ + a δ₁; for a + b < 1 the edges are complex. Hard edges: λ₋ = 0 iff
a = 1 (density ~ x^{-1/2}), λ₊ = 1 iff b = 1.

Quadratic: :math:`Q(z) m^2 - P(z) m + 1 = 0` with :math:`P(z) = \frac{a - 1 - (a+b-2)z}{a+b-1}`,
:math:`Q(z) = \frac{z(1-z)}{a+b-1}` (the talk's table entry, verified). R-transform
:math:`R(w) = \frac{w - (a+b) + \sqrt{(a+b)^2 + 2(a-b)w + w^2}}{2w}` (table entry, verified);
S-transform :math:`S(w) = \frac{a+b+w}{a+w}` (from :math:`S(w)R(wS(w)) = 1`); mean a/(a+b).

References: Wachter (1980), Ann. Statist. 8, "The limiting empirical measure of multiple discriminant ratios";
Collins (2005), PTRF 133 (free Jacobi / products of projections); Ameli et al. (2025), table of five laws.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from freecalc._lazy import is_sympy, lazy_module
from freecalc._params import SCALE, Parameter
from freecalc.laws.extension import FitHints, Kernels, affine_starts
from freecalc.laws.quadratic import QuadraticCoefficients, QuadraticLaw, QuadraticSymbolicFace

sp = lazy_module("sympy")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["Wachter", "manova_matrix", "wishart_matrix"]


def wishart_matrix(n: int, df: float, rng: np.random.Generator) -> np.ndarray:
    r"""A real n×n Wishart matrix :math:`W \sim W_n(I, \mathrm{df})`, i.e. distributed as :math:`XX^T`, X n×df.

    For df ≥ n the Bartlett decomposition :math:`W = LL^T` (L lower triangular, :math:`L_{ii} = \chi_{df-i}`,
    :math:`L_{ij} \sim N(0,1)` below the diagonal) gives the exact law for any real df > n − 1 at O(n³) cost
    independent of df; for df < n (rank deficient) the product :math:`XX^T` with ``round(df)`` columns is formed.
    Either way the law is orthogonally invariant.

    Parameters
    ----------
    n : int
        Dimension.
    df : float
        Degrees of freedom.
    rng : numpy.random.Generator

    Returns
    -------
    ndarray
    """
    if df >= n:
        L = np.tril(rng.standard_normal((n, n)), -1)
        L[np.diag_indices(n)] = np.sqrt(rng.chisquare(df - np.arange(n)))
        return L @ L.T
    k = max(1, int(round(df)))
    X = rng.standard_normal((n, k))
    return X @ X.T


def manova_matrix(n: int, d1: float, d2: float, rng: np.random.Generator) -> np.ndarray:
    r"""The n×n MANOVA matrix :math:`(W_1+W_2)^{-1/2} W_1 (W_1+W_2)^{-1/2}`, :math:`W_i \sim W_n(I, d_i)`.

    Its eigenvalues are the generalized eigenvalues of :math:`(W_1, W_1 + W_2)`; its law is orthogonally invariant
    and its ESD tends to ``Wachter(d1/n, d2/n)``. When d1 < n the matrix is formed as :math:`ZZ^T`
    (:math:`Z = (W_1+W_2)^{-1/2}X_1`), so the n − d1 zero eigenvalues are zero to round-off; when d2 < n as
    :math:`I - Z_2 Z_2^T`, so the n − d2 eigenvalues at 1 are 1 to round-off. Needs d1 + d2 > n (invertible sum).

    Parameters
    ----------
    n : int
        Dimension.
    d1, d2 : float
        Degrees of freedom of the two Wishart matrices.
    rng : numpy.random.Generator

    Returns
    -------
    ndarray

    Raises
    ------
    ValueError
        d1 + d2 ≤ n.
    """
    if d1 + d2 <= n:
        raise ValueError(f"manova_matrix needs d1 + d2 > n for an invertible W1 + W2, got d1={d1}, d2={d2}, n={n}")
    if d1 < n:
        X1 = rng.standard_normal((n, max(1, int(round(d1)))))
        W1 = X1 @ X1.T
        W = W1 + wishart_matrix(n, d2, rng)
        S = _inv_sqrt(W)
        Z = S @ X1
        M = Z @ Z.T
    elif d2 < n:
        X2 = rng.standard_normal((n, max(1, int(round(d2)))))
        W2 = X2 @ X2.T
        W = wishart_matrix(n, d1, rng) + W2
        S = _inv_sqrt(W)
        Z = S @ X2
        M = np.eye(n) - Z @ Z.T
    else:
        W1 = wishart_matrix(n, d1, rng)
        S = _inv_sqrt(W1 + wishart_matrix(n, d2, rng))
        M = S @ W1 @ S
    return 0.5 * (M + M.T)


def _inv_sqrt(W: np.ndarray) -> np.ndarray:
    lam, E = np.linalg.eigh(W)
    return (E / np.sqrt(lam)) @ E.T


def wachter_check(a: float, b: float) -> None:
    """Raise ValueError unless a + b > 1 (scalar parameters; a, b > 0 are the declared domains).

    Parameters
    ----------
    a, b : float
        Dimension ratios.

    Raises
    ------
    ValueError
        a + b ≤ 1 (a + b = 1 is the two-atom Bernoulli law; a + b < 1 has no real support).
    """
    if not a + b > 1.0:
        raise ValueError(f"Wachter parameters a = {a:g}, b = {b:g} need a + b > 1, got a + b = {a + b:g} "
                         f"(a + b = 1 is the two-atom Bernoulli law; a + b < 1 has no real support)")


def _edges(a: Any, b: Any, sqrt: Any) -> tuple[Any, Any]:
    # λ₋ = (√b − √(a(a+b−1)))²/(a+b)² written as ((1−a)/(√b + √(a(a+b−1))))² (no cancellation near a = 1); floats,
    # arrays (np.sqrt) or sympy (sp.sqrt)
    u, v = sqrt(b), sqrt(a * (a + b - 1))
    return ((1 - a) / (u + v)) ** 2, ((u + v) / (a + b)) ** 2


def wachter_support(a: float, b: float) -> tuple[tuple[float, float], ...]:
    r"""Support :math:`[((1-a)/(\sqrt b + \sqrt{a(a+b-1)}))^2, ((\sqrt b + \sqrt{a(a+b-1)})/(a+b))^2]`.

    Parameters
    ----------
    a, b : float
        Dimension ratios (a + b > 1).

    Returns
    -------
    tuple of (float, float)
    """
    return (_edges(a, b, math.sqrt),)


def wachter_atoms(a: float, b: float) -> tuple[tuple[float, float], ...]:
    """Atoms (0, 1 − a) when a < 1 and (1, 1 − b) when b < 1 (scalar parameters).

    Parameters
    ----------
    a, b : float
        Dimension ratios.

    Returns
    -------
    tuple of (location, mass)
    """
    return tuple((loc, m) for loc, m in ((0.0, 1.0 - a), (1.0, 1.0 - b)) if m > 0)


def wachter_pdf(x: Any, a: Any, b: Any) -> np.ndarray:
    r"""Density :math:`(a+b)\sqrt{(\lambda_+ - x)(x - \lambda_-)}/(2\pi x(1-x))` inside the support, 0 outside.

    The factored x(1 − x) keeps full relative accuracy near the hard edges 0 (a = 1) and 1 (b = 1), where a Horner
    evaluation of Q cancels.

    Parameters
    ----------
    x : array_like
        Points; broadcasts against ``a`` and ``b``.
    a, b : float or ndarray
        Dimension ratios (a + b > 1).

    Returns
    -------
    ndarray
    """
    x = np.asarray(x, dtype=float)
    lo, hi = _edges(a, b, np.sqrt)
    inside = (x > lo) & (x < hi)
    xi = np.where(inside, x, 0.5 * (lo + hi))  # any interior point: the value is discarded
    out = (a + b) * np.sqrt((hi - xi) * (xi - lo)) / (2 * np.pi * xi * (1.0 - xi))
    return np.where(inside, out, 0.0)


class WachterSymbolicFace(QuadraticSymbolicFace):
    """Closed forms of the Wachter law (R- and S-transforms, the atoms at 0 and 1).

    Parameters
    ----------
    law : Wachter
        The law (the face is obtained as ``law.sym``).
    """

    def r_transform(self, w: Any = None) -> sp.Expr:
        """R(w) = (w − s + √(s² + 2(a − b)w + w²))/(2w), s = a + b.

        Parameters
        ----------
        w : sympy.Expr or number

        Returns
        -------
        sympy.Expr
        """
        w = T.w if w is None else w
        a, b = self.params["a"], self.params["b"]
        s = a + b
        return (w - s + sp.sqrt(s ** 2 + 2 * (a - b) * w + w ** 2)) / (2 * w)

    def s_transform(self, w: Any = None) -> sp.Expr:
        """S(w) = (a + b + w)/(a + w).

        Parameters
        ----------
        w : sympy.Expr or number

        Returns
        -------
        sympy.Expr
        """
        w = T.w if w is None else w
        a, b = self.params["a"], self.params["b"]
        return (a + b + w) / (a + w)

    @property
    def atoms(self) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        """(0, (1−a)₊) and (1, (1−b)₊) as Piecewise masses; numeric parameters keep only non-zero atoms."""
        a, b = self.params["a"], self.params["b"]
        out = []
        for loc, mass in ((sp.Integer(0), sp.Piecewise((1 - a, a < 1), (0, True))),
                          (sp.Integer(1), sp.Piecewise((1 - b, b < 1), (0, True)))):
            if mass != 0:
                out.append((loc, mass))
        return tuple(out)


class Wachter(QuadraticLaw):
    """Wachter law (free Jacobi, MANOVA limit) with dimension ratios ``a = d1/n`` and ``b = d2/n``.

    Parameters
    ----------
    a : float > 0
        Ratio d1/n of the first sample's degrees of freedom (atom of mass 1 − a at 0 when a < 1).
    b : float > 0
        Ratio d2/n of the second (atom of mass 1 − b at 1 when b < 1). Needs a + b > 1.
    size : int, optional
        Matrix dimension n.

    Notes
    -----
    Matrix model (:meth:`matrix`): the orthogonally invariant MANOVA matrix
    :math:`(W_1+W_2)^{-1/2} W_1 (W_1+W_2)^{-1/2}`, :math:`W_i \\sim W_n(I, d_i)`, :math:`d_1 = an`, :math:`d_2 = bn`
    (Bartlett-sampled when d_i ≥ n, so real ratios are exact; rounded to an integer rank when d_i < n).
    The talk's table writes :math:`S_i = X_iX_i^T/d_i`; with that normalisation the pencil's eigenvalues follow a
    different law unless a = b (the limit of the normalised version is the pushforward of this law by
    x ↦ bx/(a + (b−a)x)), so the unnormalised Wisharts are used.
    """

    parameters = (
        Parameter("a", "a", SCALE, typical=(0.6, 4.0)),
        Parameter("b", "b", SCALE, typical=(0.6, 4.0)),
    )
    latex_name = r"\mathrm{Wachter}"
    symbolic_face_class = WachterSymbolicFace
    kernels = Kernels(pdf=wachter_pdf, support=wachter_support, atoms=wachter_atoms, check=wachter_check)
    fit_hints = FitHints(nonnegative=True, finite_edge=True, candidate=True)

    @classmethod
    def fit_starts(cls, data: Any, with_scale: bool, with_loc: bool) -> list[dict[str, float]]:
        r"""Wachter(a, b) has atoms (1−a)₊ at 0 and (1−b)₊ at 1 and mean a/(a+b). Atoms in the data fix a (zeros)
        or b (ones); the remaining freedom is searched on a log grid (0.05 … 50, 15 values each), ordered by
        closeness of the mean a/(a+b) to the data's — the likelihood then keeps the best feasible point.

        Parameters
        ----------
        data : DataSummary
            Sorted data off the atom at 0, the number of zeros and the total count.
        with_scale, with_loc : bool
            Include an added ``scale`` (just above the largest point) / ``loc`` (0).

        Returns
        -------
        list of dict
        """
        n = data.n_total
        m = data.mean_all
        scale = 1.0
        if with_scale:
            scale = float(data.x[-1]) * 1.001
            m = m / scale
        ones = int(np.count_nonzero(np.abs(data.x / scale - 1.0) <= 1e-9))
        if not 0.0 < m < 1.0:
            return []
        grid = np.geomspace(0.05, 50.0, 15)
        # with atoms, a (or b) stays near 1 − (atom fraction); the factors leave room for the continuous part's
        # extreme eigenvalues, which fluctuate past the limiting edges (Tracy–Widom) and make a = 1 − n0/n
        # infeasible
        near = (0.8, 0.9, 0.95, 1.0, 1.03, 1.06, 1.1)
        a_vals = [(1.0 - data.n_zero / n) * f for f in near] if data.n_zero else list(grid)
        b_vals = [(1.0 - ones / n) * f for f in near] if ones else list(grid)
        pts = [(a, b) for a in a_vals for b in b_vals if a + b > 1.0]
        pts.sort(key=lambda ab: abs(ab[0] / (ab[0] + ab[1]) - m))
        return affine_starts([{"a": a, "b": b} for a, b in pts], with_scale, with_loc, scale=scale)

    def _check_params(self) -> None:
        a, b = self._values
        s = a + b
        if is_sympy(s):
            if sp.Le(s, 1) == sp.true:
                raise ValueError(f"Wachter parameters a = {a}, b = {b} need a + b > 1 (the continuous part has "
                                 f"mass a + b − 1 when a, b < 1); a + b is provably ≤ 1")
            return
        if not s > 1.0:
            raise ValueError(f"Wachter parameters a = {a:g}, b = {b:g} need a + b > 1, got a + b = {s:g} "
                             f"(a + b = 1 is the two-atom Bernoulli law; a + b < 1 has no real support)")
        super()._check_params()

    def _coefficients(self, p: Mapping[str, Any]) -> QuadraticCoefficients:
        a, b = p["a"], p["b"]
        k = a + b - 1
        return QuadraticCoefficients(p0=(a - 1) / k, p1=-(a + b - 2) / k, q0=0, q1=1 / k, q2=-1 / k)

    def _edges_formula(self, p: Mapping[str, Any], sqrt: Any) -> tuple[Any, Any]:
        return _edges(p["a"], p["b"], sqrt)

    def _numeric_atoms(self, *args: Any) -> tuple[tuple[float, float], ...]:
        return self._atoms()  # exact, instead of the generic residues at the zeros of Q

    def _atoms(self) -> tuple[tuple[float, float], ...]:
        return wachter_atoms(self.a, self.b)

    def _pdf(self, x: np.ndarray) -> np.ndarray:
        return wachter_pdf(x, self.a, self.b)

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        # Closed form. With x = c − h cos θ (c, h: centre and half-width of the support) and
        # 1/(x(1 − x)) = 1/x + 1/(1 − x), the continuous part up to x is (a+b) h/(2π) [F_{α0}(θ) − F_{α1}(θ)],
        # F_α(θ) = ∫_0^θ sin²t/(α − cos t) dt = αθ + sin θ + (1 − α²) J_α(θ), α0 = c/h ≥ 1, α1 = (c − 1)/h ≤ −1.
        lo, hi = self.support[0]
        c, h = 0.5 * (lo + hi), 0.5 * (hi - lo)
        theta = np.arccos(np.clip((c - x) / h, -1.0, 1.0))
        cont = (self.a + self.b) * h / (2 * np.pi) * (_f_alpha(c / h, theta) - _f_alpha((c - 1.0) / h, theta))
        out = np.where(x <= lo, 0.0, np.where(x >= hi, self.continuous_mass, cont))
        for loc, mass in self.atoms:
            out = out + np.where(x >= loc, mass, 0.0)
        return out

    def _matrix(self, n: int, rng: np.random.Generator) -> np.ndarray:
        d1, d2 = self.a * n, self.b * n
        if d1 < n and d2 < n and round(d1) + round(d2) <= n:
            d2 = n + 1 - round(d1)  # keep W1 + W2 invertible after rounding the ranks (n tiny)
        return manova_matrix(n, d1, d2, rng)


def _f_alpha(alpha: float, theta: np.ndarray) -> np.ndarray:
    r""":math:`\int_0^\theta \sin^2 t/(\alpha - \cos t)\,dt` for real :math:`|\alpha| \ge 1` (θ in [0, π]).

    Uses :math:`\sin^2 t/(\alpha - \cos t) = \alpha + \cos t + (1-\alpha^2)/(\alpha - \cos t)` and
    :math:`\int_0^\theta dt/(\alpha - \cos t) = \frac{2\,\mathrm{sgn}\,\alpha}{\sqrt{\alpha^2-1}}
    \arctan\left(\sqrt{\tfrac{|\alpha|+\mathrm{sgn}\,\alpha}{|\alpha|-\mathrm{sgn}\,\alpha}}\tan\tfrac\theta2\right)`;
    at |α| = 1 (a hard edge) the last term vanishes in the limit.
    """
    base = alpha * theta + np.sin(theta)
    k = alpha * alpha - 1.0
    if k <= 0.0:
        return base
    ratio = math.sqrt((abs(alpha) + 1.0) / (abs(alpha) - 1.0)) if alpha > 0 else \
        math.sqrt((abs(alpha) - 1.0) / (abs(alpha) + 1.0))
    j = math.copysign(2.0 / math.sqrt(k), alpha) * np.arctan2(ratio * np.sin(0.5 * theta), np.cos(0.5 * theta))
    return base - k * j
