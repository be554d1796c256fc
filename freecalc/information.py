r"""Voiculescu's free entropy and free Fisher information of a law.

For a probability measure μ on ℝ with density ρ (Voiculescu 1993, 1998; Hiai & Petz, *The Semicircle Law, Free
Random Variables and Entropy*, 2000, §5.3):

.. math::

    \chi(\mu) = \iint \log|s - t|\,d\mu(s)\,d\mu(t) + \tfrac34 + \tfrac12\log 2\pi, \qquad
    \Phi^*(\mu) = \tfrac{4\pi^2}{3}\int \rho(x)^3\,dx .

Both are maximised/minimised by the semicircle at fixed variance σ²: :math:`\chi = \tfrac12\log(2\pi e\sigma^2)`,
:math:`\Phi^* = 1/\sigma^2` (the free analogues of the Gaussian's entropy and Fisher information). Under dilation
:math:`\chi(aX) = \chi(X) + \log|a|` and :math:`\Phi^*(aX) = \Phi^*(X)/a^2`. A law with an atom has
:math:`\chi = -\infty` and :math:`\Phi^* = +\infty`.

Computation (when no closed form is registered): the logarithmic energy from the **Chebyshev moments** of μ on the
hull [a, b] of its support. With :math:`x = c + h u` (h = (b − a)/2) and
:math:`\log|u - v| = -\log 2 - \sum_{k\ge1}\tfrac{2}{k}T_k(u)T_k(v)` on [−1, 1],

.. math:: \iint\log|s-t|\,d\mu\,d\mu = \log h - \log 2 - \sum_{k\ge 1}\frac{2}{k}\,a_k^2, \qquad a_k = \int T_k(u)\,d\mu,

where the :math:`a_k` are integrals of smooth functions against ρ, done with the law's own quadrature rule (graded
towards edges). For square-root edges :math:`a_k = O(k^{-3/2})`, so the series tail after K terms is
:math:`O(K^{-3})`; the sum is taken until the terms fall below the tolerance. Unbounded supports are truncated at
the quantiles ε and 1 − ε (ε = 1e-13: the neglected mass changes χ by less than ~1e-11 for laws with finite
logarithmic moments). :math:`\Phi^*` is :math:`\tfrac{4\pi^2}{3}\sum_j w_j\rho(x_j)^2` with the rule's nodes and
masses :math:`w_j \approx \rho(x_j)dx`; it is +inf when ρ is not in L³ (e.g. a density diverging like
:math:`x^{A}` with :math:`A \le -1/3`).
"""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from freecalc.laws.base import Law
from freecalc.laws.semicircle import Semicircle

__all__ = ["free_entropy", "free_fisher_information", "register_free_entropy", "register_free_fisher_information",
           "log_energy"]

#: Additive constant of Voiculescu's χ for one variable.
CHI_CONSTANT = 0.75 + 0.5 * math.log(2.0 * math.pi)

# Unbounded supports are cut at these quantiles (see the module docstring).
_TAIL_MASS = 1e-13
# Quadrature panels for the Chebyshev moments: 512 Gauss–Legendre panels of order 16 resolve T_k up to k ≈ 4000.
_PANELS, _ORDER = 512, 16
_MAX_TERMS = 4000
# Stop the Chebyshev sum when the last block of terms adds less than this (relative to 1).
_TERM_TOL = 1e-13
# A density exponent below −1/3 at an edge makes ∫ρ³ diverge; the rule's sum then grows with refinement. Refining
# changes a convergent ∫ρ³ by < 1e-9 relative; a larger change means divergence.
_L3_RTOL = 1e-6

Closed = Callable[[Law], float]
_ENTROPY_RULES: dict[type, Closed] = {}
_FISHER_RULES: dict[type, Closed] = {}


def _register(table: dict[type, Closed], cls: type) -> Callable[[Closed], Closed]:
    def deco(rule: Closed) -> Closed:
        table[cls] = rule
        return rule

    return deco


def register_free_entropy(cls: type) -> Callable[[Closed], Closed]:
    """Register ``rule(law) -> float``, the closed-form free entropy of the family ``cls``.

    Use as a decorator next to the law's class; the rule is found for subclasses too (method resolution order).

    Parameters
    ----------
    cls : type
        The law class the rule applies to.

    Returns
    -------
    callable
        The decorator, which returns the rule unchanged.
    """
    return _register(_ENTROPY_RULES, cls)


def register_free_fisher_information(cls: type) -> Callable[[Closed], Closed]:
    """Register ``rule(law) -> float``, the closed-form free Fisher information of the family ``cls``.

    Use as a decorator next to the law's class; the rule is found for subclasses too (method resolution order).

    Parameters
    ----------
    cls : type
        The law class the rule applies to.

    Returns
    -------
    callable
        The decorator, which returns the rule unchanged.
    """
    return _register(_FISHER_RULES, cls)


