r"""Closed-form operation rules of the free Poisson, arcsine and Fuss–Catalan laws, registered in the registries.

* ⊞: :math:`\mathrm{FP}(\lambda_1, a) \boxplus \mathrm{FP}(\lambda_2, a) = \mathrm{FP}(\lambda_1 + \lambda_2, a)`
  (free cumulants :math:`\lambda a^k` add when the jump is shared).
* scale: :math:`t\cdot\mathrm{FP}(\lambda, a) = \mathrm{FP}(\lambda, t a)` for t > 0;
  :math:`t\cdot\mathrm{Arcsine}(r) = \mathrm{Arcsine}(|t| r)` (the law is symmetric).
* shift and scale of ``FussCatalan`` with numeric values: an :class:`AffineLaw` over the law, which keeps its
  treatment of the :math:`x^{-s/(s+1)}` edge (the generic route, the shifted equation, evaluates that edge by
  branch continuation, which does not converge next to it).
* decompression by f (:math:`R(w) \to R(fw)`): :math:`\mathrm{FP}(\lambda, a) \to \mathrm{FP}(\lambda/f, f a)`;
  :math:`\mathrm{Arcsine}(r) = \mathrm{FM}(0, r^2/4, 2) \to \mathrm{FM}(0, f(2 - f)r^2/4, 2/(2 - f))` (the free
  Meixner rule, valid for f < 2).

Reference: Nica & Speicher (2006), Lectures 12 and 14.
"""
from __future__ import annotations

from typing import Any

from freecalc._lazy import is_sympy, lazy_module
from freecalc.laws.arcsine import Arcsine
from freecalc.laws.base import Law, exact_value
from freecalc.laws.free_meixner import FreeMeixner
from freecalc.laws.free_poisson import FreePoisson
from freecalc.laws.fuss_catalan import FussCatalan
from freecalc.operations.convolution import register_add_identity
from freecalc.operations.decompression_core import register_exact_rule
from freecalc.operations.pushforward import Pushforward, register_pushforward_rule
from freecalc.operations.pushforward_laws import AffineLaw

sp = lazy_module("sympy")

__all__: list[str] = []


def _params(law: Law) -> dict[str, Any]:
    return dict(law.sym.params) if law.is_symbolic else dict(law.params)


def _product(a: Any, b: Any) -> Any:
    # with a symbolic side, a float enters as its exact value (32.0 → 32, not Float(32.0))
    if is_sympy(a) or is_sympy(b):
        return exact_value(a) * exact_value(b)
    return a * b


@register_add_identity(FreePoisson, FreePoisson)
def _fp_fp(x: FreePoisson, y: FreePoisson) -> Law | None:
    px, py = _params(x), _params(y)
    if x.is_symbolic or y.is_symbolic:
        if sp.simplify(px["jump"] - py["jump"]) != 0:
            return None
    elif abs(px["jump"] - py["jump"]) > 1e-14 * max(px["jump"], py["jump"]):
        return None
    return FreePoisson(px["rate"] + py["rate"], jump=px["jump"])


@register_pushforward_rule(Pushforward.SCALE, FreePoisson)
def _scale_fp(law: FreePoisson, t: Any) -> Law | None:
    positive = t.is_positive if is_sympy(t) else t > 0
    if not positive:
        return None  # a negative multiple is no FreePoisson law: the quadratic rule takes it
    return law.replace(jump=_product(_params(law)["jump"], t))


@register_pushforward_rule(Pushforward.SCALE, Arcsine)
def _scale_arcsine(law: Arcsine, t: Any) -> Law | None:
    if is_sympy(t) or law.is_symbolic:
        if t == 0:
            return None
        return law.replace(r=_product(_params(law)["r"], sp.Abs(exact_value(t))))
    if t == 0:
        return None
    return law.replace(r=abs(t) * law.r)


@register_pushforward_rule(Pushforward.SHIFT, FussCatalan)
def _shift_fuss_catalan(law: FussCatalan, c: Any) -> Law | None:
    return None if is_sympy(c) else AffineLaw(law, 1.0, c)


@register_pushforward_rule(Pushforward.SCALE, FussCatalan)
def _scale_fuss_catalan(law: FussCatalan, t: Any) -> Law | None:
    return None if is_sympy(t) else AffineLaw(law, t, 0.0)


@register_exact_rule(FreePoisson)
def _decompress_fp(law: FreePoisson, f: Any) -> Law:
    # R(w) = λa/(1 − aw) → R(fw) = λa/(1 − faw): jump fa, rate λ/f
    p = _params(law)
    return law.replace(rate=p["rate"] / f, jump=_product(p["jump"], f))


@register_exact_rule(Arcsine)
def _decompress_arcsine(law: Arcsine, f: Any) -> Law:
    # FM(a, b, c) → (f a, f b (c + f(1 − c)), c/(c + f(1 − c))) with (a, b, c) = (0, r²/4, 2): c + f(1 − c) = 2 − f
    if law.is_symbolic or is_sympy(f):
        f = exact_value(f)  # a float factor with symbolic r enters exactly (1.5 → 3/2)
    return FreeMeixner(0, _params(law)["r"] ** 2 / 4 * f * (2 - f), 2 / (2 - f))
