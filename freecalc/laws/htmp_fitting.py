r"""Fitting declarations of HTMP and InverseHTMP: search box, starting values, boundary notes, implied tail exponent.

Used as class hooks by :class:`freecalc.laws.htmp.HTMP` and :class:`freecalc.laws.inverse_htmp.InverseHTMP` (see
:class:`freecalc.laws.extension.ExtensionHooks`); kept apart from the law module, whose subject is the density and
its transforms.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from freecalc.laws.extension import affine_starts

__all__ = ["HTMP_BOX", "htmp_starts", "inverse_htmp_starts", "htmp_boundary_note",
           "htmp_tail_exponent_and_gradient"]

#: Search range of the fits. κ ≤ 500: HTMP is then Marchenko–Pastur to ~3e-3 in L1 (0.016 at κ = 100, rate 1/κ;
#: see the htmp notes) and κ is no longer identifiable; with γ ≥ 0.005 it keeps b = κ/(2γ) ≤ 5e4, where the density
#: kernel stays fast (~0.2 s per 1024 points at the corner, ~1 ms inside).
HTMP_BOX = {"gamma": (0.005, 0.995), "kappa": (0.005, 500.0)}


def _shape_pairs(v: float, alpha_hint: float | None) -> list[tuple[float, float]]:
    r"""(γ, κ) pairs with HTMP variance γ(1 + 2/κ) = v (mean normalised to 1), over a grid of κ; plus, when a tail
    exponent hint α is given, pairs with 1 + κ(1−γ)/(2γ) = α."""
    out = []
    for kappa in (0.5, 1.0, 2.0, 5.0, 20.0, 100.0):
        g = v / (1.0 + 2.0 / kappa)
        if 0.0 < g < 1.0:
            out.append((g, kappa))
    if alpha_hint is not None and alpha_hint > 1.0:
        for g in (0.1, 0.25, 0.5, 0.75):
            out.append((g, 2.0 * g * (alpha_hint - 1.0) / (1.0 - g)))
    return out


def _with_affine(pairs: list[tuple[float, float]], scale: float, with_scale: bool,
                 with_loc: bool) -> list[dict[str, float]]:
    return affine_starts([{"gamma": g, "kappa": k} for g, k in pairs], with_scale, with_loc, scale=scale)


def htmp_starts(cls: type, data: Any, with_scale: bool, with_loc: bool) -> list[dict[str, float]]:
    """HTMP starts: mean 1, so the added scale starts at the data mean; (γ, κ) from the normalised variance.

    Parameters
    ----------
    cls : type
        The law class (the hook is a class method).
    data : DataSummary
        Sorted data off the atom at 0.
    with_scale, with_loc : bool
        Include an added ``scale`` / ``loc`` (0).

    Returns
    -------
    list of dict
    """
    x = data.x
    scale = float(np.mean(x)) if with_scale else 1.0
    if not scale > 0:
        return []
    v = float(np.var(x / scale))
    return _with_affine(_shape_pairs(v, None), scale, with_scale, with_loc)


def inverse_htmp_starts(cls: type, data: Any, with_scale: bool, with_loc: bool) -> list[dict[str, float]]:
    """InverseHTMP starts: the law of 1/X, X ~ HTMP (mean 1), so the scale starts at the harmonic mean of the data,
    (γ, κ) from the variance of scale/x and from the data's power-law tail exponent (α = 1 + κ(1−γ)/(2γ)).

    Parameters
    ----------
    cls : type
        The law class.
    data : DataSummary
        Sorted data off the atom at 0; ``data.tail_exponent()`` is the Clauset estimate of α or None.
    with_scale, with_loc : bool
        Include an added ``scale`` / ``loc`` (0).

    Returns
    -------
    list of dict
    """
    x = data.x[data.x > 0]
    if x.size < 3:
        return []
    scale = 1.0 / float(np.mean(1.0 / x)) if with_scale else 1.0
    v = float(np.var(scale / x))
    return _with_affine(_shape_pairs(v, data.tail_exponent()), scale, with_scale, with_loc)


def htmp_boundary_note(inverse: bool) -> Callable[[type, str, str, Mapping[str, float]], str | None]:
    """The boundary-note hook of HTMP (``inverse=False``) or InverseHTMP (limits verified in
    tests/fitting/test_boundary.py).

    Parameters
    ----------
    inverse : bool
        Whether the note is for InverseHTMP.

    Returns
    -------
    callable
        ``note(cls, param, side, theta) -> str or None``.
    """
    name = "InverseHTMP" if inverse else "HTMP"

    def note(cls: type, param: str, side: str, theta: Mapping[str, float]) -> str | None:
        g, k = float(theta["gamma"]), float(theta["kappa"])
        b = k / (2.0 * g)
        if param == "gamma" and side == "lower":
            limit = (f"the inverse-gamma law with shape b and scale b (upper tail exponent alpha = 1 + b = {1 + b:.4g})"
                     if inverse else "the Gamma law with shape b and rate b (mean 1, variance 1/b)")
            return (f"{name}: the likelihood keeps rising as gamma -> 0 with b = kappa/(2 gamma) = {b:.4g} held, "
                    f"where {name} tends to {limit}; the data prefer that limit to every {name} law in the search "
                    f"range, so the estimate (gamma = {g:.3g}, the search limit) is on the boundary of the family, "
                    f"not an interior maximum: gamma and kappa are not determined separately (only b is)")
        if param == "kappa" and side == "upper":
            return (f"{name}: kappa = {k:.4g} is the search limit, where {name} is "
                    f"{'the inverse of ' if inverse else ''}Marchenko-Pastur with ratio gamma to ~3e-3 in L1: the data "
                    f"look {'like 1/MP' if inverse else 'Marchenko-Pastur'}; fit that law instead")
        return None

    return note


def htmp_tail_exponent_and_gradient(cls: type, theta: Mapping[str, float]) -> tuple[float, dict[str, float]]:
    r"""InverseHTMP's tail exponent :math:`\alpha = 1 + \kappa(1-\gamma)/(2\gamma)` and its gradient,
    :math:`\partial\alpha/\partial\gamma = -\kappa/(2\gamma^2)`,
    :math:`\partial\alpha/\partial\kappa = (1-\gamma)/(2\gamma)`.

    Parameters
    ----------
    cls : type
        The law class.
    theta : mapping
        Fitted ``gamma`` and ``kappa``.

    Returns
    -------
    tuple
        ``(alpha, {"gamma": dalpha/dgamma, "kappa": dalpha/dkappa})``.
    """
    g, k = float(theta["gamma"]), float(theta["kappa"])
    return cls(g, k).tail_exponent, {"gamma": -k / (2.0 * g * g), "kappa": (1.0 - g) / (2.0 * g)}
