r"""The high-temperature Marchenko–Pastur law HTMP(γ, κ).

With :math:`b = \kappa/(2\gamma)`, :math:`B = \kappa/2`, :math:`A = b - B - 1 = \kappa(1-\gamma)/(2\gamma) - 1 > -1`
and :math:`y = bx`, the density on :math:`(0, \infty)` is

.. math:: \rho(x) = \frac{b\, y^{A} e^{-y}}{\Gamma(B+1)\,\Gamma(b)\, |U(B, -A, -y)|^2},

U Tricomi's confluent hypergeometric function at a negative argument (complex-valued; the modulus is the same on
both sides of the cut). The Stieltjes transform is :math:`m(z) = b\,U(B+1, 1-A, -bz)/U(B, -A, -bz)` (the argument
:math:`-bz` approached from below when z is real and positive), equivalently :math:`m = (\log u)'/B` with
:math:`u(z) = U(B, -A, -bz)`, which gives the cdf :math:`F(x) = \arg u(x + i0)/(\pi B)` and the Riccati equation

.. math:: z\,m' = -Bz\,m^2 + (A - bz)\,m - b,

whence the moments :math:`m_{k+1} = [(k+1+A)\,m_k + B\sum_{i \le k} m_i m_{k-i}]/b` (:math:`m_1 = 1`,
:math:`m_2 = 1 + \gamma + 2\gamma/\kappa`) and the negative moments :math:`E[X^{-j-1}] = n_j`,
:math:`n_0 = b/A`, :math:`n_j = [b\,n_{j-1} + B\sum_{i<j} n_i n_{j-1-i}]/(A - j)` for :math:`j < A` (infinite for
:math:`j + 1 \ge A + 1`). Near 0, :math:`\rho \sim C_0 x^A` (diverging when :math:`\kappa < 2\gamma/(1-\gamma)`);
the upper tail is :math:`\rho \sim C_\infty x^{A+2B} e^{-bx}` (not a power law). As :math:`\kappa \to \infty` the law
tends to Marchenko–Pastur with ratio γ at rate :math:`O(1/\kappa)`.

Matrix model: the β-Laguerre ensemble at high temperature (Dumitriu–Edelman bidiagonal model, β = κ/m, m = matrix
size, n = m/γ), scaled by γ/κ.

The law of :math:`1/X` (power-law upper tail) is :class:`freecalc.laws.inverse_htmp.InverseHTMP`.

Reference: L. Hodgkinson, Z. Wang, M. W. Mahoney, *Models of heavy-tailed mechanistic universality*,
arXiv:2506.03470 (2025); I. Dumitriu, A. Edelman, J. Math. Phys. 43 (2002) 5830 (matrix models);
T. H. Dung, T. K. Duy, Osaka J. Math. 58 (2021) 435 (β-Laguerre ensembles in the global regime).
"""
from __future__ import annotations

import math
from functools import cached_property
from typing import Any

import numpy as np
from scipy.linalg import eigh_tridiagonal

from freecalc._lazy import lazy_module
from freecalc._params import POSITIVE, Domain, Parameter
from freecalc.kernels import htmp as K
from freecalc.kernels import htmp_transforms as KT
from freecalc.kernels.bidiagonal import bidiag_small_singular_values
from freecalc.laws.base import Law
from freecalc.laws.extension import FitHints, Kernels
from freecalc.laws.htmp_fitting import HTMP_BOX, htmp_boundary_note, htmp_starts
from freecalc.laws.htmp_mp_regime import regime_cdf, regime_pdf, regime_ppf, regime_stieltjes
from freecalc.laws.htmp_symbolic import HTMPSymbolicFace, exact_moments, htmp_symbols  # noqa: F401 (re-exported)
from freecalc.numerics.quadrature import gauss_legendre

sp = lazy_module("sympy")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["HTMP", "htmp_pdf", "htmp_logpdf"]

_GAMMA = Parameter("gamma", r"\gamma", Domain(0.0, 1.0, lo_closed=False, hi_closed=False), typical=(0.2, 0.8))
_KAPPA = Parameter("kappa", r"\kappa", POSITIVE, typical=(0.5, 20.0))
#: The parameters (γ, κ) shared by HTMP and InverseHTMP.
HTMP_PARAMETERS = (_GAMMA, _KAPPA)


