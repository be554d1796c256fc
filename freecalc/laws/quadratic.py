r"""Laws whose Stieltjes transform solves a quadratic: semicircle, Marchenko–Pastur, Kesten–McKay, Wachter, Meixner.

Each satisfies

.. math:: Q(z)\,m^2 - P(z)\,m + 1 = 0, \qquad P(z) = p_0 + p_1 z,\quad Q(z) = q_0 + q_1 z + q_2 z^2,

(the table of the free-decompression talk, with :math:`m = (P \pm \sqrt{P^2 - 4Q})/(2Q)`). The normalisation
:math:`m \sim -1/z` forces :math:`p_1 = -1 - q_2`; then :math:`D = P^2 - 4Q = (1-q_2)^2 (z-\lambda_-)(z-\lambda_+)` and
the Stieltjes branch is

.. math:: m(z) = \frac{P(z) + (1 - q_2)\sqrt{z-\lambda_-}\sqrt{z-\lambda_+}}{2Q(z)}

with principal roots, so the density is :math:`\rho(x) = (1-q_2)\sqrt{(x-\lambda_-)(\lambda_+-x)}/(2\pi Q(x))` on
:math:`[\lambda_-, \lambda_+]` and atoms sit at zeros of Q where the numerator does not vanish, with mass
:math:`-\mathrm{Res}_{z=a}\, m`.

Everything is derived from the five coefficients, written once per law in :meth:`QuadraticLaw._coefficients` with
arithmetic that works for floats (numeric face) and exact sympy numbers or symbols (symbolic face).

References: Nica & Speicher (2006), *Lectures on the Combinatorics of Free Probability*; Ameli, van der Heide,
Hodgkinson, Roosta, Mahoney (2025), *Spectral estimation with free decompression* (the table of five laws).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np

from freecalc._lazy import is_sympy, lazy_module
from freecalc.laws.base import Law, SymbolicFace
from freecalc.numerics.quadrature import IntervalRule

sp = lazy_module("sympy")
# numba and the kernels load with the first density or transform evaluated through them
QK = lazy_module("freecalc.kernels.quadratic")
T = lazy_module("freecalc.symbolic.transforms")
FL = lazy_module("freecalc.symbolic.algebraic_flint")

__all__ = ["QuadraticLaw", "QuadraticSymbolicFace", "QuadraticCoefficients", "quadratic_moments"]


class QuadraticCoefficients(NamedTuple):
    """Coefficients of P(z) = p0 + p1 z and Q(z) = q0 + q1 z + q2 z².

    Parameters
    ----------
    p0, p1 : number or sympy.Expr
        Coefficients of P.
    q0, q1, q2 : number or sympy.Expr
        Coefficients of Q.
    """

    p0: Any
    p1: Any
    q0: Any
    q1: Any
    q2: Any


def quadratic_moments(c: QuadraticCoefficients, K: int) -> list[Any]:
    r"""Moments :math:`m_1..m_K` of a quadratic law, exactly (floats or sympy).

    Substituting :math:`m = -\sum_k M_k z^{-k-1}` into :math:`Qm^2 - Pm + 1 = 0` and collecting :math:`z^{-j}`:

    .. math:: q_0 C_{j-2} + q_1 C_{j-1} + q_2 C_j + p_0 M_{j-1} + p_1 M_j = 0,\qquad C_n = \sum_{i=0}^n M_i M_{n-i},

    solved for :math:`M_j` (its coefficient is :math:`2q_2 + p_1 = q_2 - 1 \ne 0`).

    Parameters
    ----------
    c : QuadraticCoefficients
        The law's coefficients.
    K : int
        Number of moments.

    Returns
    -------
    list
        :math:`m_1, \dots, m_K` (floats or sympy expressions, as the coefficients).
    """
    M: list[Any] = [1]

    def conv(n: int, upto: int) -> Any:
        # C_n using M_0..M_upto (terms with an index above upto are excluded)
        if n < 0:
            return 0
        return sum(M[i] * M[n - i] for i in range(n + 1) if i <= upto and n - i <= upto)

    denom = 2 * c.q2 + c.p1
    for j in range(1, K + 1):
        known = c.q0 * conv(j - 2, j - 1) + c.q1 * conv(j - 1, j - 1) + c.p0 * M[j - 1]
        known += c.q2 * sum(M[i] * M[j - i] for i in range(1, j))
        val = -known / denom
        # cancel, not expand: with rational coefficients (Wachter, Kesten–McKay) expand leaves unreduced sums of
        # fractions whose size grows geometrically with j (minutes at j = 4); cancel keeps one reduced p/q
        M.append(sp.cancel(val) if is_sympy(val) else val)
    return M[1:]


def _real_roots(a2: float, a1: float, a0: float) -> list[float]:
    """Real roots of a2 x² + a1 x + a0 (degree may drop), without negative zeros."""
    if a2 != 0:
        roots = np.roots([a2, a1, a0])
    elif a1 != 0:
        roots = np.array([-a0 / a1])
    else:
        return []
    return [float(r.real) + 0.0 for r in roots if abs(r.imag) <= 1e-12 * (1 + abs(r))]


#: largest total-mass error accepted for a density with a pole within round-off of an edge (see
#: QuadraticLaw._check_edge_pole); the law's other checks hold mass to 1e-10, this leaves a factor 10 for the rule
_EDGE_POLE_MASS_RTOL = 1e-9


class _Numeric(NamedTuple):
    coef: QuadraticCoefficients
    lo: float
    hi: float
    scale: float  # (1 − q2) = s·√k
    atoms: tuple[tuple[float, float], ...]


class QuadraticLaw(Law):
    """Base class of the laws with a quadratic equation for m(z); subclasses write :meth:`_coefficients`."""

    is_algebraic = True

    def _coefficients(self, p: Mapping[str, Any]) -> QuadraticCoefficients:
        """P and Q coefficients from parameter values (floats or sympy: use only arithmetic)."""
        raise NotImplementedError

    def _edges_formula(self, p: Mapping[str, Any], sqrt: Any) -> tuple[Any, Any] | None:
        """Closed-form support edges (λ₋, λ₊), using the given ``sqrt`` (math.sqrt or sympy.sqrt).

        Optional: without it the edges are the roots of the discriminant, which lose accuracy to cancellation
        when the support is very narrow compared with its location.
        """
        return None

    def _check_params(self) -> None:
        # numeric parameters: build the numeric state now, so that a non-representable combination is rejected
        # at construction (naming the parameters), not deep inside the first method call
        super()._check_params()
        if not self.is_symbolic:
            self._numeric
            self._check_edge_pole()

    def _edge_poles(self) -> list[float]:
        """Zeros of Q within round-off of a support edge (exactly on it included: the true distance may not be 0)."""
        n = self._numeric
        tol = 64 * np.finfo(float).eps
        return [p for p in _real_roots(n.coef.q2, n.coef.q1, n.coef.q0) for edge in (n.lo, n.hi)
                if abs(p - edge) <= tol * max(abs(p), abs(edge))]

    def _check_edge_pole(self) -> None:
        # A zero of Q at a true distance δ from an edge makes the density ~ √(λ − x)/(x − p): like 1/√(λ − x) down
        # to the scale δ, then bounded. When δ is below what x − λ can resolve, the rule integrates the pure
        # 1/√ form and gains O(√(δ/width)) of mass (Wachter(739, 1 + 1e-6): δ ~ 1e-15, mass 1 + 5e-7). The
        # result would be silently off, so such parameters are refused, naming them; δ far below round-off
        # (mass error < MASS_RTOL) or above it (the rule grades towards the pole) is fine.
        if not self._edge_poles():
            return
        mass = float(np.sum(self.continuous_rule()[1])) + sum(w for _, w in self._numeric.atoms)
        if abs(mass - 1.0) > _EDGE_POLE_MASS_RTOL:
            named = ", ".join(f"{k} = {v!r}" for k, v in self.params.items())
            raise ValueError(
                f"{type(self).__name__} with {named}: a pole of the density lies within floating-point round-off "
                f"of a support edge (the parameters are next to a value where an atom is born), where double "
                f"precision cannot resolve the density (its integral is off by {abs(mass - 1.0):.1g}); move the "
                f"parameters away from that boundary or onto it (declared domains: "
                f"{', '.join(f'{q.name} in {q.domain}' for q in self.parameters)})")

    # -- numeric state ------------------------------------------------------------------------------------------
    @cached_property
    def _numeric(self) -> _Numeric:
        self._require_numeric("the numeric face")
        named = ", ".join(f"{k} = {v:g}" for k, v in self.params.items())
        where = f"{type(self).__name__} with {named}"
        try:
            c = QuadraticCoefficients(*(float(v) for v in self._coefficients(self.params)))
            exact = self._edges_formula(self.params, math.sqrt)
            exact = None if exact is None else tuple(float(e) for e in exact)
        except (OverflowError, ZeroDivisionError) as exc:
            raise ValueError(f"{where}: the law's coefficients are not representable in floating point ({exc}); "
                             f"see the parameters' declared domains") from None
        if not all(math.isfinite(v) for v in c):
            raise ValueError(f"{where}: the law's coefficients {tuple(c)} are not finite in floating point")
        if abs(c.p1 + 1.0 + c.q2) > 1e-12 * (1 + abs(c.q2)):
            raise AssertionError(f"{type(self).__name__}: coefficients violate m ~ -1/z (p1 = {c.p1}, q2 = {c.q2})")
        # P² − 4Q = d2 z² + d1 z + d0 with d2 = p1² − 4q2 = (1 − q2)² (from p1 = −1 − q2: no cancellation)
        d2 = (1.0 - c.q2) ** 2
        if not d2 > 0:
            raise ValueError(f"{where} has no real support (1 − q2 = 0)")
        if exact is not None:
            lo, hi = exact
        else:
            d1 = 2 * c.p0 * c.p1 - 4 * c.q1
            d0 = c.p0 * c.p0 - 4 * c.q0
            disc = d1 * d1 - 4 * d2 * d0
            if not disc >= 0:
                raise ValueError(f"{where} has no real support: the discriminant of P² − 4Q is {disc:g} < 0")
            root = math.sqrt(disc)
            # numerically stable quadratic roots
            qq = -0.5 * (d1 + math.copysign(root, d1)) if d1 != 0 else 0.5 * root
            r1, r2 = (qq / d2, d0 / qq) if qq != 0 else (-0.5 * root / d2, 0.5 * root / d2)
            lo, hi = min(r1, r2), max(r1, r2)
        # the support must be resolvable: x − λ± keeps at least ~6 digits across it (relative width ≥ 1e-10), or
        # the density, quadrature and edges are rounding noise; and its ends must be finite
        if not (math.isfinite(lo) and math.isfinite(hi) and hi - lo > 1e-10 * max(abs(lo), abs(hi))):
            raise ValueError(f"{where}: the support [{lo:g}, {hi:g}] is not representable in floating point (it "
                             f"must be finite with a width above 1e-10 of its distance from 0); bring the "
                             f"parameters closer to their typical ranges (declared domains: "
                             f"{', '.join(f'{q.name} in {q.domain}' for q in self.parameters)})")
        scale = 1.0 - c.q2
        atoms = self._numeric_atoms(c, lo, hi, scale)
        return _Numeric(c, lo, hi, scale, atoms)

    def _numeric_atoms(self, c: QuadraticCoefficients, lo: float, hi: float, scale: float
                       ) -> tuple[tuple[float, float], ...]:
        atoms = []
        for a in _real_roots(c.q2, c.q1, c.q0):
            if lo < a < hi:
                continue  # a zero of Q inside the support is not an atom (density singularity)
            r = scale * np.sqrt(complex(a - lo, 0.0)) * np.sqrt(complex(a - hi, 0.0))
            mass = -((c.p0 + c.p1 * a) + r) / (2 * (c.q1 + 2 * c.q2 * a))
            mass = float(mass.real)
            if mass > 1e-13:
                atoms.append((a, mass))
        return tuple(atoms)

    def _interval_rule(self, a: float, b: float, panels: int = 64, order: int = 16) -> IntervalRule:
        # A zero p of Q at relative distance δ outside an edge puts a pole of the θ-integrand at |θ| ≈ √(2δ):
        # grade the end panels down to that scale, but not below what x − a can resolve in double precision.
        n = self._numeric
        h = 0.5 * (n.hi - n.lo)
        step = np.pi / panels
        levels = 0
        for p in _real_roots(n.coef.q2, n.coef.q1, n.coef.q0):
            for edge in (n.lo, n.hi):
                delta = abs(p - edge) / h
                # a zero within round-off of an edge is a pole AT the edge: the density is ~1/sqrt there, which
                # the θ-substitution already makes smooth (grading would put nodes where x − a is lost)
                if abs(p - edge) <= 64 * np.finfo(float).eps * max(abs(p), abs(edge)) or (n.lo < p < n.hi):
                    continue
                theta_pole = math.sqrt(2 * delta)
                theta_repr = math.sqrt(2e-15 * max(abs(edge), 1e-300) / h)
                theta_min = max(theta_pole / 8, theta_repr)
                levels = max(levels, min(60, int(math.ceil(math.log2(step / theta_min)))))
        return IntervalRule(a, b, panels, order, grading=levels)

    @property
    def coefficients(self) -> QuadraticCoefficients:
        """Numeric coefficients (p0, p1, q0, q1, q2)."""
        return self._numeric.coef

    @cached_property
    def stieltjes_terms(self) -> dict[tuple[int, int], int] | None:
        r"""Integer terms ``{(j, k): c}`` of the law's curve :math:`\sum c\, m^j z^k = 0`, canonical, from the exact
        rational parameters without sympy.

        The curve is :math:`Q(z)m^2 - P(z)m + 1` with denominators and content cleared. It is irreducible (so it is
        the Stieltjes factor, ``to_algebraic(law).equation``) unless :math:`D = P^2 - 4Q` is a square in
        :math:`\mathbb{Q}[z]`; :math:`D = (1-q_2)^2 z^2 + d_1 z + d_0` is one exactly when :math:`q_2 = 1` or its
        discriminant vanishes, and those cases (like symbolic or irrational parameters) are left to sympy.

        Returns
        -------
        dict or None
            The terms (equal to those of ``to_algebraic(law).equation``), or None when this route does not apply.
        """
        exact = [FL.rational(e) for e in self._exact]
        if None in exact:  # symbols, radicals, sympy floats: the sympy route
            return None
        try:
            c = self._coefficients(dict(zip((p.name for p in self.parameters), exact)))
        except (TypeError, ZeroDivisionError):  # arithmetic that exact rationals do not support: the sympy route
            return None
        if not all(isinstance(v, (int, Fraction)) for v in c):
            return None
        d2, d1, d0 = c.p1 * c.p1 - 4 * c.q2, 2 * c.p0 * c.p1 - 4 * c.q1, c.p0 * c.p0 - 4 * c.q0
        if c.p1 != -1 - c.q2 or d2 == 0 or d1 * d1 == 4 * d2 * d0:
            return None
        return FL.canonical_terms({(2, 0): c.q0, (2, 1): c.q1, (2, 2): c.q2, (1, 0): -c.p0, (1, 1): -c.p1, (0, 0): 1})

    def kernel_args(self) -> tuple[float, ...]:
        r"""Arguments for :func:`freecalc.kernels.quadratic.quadratic_stieltjes_kernel` after z (user @njit code).

        Returns
        -------
        tuple of float
            ``(p0, p1, q0, q1, q2, scale, lo, hi)``: the coefficients of :math:`Q(z)\,m^2 - P(z)\,m + 1 = 0`, the
            scale and the support ends.
        """
        n = self._numeric
        return (n.coef.p0, n.coef.p1, n.coef.q0, n.coef.q1, n.coef.q2, n.scale, n.lo, n.hi)

    # -- hooks ----------------------------------------------------------------------------------------------------
    def _support(self) -> tuple[tuple[float, float], ...]:
        n = self._numeric
        return ((n.lo, n.hi),)

    def _atoms(self) -> tuple[tuple[float, float], ...]:
        return self._numeric.atoms

    def _pdf(self, x: np.ndarray) -> np.ndarray:
        n = self._numeric
        flat = np.ascontiguousarray(x, dtype=float).ravel()
        return QK.quadratic_pdf(flat, n.coef.q0, n.coef.q1, n.coef.q2, n.scale, n.lo, n.hi).reshape(x.shape)

    def _stieltjes(self, z: np.ndarray) -> np.ndarray:
        flat = np.ascontiguousarray(z, dtype=complex).ravel()
        return QK.quadratic_stieltjes(flat, *self.kernel_args()).reshape(z.shape)

    def _moment(self, k: int) -> float:
        return float(quadratic_moments(self._numeric.coef, k)[-1])

    def _r_transform(self, w: np.ndarray) -> np.ndarray:
        # z = R + 1/w in Q(z) w² + P(z) w + 1 = 0 (m = −w), with p1 = −1 − q2, divided by w:
        #   A R² + B R + C = 0,  A = q2 w,  B = q2 − 1 + q1 w,  C = p0 + q1 + q0 w.
        # The root that stays finite as w → 0 (R(0) = −C/B = κ₁), in the form without cancellation:
        # R = −2C / (B + sign(q2 − 1) √(B² − 4AC)); its discriminant equals that of the quadratic in z.
        c = self._numeric.coef
        A, B, C = c.q2 * w, (c.q2 - 1.0) + c.q1 * w, (c.p0 + c.q1) + c.q0 * w
        sgn = math.copysign(1.0, c.q2 - 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            if c.q2 == 0:  # linear (semicircle, Marchenko–Pastur): R is rational, defined up to its pole
                return -C / B + 0j
            return -2.0 * C / (B + sgn * np.sqrt(B * B - 4.0 * A * C + 0j))

    def _s_transform(self, w: np.ndarray) -> np.ndarray:
        c = self._numeric.coef
        a, b, c0 = c.q0 * w, c.q1 * (1 + w) + c.p0, c.q2 * (1 + w) - 1
        sigma = math.copysign(1.0, c.q1 + c.p0)
        return 2 * c0 / (-b - sigma * np.sqrt(b * b - 4 * a * c0 + 0j))

    def stieltjes_scalar_kernel(self):  # pragma: no cover - convenience accessor
        """The scalar numba kernel, for composing in user ``@njit`` code (call with :meth:`kernel_args`).

        Returns
        -------
        numba dispatcher
            ``quadratic_stieltjes_scalar(z, *law.kernel_args())``.
        """
        return QK.quadratic_stieltjes_scalar


class QuadraticSymbolicFace(SymbolicFace):
    """Symbolic face derived from the quadratic's coefficients.

    Parameters
    ----------
    law : QuadraticLaw
        The law (the face is obtained as ``law.sym``).
    """

    law: QuadraticLaw

    @cached_property
    def coefficients(self) -> QuadraticCoefficients:
        """Exact coefficients (p0, p1, q0, q1, q2)."""
        return QuadraticCoefficients(*(sp.sympify(v) for v in self.law._coefficients(self.params)))

    def P(self, z: Any = None) -> sp.Expr:
        """P(z) = p0 + p1 z.

        Parameters
        ----------
        z : sympy.Expr or number
            The point (a symbol by default).

        Returns
        -------
        sympy.Expr
        """
        z = T.z if z is None else z
        c = self.coefficients
        return c.p0 + c.p1 * z

    def Q(self, z: Any = None) -> sp.Expr:
        """Q(z) = q0 + q1 z + q2 z².

        Parameters
        ----------
        z : sympy.Expr or number
            The point (a symbol by default).

        Returns
        -------
        sympy.Expr
        """
        z = T.z if z is None else z
        c = self.coefficients
        return c.q0 + c.q1 * z + c.q2 * z ** 2

    def equation(self, m: Any = None, z: Any = None) -> sp.Expr:
        """Q(z) m² − P(z) m + 1 (zero on the law's Stieltjes transform).

        Parameters
        ----------
        m, z : sympy.Expr or number
            The Stieltjes-transform variable and the spectral variable.

        Returns
        -------
        sympy.Expr
        """
        m = T.m if m is None else m
        z = T.z if z is None else z
        return sp.expand(self.Q(z) * m ** 2 - self.P(z) * m + 1)

    def edges(self) -> tuple[sp.Expr, sp.Expr]:
        """Support edges (λ₋, λ₊): the law's closed form, else the roots of the discriminant P² − 4Q.

        Returns
        -------
        (λ₋, λ₊) : tuple of sympy.Expr
        """
        exact = self.law._edges_formula(self.params, sp.sqrt)
        if exact is not None:
            return exact
        c = self.coefficients
        d2, d1, d0 = c.p1 ** 2 - 4 * c.q2, 2 * c.p0 * c.p1 - 4 * c.q1, c.p0 ** 2 - 4 * c.q0
        root = sp.sqrt(sp.factor(d1 ** 2 - 4 * d2 * d0))
        return sp.simplify((-d1 - root) / (2 * d2)), sp.simplify((-d1 + root) / (2 * d2))

    @property
    def support(self) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        """``((λ₋, λ₊),)``: the single support interval, exactly."""
        return (self.edges(),)

    def stieltjes(self, z: Any = None) -> sp.Expr:
        z = T.z if z is None else z
        lo, hi = self.edges()
        scale = 1 - self.coefficients.q2
        return (self.P(z) + scale * sp.sqrt(z - lo) * sp.sqrt(z - hi)) / (2 * self.Q(z))

    def density(self, x: Any = None) -> sp.Expr:
        x = T.x if x is None else x
        lo, hi = self.edges()
        scale = 1 - self.coefficients.q2
        rho = scale * sp.sqrt((x - lo) * (hi - x)) / (2 * sp.pi * self.Q(x))
        return sp.Piecewise((rho, (x > lo) & (x < hi)), (0, True))

    def r_transform(self, w: Any = None) -> sp.Expr:
        w = T.w if w is None else w
        c = self.coefficients
        disc = (c.q1 * w + c.p1) ** 2 - 4 * c.q2 * (c.q0 * w ** 2 + c.p0 * w + 1)
        root = sp.sign(1 - c.q2) * sp.sqrt(sp.factor(disc))  # → |1 − q2| at w = 0: its sign makes wz → 1
        y = 2 * (c.q0 * w ** 2 + c.p0 * w + 1) / (w * (-(c.q1 * w + c.p1) + root))
        return sp.simplify(y - 1 / w)

    def s_transform(self, w: Any = None) -> sp.Expr:
        w = T.w if w is None else w
        c = self.coefficients
        a, b, c0 = c.q0 * w, c.q1 * (1 + w) + c.p0, c.q2 * (1 + w) - 1
        if c.q1 + c.p0 == 0:
            raise ValueError("the S-transform is undefined for a law with mean 0")
        if a == 0:
            return sp.simplify(-c0 / b)
        sigma = sp.sign(c.q1 + c.p0)
        return 2 * c0 / (-b - sigma * sp.sqrt(sp.expand(b * b - 4 * a * c0)))

    def _moment_list(self, K: int) -> list[sp.Expr]:
        return [sp.factor(v) for v in quadratic_moments(self.coefficients, K)]

    @property
    def atoms(self) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        """Atoms (location, mass) from the residues at the zeros of Q; masses may be Piecewise in symbols."""
        c = self.coefficients
        zz = sp.Dummy("z")
        lo, hi = self.edges()
        out = []
        for a in sp.roots(sp.Poly(self.Q(zz), zz)).keys() if sp.Poly(self.Q(zz), zz).degree() > 0 else []:
            r = (1 - c.q2) * sp.sqrt(a - lo) * sp.sqrt(a - hi)
            mass = sp.simplify(-(self.P(a) + r) / (2 * (c.q1 + 2 * c.q2 * a)))
            if mass.is_zero:
                continue
            if not mass.free_symbols and not (mass.is_extended_real and mass > 0):
                continue
            out.append((sp.simplify(a), mass))
        return tuple(out)


QuadraticLaw.symbolic_face_class = QuadraticSymbolicFace
