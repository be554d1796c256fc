r"""Closed-form operation rules of the free stable laws, registered in the registries.

With :math:`R(w) = -i\sigma^\alpha(1 + i\beta\tan\frac{\pi\alpha}{2})(iw)^{\alpha-1}` (:mod:`freecalc.laws.free_stable`):

* ⊞ of one index: the coefficients :math:`\sigma^\alpha` and :math:`\beta\sigma^\alpha` add, so
  :math:`\mathrm{FS}(\alpha, \beta_1, \sigma_1) \boxplus \mathrm{FS}(\alpha, \beta_2, \sigma_2) =
  \mathrm{FS}(\alpha, \beta, \sigma)`, :math:`\sigma^\alpha = \sigma_1^\alpha + \sigma_2^\alpha`,
  :math:`\beta = (\beta_1\sigma_1^\alpha + \beta_2\sigma_2^\alpha)/\sigma^\alpha` (for α = 1 both β are 0);
* scale: :math:`R_{tX}(w) = tR_X(tw)`, so :math:`t\cdot\mathrm{FS}(\alpha, \beta, \sigma) = \mathrm{FS}(\alpha,
  \mathrm{sign}(t)\beta, |t|\sigma)` (a negative t mirrors the law);
* power s ≥ 1 (:math:`R \to sR`): :math:`\sigma^\alpha \to s\sigma^\alpha`, so :math:`\mathrm{FS}(\alpha, \beta,
  \sigma)^{\boxplus s} = \mathrm{FS}(\alpha, \beta, s^{1/\alpha}\sigma) = s^{1/\alpha}\cdot\mathrm{FS}(\alpha, \beta,
  \sigma)` (strict stability);
* compression to a fraction 0 < t ≤ 1 (:math:`R(w) \to R(tw) = t^{\alpha-1}R(w)`, the principal power of a
  positive factor splits off): :math:`\sigma \to t^{(\alpha-1)/\alpha}\sigma`, i.e. the dilation by t of
  :math:`\mu^{\boxplus 1/t}` (σ → t·t^{−1/α}σ); for α < 1 the scale grows, for α = 1 (Cauchy) it is kept;
* decompression by f (:math:`R(w) \to R(fw) = f^{\alpha-1}R(w)`): :math:`\sigma \to f^{(\alpha-1)/\alpha}\sigma`,
  valid for every f ≥ 1 (free stable laws are freely infinitely divisible).

A shift is no rule here: FreeStable has no location parameter (a shifted strictly stable law is not strictly
stable), so μ + c takes the generic route.

Numeric parameters only (a symbolic law takes the generic routes).

Reference: H. Bercovici, V. Pata, Ann. Math. 149 (1999) 1023, §7.
"""
from __future__ import annotations

from typing import Any

from freecalc._lazy import is_sympy
from freecalc.laws.base import Law
from freecalc.laws.free_stable import FreeStable
from freecalc.operations.convolution import register_add_identity
from freecalc.operations.decompression_core import register_exact_rule
from freecalc.operations.pushforward import Pushforward, _compressed_size, register_pushforward_rule

__all__: list[str] = []


@register_add_identity(FreeStable, FreeStable)
def _fs_fs(x: FreeStable, y: FreeStable) -> Law | None:
    if x.is_symbolic or y.is_symbolic or x.alpha != y.alpha:
        return None
    a = float(x.alpha)
    cx, cy = float(x.scale) ** a, float(y.scale) ** a
    total = cx + cy
    beta = (float(x.beta) * cx + float(y.beta) * cy) / total
    return FreeStable(a, min(1.0, max(-1.0, beta)), total ** (1.0 / a))


@register_pushforward_rule(Pushforward.SCALE, FreeStable)
def _scale_fs(law: FreeStable, t: Any) -> Law | None:
    if not _numeric(law, t) or t == 0:
        return None
    return FreeStable(law.alpha, law.beta if t > 0 else -law.beta, abs(t) * law.scale)


def _numeric(law: FreeStable, value: Any) -> bool:
    return not (is_sympy(value) or law.is_symbolic)


@register_pushforward_rule(Pushforward.POWER, FreeStable)
def _power_fs(law: FreeStable, s: Any) -> Law | None:
    if not _numeric(law, s):
        return None
    return law.replace(scale=float(law.scale) * float(s) ** (1.0 / float(law.alpha)))


@register_pushforward_rule(Pushforward.COMPRESS, FreeStable)
def _compress_fs(law: FreeStable, t: Any) -> Law | None:
    if not _numeric(law, t):
        return None
    a = float(law.alpha)
    return law.replace(scale=float(law.scale) * float(t) ** ((a - 1.0) / a), size=_compressed_size(law, t))


@register_exact_rule(FreeStable)
def _decompress_fs(law: FreeStable, f: Any) -> Law:
    if not _numeric(law, f):
        raise TypeError(f"the exact decompression of {law!r} is implemented for numeric values only; "
                        f"use numbers for the factor and the parameters")
    a = float(law.alpha)
    return law.replace(scale=float(law.scale) * float(f) ** ((a - 1.0) / a))
