r"""Block-diagonal mixtures :math:`\sum_i w_i \mu_i`, with the exact curve when every component is algebraic.

:math:`m = \sum_i w_i m_i` (a block-diagonal matrix with blocks of relative sizes :math:`w_i`); with
:math:`Q(M, z) = 0` on a partial sum, the next one is :math:`\mathrm{res}_y(Q(y, z), P_i((m - y)/w_i, z))`.

Reference: Rao & Edelman (2008), Found. Comput. Math. 8 (the polynomial method; resultants for sums of curves).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from freecalc._lazy import is_sympy, lazy_module
from freecalc.laws.algebraic import to_algebraic
from freecalc.laws.base import Law
from freecalc.operations.convolution import law_argument
from freecalc.operations.pushforward import _exact, _number
from freecalc.operations.pushforward_maps import (
    HINT_MOMENTS,
    MappedLaw,
    merge_atoms,
    merge_intervals,
    require_numeric,
)

sp = lazy_module("sympy")
A = lazy_module("freecalc.symbolic.algebraic")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["mixture", "MixtureLaw", "mixture_equation"]


class MixtureLaw(MappedLaw):
    r"""The law :math:`\sum_i w_i \mu_i` (a block-diagonal matrix with blocks of relative sizes :math:`w_i`).

    Parameters
    ----------
    laws : sequence of Law
        The components (numeric).
    weights : sequence of float
        Positive weights summing to 1.
    size : int, optional
        Matrix size.
    """

    def __init__(self, laws: Sequence[Law], weights: Sequence[float], *, size: Any = None) -> None:
        super().__init__(size=size)
        self._set("_laws", tuple(laws))
        self._set("_weights", tuple(float(w) for w in weights))
        self._set("_key", (self._laws, self._weights))

    def _inputs(self) -> tuple[Law, ...]:
        return self._laws

    def _curve(self) -> tuple[sp.Expr, list[float]]:
        P = mixture_equation([to_algebraic(law).equation for law in self._laws], [_exact(w) for w in self._weights])
        return P, [self._moment(k) for k in range(1, HINT_MOMENTS + 1)]

    def _with_size(self, size: Any) -> MixtureLaw:
        return MixtureLaw(self._laws, self._weights, size=size)

    def __repr__(self) -> str:
        parts = ", ".join(f"{w:g} * {law!r}" for law, w in zip(self._laws, self._weights))
        return f"MixtureLaw({parts})"

    def _support(self):
        return merge_intervals([iv for law in self._laws for iv in law.support])

    def _atoms(self):
        return merge_atoms([(x, w * v) for law, w in zip(self._laws, self._weights) for x, v in law.atoms])

    def _sum(self, method: str, x):
        return sum(w * getattr(law, method)(x) for law, w in zip(self._laws, self._weights))

    def _pdf(self, x):
        return self._sum("pdf", x)

    def _stieltjes(self, z):
        return self._sum("stieltjes", z)

    def _cdf(self, x):
        return self._sum("cdf", x)

    def continuous_rule(self, panels: int = 64, order: int = 16) -> tuple[np.ndarray, np.ndarray]:
        """The components' rules, weights scaled by the mixture weights.

        Parameters
        ----------
        panels, order : int
            As for :meth:`Law.continuous_rule`.

        Returns
        -------
        nodes, weights : ndarray
        """
        rules = [law.continuous_rule(panels, order) for law in self._laws]
        return (np.concatenate([x for x, _ in rules]),
                np.concatenate([w * ws for (_, ws), w in zip(rules, self._weights)]))

    def _moment(self, k: int) -> float:
        return float(sum(w * law.moment(k) for law, w in zip(self._laws, self._weights)))

    def _rvs(self, size, rng):
        n = int(np.prod(size))
        counts = rng.multinomial(n, self._weights)
        parts = [np.asarray(law.rvs(int(k), rng=rng)).ravel() for law, k in zip(self._laws, counts) if k]
        x = np.concatenate(parts)
        rng.shuffle(x)
        return x.reshape(size)

    def _matrix(self, n, rng):
        sizes = np.floor(np.array(self._weights) * n).astype(int)
        sizes[np.argmax(self._weights)] += n - int(sizes.sum())
        out = np.zeros((n, n))
        start = 0
        for law, k in zip(self._laws, sizes):
            if k:
                out[start:start + k, start:start + k] = law.matrix(int(k), rng=rng)
                start += k
        return out


def mixture_equation(equations: Sequence[sp.Expr], weights: Sequence[Any], m: sp.Symbol = None,
                     z: sp.Symbol = None) -> sp.Expr:
    r"""A polynomial vanishing on :math:`\sum_i w_i m_i` when :math:`P_i(m_i, z) = 0`.

    With :math:`Q(M, z)` vanishing on the partial sum :math:`M = \sum_{j<i} w_j m_j`, the next one is
    :math:`\mathrm{res}_y\big(Q(y, z),\ P_i((m - y)/w_i, z)\big)`.

    Parameters
    ----------
    equations : sequence of sympy.Expr
        The components' equations.
    weights : sequence of sympy numbers
        Their weights.
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.

    Returns
    -------
    sympy.Expr
        The canonical polynomial of the eliminant (it may contain factors of other sheets).
    """
    m = T.m if m is None else m
    z = T.z if z is None else z
    y = sp.Dummy("y")
    Q = A.as_polynomial(equations[0].subs(m, m / weights[0]), m, z)
    for P, w in zip(equations[1:], weights[1:]):
        Pi = sp.numer(sp.together(P.subs(m, (m - y) / w)))
        Q = A.as_polynomial(sp.resultant(sp.expand(Q.subs(m, y)), sp.expand(Pi), y), m, z)
    return Q


def mixture(laws: Sequence[Law], weights: Sequence[float]) -> Law:
    r"""The law :math:`\sum_i w_i \mu_i`: the ESD of a block-diagonal matrix with blocks of relative sizes w_i.

    :math:`m = \sum_i w_i m_i`: a :class:`MixtureLaw` evaluated through the components; when every component is
    algebraic it carries the exact curve (:func:`mixture_equation`, Stieltjes factor picked by the moments).

    Parameters
    ----------
    laws : sequence of Law
        The components (numeric parameters).
    weights : sequence of float
        Positive, finite, summing to 1 (to 1e-12).

    Returns
    -------
    Law

    Raises
    ------
    ValueError
        No components, lengths differ, a weight is not positive and finite, or the weights do not sum to 1.
    TypeError
        A component is not a Law or is symbolic.
    """
    laws = list(laws)
    weights = [_number(w, f"weights[{i}]", "mixture") for i, w in enumerate(weights)]
    if not laws or len(laws) != len(weights):
        raise ValueError(f"mixture: needs one weight per law and at least one law, got {len(laws)} laws and "
                         f"{len(weights)} weights")
    for i, law in enumerate(laws):
        law_argument(law, f"laws[{i}]", "mixture")
        require_numeric(law, "mixture")
    for i, w in enumerate(weights):
        if is_sympy(w) or not w > 0:
            raise ValueError(f"mixture: weights[{i}] = {w!r} must be a positive number")
    total = math.fsum(weights)
    if abs(total - 1.0) > 1e-12:
        raise ValueError(f"mixture: the weights sum to {total!r}; they must sum to 1")
    if len(laws) == 1:
        return laws[0]
    return MixtureLaw(laws, weights)
