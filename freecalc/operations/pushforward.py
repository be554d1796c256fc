r"""Pushforwards and one-law operations: shift, scale (the ``law + c``, ``c * law`` hooks), ``inverse``,
``power`` (free additive power :math:`\mu^{\boxplus s}`), ``compress`` and ``wishart_of``.

Each tries, in order: a closed form that returns the named family (e.g. ``2 * Semicircle(1) == Semicircle(2)``),
the exact polynomial route for algebraic laws (:mod:`freecalc.symbolic.algebraic`), and a generic route for any
law (an affine/reciprocal pushforward law, or numeric subordination).

* shift/scale: :math:`m_{aX+b}(z) = m_X((z-b)/a)/a`;
* inverse: :math:`m_{1/X}(z) = -1/z - m_X(1/z)/z^2` (needs no mass near 0);
* power: :math:`R_{\mu^{\boxplus s}} = sR_\mu`, a probability law for :math:`s \ge 1` (Nica–Speicher 1996);
* compress: the law of a random α-fraction principal submatrix, :math:`R_\alpha(w) = R(\alpha w)`, i.e.
  :math:`D_\alpha(\mu^{\boxplus 1/\alpha})` (Nica & Speicher, Lecture 14);
* wishart_of(a, c): :math:`\frac1N T^{1/2}XX^\top T^{1/2}` with population law a and :math:`p/N \to c`, i.e.
  :math:`a \boxtimes \mathrm{MP}(c)` (Marchenko–Pastur / Silverstein equation).
"""
from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
import sympy as sp

from freecalc.laws.algebraic import AlgebraicLaw, to_algebraic
from freecalc.laws.base import Law, SymbolicFace, register_operation
from freecalc.laws.discrete import Atoms, PointMass
from freecalc.laws.free_meixner import ShiftedFreeMeixner
from freecalc.laws.marchenko_pastur import MarchenkoPastur
from freecalc.laws.quadratic import QuadraticLaw
from freecalc.laws.semicircle import Semicircle
from freecalc.operations.convolution import check_law, is_algebraic, values
from freecalc.symbolic import algebraic as A
from freecalc.symbolic import transforms as T

__all__ = ["shift", "scale", "inverse", "power", "compress", "wishart_of", "AffineLaw", "InverseLaw"]