# ------------------------------------------------------------------------------------------ numeric laws
# ------------------------------------------------------------------------------------------ numeric kernels
#: Largest b = κ/(2γ) the kernels accept: the density kernel's cost grows like b (1 ms at b = 500, 0.2 s at 5e4),
#: and b > 2000 means κ > 400γ (Marchenko–Pastur to a few 1e-3) or a spectrum narrower than 2γ ≈ 1e-2 of its mean.
HTMP_KERNEL_MAX_B = 2000.0


def htmp_check(gamma: float, kappa: float) -> None:
    """Raise ValueError when b = κ/(2γ) exceeds :data:`HTMP_KERNEL_MAX_B` (scalar parameters).

    Parameters
    ----------
    gamma, kappa : float
        HTMP parameters (γ in (0, 1), κ > 0: the declared domains).

    Raises
    ------
    ValueError
        b = κ/(2γ) > HTMP_KERNEL_MAX_B.
    """
    if kappa / (2 * gamma) > HTMP_KERNEL_MAX_B:
        raise ValueError(f"HTMP kernels limited to b = kappa/(2 gamma) <= {HTMP_KERNEL_MAX_B:g}, got gamma = "
                         f"{gamma:g}, kappa = {kappa:g}")


def htmp_support(gamma: float, kappa: float) -> tuple[tuple[float, float], ...]:
    """Support (0, ∞) of HTMP and InverseHTMP (scalar parameters).

    Parameters
    ----------
    gamma, kappa : float

    Returns
    -------
    tuple of (float, float)
    """
    return ((0.0, math.inf),)


def per_parameter(scalar_kernel: Any, x: Any, gamma: Any, kappa: Any) -> np.ndarray:
    """Apply a kernel taking scalar (γ, κ) and a 1-d array to x broadcast against array parameters."""
    if np.ndim(gamma) == 0 and np.ndim(kappa) == 0:
        xa = np.asarray(x, dtype=float)
        flat = np.ascontiguousarray(xa).ravel()
        return scalar_kernel(flat, float(gamma), float(kappa)).reshape(xa.shape)
    xb, gb, kb = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(gamma, dtype=float),
                                     np.asarray(kappa, dtype=float))
    out = np.empty(xb.shape)
    for idx in np.ndindex(xb.shape):
        out[idx] = scalar_kernel(np.array([xb[idx]]), float(gb[idx]), float(kb[idx]))[0]
    return out


def _htmp_pdf_1d(x: np.ndarray, gamma: float, kappa: float) -> np.ndarray:
    ok = np.isfinite(x)
    out = np.where(np.isnan(x), np.nan, 0.0)
    out[ok] = K.htmp_pdf(gamma, kappa, x[ok])
    out[ok & (x <= 0)] = 0.0  # open support: exactly 0 at and below 0
    return out


def _htmp_logpdf_1d(x: np.ndarray, gamma: float, kappa: float) -> np.ndarray:
    out = K.htmp_logpdf(gamma, kappa, x)
    out[x <= 0] = -np.inf
    return out


def htmp_pdf(x: Any, gamma: Any, kappa: Any) -> np.ndarray:
    """HTMP density (0 at and below 0); ``x`` broadcasts against the parameters.

    Parameters
    ----------
    x : array_like
    gamma, kappa : array_like
        γ in (0, 1), κ > 0.

    Returns
    -------
    ndarray
    """
    return per_parameter(_htmp_pdf_1d, x, gamma, kappa)


def htmp_logpdf(x: Any, gamma: Any, kappa: Any) -> np.ndarray:
    """log of the HTMP density with full relative accuracy in both tails (−inf outside (0, ∞)).

    Parameters
    ----------
    x : array_like
    gamma, kappa : array_like
        γ in (0, 1), κ > 0.

    Returns
    -------
    ndarray
    """
    return per_parameter(_htmp_logpdf_1d, x, gamma, kappa)


