r"""The law of :math:`1/X` for :math:`X \sim \mathrm{HTMP}_{\gamma,\kappa}` (:mod:`freecalc.laws.htmp`).

Density :math:`\lambda^{-2}\rho(1/\lambda)` with the power-law upper tail :math:`\lambda^{-\alpha}`,
:math:`\alpha = A + 2 = 1 + \kappa(1-\gamma)/(2\gamma)` (WeightWatcher's α); its k-th moment is finite only for
:math:`k < \alpha - 1`, by the negative moments of HTMP :math:`n_0 = b/A`,
:math:`n_j = [b\,n_{j-1} + B\sum_{i<j} n_i n_{j-1-i}]/(A - j)`. Its Stieltjes transform is
:math:`m_{1/X}(z) = -1/z - m_X(1/z)/z^2`.

Reference: L. Hodgkinson, Z. Wang, M. W. Mahoney, *Models of heavy-tailed mechanistic universality*,
arXiv:2506.03470 (2025).
"""
from __future__ import annotations

import math
from functools import cached_property
from typing import Any

import numpy as np

from freecalc.kernels import htmp as K
from freecalc.kernels import htmp_transforms as KT
from freecalc.laws.base import Law, SymbolicFace
from freecalc.laws.extension import FitHints, Kernels
from freecalc.laws.htmp import (
    HTMP,
    HTMP_PARAMETERS,
    T,
    check_gamma_kappa,
    htmp_check,
    htmp_support,
    per_parameter,
    sp,
)
from freecalc.laws.htmp_fitting import (
    HTMP_BOX,
    htmp_boundary_note,
    htmp_tail_exponent_and_gradient,
    inverse_htmp_starts,
)
from freecalc.laws.htmp_symbolic import htmp_symbols, special

__all__ = ["InverseHTMP", "inverse_htmp_pdf", "inverse_htmp_logpdf"]

#: Least A + 1 = κ(1 − γ)/(2γ) (the tail exponent of InverseHTMP minus 1) accepted by InverseHTMP: HTMP's cdf grows
#: like x^(A+1) near 0, and the γ (in [0.005, 0.995]) at which P(1/X > 1e300) = 1e-6 has A + 1 = 0.012–0.020
#: (measured with HTMP's own cdf at 1e-300), so below 0.02 the law's upper quantiles leave the double range.
INVERSE_HTMP_MIN_TAIL_EXCESS = 0.02


# ------------------------------------------------------------------------------------------ symbolic face
class InverseHTMPSymbolicFace(SymbolicFace):
    """Symbolic face of 1/X, X ~ HTMP: density and Stieltjes transform from those of HTMP; moments while finite.

    Parameters
    ----------
    law : InverseHTMP
        The law (the face is obtained as ``law.sym``).
    """

    def _abB(self) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
        return htmp_symbols(self.params)

    def stieltjes(self, z: Any = None) -> sp.Expr:
        """m_{1/X}(z) = −1/z − m_X(1/z)/z², with m_X(w) = b U(B+1, 1−A, −bw)/U(B, −A, −bw).

        Parameters
        ----------
        z : sympy expression, optional
            The argument (default: the symbol z).

        Returns
        -------
        sympy.Expr
        """
        z = T.z if z is None else z
        A, B, b = self._abB()
        w = 1 / z
        mx = b * special.TricomiU(B + 1, 1 - A, -b * w) / special.TricomiU(B, -A, -b * w)
        return -1 / z - mx / z ** 2

    def density(self, x: Any = None) -> sp.Expr:
        x = T.x if x is None else x
        A, B, b = self._abB()
        y = b / x
        rho = b * y ** A * sp.exp(-y) / (sp.gamma(B + 1) * sp.gamma(b) * sp.Abs(special.TricomiU(B, -A, -y)) ** 2)
        return sp.Piecewise((rho / x ** 2, x > 0), (0, True))

    @property
    def support(self) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        return ((sp.Integer(0), sp.oo),)

    def _moment_list(self, K_: int) -> list[sp.Expr]:
        A, B, b = self._abB()
        n: list[sp.Expr] = []
        out = []
        for j in range(K_):
            cond = sp.simplify(A - j > 0)
            if cond == sp.false:
                out.extend([sp.oo] * (K_ - j))
                break
            if cond != sp.true:
                raise ValueError(f"E[X^-{j + 1}] is finite only when {A - j} > 0; give numeric parameters or "
                                 f"assumptions that decide it")
            val = b / A if j == 0 else (b * n[j - 1] + B * sum(n[i] * n[j - 1 - i] for i in range(j))) / (A - j)
            n.append(sp.factor(sp.cancel(val)))
            out.append(n[-1])
        return out


# ------------------------------------------------------------------------------------------ numeric kernels
def _inverse_htmp_logpdf_1d(x: np.ndarray, gamma: float, kappa: float) -> np.ndarray:
    out = np.full(x.shape, -np.inf)
    pos = x > 0
    out[pos] = K.htmp_logpdf(gamma, kappa, 1.0 / x[pos]) - 2.0 * np.log(x[pos])
    return out


