r"""Compound free Poisson laws with a user jump law: ``fc.compound_free_poisson(rate, jump)``.

The compound free Poisson law :math:`\pi_{\lambda,\nu}` with rate λ > 0 and jump law ν is the limit of
:math:`((1 - \lambda/N)\,\delta_0 + (\lambda/N)\,\nu)^{\boxplus N}`: its free cumulants are :math:`\kappa_k =
\lambda\, m_k(\nu)` and

.. math:: R(w) = \lambda \int \frac{x}{1 - xw}\, d\nu(x)
               = -\lambda\Big(\frac{1}{w} + \frac{m_\nu(1/w)}{w^2}\Big).

With :math:`\omega = -1/m(z)` (in the upper half plane with :math:`\Im\omega \ge \Im z`), :math:`R(G) + 1/G = z`
and :math:`G = -m` give the fixed-point (Marchenko–Pastur–Silverstein) equation

.. math:: \omega = z + \lambda\,\omega + \lambda\,\omega^2\, m_\nu(\omega), \qquad m(z) = -1/\omega,

equivalently :math:`m_\nu(\omega) = ((1 - \lambda)\,\omega - z)/(\lambda\omega^2)`.

Routes (:class:`CompoundRoute`):

* ``EXACT`` — ν algebraic, :math:`P_\nu(m_\nu, u) = 0`: the substitution :math:`u = -1/m`,
  :math:`m_\nu = -m(1 - \lambda + zm)/\lambda` (birational, no resultant) gives the law's curve, an
  :class:`~freecalc.laws.algebraic.AlgebraicLaw` (finite atomic laws ``Atoms`` included);
* ``NUMERIC`` — any ν with a numeric face (``Empirical`` jump sizes, HTMP, numeric laws): the equation above is
  solved by Newton's method with continuation in Im z from far above the axis (a :class:`NumericLaw`);
* ``AUTO`` (default) — a point mass :math:`\nu = \delta_a`, a > 0, gives ``FreePoisson(rate, a)`` (δ₀ gives δ₀);
  else ``EXACT`` for algebraic ν, else ``NUMERIC``; also ``NUMERIC`` when the exact analysis of the curve (support
  edges and atoms) cannot certify its atoms (it raises ``ArithmeticError`` on such curves under ``EXACT``).

Atoms: only at 0, of mass :math:`\max(0,\ 1 - \lambda(1 - \nu(\{0\})))` (the matrix model below has rank at most
λN(1 − ν({0}))). Matrix model: :math:`N^{-1} X^T D X` with X a λN × N standard Gaussian matrix and D diagonal
with entries drawn from ν (for ν on [0, ∞) this is the companion of the deformed Marchenko–Pastur law:
:math:`m(z) = \lambda\, m_{\nu \boxtimes \mathrm{MP}(\lambda)}(z) - (1 - \lambda)/z`).

References: Nica & Speicher (2006), *Lectures on the Combinatorics of Free Probability*, Proposition 12.11
(compound free Poisson limit); Silverstein & Bai (1995), J. Multivariate Anal. 54 (the fixed-point equation).
"""
from __future__ import annotations

import enum
import math
from typing import Any

import numpy as np

from freecalc._lazy import is_sympy, lazy_module
from freecalc._options import coerce_enum
from freecalc.laws.base import Law, exact_value
from freecalc.laws.discrete import PointMass
from freecalc.laws.empirical import Empirical
from freecalc.laws.free_poisson import FreePoisson
from freecalc.laws.numeric import Evaluator, FailurePolicy, NumericLaw, Solution
from freecalc.numerics.solvers import newton_fd

sp = lazy_module("sympy")
T = lazy_module("freecalc.symbolic.transforms")
# the exact route's law class; deferred with sympy, which the numeric route never needs
_algebraic = lazy_module("freecalc.laws.algebraic")

__all__ = ["compound_free_poisson", "compound_free_poisson_equation", "compound_free_poisson_matrix", "CompoundRoute"]

#: ratio between consecutive heights of the continuation in Im z (a warm start from the height above is then
#: well inside Newton's basin: the solution moves by O(height) between stages)
_RATIO = 0.25
#: lowest positive height of the continuation, relative to the law's scale (the last stage then goes to Im z)
_ETA_MIN = 1e-10
#: moments handed to AlgebraicLaw to pick the Stieltjes branch of the curve
_HINT_MOMENTS = 6


class CompoundRoute(enum.Enum):
    """Route of :func:`compound_free_poisson` (see the module docstring)."""

    AUTO = "auto"
    EXACT = "exact"
    NUMERIC = "numeric"


