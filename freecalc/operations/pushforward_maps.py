r"""Pushforwards by x² and by Möbius maps, with exact curves for algebraic inputs (mixtures: :mod:`.mixture`).

* :func:`square`: the law of :math:`X^2`. With :math:`w = \sqrt z` (principal),

  .. math:: m_{X^2}(z) = \int \frac{\rho(x)\,dx}{x^2 - z} = \frac{m_X(w) - m_X(-w)}{2w};

  for symmetric X this is :math:`m_X(w)/w`. When :math:`P(m, z) = 0` is X's equation, eliminating
  :math:`a = m_X(w)`, :math:`b = m_X(-w) = a - 2wM` and w from :math:`P(a, w) = P(b, -w) = 0`, :math:`w^2 = z`
  (two resultants) gives a curve of :math:`M = m_{X^2}`, whose Stieltjes factor is picked by the even moments of X.
* :func:`mobius`: the law of :math:`Y = (aX + b)/(cX + d)`, ad − bc ≠ 0, the pole −d/c outside the support's hull.
  With :math:`\zeta = h(z) = (dz - b)/(a - cz)` (the inverse map) and
  :math:`1/(g(x) - z) = c/(a - cz) + (ad - bc)/((a - cz)^2 (x - \zeta))`:

  .. math:: m_Y(z) = \frac{c}{a - cz} + \frac{ad - bc}{(a - cz)^2}\, m_X(\zeta),

  a birational substitution in X's equation (exact curve, no resultant).
References: Rao & Edelman (2008), Found. Comput. Math. 8 (the polynomial method; resultants for sums of curves);
Mingo & Speicher (2017), *Free Probability and Random Matrices*, ch. 2 (Stieltjes transforms of pushforwards).
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np

from freecalc._lazy import is_sympy, lazy_module
from freecalc.laws.algebraic import AlgebraicLaw, to_algebraic
from freecalc.laws.base import Law, SymbolicFace
from freecalc.operations.convolution import is_algebraic, law_argument
from freecalc.operations.pushforward import _exact, _number, scale, shift

sp = lazy_module("sympy")
A = lazy_module("freecalc.symbolic.algebraic")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["square", "mobius", "SquareLaw", "MobiusLaw", "square_equation", "mobius_equation"]

#: moments used to pick the Stieltjes factor of a resultant (sheets that agree on 6 moments are not expected here)
HINT_MOMENTS = 6


# -- helpers --------------------------------------------------------------------------------------------------------
def merge_intervals(ivs: Sequence[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    """Union of closed intervals as sorted disjoint intervals.

    Parameters
    ----------
    ivs : sequence of (float, float)

    Returns
    -------
    tuple of (float, float)
    """
    out: list[list[float]] = []
    for lo, hi in sorted(ivs):
        if out and lo <= out[-1][1]:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return tuple((float(a), float(b)) for a, b in out)


def merge_atoms(atoms: Sequence[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    """Atoms at equal locations merged (masses added), sorted by location.

    Parameters
    ----------
    atoms : sequence of (location, mass)

    Returns
    -------
    tuple of (float, float)
    """
    acc: dict[float, float] = {}
    for loc, w in atoms:
        acc[float(loc)] = acc.get(float(loc), 0.0) + float(w)
    return tuple(sorted(acc.items()))


def _lower_limit(law: Law, x: np.ndarray) -> np.ndarray:
    """m_X at x from below the axis (conj of m_X(conj x)): its value at a point of the lower half plane."""
    return np.conj(law.stieltjes(np.conj(x)))


def require_numeric(law: Law, where: str) -> None:
    """Refuse a law with symbolic parameters (no numeric face to push forward).

    Parameters
    ----------
    law : Law
    where : str
        The operation's name, for the message.

    Raises
    ------
    TypeError
        When the law is symbolic.
    """
    if law.is_symbolic:
        raise TypeError(f"{where}: {law!r} has symbolic parameters and no polynomial equation")


class _CurveFace(SymbolicFace):
    """Symbolic face of a pushforward law: the exact curve when the inputs are algebraic.

    Parameters
    ----------
    law : SquareLaw, MobiusLaw or MixtureLaw (freecalc.operations.mixture)
        The law (the face is obtained as ``law.sym``).
    """

    def equation(self, m: Any = None, z: Any = None) -> sp.Expr:
        """P(m, z), zero on the law's Stieltjes transform.

        Parameters
        ----------
        m, z : sympy.Expr or number

        Returns
        -------
        sympy.Expr

        Raises
        ------
        TypeError
            When an input law has no polynomial equation.
        """
        m = T.m if m is None else m
        z = T.z if z is None else z
        return self.law.equation.subs({T.m: m, T.z: z}, simultaneous=True)


class MappedLaw(Law):
    """Shared state of the pushforward laws below: no declared parameters, identity from the construction; values
    computed from the input laws (their quadrature and edge treatment), and the exact curve of the result when every
    input is algebraic (``is_algebraic``, ``equation``, :func:`to_algebraic`)."""

    in_expressions = False
    symbolic_face_class = _CurveFace

    def _identity(self) -> tuple[Any, ...]:
        return self._key

    def _with_size(self, size: Any) -> Law:
        raise NotImplementedError

    def replace(self, **changes: Any) -> Law:
        """The same pushforward with another ``size`` (the only change it takes).

        Parameters
        ----------
        **changes
            ``size=`` only.

        Returns
        -------
        Law
            A law of the same class.

        Raises
        ------
        TypeError
            Any other change.
        """
        if set(changes) - {"size"}:
            raise TypeError(f"{type(self).__name__}.replace only accepts size")
        return self._with_size(changes.get("size", self.size))

    def _inputs(self) -> tuple[Law, ...]:
        raise NotImplementedError

    def _curve(self) -> tuple[sp.Expr, list[float]]:
        """(eliminant, first moments selecting its Stieltjes factor)."""
        raise NotImplementedError

    @property
    def is_algebraic(self) -> bool:  # type: ignore[override]
        """Whether every input law has a polynomial equation (then so has this law)."""
        return all(is_algebraic(law) for law in self._inputs())

    @cached_property
    def _algebraic(self) -> AlgebraicLaw:
        if not self.is_algebraic:
            raise TypeError(f"{self!r} has no polynomial equation: an input law has none")
        P, hint = self._curve()
        return AlgebraicLaw(P, size=self.size, hint=hint)

    @property
    def equation(self) -> sp.Expr:
        """The exact curve P(m, z) = 0 of this law (its Stieltjes factor).

        Raises
        ------
        TypeError
            When an input law has no polynomial equation.
        """
        return self._algebraic.equation

    @property
    def is_symbolic(self) -> bool:
        return False

    def _map(self, x: Any) -> Any:
        raise NotImplementedError

    def continuous_rule(self, panels: int = 64, order: int = 16) -> tuple[np.ndarray, np.ndarray]:
        """The input law's quadrature rule with its nodes mapped (∫f(g(x))ρ(x)dx = ∫f(y)ρ_Y(y)dy).

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
        xs, ws = self.continuous_rule()
        return float(np.sum(ws * xs ** k) + sum(w * a ** k for a, w in self.atoms))

    def _rvs(self, size, rng):
        return self._map(np.asarray(self._base.rvs(size, rng=rng)))


