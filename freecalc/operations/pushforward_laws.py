r"""Generic pushforward laws: :math:`aX + b` (:class:`AffineLaw`) and :math:`1/X` (:class:`InverseLaw`) for laws with
no closed form under these maps and no polynomial equation (HTMP, Empirical, numeric laws).

Every method maps the base law's: :math:`m_{aX+b}(z) = m_X((z-b)/a)/a`, :math:`m_{1/X}(z) = -1/z - m_X(1/z)/z^2`.
Built by :mod:`freecalc.operations.pushforward`.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from freecalc._lazy import is_sympy, lazy_module
from freecalc.laws.base import Law, SymbolicFace

sp = lazy_module("sympy")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["AffineLaw", "InverseLaw"]


def _exact(v: Any) -> sp.Expr:
    return v if is_sympy(v) else sp.nsimplify(repr(float(v)), rational=True)


class AffineLaw(Law):
    r"""The law of :math:`aX + b` for a law X with no closed form under affine maps (HTMP, Empirical, numeric
    laws). Every method maps the base law's: :math:`F(x) = F_X((x-b)/a)` (a > 0), density
    :math:`\rho_X((x-b)/a)/|a|`, :math:`m(z) = m_X((z-b)/a)/a`.

    Parameters
    ----------
    base : Law
        The law of X (an AffineLaw base is composed, not nested).
    a : float
        Non-zero factor.
    b : float
        Shift.
    size : int, optional
        Matrix size (default: the base's).

    Raises
    ------
    ValueError
        a = 0.
    """

    def __init__(self, base: Law, a: float, b: float, *, size: Any = None) -> None:
        if a == 0:
            raise ValueError("AffineLaw: a must be non-zero")
        super().__init__(size=base.size if size is None else size)
        # compose nested affine maps
        if isinstance(base, AffineLaw):
            a, b, base = a * base._a, a * base._b + b, base._base
        self._set("_base", base)
        self._set("_a", float(a))
        self._set("_b", float(b))

    def _identity(self) -> tuple[Any, ...]:
        return (self._base, self._a, self._b)

    @property
    def is_symbolic(self) -> bool:
        return self._base.is_symbolic

    def replace(self, **changes: Any) -> AffineLaw:
        """The same pushforward with another ``size`` (the only change it takes).

        Parameters
        ----------
        **changes
            ``size=`` only.

        Returns
        -------
        AffineLaw

        Raises
        ------
        TypeError
            Any other change.
        """
        if set(changes) - {"size"}:
            raise TypeError("AffineLaw.replace only accepts size")
        return AffineLaw(self._base, self._a, self._b, size=changes.get("size", self.size))

    def __repr__(self) -> str:
        return f"AffineLaw({self._a:g} * {self._base!r} + {self._b:g})"

    def _map(self, x: Any) -> Any:
        return self._a * x + self._b

    def _unmap(self, y: Any) -> Any:
        return (y - self._b) / self._a

    def _support(self):
        iv = [tuple(sorted((self._map(lo), self._map(hi)))) for lo, hi in self._base.support]
        return tuple(sorted(iv))

    def _atoms(self):
        return tuple(sorted((self._map(a), w) for a, w in self._base.atoms))

    def _pdf(self, x):
        return self._base.pdf(self._unmap(x)) / abs(self._a)

    def _stieltjes(self, z):
        # m_{aX+b}(z) = m_X(u)/a with u = (z - b)/a; base.stieltjes handles Im u < 0 by conjugation
        return self._base.stieltjes(self._unmap(z)) / self._a

    def _cdf(self, x):
        u = self._unmap(x)
        if self._a > 0:
            return self._base.cdf(u)
        # P(aX + b <= x) = P(X >= u) = 1 - F(u) + P(X = u)
        out = 1.0 - self._base.cdf(u)
        for loc, w in self._base.atoms:
            out = out + w * np.isclose(u, loc, rtol=0, atol=1e-14 * max(1.0, abs(loc)))
        return out

    def _ppf(self, q):
        if self._a > 0:
            return self._map(self._base.ppf(q))
        # a < 0: inf{y : P(aX + b <= y) >= q} = a x + b with x = sup{x : P(X >= x) >= q} = inf{x : F_X(x) > 1 - q},
        # the right-continuous quantile of X at p = 1 - q (an atom of X is where both quantiles agree; they differ
        # where F_X is flat at level p: a gap in the support, which x must jump)
        p = 1.0 - q
        x = np.asarray(self._base.ppf(p), dtype=float)
        return self._map(self._over_flat_part(x, p))

    def _over_flat_part(self, x: np.ndarray, p: np.ndarray) -> np.ndarray:
        """x = inf{F_X >= p} moved to inf{F_X > p}: to the next start s of the support (an interval's left end or
        an atom) when F_X(s−) = p, i.e. F_X is flat at level p from x to s (to the cdf's accuracy, 1e-12)."""
        base = self._base
        atoms = dict(base.atoms)
        starts = np.array(sorted({lo for lo, _ in base.support} | set(atoms)), dtype=float)
        out = np.array(x, dtype=float, copy=True)
        if starts.size == 0:
            return out
        k = np.searchsorted(starts, out, side="right")
        has = np.isfinite(out) & (k < starts.size) & (p > 0)
        if np.any(has):
            s = starts[k[has]]
            before = np.asarray(base.cdf(s), dtype=float) - np.array([atoms.get(v, 0.0) for v in s])
            jump = before <= p[has] + 1e-12
            out[np.flatnonzero(has)[jump]] = s[jump]
        return out

    def continuous_rule(self, panels: int = 64, order: int = 16) -> tuple[np.ndarray, np.ndarray]:
        """The base law's quadrature rule mapped by x → ax + b.

        Parameters
        ----------
        panels, order : int
            As for :meth:`Law.continuous_rule`.

        Returns
        -------
        nodes, weights : ndarray
        """
        xs, ws = self._base.continuous_rule(panels, order)
        return self._map(xs), ws

    def _moment(self, k: int) -> float:
        top = self._base.moment(k)
        if math.isinf(top):  # E|X|^k infinite: the top term decides (no ∞ − ∞ = NaN from the lower ones)
            return float(self._a ** k * top)
        # terms with a zero coefficient (b = 0) are skipped: 0 · m_j must not meet an infinite m_j
        return float(sum(math.comb(k, j) * self._a ** j * self._b ** (k - j) * self._base.moment(j)
                         for j in range(k + 1) if self._b != 0 or j == k))

    def _rvs(self, size, rng):
        return self._map(self._base.rvs(size, rng=rng))

    def _matrix(self, n, rng):
        return self._a * self._base.matrix(n, rng=rng) + self._b * np.eye(n)


class _AffineFace(SymbolicFace):
    r"""Symbolic face of :math:`Y = aX + b` from the base law's: :math:`m_Y(z) = m_X(u)/a` with
    :math:`u = (z - b)/a`, :math:`\rho_Y(x) = \rho_X((x - b)/a)/|a|`, :math:`R_Y(w) = aR_X(aw) + b`."""

    def _ab(self) -> tuple[sp.Expr, sp.Expr]:
        return _exact(self.law._a), _exact(self.law._b)

    def stieltjes(self, z: Any = None) -> sp.Expr:
        z = T.z if z is None else z
        a, b = self._ab()
        base = self.law._base.sym
        if self.law._a > 0:
            return base.stieltjes((z - b) / a) / a
        # a < 0 sends the upper half plane to the lower one, where a closed form need not be on its principal
        # branch (its cuts are placed for Im u > 0): use the symmetry m_X(conj u) = conj m_X(u)
        return sp.conjugate(base.stieltjes(sp.conjugate((z - b) / a))) / a

    def density(self, x: Any = None) -> sp.Expr:
        x = T.x if x is None else x
        a, b = self._ab()
        return self.law._base.sym.density((x - b) / a) / sp.Abs(a)

    def r_transform(self, w: Any = None) -> sp.Expr:
        w = T.w if w is None else w
        a, b = self._ab()
        return a * self.law._base.sym.r_transform(a * w) + b

    @property
    def support(self) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        a, b = self._ab()
        return tuple(sorted((tuple(sorted((a * lo + b, a * hi + b), key=float))
                             for lo, hi in self.law._base.sym.support), key=lambda iv: float(iv[0])))

    def _moment_list(self, K: int) -> list[sp.Expr]:
        law = self.law
        a, b = _exact(law._a), _exact(law._b)
        base = [sp.Integer(1)] + list(law._base.sym.moments(K))
        return [sp.expand(sum(sp.binomial(k, j) * a ** j * b ** (k - j) * base[j] for j in range(k + 1)))
                for k in range(1, K + 1)]


AffineLaw.symbolic_face_class = _AffineFace


class InverseLaw(Law):
    r"""The law of :math:`1/X` for a law X without mass at 0 and with support on one side of 0 (not algebraic,
    e.g. HTMP): :math:`F(y) = 1 - F_X(1/y) + P(X = 1/y)` for y > 0, density :math:`\rho_X(1/y)/y^2`,
    :math:`m(z) = -1/z - m_X(1/z)/z^2`.

    Parameters
    ----------
    base : Law
        The law of X.
    size : int, optional
        Matrix size (default: the base's).
    """

    def __init__(self, base: Law, *, size: Any = None) -> None:
        super().__init__(size=base.size if size is None else size)
        self._set("_base", base)

    def _identity(self):
        return (self._base,)

    def replace(self, **changes: Any) -> InverseLaw:
        """The same pushforward with another ``size`` (the only change it takes).

        Parameters
        ----------
        **changes
            ``size=`` only.

        Returns
        -------
        InverseLaw

        Raises
        ------
        TypeError
            Any other change.
        """
        if set(changes) - {"size"}:
            raise TypeError("InverseLaw.replace only accepts size")
        return InverseLaw(self._base, size=changes.get("size", self.size))

    def __repr__(self) -> str:
        return f"InverseLaw(1 / {self._base!r})"

    @property
    def _positive(self) -> bool:
        ends = [e for ab in self._base.support for e in ab] + [a for a, _ in self._base.atoms]
        return min(ends) >= 0

    def _support(self):
        out = []
        for lo, hi in self._base.support:
            a = 1.0 / hi if hi != 0 else (math.inf if hi >= 0 and self._positive else -math.inf)
            b = 1.0 / lo if lo != 0 else math.inf
            out.append(tuple(sorted((a, b))))
        return tuple(sorted(out))

    def _atoms(self):
        return tuple(sorted((1.0 / a, w) for a, w in self._base.atoms))

    def _pdf(self, x):
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(x != 0, self._base.pdf(np.where(x != 0, 1.0 / np.where(x != 0, x, 1.0), 0.0)) / x ** 2,
                           0.0)
        return np.nan_to_num(out, nan=0.0, posinf=0.0)

    def _stieltjes(self, z):
        return -1.0 / z - self._base.stieltjes(1.0 / z) / z ** 2

    def _cdf(self, x):
        x = np.asarray(x, dtype=float)
        with np.errstate(divide="ignore"):
            u = np.where(x != 0, 1.0 / np.where(x != 0, x, 1.0), np.inf)
        if self._positive:
            out = np.where(x > 0, 1.0 - self._base.cdf(u), 0.0)
            for loc, w in self._base.atoms:
                out = out + w * ((x > 0) & np.isclose(u, loc, rtol=1e-14, atol=0))
            return out
        # X < 0: P(1/X <= y) for y < 0 equals P(X >= 1/y)
        out = np.where(x < 0, 1.0 - self._base.cdf(u), 1.0)
        for loc, w in self._base.atoms:
            out = out + w * ((x < 0) & np.isclose(u, loc, rtol=1e-14, atol=0))
        return out

    def _ppf(self, q):
        base = self._base.ppf(1.0 - q)
        with np.errstate(divide="ignore"):
            return np.where(base != 0, 1.0 / np.where(base != 0, base, 1.0), np.inf)

    def continuous_rule(self, panels: int = 64, order: int = 16) -> tuple[np.ndarray, np.ndarray]:
        """The base law's quadrature rule mapped by x → 1/x.

        Parameters
        ----------
        panels, order : int
            As for :meth:`Law.continuous_rule`.

        Returns
        -------
        nodes, weights : ndarray
        """
        xs, ws = self._base.continuous_rule(panels, order)
        return 1.0 / xs, ws

    def _moment(self, k: int) -> float:
        xs, ws = self.continuous_rule()
        return float(np.sum(ws * xs ** k) + sum(w * a ** k for a, w in self.atoms))

    def _rvs(self, size, rng):
        return 1.0 / self._base.rvs(size, rng=rng)

    def _matrix(self, n, rng):
        return np.linalg.inv(self._base.matrix(n, rng=rng))