def _inverse_htmp_pdf_1d(x: np.ndarray, gamma: float, kappa: float) -> np.ndarray:
    out = np.where(np.isnan(x), np.nan, 0.0)
    pos = (x > 0) & np.isfinite(x)
    if np.any(pos):
        out[pos] = np.exp(_inverse_htmp_logpdf_1d(x[pos], gamma, kappa))
    return out


def inverse_htmp_pdf(x: Any, gamma: Any, kappa: Any) -> np.ndarray:
    """InverseHTMP density ρ_HTMP(1/λ)/λ² (0 at and below 0).

    Parameters
    ----------
    x : array_like
    gamma, kappa : array_like
        γ in (0, 1), κ > 0.

    Returns
    -------
    ndarray
    """
    return per_parameter(_inverse_htmp_pdf_1d, x, gamma, kappa)


def inverse_htmp_logpdf(x: Any, gamma: Any, kappa: Any) -> np.ndarray:
    """log ρ_HTMP(1/λ) − 2 log λ (−inf outside (0, ∞)).

    Parameters
    ----------
    x : array_like
    gamma, kappa : array_like
        γ in (0, 1), κ > 0.

    Returns
    -------
    ndarray
    """
    return per_parameter(_inverse_htmp_logpdf_1d, x, gamma, kappa)