def _number(value: Any, name: str, where: str) -> Any:
    """A real number (float) or a real sympy expression; clear errors otherwise."""
    if isinstance(value, Law):
        raise TypeError(f"{where}: {name} must be a number, got the law {value!r}")
    if isinstance(value, sp.Basic):
        if value.is_real is False:
            raise ValueError(f"{where}: {name} must be real, got {value}")
        return value if value.free_symbols else (float(value) if value.is_Float else value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: {name} must be a real number, got {type(value).__name__} {value!r}")
    f = float(value)
    if not math.isfinite(f):
        raise ValueError(f"{where}: {name} must be finite, got {value!r}")
    return f


def _exact(v: Any) -> sp.Expr:
    return v if isinstance(v, sp.Basic) else sp.nsimplify(repr(float(v)), rational=True)


def _symbolic(v: Any) -> bool:
    return isinstance(v, sp.Basic) and bool(v.free_symbols)


# ------------------------------------------------------------------------------------------------------------------
# generic pushforward laws (for laws with no closed family and no polynomial)
# ------------------------------------------------------------------------------------------------------------------
class AffineLaw(Law):
    r"""The law of :math:`aX + b` for a law X with no closed form under affine maps (HTMP, Empirical, numeric
    laws). Every method maps the base law's: :math:`F(x) = F_X((x-b)/a)` (a > 0), density
    :math:`\rho_X((x-b)/a)/|a|`, :math:`m(z) = m_X((z-b)/a)/a`."""

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

    def continuous_rule(self, panels: int = 64, order: int = 16):
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

    def stieltjes(self, z: Any = T.z) -> sp.Expr:
        a, b = self._ab()
        base = self.law._base.sym
        if self.law._a > 0:
            return base.stieltjes((z - b) / a) / a
        # a < 0 sends the upper half plane to the lower one, where a closed form need not be on its principal
        # branch (its cuts are placed for Im u > 0): use the symmetry m_X(conj u) = conj m_X(u)
        return sp.conjugate(base.stieltjes(sp.conjugate((z - b) / a))) / a

    def density(self, x: Any = T.x) -> sp.Expr:
        a, b = self._ab()
        return self.law._base.sym.density((x - b) / a) / sp.Abs(a)

    def r_transform(self, w: Any = T.w) -> sp.Expr:
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
    :math:`m(z) = -1/z - m_X(1/z)/z^2`."""

    def __init__(self, base: Law, *, size: Any = None) -> None:
        super().__init__(size=base.size if size is None else size)
        self._set("_base", base)

    def _identity(self):
        return (self._base,)

    def replace(self, **changes: Any) -> InverseLaw:
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

    def continuous_rule(self, panels: int = 64, order: int = 16):
        xs, ws = self._base.continuous_rule(panels, order)
        return 1.0 / xs, ws

    def _moment(self, k: int) -> float:
        xs, ws = self.continuous_rule()
        return float(np.sum(ws * xs ** k) + sum(w * a ** k for a, w in self.atoms))

    def _rvs(self, size, rng):
        return 1.0 / self._base.rvs(size, rng=rng)

    def _matrix(self, n, rng):
        return np.linalg.inv(self._base.matrix(n, rng=rng))


# ------------------------------------------------------------------------------------------------------------------
# shift and scale (registered as the base hooks)
# ------------------------------------------------------------------------------------------------------------------
def _affine_stays_free_meixner(law: Law, value: Any) -> bool:
    """Whether an affine image of ``law`` is written as a :class:`ShiftedFreeMeixner`: every quadratic law with
    numeric parameters is one (so a fitted scale/location keeps a readable named law instead of an equation with
    enormous exact coefficients); the semicircle, MP (positive scale) and atoms have their own rules above."""
    return isinstance(law, QuadraticLaw) and not law.is_symbolic and not _symbolic(value)


@register_operation("shift")
def shift(law: Law, c: Any) -> Law:
    """The law of X + c (``law + c``)."""
    check_law(law, "law", "shift")
    c = _number(c, "c", "shift")
    if not _symbolic(c) and c == 0:
        return law
    if isinstance(law, Semicircle):
        return law.replace(center=values(law)["center"] + c)
    if isinstance(law, PointMass):
        return law.replace(loc=law.loc + c)
    if isinstance(law, Atoms):
        return Atoms([a + c for a in law.locations], law.weights, size=law.size)
    if _affine_stays_free_meixner(law, c):
        fm = ShiftedFreeMeixner.from_quadratic(law)
        return fm.replace(loc=fm.loc + c)
    if is_algebraic(law):
        alg = to_algebraic(law)
        return AlgebraicLaw(A.shift_equation(alg.equation, _exact(c), T.m, T.z), size=law.size, reduce=False)
    if _symbolic(c):
        raise TypeError(f"shift: a symbolic shift needs an algebraic law, got {law!r}")
    return AffineLaw(law, 1.0, c)


@register_operation("scale")
def scale(law: Law, a: Any) -> Law:
    """The law of a·X (``a * law``, ``law / a``, ``-law``)."""
    check_law(law, "law", "scale")
    a = _number(a, "a", "scale")
    if not _symbolic(a):
        if a == 1:
            return law
        if a == 0:
            return PointMass(0.0, size=law.size)
    if isinstance(law, Semicircle):
        p = values(law)
        if _symbolic(a) or law.is_symbolic:
            a = _exact(a)
            return Semicircle(sp.Abs(a) * p["r"], center=a * p["center"], size=law.size)
        return Semicircle(abs(a) * law.r, center=a * law.center, size=law.size)
    if isinstance(law, MarchenkoPastur) and (_symbolic(a) and a.is_positive or not _symbolic(a) and a > 0):
        return law.replace(sigma2=values(law)["sigma2"] * (_exact(a) if law.is_symbolic else a))
    if isinstance(law, PointMass):
        return law.replace(loc=law.loc * a)
    if isinstance(law, Atoms):
        return Atoms([a * x for x in law.locations], law.weights, size=law.size)
    if _affine_stays_free_meixner(law, a):
        # Jacobi parameters scale as α → aα, ω → a²ω: (loc, a', b, c) → (a·loc, a·a', a²b, c), any sign of a
        fm = ShiftedFreeMeixner.from_quadratic(law)
        return fm.replace(loc=a * fm.loc, a=a * fm.a, b=a * a * fm.b)
    if is_algebraic(law):
        alg = to_algebraic(law)
        return AlgebraicLaw(A.dilate_equation(alg.equation, _exact(a), T.m, T.z), size=law.size, reduce=False)
    if _symbolic(a):
        raise TypeError(f"scale: a symbolic factor needs an algebraic law, got {law!r}")
    return AffineLaw(law, a, 0.0)


# ------------------------------------------------------------------------------------------------------------------
# inverse, power, compress, wishart_of
# ------------------------------------------------------------------------------------------------------------------
def _mass_near_zero(law: Law) -> str | None:
    for a, w in law.atoms:
        if a == 0:
            return f"an atom of mass {w:g} at 0"
    for lo, hi in law.support:
        if lo <= 0 <= hi:
            return f"support interval [{lo:g}, {hi:g}] containing 0"
    return None


def inverse(a: Law) -> Law:
    r"""The law of :math:`X^{-1}` (``a`` must put no mass at or around 0).

    Algebraic laws give an :class:`AlgebraicLaw` (:func:`~freecalc.symbolic.algebraic.inverse_equation`);
    others an :class:`InverseLaw` pushforward.
    """
    check_law(a, "a", "inverse")
    if isinstance(a, PointMass) and not a.is_symbolic:
        if a.loc == 0:
            raise ValueError("inverse: the point mass at 0 has no inverse")
        return PointMass(1.0 / a.loc, size=a.size)
    if not a.is_symbolic:
        bad = _mass_near_zero(a)
        if bad is not None:
            raise ValueError(f"inverse: {a!r} has {bad}; 1/X is then not a compactly supported law "
                             f"(shift it away from 0 first)")
    if isinstance(a, Atoms):
        return Atoms([1 / x for x in a.locations], a.weights, size=a.size)
    if is_algebraic(a):
        alg = to_algebraic(a)
        hint = None
        if not a.is_symbolic:
            # every sheet of m_{1/X} starts like -1/z; E[X^-k] (quadrature, support away from 0) picks ours
            xs, ws = a.continuous_rule()
            hint = [float(np.sum(ws * xs ** -k) + sum(w * loc ** -k for loc, w in a.atoms)) for k in (1, 2, 3)]
        return AlgebraicLaw(A.inverse_equation(alg.equation, T.m, T.z), size=a.size, reduce=False, hint=hint)
    if a.is_symbolic:
        raise TypeError(f"inverse: {a!r} has symbolic parameters and no polynomial equation")
    return InverseLaw(a)


def _check_s(s: Any, where: str, name: str = "s") -> Any:
    s = _number(s, name, where)
    if not _symbolic(s) and s < 1:
        raise ValueError(f"{where}: {name} must be >= 1 (μ^⊞s is a probability law only for s >= 1), got {s!r}")
    return s


def power(a: Law, s: Any, **opts: Any) -> Law:
    r"""Free additive power :math:`\mu^{\boxplus s}` (:math:`R \to sR`), for real :math:`s \ge 1`:
    the law of the normalised sum of s free copies when s is an integer."""
    check_law(a, "a", "power")
    s = _check_s(s, "power")
    if not _symbolic(s) and s == 1:
        return a
    if isinstance(a, Semicircle):
        p = values(a)
        root = sp.sqrt(s) if (_symbolic(s) or a.is_symbolic) else math.sqrt(s)
        return Semicircle(p["r"] * root, center=s * p["center"], size=a.size)
    if isinstance(a, MarchenkoPastur):
        p = values(a)
        return MarchenkoPastur(p["c"] / s, sigma2=s * p["sigma2"], size=a.size)
    if isinstance(a, PointMass):
        return PointMass(s * a.loc, size=a.size)
    if is_algebraic(a):
        alg = to_algebraic(a)
        return AlgebraicLaw(A.power_equation(alg.equation, _exact(s), T.m, T.z), size=a.size, reduce=False)
    from freecalc.operations.subordination import free_power_numeric
    return free_power_numeric(a, s, **opts)


def compress(a: Law, alpha: Any, **opts: Any) -> Law:
    r"""Law of a random α-fraction principal submatrix (:math:`0 < \alpha \le 1`): :math:`R_\alpha(w) =
    R(\alpha w)`, i.e. the dilation by α of :math:`\mu^{\boxplus 1/\alpha}`. The size (if known) becomes
    ``round(alpha * size)``."""
    check_law(a, "a", "compress")
    alpha = _number(alpha, "alpha", "compress")
    if not _symbolic(alpha) and not 0 < alpha <= 1:
        raise ValueError(f"compress: alpha must lie in (0, 1] (the kept fraction of rows/columns), got {alpha!r}")
    size = None if a.size is None or _symbolic(alpha) else max(1, int(round(alpha * a.size)))
    if not _symbolic(alpha) and alpha == 1:
        return a
    if isinstance(a, Semicircle):
        p = values(a)
        root = sp.sqrt(alpha) if (_symbolic(alpha) or a.is_symbolic) else math.sqrt(alpha)
        return Semicircle(p["r"] * root, center=p["center"], size=size)
    if isinstance(a, MarchenkoPastur):
        p = values(a)
        return MarchenkoPastur(p["c"] * alpha, sigma2=p["sigma2"], size=size)
    if isinstance(a, PointMass):
        return a.replace(size=size)
    if is_algebraic(a):
        alg = to_algebraic(a)
        return AlgebraicLaw(A.compress_equation(alg.equation, _exact(alpha), T.m, T.z), size=size, reduce=False)
    from freecalc.operations.subordination import compress_numeric
    out = compress_numeric(a, alpha, **opts)
    return out


def wishart_of(a: Law, c: Any, **opts: Any) -> Law:
    r"""Limiting spectral law of the sample covariance :math:`\frac1N T^{1/2} X X^\top T^{1/2}` with population
    law ``a`` (on :math:`[0, \infty)`) and :math:`p/N \to c`: :math:`a \boxtimes \mathrm{MP}(c)`, solved from the
    Marchenko–Pastur/Silverstein equation :math:`m = \int dH(t)/(t(1 - c - czm) - z)`."""
    check_law(a, "a", "wishart_of")
    c = _number(c, "c", "wishart_of")
    if not _symbolic(c) and not c > 0:
        raise ValueError(f"wishart_of: c (the ratio p/N) must be > 0, got {c!r}")
    if not a.is_symbolic:
        lo = min([x for x, _ in a.support] + [x for x, _ in a.atoms])
        if lo < 0:
            raise ValueError(f"wishart_of: the population law must live on [0, ∞) (a covariance spectrum), "
                             f"{a!r} reaches {lo:g}")
        if a.mean() == 0:
            raise ValueError("wishart_of: the population law is the point mass at 0")
    if isinstance(a, PointMass):
        return MarchenkoPastur(c, sigma2=a.loc, size=a.size)
    if is_algebraic(a):
        alg = to_algebraic(a)
        return AlgebraicLaw(A.wishart_equation(alg.equation, _exact(c), T.m, T.z), size=a.size, reduce=False)
    from freecalc.operations.subordination import free_mul_numeric
    return free_mul_numeric(a, MarchenkoPastur(c), **opts)