def compound_free_poisson_equation(rate: Any, jump_equation: sp.Expr, m: Any = None, z: Any = None) -> sp.Expr:
    r"""The curve of :math:`\pi_{\lambda,\nu}` from the curve :math:`P_\nu(m, z) = 0` of the jump law.

    Substitutes :math:`m \to -m(1 - \lambda + zm)/\lambda`, :math:`z \to -1/m` in :math:`P_\nu` and keeps the
    numerator: :math:`m_\nu(\omega) = ((1 - \lambda)\omega - z)/(\lambda\omega^2)` at :math:`\omega = -1/m`.

    Parameters
    ----------
    rate : number or sympy.Expr
        λ (a float enters as its exact rational).
    jump_equation : sympy.Expr
        :math:`P_\nu(m, z)`.
    m, z : sympy.Symbol, optional
        The symbols of both curves (default: ``freecalc.symbolic.transforms.m`` and ``z``).

    Returns
    -------
    sympy.Expr
        A polynomial in m and z (it may contain factors of other sheets).
    """
    m = T.m if m is None else m
    z = T.z if z is None else z
    lam = exact_value(rate)
    mu = -m * (1 - lam + z * m) / lam
    return sp.expand(sp.numer(sp.together(jump_equation.subs({m: mu, z: -1 / m}, simultaneous=True))))


def _rate(rate: Any) -> Any:
    if isinstance(rate, Law):
        raise TypeError(f"compound_free_poisson: rate must be a positive number, got the law {rate!r}")
    if is_sympy(rate):
        if rate.is_positive is False:
            raise ValueError(f"compound_free_poisson: rate must be > 0, got {rate}")
        return rate if rate.free_symbols else float(rate)
    if isinstance(rate, (bool, np.bool_)) or not isinstance(rate, (int, float, np.integer, np.floating)):
        raise TypeError(f"compound_free_poisson: rate must be a positive number, got {type(rate).__name__} "
                        f"{rate!r}")
    r = float(rate)
    if not (math.isfinite(r) and r > 0):
        raise ValueError(f"compound_free_poisson: rate must be a finite number in (0, inf), got {rate!r}")
    return r


def _jump(jump: Any) -> Law:
    if isinstance(jump, Law):
        return jump
    if isinstance(jump, (int, float, np.integer, np.floating)) and not isinstance(jump, (bool, np.bool_)):
        return PointMass(float(jump))
    try:
        return Empirical(jump)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"compound_free_poisson: jump must be a freecalc Law, a number or an array of jump sizes, "
                        f"got {type(jump).__name__} ({exc})") from None


def _ends(law: Law, q: float) -> tuple[float, float]:
    pts = [e for ab in law.support for e in ab] + [a for a, _ in law.atoms]
    lo, hi = min(pts), max(pts)
    if q > 0:
        lo = lo if math.isfinite(lo) else float(law.ppf(q))
        hi = hi if math.isfinite(hi) else float(law.ppf(1.0 - q))
    return lo, hi