# -- X² --------------------------------------------------------------------------------------------------------------
class SquareLaw(MappedLaw):
    r"""The law of :math:`X^2` for a law X without a polynomial equation (numeric route of :func:`square`).

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
        self._set("_key", (base,))

    def _inputs(self) -> tuple[Law, ...]:
        return (self._base,)

    def _curve(self) -> tuple[sp.Expr, list[float]]:
        hint = [float(self._base.moment(2 * k)) for k in range(1, HINT_MOMENTS + 1)]
        return square_equation(to_algebraic(self._base).equation), hint

    def _with_size(self, size: Any) -> SquareLaw:
        return SquareLaw(self._base, size=size)

    def __repr__(self) -> str:
        return f"SquareLaw({self._base!r})"

    def _support(self):
        ivs = []
        for lo, hi in self._base.support:
            if lo >= 0:
                ivs.append((lo * lo, hi * hi))
            elif hi <= 0:
                ivs.append((hi * hi, lo * lo))
            else:
                ivs.append((0.0, max(lo * lo, hi * hi)))
        return merge_intervals(ivs)

    def _atoms(self):
        return merge_atoms([(a * a, w) for a, w in self._base.atoms])

    def _pdf(self, y):
        out = np.zeros(y.shape)
        pos = y > 0
        r = np.sqrt(y[pos])
        out[pos] = (self._base.pdf(r) + self._base.pdf(-r)) / (2 * r)
        return out

    def _stieltjes(self, z):
        w = np.sqrt(z)  # principal: Im w ≥ 0 for Im z ≥ 0, so −w lies below the axis
        return (self._base.stieltjes(w) - _lower_limit(self._base, -w)) / (2 * w)

    def _cdf(self, y):
        r = np.sqrt(np.maximum(y, 0.0))
        # P(−r ≤ X ≤ r) = F(r) − F(−r) + P(X = −r)
        out = self._base.cdf(r) - self._base.cdf(-r)
        for loc, w in self._base.atoms:
            out = out + w * np.isclose(-r, loc, rtol=0, atol=1e-14 * max(1.0, abs(loc)))
        return np.where(y < 0, 0.0, out)

    def _map(self, x):
        return x * x

    def _moment(self, k: int) -> float:
        return float(self._base.moment(2 * k))

    def _matrix(self, n, rng):
        M = self._base.matrix(n, rng=rng)
        return M @ M


def square_equation(P: sp.Expr, m: sp.Symbol = None, z: sp.Symbol = None) -> sp.Expr:
    r"""A polynomial vanishing on :math:`m_{X^2}` when :math:`P(m_X, z) = 0` (see the module docstring).

    Parameters
    ----------
    P : sympy.Expr
        Equation of the law of X.
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.

    Returns
    -------
    sympy.Expr
        The canonical polynomial of the eliminant (it may contain factors of other sheets).
    """
    m = T.m if m is None else m
    z = T.z if z is None else z
    a, w = sp.Dummy("a"), sp.Dummy("w")
    Pa = sp.expand(P.subs({m: a, z: w}, simultaneous=True))
    Pb = sp.expand(P.subs({m: a - 2 * w * m, z: -w}, simultaneous=True))
    R1 = sp.resultant(Pa, Pb, a)
    R2 = sp.resultant(sp.expand(R1), w ** 2 - z, w)
    return A.as_polynomial(R2, m, z)


def square(law: Law) -> Law:
    r"""The law of :math:`X^2` (the squared singular values of a symmetric matrix with ESD ``law``).

    A :class:`SquareLaw`, :math:`m(z) = (m_X(\sqrt z) - m_X(-\sqrt z))/(2\sqrt z)`, evaluated through X's own
    density, cdf and quadrature; when X is algebraic it also carries the exact curve (``is_algebraic``,
    ``equation``: resultants, see :func:`square_equation`, Stieltjes factor picked by :math:`E X^{2k}`), so ⊞/⊠
    take the polynomial route. A symbolic algebraic X gives the :class:`AlgebraicLaw` of that curve.

    Parameters
    ----------
    law : Law
        The law of X.

    Returns
    -------
    Law

    Raises
    ------
    TypeError
        ``law`` is not a Law, or it is symbolic without an equation.
    """
    law_argument(law, "law", "square")
    if law.is_symbolic and is_algebraic(law):
        return AlgebraicLaw(square_equation(to_algebraic(law).equation), size=law.size)
    require_numeric(law, "square")
    return SquareLaw(law)


# -- Möbius ------------------------------------------------------------------------------------------------------------
class MobiusLaw(MappedLaw):
    r"""The law of :math:`(aX + b)/(cX + d)` for a law X without a polynomial equation (numeric route of
    :func:`mobius`; its arguments are checked there).

    Parameters
    ----------
    base : Law
        The law of X.
    a, b, c, d : float
        Coefficients (ad − bc ≠ 0, the pole −d/c outside the hull of the support).
    size : int, optional
        Matrix size (default: the base's).
    """

    def __init__(self, base: Law, a: float, b: float, c: float, d: float, *, size: Any = None) -> None:
        super().__init__(size=base.size if size is None else size)
        self._set("_base", base)
        self._set("_coef", (float(a), float(b), float(c), float(d)))
        self._set("_key", (base, self._coef))

    def _inputs(self) -> tuple[Law, ...]:
        return (self._base,)

    def _curve(self) -> tuple[sp.Expr, list[float]]:
        # birational substitution: the Stieltjes factor of X's equation maps to Y's; the moments E g(X)^k are
        # irrational in general, so the branch is seeded with their quadrature values
        P = mobius_equation(to_algebraic(self._base).equation, *(_exact(v) for v in self._coef))
        return P, [self._moment(k) for k in range(1, HINT_MOMENTS + 1)]

    def _with_size(self, size: Any) -> MobiusLaw:
        return MobiusLaw(self._base, *self._coef, size=size)

    def __repr__(self) -> str:
        a, b, c, d = self._coef
        return f"MobiusLaw(({a:g} X + {b:g}) / ({c:g} X + {d:g}), X = {self._base!r})"

    @property
    def _det(self) -> float:
        a, b, c, d = self._coef
        return a * d - b * c

    def _map(self, x):
        a, b, c, d = self._coef
        return (a * x + b) / (c * x + d)

    def _unmap(self, y):
        a, b, c, d = self._coef
        with np.errstate(divide="ignore", invalid="ignore"):
            return (d * y - b) / (a - c * y)

    def _support(self):
        return merge_intervals([tuple(sorted((self._map(lo), self._map(hi)))) for lo, hi in self._base.support])

    def _atoms(self):
        return merge_atoms([(self._map(x), w) for x, w in self._base.atoms])

    def _inside_image(self, y):
        ivs = self.support
        out = np.zeros(y.shape, dtype=bool)
        for lo, hi in ivs:
            out |= (y > lo) & (y < hi)
        return out

    def _pdf(self, y):
        a, b, c, d = self._coef
        out = np.zeros(y.shape)
        inside = self._inside_image(y)
        yi = y[inside]
        out[inside] = self._base.pdf(self._unmap(yi)) * abs(self._det) / (a - c * yi) ** 2
        return out

    def _stieltjes(self, z):
        a, b, c, d = self._coef
        q = a - c * z
        zeta = (d * z - b) / q
        # h maps the upper half plane to itself iff ad − bc > 0; otherwise ζ comes from below the axis
        mx = self._base.stieltjes(zeta.real + 1j * np.maximum(zeta.imag, 0.0)) if self._det > 0 else \
            _lower_limit(self._base, zeta.real + 1j * np.minimum(zeta.imag, 0.0))
        return c / q + self._det / (q * q) * mx

    def _cdf(self, y):
        lo, hi = self._hull()
        x = self._unmap(np.clip(y, lo, hi))
        if self._det > 0:
            out = self._base.cdf(x)
        else:  # decreasing: P(g(X) ≤ y) = P(X ≥ h(y)) = 1 − F(h(y)) + P(X = h(y))
            out = 1.0 - self._base.cdf(x)
            for loc, w in self._base.atoms:
                out = out + w * np.isclose(x, loc, rtol=0, atol=1e-14 * max(1.0, abs(loc)))
        return np.where(y < lo, 0.0, np.where(y >= hi, 1.0, out))

    def _hull(self) -> tuple[float, float]:
        pts = [v for iv in self.support for v in iv] + [a for a, _ in self.atoms]
        return min(pts), max(pts)

    def _matrix(self, n, rng):
        lam, V = np.linalg.eigh(self._base.matrix(n, rng=rng))
        return (V * self._map(lam)) @ V.T


def mobius_equation(P: sp.Expr, a: Any, b: Any, c: Any, d: Any, m: sp.Symbol = None,
                    z: sp.Symbol = None) -> sp.Expr:
    r"""The equation of :math:`(aX + b)/(cX + d)` from X's: substitute :math:`m_X = ((a - cz)^2 m - c(a - cz))/
    (ad - bc)` and :math:`z \to (dz - b)/(a - cz)` (birational, so the Stieltjes factor stays irreducible).

    Parameters
    ----------
    P : sympy.Expr
        Equation of the law of X.
    a, b, c, d : sympy numbers
        Coefficients, ad − bc ≠ 0.
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.

    Returns
    -------
    sympy.Expr
        The canonical polynomial.
    """
    m = T.m if m is None else m
    z = T.z if z is None else z
    q = a - c * z
    mx = (q * q * m - c * q) / (a * d - b * c)
    return A.as_polynomial(P.subs({m: mx, z: (d * z - b) / q}, simultaneous=True), m, z)


def mobius(law: Law, a: Any, b: Any, c: Any, d: Any) -> Law:
    r"""The law of :math:`(aX + b)/(cX + d)`.

    c = 0 is the affine map :math:`(a/d)X + b/d`. Otherwise a :class:`MobiusLaw`,
    :math:`m_Y(z) = c/(a - cz) + (ad - bc)\,m_X(\zeta)/(a - cz)^2`, :math:`\zeta = (dz - b)/(a - cz)`, evaluated
    through X's own density, cdf and quadrature, with the exact curve (:func:`mobius_equation`) when X is algebraic.

    Parameters
    ----------
    law : Law
        The law of X (numeric parameters).
    a, b, c, d : float
        Real coefficients.

    Returns
    -------
    Law

    Raises
    ------
    ValueError
        ad − bc = 0 (a constant map), or the pole −d/c lies in the hull [min, max] of the support and atoms (the
        image would be unbounded, or wrap around through ∞).
    TypeError
        ``law`` is not a Law, a coefficient is not a real number, or the law is symbolic.
    """
    law_argument(law, "law", "mobius")
    a, b, c, d = (_number(v, name, "mobius") for v, name in zip((a, b, c, d), "abcd"))
    if any(is_sympy(v) for v in (a, b, c, d)) or law.is_symbolic:
        raise TypeError("mobius: the law and the coefficients a, b, c, d must be numeric")
    det = a * d - b * c
    if det == 0:
        raise ValueError(f"mobius: ad − bc = 0 for (a, b, c, d) = ({a:g}, {b:g}, {c:g}, {d:g}): the map is "
                         f"constant; it must be non-zero")
    if c == 0:
        return shift(scale(law, a / d), b / d)
    pole = -d / c
    pts = [v for iv in law.support for v in iv] + [x for x, _ in law.atoms]
    lo, hi = min(pts), max(pts)
    if lo <= pole <= hi:
        raise ValueError(f"mobius: the pole −d/c = {pole:g} lies in [{lo:g}, {hi:g}], the hull of the support "
                         f"of {law!r}; c and d must put −d/c outside it")
    return MobiusLaw(law, a, b, c, d)


@to_algebraic.register
def _(law: MappedLaw) -> AlgebraicLaw:
    return law._algebraic
