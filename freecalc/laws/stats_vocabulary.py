r"""The scipy.stats vocabulary on every law: ``logpdf``, ``logcdf``, ``sf``, ``logsf``, ``isf``, ``interval``,
``median``, ``entropy``, ``expect`` and ``stats``.

Each method is written once here from the law's own ``pdf``/``cdf``/``ppf``/``moment``/``continuous_rule``, with the
meaning scipy.stats gives it (scipy's ``rv_continuous``), so a law written by a user gets them for free; a law with a
closed form may override any of them.

A spectral law may have atoms (e.g. the zero eigenvalues of a rank-deficient Wishart matrix). The conventions:

* ``pdf``/``logpdf`` are the density of the continuous part (atoms are listed by ``law.atoms``);
* ``cdf``/``sf`` count atoms (right-continuous cdf, ``sf = 1 − cdf``);
* ``entropy`` is the differential entropy :math:`-\int \rho\log\rho\,dx`, which is :math:`-\infty` for a law with
  atoms (the measure has no density);
* ``expect`` integrates over atoms and the continuous part.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from freecalc._lazy import lazy_module

# scipy.integrate (with scipy.special) is imported by the first ``expect``/``entropy``, not by every law
integrate = lazy_module("scipy.integrate")

__all__ = ["StatsVocabulary", "MOMENT_CODES"]

#: Letters accepted by :meth:`StatsVocabulary.stats` (scipy's codes): mean, variance, skewness, excess kurtosis.
MOMENT_CODES = "mvsk"

# scipy.integrate.quad tolerances for ``expect`` on a truncated range: the density has at most square-root or
# integrable power singularities at support edges, where quad's adaptive rule still reaches ~1e-12.
_QUAD_EPS = 1e-13
_QUAD_LIMIT = 400
# ρ log ρ has a ρ^{1/2} log ρ cusp at square-root edges: twice the default panels bring the rule to ~1e-13.
_ENTROPY_PANELS = 128


def _log(values: Any) -> Any:
    """log with log(0) = −inf and no RuntimeWarning (the value is the documented answer, not an accident)."""
    with np.errstate(divide="ignore"):
        return np.log(values)


class StatsVocabulary:
    """Mixin giving a :class:`~freecalc.laws.base.Law` the scipy.stats method names.

    Requires ``pdf``, ``cdf``, ``ppf``, ``moment``, ``atoms``, ``support`` and ``continuous_rule`` on the class.
    """

    # -- densities and tails --------------------------------------------------------------------------------
    def logpdf(self, x: Any) -> Any:
        """log of the density of the continuous part (−inf off the support).

        Parameters
        ----------
        x : float or array_like
            Points.

        Returns
        -------
        float or ndarray
            Same shape as ``x``.
        """
        return _log(self.pdf(x))

    def logcdf(self, x: Any) -> Any:
        """log of the cumulative distribution function (−inf left of the support).

        Parameters
        ----------
        x : float or array_like
            Points.

        Returns
        -------
        float or ndarray
            Same shape as ``x``.
        """
        return _log(self.cdf(x))

    def sf(self, x: Any) -> Any:
        r"""Survival function :math:`1 - F(x)` (atoms counted in the cdf, as in scipy.stats).

        Parameters
        ----------
        x : float or array_like
            Points.

        Returns
        -------
        float or ndarray
            Same shape as ``x``.
        """
        return 1.0 - self.cdf(x)

    def logsf(self, x: Any) -> Any:
        """log of the survival function (−inf right of the support).

        Parameters
        ----------
        x : float or array_like
            Points.

        Returns
        -------
        float or ndarray
            Same shape as ``x``.
        """
        return _log(self.sf(x))

    def isf(self, q: Any) -> Any:
        """Inverse survival function ``ppf(1 − q)``.

        Parameters
        ----------
        q : float or array_like
            Upper-tail probabilities in [0, 1].

        Returns
        -------
        float or ndarray
            Same shape as ``q``.

        Raises
        ------
        ValueError
            If a ``q`` is not finite or lies outside [0, 1].
        """
        qa = np.asarray(q, dtype=float)
        if np.any(~np.isfinite(qa)) or np.any((qa < 0) | (qa > 1)):
            raise ValueError(f"isf: q must lie in [0, 1], got {q!r}")
        return self.ppf(1.0 - qa if np.ndim(q) else 1.0 - float(qa))

    def median(self) -> float:
        """The median ``ppf(1/2)``.

        Returns
        -------
        float
        """
        return float(self.ppf(0.5))

    def interval(self, confidence: Any) -> tuple[Any, Any]:
        """Equal-tailed interval with the given probability content: (ppf((1 − c)/2), ppf((1 + c)/2)).

        Parameters
        ----------
        confidence : float or array_like
            Probability content in [0, 1].

        Returns
        -------
        (lower, upper) : tuple of float or of ndarray
            The ``(1 − c)/2`` and ``(1 + c)/2`` quantiles, shaped like ``confidence``.

        Raises
        ------
        ValueError
            If a ``confidence`` is not finite or lies outside [0, 1].
        """
        c = np.asarray(confidence, dtype=float)
        if np.any(~np.isfinite(c)) or np.any((c < 0) | (c > 1)):
            raise ValueError(f"interval: confidence must lie in [0, 1], got {confidence!r}")
        lo, hi = (1.0 - c) / 2.0, (1.0 + c) / 2.0
        if np.ndim(confidence) == 0:
            return self.ppf(float(lo)), self.ppf(float(hi))
        return self.ppf(lo), self.ppf(hi)

    # -- integrals -------------------------------------------------------------------------------------------
    def entropy(self) -> float:
        r"""Differential (Shannon) entropy :math:`h = -\int\rho(x)\log\rho(x)\,dx`.

        Returns ``-inf`` for a law with atoms (no density). Computed with the law's quadrature rule
        (``continuous_rule``), which is graded towards the support edges.

        Returns
        -------
        float
        """
        if self.atoms:
            return -math.inf
        xs, ws = self.continuous_rule(panels=_ENTROPY_PANELS)
        dens = np.asarray(self.pdf(xs), dtype=float)
        keep = dens > 0
        return float(-np.sum(ws[keep] * np.log(dens[keep])))

    def expect(self, func: Callable[[Any], Any] | None = None, lb: float | None = None, ub: float | None = None,
               conditional: bool = False) -> float:
        r"""Expected value :math:`\int_{[lb, ub]} g\,d\mu` of a function g (identity by default).

        Parameters
        ----------
        func : callable, optional
            Vectorised function of x (default: x).
        lb, ub : float, optional
            Integration limits (default: the whole line); atoms at the limits are included.
        conditional : bool
            Divide by the probability of [lb, ub], as scipy does.

        Returns
        -------
        float

        Raises
        ------
        ValueError
            If ``lb > ub``, or ``conditional`` is set and [lb, ub] has probability 0.

        Notes
        -----
        The whole line uses the law's quadrature rule (``continuous_rule``, exact for polynomials up to its order
        away from the edges); a truncated range uses adaptive quadrature of g·ρ on each support interval.
        """
        g = (lambda x: x) if func is None else func
        lo = -math.inf if lb is None else float(lb)
        hi = math.inf if ub is None else float(ub)
        if lo > hi:
            raise ValueError(f"expect: lb={lb!r} must not exceed ub={ub!r}")
        total = sum(w * float(g(np.float64(a))) for a, w in self.atoms if lo <= a <= hi)
        if lb is None and ub is None:
            xs, ws = self.continuous_rule()
            total += float(np.sum(ws * np.asarray(g(xs), dtype=float))) if xs.size else 0.0
            prob = 1.0
        else:
            for a, b in self.support:
                left, right = max(a, lo), min(b, hi)
                if left < right:
                    value, _ = integrate.quad(lambda x: float(g(np.float64(x))) * float(self.pdf(x)), left, right,
                                              epsabs=_QUAD_EPS, epsrel=_QUAD_EPS, limit=_QUAD_LIMIT)
                    total += value
            prob = float(self.cdf(hi)) - (float(self.cdf(lo)) if math.isfinite(lo) else 0.0)
            prob += sum(w for a, w in self.atoms if a == lo)  # cdf(lo) counted the atom at lo, [lb, ub] keeps it
        if conditional:
            if prob <= 0:
                raise ValueError(f"expect: the interval [{lb}, {ub}] has probability 0; conditional expectation "
                                 f"is undefined")
            total /= prob
        return float(total)

    def stats(self, moments: str = "mv") -> tuple[float, ...] | float:
        """Mean ('m'), variance ('v'), skewness ('s') and excess kurtosis ('k'), in the order requested.

        Parameters
        ----------
        moments : str
            Any combination of the letters ``"mvsk"`` (scipy's codes).

        Returns
        -------
        float or tuple of float
            One value for a single letter, else a tuple (scipy returns the same shapes).

        Raises
        ------
        ValueError
            If ``moments`` is empty or has a letter outside ``"mvsk"``.
        """
        if not isinstance(moments, str) or not moments or any(ch not in MOMENT_CODES for ch in moments):
            raise ValueError(f"stats: moments must be a non-empty combination of the letters {MOMENT_CODES!r}, "
                             f"got {moments!r}")
        m1, m2 = self.moment(1), self.moment(2)
        # E X² = ∞ (heavy tails) means an infinite variance whatever the mean (inf − inf would give NaN); the
        # standardised moments are then undefined, as scipy reports them for such laws
        var = m2 - m1 * m1 if math.isfinite(m2) else math.inf

        def skewness() -> float:
            if not math.isfinite(var):
                return math.nan
            central3 = self.moment(3) - 3 * m1 * m2 + 2 * m1 ** 3
            return central3 / var ** 1.5 if var > 0 else math.nan  # undefined for a point mass, as in scipy

        def excess_kurtosis() -> float:
            if not math.isfinite(var):
                return math.nan
            m3, m4 = self.moment(3), self.moment(4)
            central4 = m4 - 4 * m1 * m3 + 6 * m1 ** 2 * m2 - 3 * m1 ** 4
            return central4 / var ** 2 - 3.0 if var > 0 else math.nan

        value_of = {"m": lambda: m1, "v": lambda: var, "s": skewness, "k": excess_kurtosis}
        out = [float(value_of[ch]()) for ch in moments]
        return out[0] if len(out) == 1 else tuple(out)