class CompoundPoissonEvaluator(Evaluator):
    r"""m(z) of :math:`\pi_{\lambda,\nu}` from :math:`\omega = z + \lambda\omega + \lambda\omega^2 m_\nu(\omega)`.

    Newton's method (central-difference derivative, :func:`~freecalc.numerics.solvers.newton_fd`) at heights
    :math:`Y, Y/4, \dots` down to Im z, each stage warm-started from the one above; a point converges when every
    stage converged and the root satisfies :math:`\Im\omega \ge \Im z` (the branch of the Stieltjes transform).

    Parameters
    ----------
    rate : float
        λ > 0.
    jump : Law
        ν (numeric face: ``stieltjes``, ``support``, ``atoms``, ``moment``).
    """

    def __init__(self, rate: float, jump: Law) -> None:
        self.rate = float(rate)
        self.jump = jump
        grow = (1.0 + math.sqrt(self.rate)) ** 2  # ‖FP(λ)‖: ‖N⁻¹XᵀDX‖ ≤ ‖D‖ ‖N⁻¹XᵀX‖
        self._grow = grow
        blo, bhi = _ends(jump, 0.01)
        self._scale = max(grow * (max(bhi, 0.0) - min(blo, 0.0)), 1e-12) / 4.0
        self._cumulants: list[float] = []

    def _interval(self, lo: float, hi: float) -> tuple[float, float]:
        return min(lo, 0.0) * self._grow, max(hi, 0.0) * self._grow

    def bracket(self) -> tuple[float, float]:
        return self._interval(*_ends(self.jump, 0.0))

    def window(self) -> tuple[float, float]:
        # unbounded sides at the 1e-6 quantiles, at most 20 bulk widths beyond the bulk (the support scan must
        # resolve the bulk's edges; the outermost interval is extended to infinity anyway)
        lo, hi = self._interval(*_ends(self.jump, 1e-6))
        blo, bhi = self._interval(*_ends(self.jump, 0.01))
        width = bhi - blo
        return max(lo, blo - 20 * width), min(hi, bhi + 20 * width)

    @property
    def scale(self) -> float:
        return self._scale

    def describe(self) -> str:
        return f"compound_free_poisson({self.rate:g}, {self.jump!r})"

    def atoms(self) -> tuple[tuple[float, float], ...]:
        nu0 = sum(p for x, p in self.jump.atoms if x == 0.0)
        mass = 1.0 - self.rate * (1.0 - nu0)
        return ((0.0, mass),) if mass > 1e-14 else ()

    def moment(self, k: int) -> float:
        if len(self._cumulants) < k:
            self._cumulants = [self.rate * float(self.jump.moment(j)) for j in range(1, k + 1)]
        if not all(math.isfinite(c) for c in self._cumulants[:k]):
            return math.inf
        return float(T.moments_from_free_cumulants(self._cumulants[:k])[-1])

    def r_transform(self, w: np.ndarray) -> np.ndarray:
        w = np.asarray(w, dtype=complex)
        u = 1.0 / w
        mu = _m_nu(self.jump, u)
        return -self.rate * (u + mu * u * u)

    def _residual(self, z: np.ndarray, w: np.ndarray) -> np.ndarray:
        return w - z - self.rate * w - self.rate * w * w * _m_nu(self.jump, w)

    def solve(self, z: np.ndarray, start: np.ndarray | None = None,
              start_kind: np.ndarray | None = None) -> Solution:
        z = np.asarray(z, dtype=complex).ravel()
        target = np.maximum(z.imag, 0.0)
        lo, hi = self.window()
        # far above the window, ω ≈ z − λ·mean(ν) (m ≈ −1/z − mean/z²), well inside Newton's basin
        height = np.maximum(target, 4.0 * max(hi - lo, self._scale))
        mean = float(self.jump.mean()) if math.isfinite(self.jump.mean()) else 0.0
        w = z.real + 1j * height - self.rate * mean
        ok = np.ones(z.size, dtype=bool)
        iters = np.zeros(z.size, dtype=np.int64)
        floor = _ETA_MIN * self._scale
        while True:
            zz = z.real + 1j * height
            w, status = newton_fd(lambda v: self._residual(zz, v), w, scale_floor=self._scale)
            ok &= status.converged & (w.imag >= zz.imag - 1e-9 * (self._scale + np.abs(w)))
            iters += status.iterations
            if np.all(height <= target):
                break
            nxt = height * _RATIO
            height = np.where(nxt < np.maximum(target, floor), target, np.maximum(nxt, target))
        resid = np.abs(self._residual(z, w)) / (self._scale + np.abs(w))
        w = np.where(ok, w, np.nan + 0j)
        with np.errstate(all="ignore"):
            m = -1.0 / w
        return Solution(z, m, w, ok, iters, resid)


def _m_nu(jump: Law, w: np.ndarray) -> np.ndarray:
    # m_ν in the upper half plane; a Newton iterate below the axis gets the reflected value (m(w̄) = conj m(w)):
    # such an iterate is either pulled back or rejected by the branch test Im ω ≥ Im z
    up = w.real + 1j * np.abs(w.imag)
    out = np.asarray(jump.stieltjes(up), dtype=complex)
    return np.where(w.imag < 0, np.conj(out), out)