def _rule(table: dict[type, Closed], law: Law) -> Closed | None:
    for klass in type(law).__mro__:
        if klass in table:
            return table[klass]
    return None


def _check(law: object) -> Law:
    if not isinstance(law, Law):
        raise TypeError(f"expected a freecalc Law, got {type(law).__name__}")
    law._require_numeric("free entropy / free Fisher information")
    return law


def _hull(law: Law) -> tuple[float, float]:
    edges = [e for ab in law.support for e in ab]
    if not edges:
        raise ValueError(f"{law!r} has no continuous part")
    lo, hi = min(edges), max(edges)
    if not math.isfinite(lo):
        lo = float(law.ppf(_TAIL_MASS))
    if not math.isfinite(hi):
        hi = float(law.ppf(1.0 - _TAIL_MASS))
    return lo, hi


def _rule_nodes(law: Law) -> tuple[np.ndarray, np.ndarray]:
    return law.continuous_rule(panels=_PANELS, order=_ORDER)


def log_energy(law: Law) -> float:
    r"""The logarithmic energy :math:`\iint\log|s-t|\,d\mu(s)\,d\mu(t)` (−inf for a law with atoms).

    Parameters
    ----------
    law : Law
        A law with numeric parameters.

    Returns
    -------
    float
    """
    law = _check(law)
    if law.atoms:
        return -math.inf
    a, b = _hull(law)
    centre, half = 0.5 * (a + b), 0.5 * (b - a)
    xs, ws = _rule_nodes(law)
    keep = (xs >= a) & (xs <= b)
    u = np.clip((xs[keep] - centre) / half, -1.0, 1.0)
    w = ws[keep] / np.sum(ws[keep])  # the truncated tail's mass is redistributed (≤ 2ε)
    theta = np.arccos(u)
    total, k, block = 0.0, 1, 64
    while k <= _MAX_TERMS:
        ks = np.arange(k, k + block)
        coeff = np.cos(np.outer(ks, theta)) @ w  # a_k = ∫T_k dμ with T_k(cos θ) = cos kθ
        part = float(np.sum(2.0 * coeff ** 2 / ks))
        total += part
        k += block
        if part < _TERM_TOL:
            break
    return math.log(half) - math.log(2.0) - total


def free_entropy(law: Law) -> float:
    r"""Voiculescu's free entropy :math:`\chi(\mu) = \iint\log|s-t|\,d\mu\,d\mu + 3/4 + \tfrac12\log 2\pi`.

    Parameters
    ----------
    law : Law
        A law with numeric parameters.

    Returns
    -------
    float
        −inf when the law has an atom.

    Examples
    --------
    >>> import math, freecalc as fc
    >>> round(fc.free_entropy(fc.Semicircle(2)) - 0.5 * math.log(2 * math.pi * math.e), 12)
    0.0

    References
    ----------
    Voiculescu (1993), *The analogues of entropy and of Fisher's information measure in free probability theory I*;
    Hiai & Petz (2000), §5.3.
    """
    law = _check(law)
    rule = _rule(_ENTROPY_RULES, law)
    if rule is not None:
        return float(rule(law))
    return log_energy(law) + CHI_CONSTANT


def free_fisher_information(law: Law) -> float:
    r"""Voiculescu's free Fisher information :math:`\Phi^*(\mu) = \tfrac{4\pi^2}{3}\int\rho^3\,dx`.

    Parameters
    ----------
    law : Law
        A law with numeric parameters.

    Returns
    -------
    float
        +inf when the law has an atom or its density is not cube-integrable.

    References
    ----------
    Voiculescu (1998), *The analogues of entropy and of Fisher's information measure in free probability theory V*.
    """
    law = _check(law)
    rule = _rule(_FISHER_RULES, law)
    if rule is not None:
        return float(rule(law))
    if law.atoms:
        return math.inf

    def integral(panels: int) -> float:
        xs, ws = law.continuous_rule(panels=panels, order=_ORDER)
        dens = np.asarray(law.pdf(xs), dtype=float)
        with np.errstate(over="ignore"):  # a divergent ∫ρ³ may overflow: inf is then the answer
            return float(np.sum(ws * dens ** 2))

    coarse, fine = integral(_PANELS // 2), integral(_PANELS)
    if not math.isfinite(fine) or abs(fine - coarse) > _L3_RTOL * abs(fine):
        return math.inf  # the rule does not converge: ρ ∉ L³ (an edge singularity x^A with A ≤ −1/3)
    return 4.0 * math.pi ** 2 / 3.0 * fine


@register_free_entropy(Semicircle)
def _semicircle_entropy(law: Semicircle) -> float:
    # the maximiser at fixed variance: χ = ½ log(2πe σ²), σ² = r²/4
    return 0.5 * math.log(2.0 * math.pi * math.e * float(law.r) ** 2 / 4.0)


@register_free_fisher_information(Semicircle)
def _semicircle_fisher(law: Semicircle) -> float:
    return 4.0 / float(law.r) ** 2  # = 1/σ²
