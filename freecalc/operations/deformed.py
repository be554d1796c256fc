r"""Deformed Wigner and deformed Marchenko–Pastur laws: conveniences over ⊞ and ⊠ for any base law.

* :func:`deformed_wigner`: the limiting spectrum of :math:`A + \sigma W` with A of spectral law μ and W a GOE
  Wigner matrix normalised to the semicircle on [−2, 2] (off-diagonal variance 1/n), i.e.

  .. math:: \mu \boxplus \mathrm{SC}(2\sigma), \qquad R(w) = R_\mu(w) + \sigma^2 w

  (Pastur 1972: :math:`m(z) = m_\mu(z + \sigma^2 m(z))`).
* :func:`deformed_marchenko_pastur`: the limiting spectrum of the p × p sample covariance
  :math:`T^{1/2} X X^T T^{1/2}/n` with population T of spectral law μ on [0, ∞), X a p × n standard Gaussian
  matrix, p/n → c, i.e.

  .. math:: \mu \boxtimes \mathrm{MP}(c), \qquad S(w) = S_\mu(w)/(1 + cw)

  (Marchenko & Pastur 1967, Silverstein & Bai 1995), with an atom of mass 1 − 1/c at 0 when c > 1 (rank n < p).

Both are thin functions over :func:`~freecalc.operations.convolution.free_add` and
:func:`~freecalc.operations.convolution.free_mul`: the routes (closed forms, exact polynomial method, numeric
subordination), their options and their error reporting are those of the operations.

References: Pastur (1972), Theor. Math. Phys. 10 (deformed Wigner); Marchenko & Pastur (1967), Math. USSR Sb. 1;
Silverstein & Bai (1995), J. Multivariate Anal. 54 (sample covariance with a general population).
"""
from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from freecalc._lazy import is_sympy
from freecalc.laws.base import Law
from freecalc.laws.empirical import Empirical
from freecalc.laws.marchenko_pastur import MarchenkoPastur
from freecalc.laws.semicircle import Semicircle
from freecalc.operations.convolution import Method, free_add, free_mul

__all__ = ["deformed_wigner", "deformed_marchenko_pastur"]


def _base(base: Any, where: str) -> Law:
    if isinstance(base, Law):
        return base
    try:
        return Empirical(base)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{where}: base must be a freecalc Law or an array of eigenvalues, got "
                        f"{type(base).__name__} ({exc})") from None


def _positive(value: Any, name: str, where: str) -> Any:
    if is_sympy(value):
        if value.is_positive is False:
            raise ValueError(f"{where}: {name} must be > 0, got {value}")
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: {name} must be a positive number, got {type(value).__name__} {value!r}")
    v = float(value)
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"{where}: {name} must be a finite number in (0, inf), got {value!r}")
    return v


def deformed_wigner(base: Any, sigma: Any, *, method: Any = Method.AUTO, **opts: Any) -> Law:
    r"""The law of :math:`A + \sigma W` (W a Wigner matrix with semicircle on [−2, 2]): :math:`\mu \boxplus
    \mathrm{SC}(2\sigma)`.

    Parameters
    ----------
    base : Law or array_like
        μ, the spectral law of A (named, algebraic, numeric or empirical; an array is taken as eigenvalues).
    sigma : float > 0 or sympy.Expr
        Noise level σ (the semicircle has radius 2σ and variance σ²).
    method : Method, default Method.AUTO
        Route of :func:`~freecalc.operations.convolution.free_add`.
    **opts
        Options of the numeric route (subordination).

    Returns
    -------
    Law
        A named law when a closed form applies (μ a semicircle), an algebraic law when μ is algebraic, a numeric
        law otherwise.

    Raises
    ------
    ValueError
        ``sigma`` not in (0, ∞).
    TypeError
        ``base`` is neither a law nor an array.

    Examples
    --------
    >>> import freecalc as fc
    >>> fc.deformed_wigner(fc.Semicircle(2.0), 1.0)
    Semicircle(r=2.8284271247461903, center=0)
    """
    mu = _base(base, "deformed_wigner")
    s = _positive(sigma, "sigma", "deformed_wigner")
    return free_add(mu, Semicircle(2 * s), method=method, **opts)


def deformed_marchenko_pastur(base: Any, c: Any, *, method: Any = Method.AUTO, **opts: Any) -> Law:
    r"""The law of :math:`T^{1/2} X X^T T^{1/2}/n` (T ~ μ, X p × n Gaussian, p/n = c): :math:`\mu \boxtimes
    \mathrm{MP}(c)`.

    Parameters
    ----------
    base : Law or array_like
        μ, the population spectral law, on [0, ∞) (an array is taken as eigenvalues).
    c : float > 0 or sympy.Expr
        Aspect ratio p/n (c > 1 gives an atom of mass 1 − 1/c at 0).
    method : Method, default Method.AUTO
        Route of :func:`~freecalc.operations.convolution.free_mul`.
    **opts
        Options of the numeric route (subordination).

    Returns
    -------
    Law
        The sample-covariance law.

    Raises
    ------
    ValueError
        ``c`` not in (0, ∞); μ with mass on the negative half-line on the numeric route, or with mean 0.
    TypeError
        ``base`` is neither a law nor an array.

    Examples
    --------
    >>> import freecalc as fc
    >>> fc.deformed_marchenko_pastur(fc.PointMass(2.0), 0.5)
    MarchenkoPastur(c=0.5, sigma2=2)
    """
    mu = _base(base, "deformed_marchenko_pastur")
    ratio = _positive(c, "c", "deformed_marchenko_pastur")
    return free_mul(mu, MarchenkoPastur(ratio), method=method, **opts)