def compound_free_poisson(rate: Any, jump: Any, *, method: Any = CompoundRoute.AUTO,
                          policy: FailurePolicy = FailurePolicy.WARN, grid: int = 512,
                          size: Any = None) -> Law:
    r"""The compound free Poisson law :math:`\pi_{\lambda,\nu}`: :math:`R(w) = \lambda\int x/(1 - xw)\,d\nu(x)`.

    Free cumulants :math:`\kappa_k = \lambda\, m_k(\nu)`; the law of :math:`N^{-1}X^TDX` for a λN × N Gaussian
    matrix X and a diagonal D with entries drawn from ν, as N → ∞.

    Parameters
    ----------
    rate : float > 0 or sympy.Expr
        λ. A symbolic rate needs an algebraic jump law (the exact route).
    jump : Law, float or array_like
        ν: any freecalc law, a jump size a (the law δ_a), or an array of jump sizes (their empirical law).
    method : CompoundRoute or its value, default CompoundRoute.AUTO
        ``EXACT`` (algebraic ν), ``NUMERIC`` (any ν) or ``AUTO`` (see the module docstring).
    policy : FailurePolicy
        What the numeric route does with points where its Newton iteration did not converge.
    grid : int
        Support scan of the numeric route (see :class:`~freecalc.laws.numeric.NumericLaw`).
    size : int, optional
        Matrix dimension N.

    Returns
    -------
    Law
        ``FreePoisson(rate, a)`` for ν = δ_a with a > 0 (``AUTO``); an :class:`~freecalc.laws.algebraic.AlgebraicLaw` on the
        exact route; a :class:`~freecalc.laws.numeric.NumericLaw` on the numeric route.

    Raises
    ------
    ValueError
        ``rate`` not in (0, ∞); an unknown ``method``.
    TypeError
        ``jump`` is not a law, a number or an array; ``method=EXACT`` (or a symbolic rate) with a jump law that has
        no polynomial equation; a symbolic jump law on the numeric route.

    Examples
    --------
    >>> import freecalc as fc
    >>> fc.compound_free_poisson(2.0, fc.PointMass(1.5))
    FreePoisson(rate=2, jump=1.5)
    """
    lam = _rate(rate)
    nu = _jump(jump)
    route = coerce_enum(method, CompoundRoute, "method", "freecalc.laws.compound_free_poisson.CompoundRoute")
    symbolic = is_sympy(lam) or nu.is_symbolic
    if route is CompoundRoute.AUTO and isinstance(nu, PointMass) and not nu.is_symbolic:
        if nu.loc == 0:
            return PointMass(0.0, size=size)
        if nu.loc > 0:
            return FreePoisson(lam, nu.loc, size=size)
    algebraic = bool(getattr(nu, "is_algebraic", False))
    if route is CompoundRoute.EXACT or (route is CompoundRoute.AUTO and algebraic) or symbolic:
        if route is CompoundRoute.NUMERIC:
            raise TypeError(f"compound_free_poisson: method=CompoundRoute.NUMERIC needs numbers; rate={rate!r} and "
                            f"jump={nu!r} are symbolic")
        if not algebraic:
            raise TypeError(f"compound_free_poisson: the exact route needs an algebraic jump law (one with a "
                            f"polynomial equation); {nu!r} has none (use CompoundRoute.AUTO or NUMERIC)")
        P = compound_free_poisson_equation(lam, _algebraic.to_algebraic(nu).equation)
        if symbolic:
            return _algebraic.AlgebraicLaw(P, size=size)
        ev = CompoundPoissonEvaluator(lam, nu)
        law = _algebraic.AlgebraicLaw(P, size=size, hint=[ev.moment(k) for k in range(1, _HINT_MOMENTS + 1)])
        if route is CompoundRoute.EXACT:
            return law
        try:
            law.support, law.atoms  # the curve's exact edge and atom analysis, done once here
        except ArithmeticError:
            # the analysis cannot certify an atom of this curve (e.g. λ < 1 with jumps on both sides of 0):
            # the fixed-point route evaluates the same measure without it
            return NumericLaw(ev, size=size, policy=policy, grid=grid)
        return law
    nu._require_numeric("compound_free_poisson")
    return NumericLaw(CompoundPoissonEvaluator(lam, nu), size=size, policy=policy, grid=grid)


def compound_free_poisson_matrix(rate: float, jump: Any, n: int, rng: Any = None) -> np.ndarray:
    r"""A sample of the matrix model :math:`n^{-1}X^TDX` of :math:`\pi_{\lambda,\nu}`.

    Parameters
    ----------
    rate : float > 0
        λ: X has round(λn) rows (at least 1).
    jump : Law, float or array_like
        ν: the diagonal of D is drawn from it (``jump.rvs``).
    n : int
        Matrix dimension.
    rng : numpy.random.Generator or int, optional
        Randomness.

    Returns
    -------
    ndarray
        A symmetric n × n matrix whose spectrum approaches the law as n → ∞.
    """
    lam = _rate(rate)
    if is_sympy(lam):
        raise TypeError(f"compound_free_poisson_matrix: rate must be a number, got {rate!r}")
    nu = _jump(jump)
    gen = np.random.default_rng(rng)
    p = max(1, int(round(lam * int(n))))
    X = gen.standard_normal((p, int(n)))
    d = np.asarray(nu.rvs(p, rng=gen), dtype=float).ravel()
    return (X.T * d) @ X / int(n)