#: Validated range of the law's numeric face: b = κ/(2γ) ≤ HTMP_LAW_MAX_B, or κ ≤ HTMP_LAW_MAX_KAPPA with
#: b ≤ HTMP_LAW_MAX_B_SMALL_KAPPA. The real-axis march behind pdf and cdf was checked against Gauss–Legendre
#: quadrature of its own density (cdf to 6e-10, mass and variance to 1e-9) for γ = 0.005…0.5 up to b = 2e4, and for
#: κ ≤ 2000 (γ = 0.001…0.025) up to b = 8e4 (mass to 4e-10). Outside, the cdf drifted by 6e-3 at b = 3e4
#: (γ = 0.1, 0.5) and the density lost all its mass at b = 5e4…1e5 (silently, before these limits). There HTMP
#: serves its numeric face through the Marchenko–Pastur limit with proven bounds (:mod:`freecalc.laws.htmp_mp_regime`);
#: InverseHTMP still refuses (it is within ≈ 0.5/κ of the inverse MP law in Kolmogorov distance).
HTMP_LAW_MAX_B = 2e4
HTMP_LAW_MAX_KAPPA = 2000.0
HTMP_LAW_MAX_B_SMALL_KAPPA = 8e4
#: Smallest κ served through the Marchenko–Pastur limit beyond the validated range. Relative to MP(γ)'s width the
#: expansion parameter is ε/γ = 2/κ, not ε = 2γ/κ: a large b from a tiny γ at small κ is far from MP (γ = 1e-6,
#: κ = 2: cdf bounds 0.1-0.2, the served cdf not even monotone). The bounds were checked against exact HTMP for
#: κ = 200…20000.
HTMP_MP_LIMIT_MIN_KAPPA = 200.0
#: Smallest A + 1 = κ(1−γ)/(2γ) accepted by HTMP: ρ ~ x^A at 0 is then barely integrable, and the quadrature rule's
#: mass drifts off 1 as A + 1 → 0 (measured: 6.5e-12 at A + 1 = 5.6e-7, 5.9e-10 at 5e-8, 8e-9 at 5e-9, 1e-6 at
#: 5e-11); from 1e-7 on it stays within 1e-10.
HTMP_MIN_A_PLUS_ONE = 1e-7


def htmp_exact_range(gamma: float, kappa: float) -> bool:
    """Whether (γ, κ) lies in the validated range of the exact numeric routes (:data:`HTMP_LAW_MAX_B`)."""
    b = kappa / (2 * gamma)
    return b <= HTMP_LAW_MAX_B or (kappa <= HTMP_LAW_MAX_KAPPA and b <= HTMP_LAW_MAX_B_SMALL_KAPPA)


def check_gamma_kappa(law: Law, mp_limit: bool = False) -> None:
    """Check A > −1 and the validated range; with ``mp_limit`` (HTMP serves large κ through its MP limit) beyond it
    only κ ≥ :data:`HTMP_MP_LIMIT_MIN_KAPPA`."""
    if law.is_symbolic:
        return
    A = law.kappa * (1 - law.gamma) / (2 * law.gamma) - 1
    if not A > -1:  # gamma < 1 guarantees it; keep the invariant explicit for the formulas
        raise ValueError(f"{type(law).__name__}: need A = kappa(1-gamma)/(2 gamma) - 1 > -1, got {A}")
    b = law.kappa / (2 * law.gamma)
    if mp_limit and law.kappa < HTMP_MP_LIMIT_MIN_KAPPA and not htmp_exact_range(law.gamma, law.kappa):
        raise ValueError(
            f"{type(law).__name__}(gamma = {law.gamma:g}, kappa = {law.kappa:g}): b = kappa/(2 gamma) = {b:.4g} is "
            f"beyond the validated range of the exact routes (b <= {HTMP_LAW_MAX_B:g}, or kappa <= "
            f"{HTMP_LAW_MAX_KAPPA:g} with b <= {HTMP_LAW_MAX_B_SMALL_KAPPA:g}), and kappa < "
            f"{HTMP_MP_LIMIT_MIN_KAPPA:g} is too small for its Marchenko-Pastur limit (relative error ~2/kappa): "
            f"use gamma >= {law.kappa / (2 * HTMP_LAW_MAX_B):.3g} or kappa >= {HTMP_MP_LIMIT_MIN_KAPPA:g}")
    if not mp_limit and not htmp_exact_range(law.gamma, law.kappa):
        raise ValueError(
            f"{type(law).__name__}(gamma = {law.gamma:g}, kappa = {law.kappa:g}): b = kappa/(2 gamma) = {b:.4g} is "
            f"beyond the validated range (b <= {HTMP_LAW_MAX_B:g}, or kappa <= {HTMP_LAW_MAX_KAPPA:g} with "
            f"b <= {HTMP_LAW_MAX_B_SMALL_KAPPA:g}), where its density and cdf are no longer computed reliably; at such "
            f"kappa the law is within about 1/(2 kappa) = {0.5 / law.kappa:.2g} (Kolmogorov distance, first order) of "
            f"its kappa -> infinity limit, the law of 1/X with X ~ fc.MarchenkoPastur({law.gamma:g}) (fc.HTMP itself "
            f"serves this range through that limit): use that, or kappa <= {2 * law.gamma * HTMP_LAW_MAX_B:.6g}")