class InverseHTMP(Law):
    r"""Law of :math:`1/X` for :math:`X \sim \mathrm{HTMP}_{\gamma,\kappa}`: power-law upper tail
    :math:`\lambda^{-\alpha}`, :math:`\alpha = 1 + \kappa(1-\gamma)/(2\gamma)`.

    Parameters
    ----------
    gamma : float in (0, 1)
        Aspect ratio of the HTMP law of :math:`1/\Lambda`.
    kappa : float > 0
        Its eigenvector entropy; the tail exponent :math:`\alpha - 1 = \kappa(1-\gamma)/(2\gamma)` must be at least
        :data:`INVERSE_HTMP_MIN_TAIL_EXCESS` (below it more than 1e-6 of the mass lies beyond the double range).

    Notes
    -----
    Moments :math:`E[\Lambda^k]` are finite only for :math:`k < \alpha - 1`; :meth:`moment` returns ``inf``
    otherwise (and then free cumulants are undefined).
    """

    parameters = HTMP_PARAMETERS
    latex_name = r"\mathrm{HTMP}^{-1}"
    symbolic_face_class = InverseHTMPSymbolicFace
    aliases = ("invhtmp",)
    kernels = Kernels(pdf=inverse_htmp_pdf, logpdf=inverse_htmp_logpdf, support=htmp_support, check=htmp_check)
    fit_hints = FitHints(auto_scale=True, nonnegative=True, box=HTMP_BOX, candidate=True)
    fit_starts = classmethod(inverse_htmp_starts)
    fit_boundary_note = classmethod(htmp_boundary_note(inverse=True))
    fit_tail_exponent = classmethod(htmp_tail_exponent_and_gradient)

    def _check_params(self) -> None:
        check_gamma_kappa(self)
        if self.is_symbolic:
            return
        excess = self.kappa * (1 - self.gamma) / (2 * self.gamma)  # tail exponent − 1 = A + 1
        if not excess >= INVERSE_HTMP_MIN_TAIL_EXCESS:
            raise ValueError(
                f"InverseHTMP(gamma = {self.gamma:g}, kappa = {self.kappa:g}): tail exponent 1 + kappa(1-gamma)/"
                f"(2 gamma) = 1 + {excess:.3g} is below {1 + INVERSE_HTMP_MIN_TAIL_EXCESS:g}: more than 1e-6 of the mass "
                f"then lies beyond 1e300, outside the double range (1/X for X ~ HTMP(gamma, kappa), whose cdf grows "
                f"like x^(kappa(1-gamma)/(2 gamma)) near 0); need kappa >= "
                f"{2 * self.gamma * INVERSE_HTMP_MIN_TAIL_EXCESS / (1 - self.gamma):.6g} for this gamma")

    @cached_property
    def base(self) -> HTMP:
        """The HTMP law of 1/Λ."""
        return HTMP(self.gamma, self.kappa)

    @property
    def tail_exponent(self) -> float:
        """α with density ~ C λ^{−α} as λ → ∞: α = A + 2 = 1 + κ(1 − γ)/(2γ)."""
        self._require_numeric("tail_exponent")
        return 1.0 + self.kappa * (1 - self.gamma) / (2 * self.gamma)

    @property
    def tail_constant(self) -> float:
        """C in ρ(λ) ~ C λ^{−α}: C = C0 of HTMP = b^{A+1}Γ(b)/(Γ(B+1)Γ(A+1)²)."""
        A, B, b = K.htmp_params(self.gamma, self.kappa)
        return math.exp((A + 1) * math.log(b) + math.lgamma(b) - math.lgamma(B + 1) - 2 * math.lgamma(A + 1))

    def _support(self) -> tuple[tuple[float, float], ...]:
        return ((0.0, math.inf),)

    def _pdf(self, x: np.ndarray) -> np.ndarray:
        return inverse_htmp_pdf(x, self.gamma, self.kappa)

    def logpdf(self, x: Any) -> Any:
        """log density (−inf outside (0, ∞)).

        Parameters
        ----------
        x : float or array_like

        Returns
        -------
        float or ndarray
        """
        self._require_numeric("logpdf")
        out = inverse_htmp_logpdf(x, self.gamma, self.kappa)
        return out[()] if np.ndim(x) == 0 else out

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        flat = np.ascontiguousarray(x, dtype=float).ravel()
        out = np.where(np.isnan(flat), np.nan, 0.0)
        pos = flat > 0
        if np.any(pos):
            out[pos] = self.base._sf(1.0 / flat[pos])
        return out.reshape(x.shape)

    def sf(self, x: Any) -> Any:
        """1 − cdf, accurate in the power-law tail: P(Λ > λ) = F_HTMP(1/λ).

        Parameters
        ----------
        x : float or array_like

        Returns
        -------
        float or ndarray
        """
        xa = np.asarray(x, dtype=float)
        flat = np.ascontiguousarray(xa).ravel()
        out = np.ones(flat.shape)
        pos = flat > 0
        out[pos] = self.base.cdf(1.0 / flat[pos])
        out = out.reshape(xa.shape)
        return out[()] if np.ndim(x) == 0 else out

    def _ppf(self, q: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return 1.0 / self.base._ppf(1.0 - q)

    def _stieltjes(self, z: np.ndarray) -> np.ndarray:
        # m_{1/X}(z) = −1/z − m_X(1/z)/z²; 1/z lies in the lower half plane, m_X(w̄) = conj m_X(w)
        flat = np.ascontiguousarray(z, dtype=complex).ravel()
        out = np.empty(flat.shape, dtype=complex)
        zero = flat == 0
        out[zero] = 1.0  # m(0) = E[1/Λ] = E[X] = 1 (the density vanishes faster than any power at 0)
        nz = ~zero
        w = 1.0 / flat[nz]
        mx = np.conj(self.base._stieltjes(np.conj(w)))
        out[nz] = -w - mx * w * w
        return out.reshape(z.shape)

    def _moment(self, k: int) -> float:
        return float(KT.htmp_inverse_moments(self.gamma, self.kappa, k)[k])

    def _r_transform(self, w: np.ndarray) -> np.ndarray:
        if not math.isfinite(self.moment(2)):
            raise NotImplementedError(f"{self!r} has infinite variance (tail exponent {self.tail_exponent:g} <= 3): "
                                      f"its R-transform has no expansion at w = 0")
        return super()._r_transform(w)

    def free_cumulants(self, K_: int) -> np.ndarray:
        """Free cumulants κ_1..κ_K; ``inf`` from the first infinite moment on.

        Parameters
        ----------
        K_ : int
            Number of cumulants.

        Returns
        -------
        ndarray
        """
        moms = self.moments(K_)
        finite = int(np.sum(np.isfinite(moms)))
        out = np.full(K_, np.inf)
        if finite:
            out[:finite] = super().free_cumulants(finite)
        return out

    def continuous_rule(self, panels: int = 0, order: int = 16) -> tuple[np.ndarray, np.ndarray]:
        """The HTMP rule mapped by x → 1/x (weights unchanged).

        For A + 1 ≪ 1 the HTMP rule has nodes that underflow to 0 (the mass below the smallest double, ~0.3 % for
        HTMP(0.999999, 0.95)); they map to +inf here: that mass lies beyond the largest double, where the mean is
        infinite anyway (E[1/X] = ∞ for A ≤ 0).

        Parameters
        ----------
        panels, order : int
            Passed to :meth:`HTMP.continuous_rule`.

        Returns
        -------
        x, w : ndarray
            Nodes and weights.
        """
        xs, ws = self.base.continuous_rule(panels, order)
        with np.errstate(divide="ignore", over="ignore"):  # 0 and denormal nodes
            return 1.0 / xs, ws

    def sample_eigenvalues(self, n: int, rng: Any = None) -> np.ndarray:
        """Eigenvalues of one n×n matrix: reciprocals of the HTMP model's (ascending).

        Parameters
        ----------
        n : int
            Matrix size.
        rng : numpy.random.Generator, int or None
            Randomness.

        Returns
        -------
        ndarray
        """
        self._require_numeric("sample_eigenvalues")
        with np.errstate(divide="ignore"):
            return np.sort(1.0 / self.base.sample_eigenvalues(n, rng))

    def _matrix(self, n: int, rng: np.random.Generator) -> np.ndarray:
        with np.errstate(divide="ignore"):
            lam = 1.0 / self.base.sample_eigenvalues(n, rng)
        q, r = np.linalg.qr(rng.standard_normal((n, n)))
        q *= np.sign(np.diag(r))
        return (q * lam) @ q.T
