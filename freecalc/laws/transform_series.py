r"""The R- and S-transforms of a law: the public methods, their power series next to w = 0 and the generic Newton
inversions of the Stieltjes transform.

:class:`TransformSeries` is a mixin of :class:`freecalc.laws.base.Law`; it uses the law's ``mean``, ``moments``,
``free_cumulants``, ``support``, ``atoms`` and ``_stieltjes``. Voiculescu's :math:`R` satisfies
:math:`R(G(z)) + 1/G(z) = z` with :math:`G = -m`; the S-transform is :math:`S(w) = \chi(w)(1 + w)/w` with
:math:`\chi` the inverse of :math:`\psi(u) = -m(1/u)/u - 1` (Nica & Speicher 2006, Lectures 12 and 18).

Next to :math:`w = 0` the closed or iterative forms compute :math:`G^{-1}(w) \approx 1/w` and subtract :math:`1/w`,
losing :math:`\log_{10}(1/|w|)` digits; there the series in the free cumulants (R) or moments (S) is used instead.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from freecalc.laws.hook_calls import flat_call, scalar_out
from freecalc.numerics.series import horner, s_series_from_moments
from freecalc.numerics.solvers import handle_failures, newton_fd

__all__ = ["TransformSeries"]

def _guarded(compute: Callable[[], Any]) -> Any:
    """``compute()``, or None when the law cannot provide it (no moments, unbounded, overflow): the transform then
    falls back to its closed or iterative form, as without a series."""
    try:
        return compute()
    except (NotImplementedError, ArithmeticError):
        return None


def _as_transform_arg(w: Any, where: str) -> np.ndarray:
    arr = np.asarray(w)
    if arr.dtype.kind not in "biufc" or arr.dtype.kind == "b":
        raise TypeError(f"{where}: w must be a real or complex number or array, got {w!r}")
    wa = arr.astype(complex)
    if np.any(~np.isfinite(wa)):
        raise ValueError(f"{where}: w must be finite")
    return wa


def _real_if_real(like: Any, out: np.ndarray) -> np.ndarray:
    """``out.real`` when the argument was real and every value is real to rounding, else ``out`` (complex)."""
    if np.iscomplexobj(np.asarray(like)) or out.size == 0:
        return out
    if np.all(np.abs(out.imag) <= 1e-13 * np.maximum(np.abs(out.real), np.finfo(float).tiny)):
        return out.real.copy()
    return out


# Series of R and S at w = 0. R(w) = Σ κ_{n+1} wⁿ; for a law whose support lies within distance M of its mean,
# |κ_n| ≤ (16 M)ⁿ (Nica & Speicher 2006, Prop. 13.15, applied to the centred variable; κ_n for n ≥ 2 do not see
# the shift), so at |w| ≤ δ/(16 M) the tail after _SERIES_TERMS terms is ≤ 16 M δ^K/(1 − δ) ≈ 1.6e-19 M. There the
# closed or iterative forms, which compute G⁻¹(w) ≈ 1/w and subtract 1/w, have lost log10(1/(|w| M)) digits.
_SERIES_TERMS = 10
_SERIES_DELTA = 1e-2
# For S no such bound is at hand: the radius is estimated from the growth of the computed coefficients and the
# series is used only a factor 1e-3 inside it (the neglected terms are then ≲ |s_0| 1e-3^K).
_S_SERIES_DELTA = 1e-3
_EPS = float(np.finfo(float).eps)


class TransformSeries:
    """Mixin: :meth:`r_transform` and :meth:`s_transform` of a law, with their series next to w = 0."""

    def r_transform(self, w: Any) -> Any:
        """Voiculescu's R-transform, R(G(z)) + 1/G(z) = z, on its domain near w = 0.

        Next to w = 0 (where G⁻¹(w) − 1/w cancels) the free-cumulant series Σ κ_{n+1} wⁿ is used, so R(0) = κ₁
        exactly. The result has the shape of ``w``; it is real for real ``w`` where R is real, complex otherwise.

        Parameters
        ----------
        w : complex or array_like
            Points of the domain of R (a neighbourhood of 0); finite real or complex numbers.

        Returns
        -------
        float, complex or numpy.ndarray
            :math:`R(w)`, with the shape of ``w``.

        Raises
        ------
        TypeError
            When ``w`` is not numeric.
        ValueError
            When ``w`` is not finite.
        """
        self._require_numeric("r_transform")
        wa = _as_transform_arg(w, "r_transform")
        out = flat_call(lambda f: self._near_zero(f, self._r_transform, self._r_series), wa, complex)
        return scalar_out(w, _real_if_real(w, out))

    def s_transform(self, w: Any) -> Any:
        """S-transform S(w) = χ(w)(1 + w)/w (needs a non-zero mean); S(0) = 1/m₁.

        Next to w = 0 its power series (from the moments) is used; shape and real/complex output as for
        :meth:`r_transform`.

        Parameters
        ----------
        w : complex or array_like
            Points of the domain of S (a neighbourhood of 0), as for :meth:`r_transform`.

        Returns
        -------
        float, complex or numpy.ndarray
            :math:`S(w)`, with the shape of ``w``.

        Raises
        ------
        ValueError
            When the law's mean is 0 (S is undefined) or ``w`` is not finite.
        TypeError
            When ``w`` is not numeric.
        """
        self._require_numeric("s_transform")
        if self.mean() == 0:
            raise ValueError(f"the S-transform of {self!r} is undefined: its mean is 0")
        wa = _as_transform_arg(w, "s_transform")
        out = flat_call(lambda f: self._near_zero(f, self._s_transform, self._s_series), wa, complex)
        return scalar_out(w, _real_if_real(w, out))

    def _near_zero(self, w: np.ndarray, hook: Callable[[np.ndarray], Any],
                   series: Callable[[], tuple[np.ndarray, float] | None]) -> np.ndarray:
        """A transform at 1-d ``w``: its series (coefficients, radius of use) next to 0, the hook elsewhere.

        Without a series (unbounded support, infinite moments) only the value at w = 0 is taken from it: the
        constant term, R(0) = m₁ or S(0) = 1/m₁, known whenever the mean is finite.
        """
        out = np.empty(w.shape, dtype=complex)
        ser = series() if w.size else None
        if ser is not None:
            coefs, radius = ser
            near = np.abs(w) <= radius
        else:
            coefs, near = self._constant_term(hook), w == 0
            if coefs is None:
                near = np.zeros(w.shape, dtype=bool)
        if np.any(near):
            out[near] = horner(coefs, w[near])
        far = ~near
        if np.any(far):
            out[far] = np.asarray(hook(w[far]), dtype=complex)
        return out

    def _constant_term(self, hook: Callable[[np.ndarray], Any]) -> list[float] | None:
        m1 = self.mean()
        if not math.isfinite(m1):
            return None
        return [m1] if hook == self._r_transform else [1.0 / m1]

    def _series_ends(self) -> list[float]:
        """Points whose hull contains the law (support ends and atoms); laws that know a cheaper bracket override."""
        return [e for ab in self.support for e in ab] + [loc for loc, _ in self.atoms]

    def _centred_radius(self) -> float | None:
        """max |x − mean| over :meth:`_series_ends`, or None when the law is not known to be bounded."""
        ends = self._series_ends()
        if not ends or not all(math.isfinite(e) for e in ends):
            return None
        m1 = self.mean()
        if not math.isfinite(m1):
            return None
        return max(abs(e - m1) for e in ends)

    def _r_series(self) -> tuple[np.ndarray, float] | None:
        """Free cumulants κ₁..κ_K as R-series coefficients and the radius where the series is used (cached)."""
        cache = self.__dict__.setdefault("_transform_series", {})
        if "r" not in cache:
            cache["r"] = _guarded(self._compute_r_series)
        return cache["r"]

    def _compute_r_series(self) -> tuple[np.ndarray, float] | None:
        radius = self._centred_radius()
        if radius is None:
            return self._short_series(lambda: self.free_cumulants(4), lambda c: 1.0)
        with np.errstate(all="ignore"):
            kap = np.asarray(self.free_cumulants(_SERIES_TERMS), dtype=float)
        if not np.all(np.isfinite(kap)):
            return None
        return kap, math.inf if radius == 0 else _SERIES_DELTA / (16.0 * radius)

    def _short_series(self, four: Callable[[], Any], cancel: Callable[[np.ndarray], float]
                      ) -> tuple[np.ndarray, float] | None:
        """Three terms of an asymptotic series, for an unbounded law with four finite moments.

        Without a bound on the support the series need not converge, but it is asymptotic as w → 0 with error
        ≈ |c₃||w|³, while the closed or iterative form loses ≈ eps·C/|w| to cancellation (C = ``cancel(c)``);
        the series is used where the first is the smaller, |w|⁴ ≤ eps·C/|c₃|.
        """
        if not all(math.isfinite(self.moment(k)) for k in range(1, 5)):
            return None
        with np.errstate(all="ignore"):
            c = np.asarray(four(), dtype=float)
        if not np.all(np.isfinite(c)):
            return None
        if c[3] == 0:
            return c[:3], math.inf
        return c[:3], (_EPS * cancel(c) / abs(c[3])) ** 0.25

    def _s_series(self) -> tuple[np.ndarray, float] | None:
        """S-series coefficients s₀..s_{K−1} and the radius where the series is used (cached)."""
        cache = self.__dict__.setdefault("_transform_series", {})
        if "s" not in cache:
            cache["s"] = _guarded(self._compute_s_series)
        return cache["s"]

    def _compute_s_series(self) -> tuple[np.ndarray, float] | None:
        if self._centred_radius() is None:
            return self._short_series(lambda: s_series_from_moments(self.moments(4)),
                                      lambda c: abs(c[0] / self.mean()))
        moms = self.moments(_SERIES_TERMS + 1)
        if not np.all(np.isfinite(moms)):
            return None
        with np.errstate(all="ignore"):
            coefs = np.asarray(s_series_from_moments(moms), dtype=float)
        if not np.all(np.isfinite(coefs)):
            return None
        growth = max(abs(c / coefs[0]) ** (1.0 / k) for k, c in enumerate(coefs) if k)
        return coefs, math.inf if growth == 0 else _S_SERIES_DELTA / growth

    def _r_transform(self, w: np.ndarray) -> np.ndarray:
        # Newton on m(z) = −w starting from the cumulant series z ≈ 1/w + κ1 + κ2 w (valid for small |w|)
        k1, k2 = self.moment(1), self.var()
        if not (math.isfinite(k1) and math.isfinite(k2)):
            raise NotImplementedError(f"the R-transform of {self!r} is found by Newton from the start 1/w + κ1 + κ2 w, "
                                      f"and this law has no finite {'mean' if not math.isfinite(k1) else 'variance'}")
        zc, status = newton_fd(lambda u: self._stieltjes_any(u) + w, 1.0 / w + k1 + k2 * w)
        handle_failures(status, f"R-transform of {self!r} (Newton inversion of m)", points=w, stacklevel=5)
        return zc - 1.0 / w

    def _stieltjes_any(self, z: np.ndarray) -> np.ndarray:
        lower = z.imag < 0
        zu = np.where(lower, np.conj(z), z)
        out = self._stieltjes(zu)
        return np.where(lower, np.conj(out), out)

    def _s_transform(self, w: np.ndarray) -> np.ndarray:
        # ψ(u) = −m(1/u)/u − 1; solve ψ(χ) = w by Newton from χ ≈ w/m1, then S = χ(1 + w)/w
        m1 = self.moment(1)
        chi = w / m1
        psi = lambda u: -self._stieltjes_any(1.0 / u) / u - 1.0  # noqa: E731
        # scale floor 1e-3: χ ≈ w/m1 is small near w = 0, where an absolute step of 1e-14 would be too loose
        chi, status = newton_fd(lambda u: psi(u) - w, chi, scale_floor=1e-3)
        handle_failures(status, f"S-transform of {self!r} (Newton inversion of ψ)", points=w, stacklevel=5)
        return chi * (1 + w) / w