class HTMP(Law):
    r"""High-temperature Marchenko–Pastur law :math:`\mathrm{HTMP}_{\gamma,\kappa}` on :math:`(0, \infty)`.

    Parameters
    ----------
    gamma : float in (0, 1)
        Aspect ratio (the κ → ∞ limit is Marchenko–Pastur with ratio γ, edges :math:`(1 \pm \sqrt\gamma)^2`).
    kappa : float > 0
        Eigenvector entropy / inverse temperature; small κ gives a heavy lower tail :math:`\rho \sim x^A`.
    size : int, optional
        Matrix dimension.

    Notes
    -----
    Mean 1, :math:`E[X^2] = 1 + \gamma + 2\gamma/\kappa`. Within the validated range (:func:`htmp_exact_range`)
    all numeric methods are float routes (numba kernels in :mod:`freecalc.kernels.htmp`); accuracy against 30-digit
    mpmath ~1e-13 relative for pdf and Stieltjes. Beyond it (:attr:`mp_limit`, b = κ/(2γ) > 2e4) density, cdf,
    quantiles and Stieltjes transform come from the Marchenko–Pastur limit with its first correction and a proven
    error bound O((2γ/κ)²) (:mod:`freecalc.laws.htmp_mp_regime`); moments and samples stay exact.
    """

    parameters = HTMP_PARAMETERS
    latex_name = r"\mathrm{HTMP}"
    symbolic_face_class = HTMPSymbolicFace
    kernels = Kernels(pdf=htmp_pdf, logpdf=htmp_logpdf, support=htmp_support, check=htmp_check)
    fit_hints = FitHints(auto_scale=True, nonnegative=True, box=HTMP_BOX, candidate=True)
    fit_starts = classmethod(htmp_starts)
    fit_boundary_note = classmethod(htmp_boundary_note(inverse=False))

    def _check_params(self) -> None:
        check_gamma_kappa(self, mp_limit=True)
        if not self.is_symbolic and self.kappa * (1 - self.gamma) / (2 * self.gamma) < HTMP_MIN_A_PLUS_ONE:
            raise ValueError(
                f"HTMP(gamma = {self.gamma:g}, kappa = {self.kappa:g}): A + 1 = kappa (1 - gamma)/(2 gamma) = "
                f"{self.kappa * (1 - self.gamma) / (2 * self.gamma):.3g} < {HTMP_MIN_A_PLUS_ONE:g}: the density "
                f"x^A at 0 is too close to non-integrable for its quadrature; use kappa >= "
                f"{2 * self.gamma * HTMP_MIN_A_PLUS_ONE / (1 - self.gamma):.3g} or gamma <= "
                f"{self.kappa / (self.kappa + 2 * HTMP_MIN_A_PLUS_ONE):.9g}")

    @property
    def mp_limit(self) -> bool:
        """Whether the numeric face is served by the Marchenko–Pastur limit with proven bounds (b = κ/(2γ) beyond
        the validated range of the exact routes, :func:`htmp_exact_range`)."""
        self._require_numeric("mp_limit")
        return not htmp_exact_range(self.gamma, self.kappa)

    # -- derived constants ------------------------------------------------------------------------------------
    @property
    def A(self) -> float:
        """Exponent of the density at 0: ρ ~ C0 x^A, A = κ(1−γ)/(2γ) − 1 (> −1)."""
        self._require_numeric("A")
        return self.kappa * (1 - self.gamma) / (2 * self.gamma) - 1

    @property
    def B(self) -> float:
        """κ/2."""
        return 0.5 * self.kappa

    @property
    def b(self) -> float:
        """Rate of the exponential upper tail, κ/(2γ)."""
        return self.kappa / (2 * self.gamma)

    @property
    def lower_exponent(self) -> float:
        """A in ρ(x) ~ C0 x^A as x → 0 (the density diverges at 0 when A < 0, i.e. κ < 2γ/(1 − γ))."""
        return self.A

    # -- numeric hooks ----------------------------------------------------------------------------------------
    def _support(self) -> tuple[tuple[float, float], ...]:
        return ((0.0, math.inf),)

    def _pdf(self, x: np.ndarray) -> np.ndarray:
        if self.mp_limit:
            return regime_pdf(repr(self), self.gamma, self.kappa, x)
        return htmp_pdf(x, self.gamma, self.kappa)

    def logpdf(self, x: Any) -> Any:
        """log ρ(x) with full relative accuracy in both tails (−inf outside (0, ∞)).

        Parameters
        ----------
        x : float or array_like

        Returns
        -------
        float or ndarray
        """
        self._require_numeric("logpdf")
        if self.mp_limit:
            xa = np.asarray(x, dtype=float)
            out = regime_pdf(repr(self), self.gamma, self.kappa, xa.ravel(), log=True).reshape(xa.shape)
            return out[()] if np.ndim(x) == 0 else out
        out = htmp_logpdf(x, self.gamma, self.kappa)
        return out[()] if np.ndim(x) == 0 else out

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        if self.mp_limit:
            return regime_cdf(repr(self), self.gamma, self.kappa, x)
        flat = np.ascontiguousarray(x, dtype=float).ravel()
        ok = np.isfinite(flat)
        out = np.where(np.isnan(flat), np.nan, (flat > 0).astype(float))
        out[ok] = K.htmp_cdf(self.gamma, self.kappa, flat[ok])
        return out.reshape(x.shape)

    def sf(self, x: Any) -> Any:
        """Survival function 1 − F(x), with relative accuracy in the upper tail (quadrature of the density)."""
        self._require_numeric("sf")
        xa = np.asarray(x, dtype=float)
        out = self._sf(np.ascontiguousarray(xa).ravel()).reshape(xa.shape)
        return out[()] if np.ndim(x) == 0 else out

    def _sf(self, x: np.ndarray) -> np.ndarray:
        if self.mp_limit:  # absolute accuracy only: the expansion does not resolve the exponentially small tail
            return 1.0 - regime_cdf(repr(self), self.gamma, self.kappa, x)
        out = 1.0 - K.htmp_cdf(self.gamma, self.kappa, x)
        tail = np.where((out < 1e-3) & (x > 0))[0]
        if tail.size:
            out[tail] = self._tail_integral(x[tail])
        return out

    def _tail_integral(self, x: np.ndarray) -> np.ndarray:
        # ∫_x^∞ ρ on doubling panels [x + (2^j − 1)δ, x + (2^{j+1} − 1)δ], δ = 1/b (the tail's e-folding
        # length),
        # 16-point Gauss–Legendre each; 60 panels reach far beyond the underflow point of the density
        t, w = gauss_legendre(16)
        delta = 1.0 / self.b
        edges = x[:, None] + delta * (2.0 ** np.arange(0, 61)[None, :] - 1.0)
        lo, hi = edges[:, :-1], edges[:, 1:]
        nodes = lo[..., None] + (hi - lo)[..., None] * t
        vals = self._pdf(nodes.ravel()).reshape(nodes.shape)
        return np.sum(vals * w * (hi - lo)[..., None], axis=(1, 2))

    @cached_property
    def _ppf_table(self) -> tuple[np.ndarray, np.ndarray]:
        g, k = self.gamma, self.kappa
        A, B, b = K.htmp_params(g, k)
        # lower end: F(x) ≈ C0 x^{A+1}/(A+1) = 1e-17; upper end: density below 1e-300
        logC0 = (A + 1) * math.log(b) + math.lgamma(b) - math.lgamma(B + 1) - 2 * math.lgamma(A + 1)
        lx_lo = max((math.log(1e-17) + math.log(A + 1) - logC0) / (A + 1), math.log(1e-300))
        lx_hi = math.log(K._x_big(A, B, b))
        lx = np.linspace(lx_lo, lx_hi, 2000)
        F = K.htmp_cdf(g, k, np.exp(lx))
        return lx, np.maximum.accumulate(F)

    def _ppf(self, q: np.ndarray) -> np.ndarray:
        """Quantiles: a log-spaced cdf table brackets each q, then safeguarded Newton in log x on the exact cdf
        (to ~1e-15 relative; the law exists only in the range where the cdf is validated, see :data:`HTMP_LAW_MAX_B`)."""
        if self.mp_limit:
            return regime_ppf(repr(self), self.gamma, self.kappa, q)
        flat = np.ascontiguousarray(q, dtype=float).ravel()
        lx, F = self._ppf_table
        out = np.empty(flat.shape)
        A = self.A
        lo_tab = flat <= F[0]
        hi_tab = flat >= F[-1]
        mid = ~(lo_tab | hi_tab)
        # lower tail beyond the table: invert F ≈ C0 x^{A+1}/(A+1) (relative error O(x), x < 1e-17^{1/(A+1)})
        if np.any(lo_tab):
            qq = flat[lo_tab]
            with np.errstate(divide="ignore"):
                out[lo_tab] = np.exp(lx[0] + (np.log(qq) - math.log(max(F[0], 1e-300))) / (A + 1))
            out[lo_tab & (flat == 0)] = 0.0
        out[hi_tab] = np.where(flat[hi_tab] >= 1.0, np.inf, math.exp(lx[-1]))
        if np.any(mid):
            qm = flat[mid]
            j = np.clip(np.searchsorted(F, qm, side="right") - 1, 0, F.size - 2)
            a, c = lx[j], lx[j + 1]  # bracket in log x: F(e^a) <= q < F(e^c)
            Fa, Fc = F[j], F[j + 1]
            t = np.where(Fc > Fa, (qm - Fa) / np.where(Fc > Fa, Fc - Fa, 1.0), 0.5)
            y = a + t * (c - a)
            act = np.arange(qm.size)  # safeguarded Newton in log x on the points not yet converged
            for _ in range(60):
                ya, aa, ca, qa = y[act], a[act], c[act], qm[act]
                xx = np.exp(ya)
                Fy = K.htmp_cdf(self.gamma, self.kappa, xx)
                ry = np.exp(K.htmp_logpdf(self.gamma, self.kappa, xx)) * xx  # dF/d(log x)
                below = Fy < qa
                aa = np.where(below, ya, aa)
                ca = np.where(below, ca, ya)
                yn = ya + (qa - Fy) / np.where(ry > 0, ry, 1.0)
                bad = ~((yn > aa) & (yn < ca)) | (ry <= 0)
                yn = np.where(bad, 0.5 * (aa + ca), yn)
                done = (np.abs(yn - ya) <= 1e-15 * np.maximum(1.0, np.abs(ya))) | (ca - aa <= 1e-15 * np.abs(ya))
                y[act], a[act], c[act] = yn, aa, ca
                act = act[~done]
                if act.size == 0:
                    break
            out[mid] = np.exp(y)
        # monotone in q despite round-off: enforce on the sorted order
        order = np.argsort(flat, kind="stable")
        out[order] = np.maximum.accumulate(out[order])
        return out.reshape(q.shape)

    @cached_property
    def _anchor(self) -> tuple[float, complex, complex, float, float, complex, complex]:
        A, B, b = K.htmp_params(self.gamma, self.kappa)
        return K.htmp_anchor(A, B, b)

    def _stieltjes(self, z: np.ndarray) -> np.ndarray:
        """m(z) by the certified kernel (:func:`freecalc.kernels.htmp_transforms.htmp_stieltjes_from`); where none of its paths
        reaches the error bound :data:`freecalc.kernels.htmp_transforms.STIELTJES_TOL` (large b, points near the real axis in
        the gap below the bulk), by the quadrature rule (:meth:`_stieltjes_by_rule`), which raises if it cannot
        certify either."""
        if self.mp_limit:
            return regime_stieltjes(repr(self), self.gamma, self.kappa, z)
        flat = np.ascontiguousarray(z, dtype=complex).ravel()
        A, B, b = K.htmp_params(self.gamma, self.kappa)
        m, err = KT.htmp_stieltjes_from(A, B, b, *self._anchor, flat, KT.STIELTJES_TOL)
        bad = ~(err <= KT.STIELTJES_TOL)
        if np.any(bad):
            m[bad] = self._stieltjes_by_rule(flat[bad])
        return m.reshape(z.shape)

    def _stieltjes_by_rule(self, z: np.ndarray) -> np.ndarray:
        """Σ w_i/(x_i − z) with the rules of :meth:`continuous_rule` of orders 16 and 32 (Im z > 0).

        Accepted where the two agree to :data:`freecalc.kernels.htmp_transforms.STIELTJES_TOL` relative (the Gauss–Legendre
        error falls geometrically with the order once the panel width is below the distance to z); otherwise
        ValueError naming the parameters and the point.
        """
        out = np.empty(z.shape, dtype=complex)
        for i, zi in enumerate(z):
            if not zi.imag > 0:
                raise ValueError(f"HTMP(gamma={self.gamma:g}, kappa={self.kappa:g}): no certified Stieltjes "
                                 f"transform at z = {zi!r}")
            vals = []
            for order in (16, 32):
                xs, ws = self.continuous_rule(order=order)
                vals.append(np.sum(ws / (xs - zi)))
            if not abs(vals[1] - vals[0]) <= KT.STIELTJES_TOL * abs(vals[1]):
                raise ValueError(f"HTMP(gamma={self.gamma:g}, kappa={self.kappa:g}): the Stieltjes transform at "
                                 f"z = {zi!r} cannot be evaluated to relative accuracy {KT.STIELTJES_TOL:g} "
                                 f"(b = kappa/(2 gamma) = {self.b:g}; ODE paths and quadrature rules of orders "
                                 f"16 and 32 differ by {abs(vals[1] - vals[0]) / abs(vals[1]):.1e})")
            out[i] = vals[1]
        return out

    def _moment(self, k: int) -> float:
        return float(KT.htmp_moments(self.gamma, self.kappa, k)[k])

    def inverse_moment(self, k: int) -> float:
        """E[X^{-k}]: finite (exact recurrence) for k < A + 1, ``inf`` otherwise."""
        self._require_numeric("inverse_moment")
        return float(KT.htmp_inverse_moments(self.gamma, self.kappa, int(k))[int(k)])

    def continuous_rule(self, panels: int = 0, order: int = 16) -> tuple[np.ndarray, np.ndarray]:
        """Nodes and weights for ∫g ρ: x = x1·u^{1/(A+1)} on [0, x1] (removes the x^A factor; geometric panels in
        u), then panels of width ≤ min(x/2, 2.5/b) up to the density's underflow point."""
        if self.mp_limit:
            raise ValueError(f"{self!r}: no quadrature rule in the large-kappa regime (b = kappa/(2 gamma) = "
                             f"{self.b:.4g} > {HTMP_LAW_MAX_B:g}: the density's exponentially small tails are not "
                             f"resolved); integrate against fc.MarchenkoPastur({self.gamma:g}) or use moments")
        cache = self.__dict__.setdefault("_rule_cache", {})
        if order in cache:
            return cache[order]
        A, B, b = K.htmp_params(self.gamma, self.kappa)
        t, w = gauss_legendre(order)
        x1 = min(1.0, 1.0 / b)
        # panel edges geometric in u (toward u = 0) and geometric in x (toward x = 0: u = 2^{-j(A+1)}, which
        # crowds near u = 1 when A + 1 is small and x = x1 u^{1/(A+1)} is steep there). For A + 1 → 0 the mass
        # spreads over hundreds of decades of x (HTMP(0.999999, 0.95): 4 % between 1e-300 and 1e-20), so past
        # j = 80 the x-edges continue with j growing by 10 % per panel until u = 2^{-j(A+1)} reaches 2^{-60}
        j_far = 80.0 * 1.1 ** np.arange(1, 400)
        j = np.concatenate((np.arange(0, 80), j_far[j_far * (A + 1) < 60.0]))
        ue = np.unique(np.concatenate(([0.0], 2.0 ** np.arange(-60, 1), 2.0 ** (-j * (A + 1)))))
        ul, uh = ue[:-1, None], ue[1:, None]
        u = (ul + (uh - ul) * t).ravel()
        wu = ((uh - ul) * w).ravel()
        xs0 = x1 * u ** (1.0 / (A + 1))
        # ρ(x) dx = ρ(x) x / ((A+1) u) du, formed in logs (ρ alone can overflow where x underflows). Where
        # bx < 1e-250 (possibly below the smallest double: for A + 1 ~ 0.02 a mass ~1e-6 sits there) the
        # weight is the limit C0 x1^{A+1}/(A+1) du, exact to O(bx); those nodes may be 0.
        with np.errstate(divide="ignore"):  # u = 0 (underflowed nodes): lx = -inf, weight by the limit below
            lx = math.log(x1) + np.log(u) / (A + 1)
        small = lx + math.log(b) < math.log(1e-250)
        logC0 = (A + 1) * math.log(b) + math.lgamma(b) - math.lgamma(B + 1) - 2 * math.lgamma(A + 1)
        lw = np.full(u.shape, logC0 + (A + 1) * math.log(x1) - math.log(A + 1))
        lu0 = math.lgamma(A + 1) - math.lgamma(b)
        for i in np.where(small)[0]:  # ρ/(C0 x^A) = |u0/u|² e^{−y} with e^{−y} = 1 here
            lw[i] += 2 * (lu0 - K.htmp_small_logu(A, B, b, lx[i] + math.log(b)).real)
        big = ~small
        lw[big] = K.htmp_logpdf(self.gamma, self.kappa, xs0[big]) + lx[big] - np.log((A + 1) * u[big])
        w0 = wu * np.exp(lw)
        xb = K._x_big(A, B, b)
        edges = [x1]
        while edges[-1] < xb:
            e = edges[-1]
            edges.append(e + min(0.5 * e, 2.5 / b, 0.05 * (1 + e)))
        ed = np.array(edges)
        lo, hi = ed[:-1, None], ed[1:, None]
        xs1 = (lo + (hi - lo) * t).ravel()
        w1 = ((hi - lo) * w).ravel() * self._pdf(xs1)
        xs, ws = np.concatenate([xs0, xs1]), np.concatenate([w0, w1])
        keep = ws > 0
        cache[order] = (xs[keep], ws[keep])
        return cache[order]

    # -- sampling ---------------------------------------------------------------------------------------------
    def _bidiagonal(self, m: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        # Dumitriu–Edelman β-Laguerre: d_i ~ χ_{β(n−i+1)}, i = 1..m; t_i ~ χ_{β(m−i)}, i = 1..m−1;
        # β = κ/m, n = m/γ
        beta = self.kappa / m
        n = m / self.gamma
        i = np.arange(1, m + 1)
        d = np.sqrt(2.0 * rng.gamma(0.5 * beta * (n - i + 1)))
        t = np.sqrt(2.0 * rng.gamma(0.5 * beta * (m - i[:-1])))
        return d, t

    def sample_eigenvalues(self, n: int, rng: Any = None) -> np.ndarray:
        """Eigenvalues (ascending) of one n×n matrix of the β-Laguerre model, without forming the matrix.

        Eigenvalues of B Bᵀ (B lower bidiagonal) times γ/κ: the bulk from a symmetric tridiagonal solver, the
        small ones (below 1e-4 of the largest, where that solver's absolute error would dominate) re-computed
        to full relative accuracy by bisection on the Golub–Kahan form.
        """
        self._require_numeric("sample_eigenvalues")
        gen = np.random.default_rng(rng)
        m = int(n)
        if m < 1:
            raise ValueError(f"sample_eigenvalues: n must be a positive integer, got {n!r}")
        d, t = self._bidiagonal(m, gen)
        diag = d ** 2 + np.concatenate(([0.0], t ** 2))
        off = d[:-1] * t
        ev = np.sort(eigh_tridiagonal(diag, off, eigvals_only=True)) if m > 1 else diag.copy()
        top = ev[-1]
        nsmall = int(np.searchsorted(ev, 1e-4 * top))
        if nsmall:
            sv = bidiag_small_singular_values(d, t, nsmall + 1 if nsmall < m else nsmall,
                                                math.sqrt(max(top, 1e-300)) * 1.0001)
            ev[:sv.size] = sv ** 2
            ev.sort()
        return ev * (self.gamma / self.kappa)

    def _matrix(self, n: int, rng: np.random.Generator) -> np.ndarray:
        lam = self.sample_eigenvalues(n, rng)
        q, r = np.linalg.qr(rng.standard_normal((n, n)))
        q *= np.sign(np.diag(r))  # Haar orthogonal (Mezzadri's sign fix)
        return (q * lam) @ q.T
