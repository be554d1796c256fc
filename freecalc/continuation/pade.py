r"""Rational (least-squares Padé) models of a Cauchy transform in the Joukowski variable, with fitted edges.

Model
-----
For a support :math:`[a, b]` (:class:`~freecalc.continuation.joukowski.Joukowski`, :math:`z = c + h(u + 1/u)`)

.. math:: G(u) = \frac{u}{h}\,\frac{P(u)}{Q(u)}, \qquad \deg P = L,\ \deg Q = M,\ Q(0) = 1 .

Its Taylor coefficients are the Chebyshev-U moments :math:`c_k = \int U_k(\tilde x)\,d\mu` (the Jacobi(½, ½) series
of the density), so :math:`P/Q` is a Padé-type resummation of that series. A rational :math:`P/Q` whose poles lie
outside the closed unit disc is analytic across the support and gives the second sheet for free
(:math:`u \mapsto 1/u`); the five quadratic laws (semicircle, Marchenko–Pastur, Kesten–McKay, Wachter, free Meixner)
are *exactly* of this form with small (L, M) when [a, b] is their support (e.g. MP(λ):
:math:`P/Q = 1/(1 + \sqrt\lambda\,u)`), which is why the continuation is well posed for them. A density with
square-root edges at a and b is what the model can represent; a wrong [a, b] shows up as a slowly decaying tail of
:math:`c_k` that no low-degree rational fits.

Fit (:func:`fit_rational`)
--------------------------
Given eigenvalues :math:`x_i` (mass 1/n each):

1. *edges*: start from a regression of the extreme eigenvalues on the square-root edge law,
   :math:`x_{(k)} \approx b - \beta s_k - \gamma s_k^2`, :math:`s_k = ((k - \tfrac12)/n)^{2/3}` over the
   :math:`\max(8, 2\sqrt n)` largest (and smallest) eigenvalues — the edge is located far better than by
   :math:`x_{(1)}` alone, which sits :math:`O(n^{-2/3})` inside it;
2. *coefficients*: for a given [a, b] and type (L, M), linear weighted least squares on
   :math:`Q(u)\,C(u) - P(u) = O(u^{K+1})` (the linearised Padé conditions) for :math:`c_0..c_K`, weights
   :math:`1/\sigma_k` with :math:`\sigma_k = (k+1)/n`, the size of the fluctuations of the linear statistic
   :math:`\frac1n\sum_i U_k(\tilde x_i)` for random-matrix eigenvalues;
3. *edges refined* by Nelder–Mead on the true weighted residual :math:`\sum_k ((c_k - [P/Q]_k)/\sigma_k)^2`
   (two parameters; the Chebyshev moments for any [a, b] come from the power moments in O(K²), not O(nK));
4. *type* (the documented automatic rule): the first of the candidate types :data:`DEFAULT_TYPES` (simplest
   first) whose residual is at most :data:`CHI2_FACTOR`·(K + 1), whose poles all satisfy
   :math:`|u| \ge 1 + \delta` (:data:`POLE_MARGIN`) and whose density is non-negative on the support; if none is
   adequate, the admissible one minimising residual + 2·(number of parameters) (Akaike). A candidate
   with a bad pole is first *repaired* — the pole is reflected to :math:`1/\bar u` (outside the disc) and P refitted
   with Q fixed — and discarded when the repaired fit is still bad. ``degree=(L, M)`` and ``support=(a, b)``
   override steps 4 and 1–3.

The moments and the edge regression of step 1 are in :mod:`freecalc.continuation.sample_moments`.

References
----------
Gonnet, Güttel & Trefethen, Robust Padé approximation via SVD, SIAM Review 55 (2013) 101–117;
Ameli, van der Heide, Hodgkinson & Mahoney (2025), arXiv:2506.11994 (Jacobi series + Padé glue).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize

from freecalc.continuation.joukowski import Joukowski
# chebyshev_u_moments is re-exported (in __all__): the moments and the rational model are used together
from freecalc.continuation.sample_moments import PowerMoments, chebyshev_u_moments, edge_regression

__all__ = [
    "DEFAULT_TYPES", "POLE_MARGIN", "RationalCauchy", "FitReport", "chebyshev_u_moments", "edge_regression",
    "ls_pade", "taylor_coefficients", "fit_rational",
]

DEFAULT_TYPES: tuple[tuple[int, int], ...] = ((0, 0), (0, 1), (1, 1), (1, 2), (2, 2), (2, 3), (3, 3), (3, 4), (4, 4),
                                              (5, 5), (6, 6))
"""Candidate (deg P, deg Q) types tried by the automatic rule, simplest first."""

POLE_MARGIN = 0.02
"""Poles of P/Q must satisfy |u| ≥ 1 + POLE_MARGIN: off the physical sheet and not on (or grazing) the support."""

CHI2_FACTOR = 2.0
"""A type is adequate when its weighted residual is at most CHI2_FACTOR·(K + 1) (χ² with K + 1 terms, with room
for the approximate noise model)."""

N_MOMENTS = 16
"""Number K of Chebyshev moments c_1..c_K fitted besides c_0 (enough for types up to (6, 6) plus a check)."""


# ----------------------------------------------------------------------------------------------------------------
# Padé pieces
# ----------------------------------------------------------------------------------------------------------------
def taylor_coefficients(p: np.ndarray, q: np.ndarray, K: int) -> np.ndarray:
    """Taylor coefficients 0..K of P(u)/Q(u) (Q(0) ≠ 0).

    Parameters
    ----------
    p, q : numpy.ndarray
        Ascending coefficients of P and Q.
    K : int
        Highest order.

    Returns
    -------
    numpy.ndarray
        K + 1 coefficients.
    """
    out = np.zeros(K + 1)
    for k in range(K + 1):
        s = p[k] if k < len(p) else 0.0
        for j in range(1, min(k, len(q) - 1) + 1):
            s -= q[j] * out[k - j]
        out[k] = s / q[0]
    return out


def ls_pade(cs: np.ndarray, L: int, M: int, weights: np.ndarray, mass: float | None = None
            ) -> tuple[np.ndarray, np.ndarray]:
    r"""Weighted linear least-squares Padé of type (L, M) for coefficients c_0..c_K: Q·C − P = O(u^{K+1}).

    With ``mass`` given, P(0) = mass exactly (the total mass of the law is then preserved).

    Parameters
    ----------
    cs : numpy.ndarray
        Coefficients :math:`c_0, \dots, c_K`.
    L, M : int
        Degrees of P and Q, ``L + M <= K``.
    weights : numpy.ndarray
        Weight of each coefficient's equation.
    mass : float, optional
        Prescribed P(0).

    Returns
    -------
    p, q : numpy.ndarray
        Ascending coefficients (``q[0] = 1``).

    Raises
    ------
    ValueError
        If ``L + M > K``.
    """
    K = len(cs) - 1
    if L + M > K:
        raise ValueError(f"type ({L}, {M}) needs at least {L + M + 1} coefficients, got {K + 1}")
    A = np.zeros((K + 1, L + 1 + M))
    rhs = -np.asarray(cs, float).copy()
    for k in range(K + 1):
        if k <= L:
            A[k, k] = -1.0
        for j in range(1, M + 1):
            if k - j >= 0:
                A[k, L + j] = cs[k - j]
    A = A * weights[:, None]
    rhs = rhs * weights
    if mass is not None:
        rhs = rhs - A[:, 0] * mass
        sol = np.linalg.lstsq(A[:, 1:], rhs, rcond=None)[0]
        sol = np.concatenate([[mass], sol])
    else:
        sol = np.linalg.lstsq(A, rhs, rcond=None)[0]
    return sol[:L + 1], np.concatenate([[1.0], sol[L + 1:]])


def _refit_numerator(cs: np.ndarray, q: np.ndarray, L: int, weights: np.ndarray, mass: float) -> np.ndarray:
    """Least-squares P for a fixed Q (true residual is linear in P: [P/Q]_k = Σ_j P_j [u^j/Q]_k)."""
    K = len(cs) - 1
    inv_q = taylor_coefficients(np.array([1.0]), q, K)
    B = np.zeros((K + 1, L + 1))
    for j in range(L + 1):
        B[j:, j] = inv_q[:K + 1 - j]
    Bw = B * weights[:, None]
    rhs = (cs - B[:, 0] * mass) * weights
    sol = np.linalg.lstsq(Bw[:, 1:], rhs, rcond=None)[0] if L > 0 else np.zeros(0)
    return np.concatenate([[mass], sol])


# ----------------------------------------------------------------------------------------------------------------
# the model
# ----------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RationalCauchy:
    r"""G(u) = (u/h) P(u)/Q(u) on the Joukowski plane of [a, b]: both sheets of one Cauchy transform.

    ``p``, ``q`` are ascending coefficient arrays (q[0] = 1); the total mass is p[0].

    Parameters
    ----------
    a, b : float
        Support ends of the bulk.
    p, q : numpy.ndarray
        Ascending coefficients of P and Q (``q[0] = 1``).
    """

    a: float
    b: float
    p: np.ndarray
    q: np.ndarray

    kind = 0  # freecalc.kernels.characteristics.LINEAR

    def kernel_args(self) -> tuple:
        """(kind, p, q, c, h, nodes, wts) for :mod:`freecalc.kernels.characteristics`.

        Returns
        -------
        tuple
            ``(kind, p, q, c, h, nodes, weights)``: the model kind, the coefficients of P and Q, the Joukowski centre
            and quarter width, and a quadrature of the density (for the singularity subtraction of the kernels).
        """
        J = self.map
        empty = np.zeros(0)
        return (self.kind, np.ascontiguousarray(self.p, float), np.ascontiguousarray(self.q, float), J.c, J.h,
                empty, empty)

    def quadrature(self, n: int = 128) -> tuple[np.ndarray, np.ndarray]:
        """Nodes x and weights w (Σw = mass) with Σ w g(x) ≈ ∫ g ρ: Gauss–Legendre in θ, x = c + 2h cos θ.

        Parameters
        ----------
        n : int
            Number of Gauss–Legendre nodes in θ.

        Returns
        -------
        x, w : numpy.ndarray
            Nodes and weights (the weights sum to the mass).
        """
        nodes, weights = np.polynomial.legendre.leggauss(n)
        th = 0.5 * np.pi * (nodes + 1.0)
        J = self.map
        x = J.c + 2.0 * J.h * np.cos(th)
        rho = -self.cauchy_u(np.exp(-1j * th)).imag / np.pi
        return x, 0.5 * np.pi * weights * rho * 2.0 * J.h * np.sin(th)

    def u_first(self, z: np.ndarray) -> np.ndarray:
        """Physical-sheet Joukowski preimage of z (real and |u| < 1 for real z outside the support).

        Parameters
        ----------
        z : complex or array_like
            Points of the spectral plane.

        Returns
        -------
        numpy.ndarray of complex
            Shaped like ``z``.
        """
        return self.map.u(z)

    @property
    def map(self) -> Joukowski:
        """The Joukowski map of [a, b]."""
        return Joukowski(self.a, self.b)

    @property
    def mass(self) -> float:
        """Total mass P(0)/Q(0)."""
        return float(self.p[0] / self.q[0])

    def poles(self) -> np.ndarray:
        """Poles of P/Q in the u plane (all should satisfy |u| > 1: they are on the second sheet).

        Returns
        -------
        numpy.ndarray of complex
            The zeros of Q in the u plane.
        """
        if len(self.q) <= 1:
            return np.zeros(0, complex)
        return np.roots(self.q[::-1]).astype(complex)

    def cauchy_u(self, u: np.ndarray) -> np.ndarray:
        """G as a function of u (any u: |u| < 1 physical sheet, |u| > 1 second sheet).

        Parameters
        ----------
        u : complex or array_like
            Points of the u plane.

        Returns
        -------
        numpy.ndarray of complex
        """
        u = np.asarray(u, dtype=complex)
        return u * np.polyval(self.p[::-1], u) / (np.polyval(self.q[::-1], u) * self.map.h)

    def stieltjes_first(self, z: np.ndarray) -> np.ndarray:
        """Physical-sheet m(z) = −G(u_I(z)) (real z: the boundary value from above).

        Parameters
        ----------
        z : complex or array_like
            Points of the spectral plane.

        Returns
        -------
        numpy.ndarray of complex
            Shaped like ``z``.
        """
        return -self.cauchy_u(self.map.u(z))

    def stieltjes_second(self, z: np.ndarray) -> np.ndarray:
        """Second-sheet m_II(z) = −G(1/u_I(z)): the continuation of m through the support.

        Parameters
        ----------
        z : complex or array_like
            Points of the spectral plane.

        Returns
        -------
        numpy.ndarray of complex
            Shaped like ``z``.
        """
        return -self.cauchy_u(self.map.u_second(z))

    def density(self, x: np.ndarray) -> np.ndarray:
        """−Im G(e^{−iθ})/π on [a, b], 0 outside.

        Parameters
        ----------
        x : array_like
            Real points.

        Returns
        -------
        numpy.ndarray
            Shaped like ``x``; 0 outside the support.
        """
        x = np.asarray(x, float)
        out = np.zeros(x.shape)
        inside = (x > self.a) & (x < self.b)
        if np.any(inside):
            out[inside] = -self.cauchy_u(self.map.u(x[inside] + 0j)).imag / np.pi
        return out

    def density_continued(self, z: np.ndarray) -> np.ndarray:
        r"""Analytic continuation :math:`\hat\rho(z) = (G(u) - G(1/u))/(2\pi i)` of the density from the support
        into the lower half plane (u = u_I(z)); then :math:`m_{II} = m_I + 2\pi i\hat\rho` there.

        Parameters
        ----------
        z : complex or array_like
            Points of the spectral plane.

        Returns
        -------
        numpy.ndarray of complex
            Shaped like ``z``.
        """
        u = self.map.u(z)
        return (self.cauchy_u(u) - self.cauchy_u(1.0 / u)) / (2j * np.pi)

    def min_density(self, n: int = 400) -> float:
        """Minimum of the density over a θ grid on the support (negative means the fit is not a density).

        Parameters
        ----------
        n : int
            Number of grid points in θ.

        Returns
        -------
        float
        """
        th = np.pi * (np.arange(n) + 0.5) / n
        return float(np.min(-self.cauchy_u(np.exp(-1j * th)).imag / np.pi / np.sin(th)))


@dataclass(frozen=True)
class FitReport:
    """How :func:`fit_rational` chose its model: type, residual, edges, candidates rejected and why.

    Parameters
    ----------
    degree : (int, int)
        The chosen type (L, M).
    residual : float
        Weighted residual of the moment fit.
    support : (float, float)
        The support of the model.
    edge_start : (float, float)
        The edges estimated from the order statistics (starting point of the edge fit).
    rejected : tuple
        ``((L, M), reason)`` for each candidate type refused.
    scores : tuple
        ``((L, M), score)`` for each admissible candidate.
    """

    degree: tuple[int, int]
    residual: float
    support: tuple[float, float]
    edge_start: tuple[float, float]
    rejected: tuple[tuple[tuple[int, int], str], ...] = field(default=())
    scores: tuple[tuple[tuple[int, int], float], ...] = field(default=())


def _weights(n_eff: float, K: int) -> np.ndarray:
    return n_eff / (np.arange(K + 1) + 1.0)


def _residual(cs: np.ndarray, p: np.ndarray, q: np.ndarray, w: np.ndarray) -> float:
    t = taylor_coefficients(p, q, len(cs) - 1)
    return float(np.sum(((t - cs) * w) ** 2))


def _pole_problem(q: np.ndarray) -> np.ndarray:
    if len(q) <= 1:
        return np.zeros(0, complex)
    r = np.roots(q[::-1])
    return r[np.abs(r) < 1.0 + POLE_MARGIN]


def _repair(cs, p, q, L, w, mass):
    """Reflect poles inside |u| < 1 + margin to 1/conj(u) (pushed out to the margin), refit P with Q fixed."""
    r = np.roots(q[::-1]).astype(complex)
    bad = np.abs(r) < 1.0 + POLE_MARGIN
    r[bad] = 1.0 / np.conj(r[bad])
    small = np.abs(r) < 1.0 + POLE_MARGIN
    r[small] = r[small] / np.abs(r[small]) * (1.0 + POLE_MARGIN)
    # Q(u) ∝ Π(u − r_j): real coefficients since the poles come in conjugate pairs
    qn = np.real(np.poly(r)[::-1])
    qn = qn / qn[0]
    pn = _refit_numerator(cs, qn, L, w, mass)
    return pn, qn


def _fit_type(pm: PowerMoments, L: int, M: int, w: np.ndarray, start: tuple[float, float], mass: float,
              fixed_support: bool):
    def coeffs(ab):
        cs = pm.chebyshev(*ab)
        p, q = ls_pade(cs, L, M, w, mass=mass)
        return cs, p, q

    if fixed_support:
        ab = start
    else:
        width = start[1] - start[0]

        def obj(v):
            a, b = start[0] + v[0] * width, start[1] + v[1] * width
            if b - a <= 0.05 * width:
                return 1e300
            cs, p, q = coeffs((a, b))
            return _residual(cs, p, q, w)

        res = minimize(obj, np.zeros(2), method="Nelder-Mead",
                       options=dict(xatol=1e-7, fatol=1e-10, maxiter=400, initial_simplex=np.array(
                           [[0.0, 0.0], [0.01, 0.0], [0.0, 0.01]])))
        ab = (start[0] + res.x[0] * width, start[1] + res.x[1] * width)
    cs, p, q = coeffs(ab)
    return ab, cs, p, q


def fit_rational(x: np.ndarray, *, degree: tuple[int, int] | None = None, support: tuple[float, float] | None = None,
                 n_moments: int = N_MOMENTS, n_eff: float | None = None, mass: float = 1.0,
                 types: tuple[tuple[int, int], ...] = DEFAULT_TYPES, weights: np.ndarray | None = None
                 ) -> tuple[RationalCauchy, FitReport]:
    """Fit a :class:`RationalCauchy` to the empirical measure of ``x`` (see the module docstring for the rule).

    Parameters
    ----------
    x : ndarray
        Eigenvalues (at least 8, not all equal).
    degree : (L, M), optional
        Fixed type instead of the automatic choice.
    support : (a, b), optional
        Fixed support instead of the fitted edges.
    n_moments : int
        Number of Chebyshev moments fitted besides c_0.
    n_eff : float, optional
        Effective sample size for the weights σ_k = (k+1)/n_eff (default: len(x)).
    mass : float
        Total mass of the model (P(0)).
    types : tuple of (int, int)
        Candidate types of the automatic choice.
    weights : ndarray, optional
        Masses of the points x summing to 1 (default 1/n each), e.g. quadrature weights of a known density; then
        give ``support`` (edges cannot be regressed on quadrature nodes).

    Returns
    -------
    model : RationalCauchy
    report : FitReport
        The chosen type and why the other candidates were rejected.

    Raises
    ------
    ValueError
        When no candidate type gives poles off the closed disc and a non-negative density.
    """
    x = np.asarray(x, float)
    n = x.size
    K = n_moments
    w = _weights(n_eff or n, K)
    if weights is not None and support is None:
        raise ValueError("fit_rational: with weights (quadrature of a known density) give support=(a, b) too")
    pm = PowerMoments(x, K, weights)
    start = tuple(float(v) for v in support) if support is not None else edge_regression(x)
    cands = (degree,) if degree is not None else tuple(t for t in types if t[0] + t[1] <= K)
    best = None
    rejected, scores = [], []
    threshold = CHI2_FACTOR * (K + 1)
    for (L, M) in cands:
        ab, cs, p, q = _fit_type(pm, L, M, w, start, mass, support is not None)
        if _pole_problem(q).size:
            p, q = _repair(cs, p, q, L, w, mass)
            if _pole_problem(q).size:
                rejected.append(((L, M), "pole inside |u| < 1 + margin after repair"))
                continue
        model = RationalCauchy(float(ab[0]), float(ab[1]), p, q)
        if model.min_density() < -1e-8:
            rejected.append(((L, M), f"negative density (min {model.min_density():.3g})"))
            continue
        res = _residual(cs, p, q, w)
        score = res + 2.0 * (L + M + 2)
        scores.append(((L, M), score))
        if best is None or score < best[0]:
            best = (score, model, (L, M), res)
        if res <= threshold:
            # parsimony: decompression amplifies the source's high free cumulants by f^(k−1), so any structure
            # beyond what the data demand turns into large target errors — take the simplest adequate type
            best = (score, model, (L, M), res)
            break
    if best is None:
        raise ValueError(
            "no rational model fits these eigenvalues with poles off the support and a non-negative density "
            f"(tried types {list(cands)}; {'; '.join(f'{t}: {why}' for t, why in rejected)}). Pass support=(a, b) "
            f"if the edges are known, or a different degree=(L, M)")
    _, model, typ, res = best
    report = FitReport(degree=typ, residual=res, support=(model.a, model.b), edge_start=tuple(start),
                       rejected=tuple(rejected), scores=tuple(scores))
    return model, report
