r"""Free Bessel laws :math:`\pi_{st} = \pi^{\boxtimes(s-1)} \boxtimes \pi^{\boxplus t}` (Banica, Belinschi,
Capitaine & Collins 2011), for integer 1 ≤ s ≤ 6 and t > 0 away from 1 (see "Domain" below).

π is the free Poisson law of rate 1 (``MarchenkoPastur(1)``), :math:`\pi^{\boxplus t}` = ``FreePoisson(t)`` and
:math:`\pi^{\boxtimes(s-1)}` = ``FussCatalan(s - 1)`` (δ₁ for s = 1); so :math:`\pi_{1t} = \mathrm{FP}(t)` and
:math:`\pi_{s1} = \pi^{\boxtimes s} = \mathrm{FC}(s)`. The S-transforms :math:`(1 + w)^{-1}` of π and
:math:`1/(t + w)` of FP(t) multiply:

.. math:: S(w) = \frac{(1 + w)^{1-s}}{t + w}.

With :math:`\psi = -1 - zm` (the moment generating function at 1/z) and :math:`m = (1 + zm)\,S(-1 - zm)`:

.. math:: m\,(t - 1 - zm)\,(-zm)^{s-1} - (1 + zm) = 0,

a polynomial of degree s + 1 in m (s = 1: the free Poisson equation :math:`zm^2 + (1 - t + z)m + 1 = 0`). For
t < 1 there is an atom of mass 1 − t at 0 (the rank of the matrix model below is tn). Matrix model:
:math:`YY^T` with :math:`Y = n^{-s/2} G_1\cdots G_{s-1} X`, :math:`G_i` n × n and X n × tn standard Gaussian.

Domain: integer 1 ≤ s ≤ 6 and t ∈ (0, T_BELOW_ONE[s]] ∪ [T_FROM_ONE[s], 100]: t ≤ 0.999, 0.99, 0.99, 0.95,
0.9, 0.9 and t ≥ 1.0001, 1.0001, 1.001, 1.01, 1.001, 1.05 for s = 1, ..., 6 (t = 1 is ``FussCatalan(s)``). The
paper defines π_{st} for all real s ≥ 1, t > 0; real non-integer s has no polynomial equation. The numeric face is the generic
:class:`~freecalc.laws.algebraic.AlgebraicLaw` of the curve above, certified as follows.

* t < 1: the lower edge of the continuous part tends to 0 as t → 1 (1.5e-7 at s = 2, t = 0.99) under a density
  that blows up there; the atom 1 − t is certified by the residue test on the deflated curve
  (:mod:`freecalc.laws.algebraic_numeric`) down to test heights of 1e-12 of the support, which resolves the edge
  up to the bounds above.
* t > 1: no atom, and the density has the :math:`x^{-(s-1)/s}` singularity of the rescaled equation at 0
  (``_small_x_pdf``, used below x = 1e-3 where the continuation from x + iY cannot follow |m|; it agrees with the
  continuation to 1e-15 where both work). Closer to t = 1 this power holds only below a crossover that shrinks
  with t − 1 (above it the density follows FussCatalan's :math:`x^{-s/(s+1)}`), at a real discriminant zero just
  above 0 (1e-9 at s = 3, t = 1.01). The rule of :mod:`freecalc.laws.algebraic_edges` grades both sides of it
  down to :math:`u = 2^{-40}` and tracks the density below it on the rescaled curve: mass and mean to 1e-15 down to
  the lower bounds above (with only the uniform panels: mass off by up to 0.06 at s = 5, t = 1.02). Below them the
  lower edge of even orders comes out a rounding error below 0, where the power law is not recognised.
* t > 1, next to z = 0 (|z| below 0.05 of the upper support edge): the s sheets :math:`m \sim z^{1/s-1}` blow up
  together at 0 and the continuation from z + iY fails there (flagged; within 6e-3 support widths of 0 at s = 6,
  t = 100, 2e-8 at s = 3, t = 100, and below ~1e-10 widths at every order and t > 1). In the rescaled chart
  :math:`\varepsilon = z^{1/s}`, :math:`-zm = \varepsilon v` the sheets sit apart and the Stieltjes branch is the
  root followed from its value at ε = 0 (``_zero_chart``); it agrees with the continuation to 6e-14 where that
  converges, and with the quadrature of the density to 2.4e-15. The points it leaves ambiguous (next to the kink for
  t close to 1) go to the continuation.

Reference: Banica, Belinschi, Capitaine & Collins (2011), *Free Bessel laws*, Canad. J. Math. 63, 3–37
(arXiv:0710.5931), Definition of π_{st} and the S-transform.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from freecalc._lazy import lazy_module
from freecalc._params import Domain, Parameter, is_symbolic_value
from freecalc.laws.algebraic import AlgebraicLaw
from freecalc.laws.base import Law, exact_value

sp = lazy_module("sympy")
A = lazy_module("freecalc.symbolic.algebraic")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["FreeBessel", "free_bessel_equation"]

#: largest order (module docstring, "Domain")
S_MAX = 6
#: per order, the largest t < 1 (module docstring, "Domain"): above it the continuous part starts too close to the
#: atom at 0 for its mass to be certified in double precision
T_BELOW_ONE = {1: 0.999, 2: 0.99, 3: 0.99, 4: 0.95, 5: 0.9, 6: 0.9}
#: per order, the smallest t > 1 (module docstring, "Domain"): checked down to it (mass and mean to 1e-15); closer to
#: 1 the lower edge of even orders is found a rounding error below 0 (-8e-17 at s = 4, t = 1.001), where its power
#: law is not recognised (mass off by up to 0.009, flagged), and for s = 1, 2 the edge (1 - √t)² ~ (t - 1)²/4 is
#: not resolved below t = 1 + 1e-4 (mass 1 - 1.1e-5 at s = 2, t = 1.00002; raw cdf 1 + 2e-9 at s = 1, t = 1.000002)
T_FROM_ONE = {1: 1.0001, 2: 1.0001, 3: 1.001, 4: 1.01, 5: 1.001, 6: 1.05}
#: largest t: checked up to here (at t = 400, s = 6 the continuation fails at points of the property suite)
T_MAX = 100.0
#: below this x (and for t > 1) the density comes from the rescaled equation (_small_x_pdf)
_SMALL_X = 1e-3
#: for t > 1, points with |z| below this fraction of the upper support edge are evaluated in the rescaled chart
#: (_zero_chart): the continuation fails within ~1e-2 of it at s = 6, t = 100, and ~1e-8 at s = 3, t = 100
_ZERO_CHART_RADIUS = 0.05
#: below this ratio Im z / |Re z| at Re z < 0, Im m(z) comes from m'(Re z) (the O(y²/x²) remainder is rounding)
_ZERO_FLAT = 1e-8
#: steps of the root tracking along the segment from ε = 0 in the rescaled chart
_ZERO_TRACK_STEPS = 32
#: largest ratio of the distances to the nearest and the second nearest root for a tracking step to count
_ZERO_TRACK_TRUST = 0.25


def _rescaled_roots(eps: np.ndarray, s: int, t: float) -> np.ndarray:
    r"""All s + 1 roots v of :math:`\varepsilon v^{s+1} + (t - 1)v^s - \varepsilon v + 1` per ε (rows).

    The companion matrix of the monic form carries the far root :math:`-(t - 1)/\varepsilon`: two Newton steps on
    the well-scaled form restore the digits of the others.
    """
    comp = np.zeros((eps.size, s + 1, s + 1), dtype=complex)
    comp[:, 1:, :-1] = np.eye(s)
    comp[:, 0, -1] = -1.0 / eps
    comp[:, 1, -1] = 1.0
    comp[:, -1, -1] = -(t - 1.0) / eps
    v = np.linalg.eigvals(comp)
    e = eps[:, None]
    with np.errstate(all="ignore"):
        for _ in range(2):
            f = e * v ** (s + 1) + (t - 1.0) * v ** s - e * v + 1.0
            df = (s + 1) * e * v ** s + s * (t - 1.0) * v ** (s - 1) - e
            step = f / df
            v = np.where(np.isfinite(step), v - step, v)
    return v


def _branch_seed(s: int, t: float) -> tuple[complex, float]:
    r"""The Stieltjes sheet's root :math:`\omega = c\,e^{-i\pi/s}` of the rescaled equation at ε = 0,
    :math:`c = (t - 1)^{-1/s}`, and the distance :math:`2c\sin(\pi/s)` to its neighbours."""
    c = (t - 1.0) ** (-1.0 / s)
    return c * np.exp(-1j * np.pi / s), 2.0 * c * np.sin(np.pi / s)


def _small_x_pdf(x: np.ndarray, s: int, t: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Density at small x > 0 for t > 1, s ≥ 2, from the roots of the rescaled equation, with a per-point flag.

    With :math:`y = -zm` the curve reads :math:`y^s(y + t - 1) = x(y - 1)`; with :math:`y = \varepsilon v`,
    :math:`\varepsilon = x^{1/s}`: :math:`v^s(t - 1 + \varepsilon v) - \varepsilon v + 1 = 0`. At ε = 0 the s
    finite roots solve :math:`v^s = -1/(t - 1)`, :math:`2c\sin(\pi/s)` apart (:math:`c = (t - 1)^{-1/s}`), and the
    Stieltjes branch is :math:`-v = c\,e^{i\pi(s-1)/s}` (the density :math:`\sin(\pi(s-1)/s)\,c\,
    x^{-(s-1)/s}/\pi` at leading order, the :math:`x^{-(s-1)/s}` singularity of π_st for t > 1). The root nearest
    to it is taken when it is within a quarter of that separation (flag), else the point is left to the
    continuation; :math:`m = -y/x = -v\,x^{1/s-1}`.
    """
    eps = x ** (1.0 / s)
    roots = _rescaled_roots(eps + 0j, s, t)
    omega, sep = _branch_seed(s, t)
    dist = np.abs(roots - omega)
    pick = roots[np.arange(x.size), np.argmin(dist, axis=1)]
    ok = np.min(dist, axis=1) < 0.25 * sep
    return np.maximum(-pick.imag, 0.0) * x ** (1.0 / s - 1.0) / np.pi, ok


def _zero_chart(z: np.ndarray, s: int, t: float) -> tuple[np.ndarray, np.ndarray]:
    r"""m(z) on the Stieltjes branch near z = 0 (t > 1, s ≥ 2, Im z ≥ 0, z ≠ 0) in the rescaled chart.

    With :math:`\varepsilon = z^{1/s}` (principal root: the upper half plane maps onto the sector
    :math:`0 \le \arg\varepsilon \le \pi/s`) and :math:`-zm = \varepsilon v`, the curve is
    :math:`\varepsilon v^{s+1} + (t - 1)v^s - \varepsilon v + 1 = 0` (:func:`_small_x_pdf`). In z the s sheets
    :math:`m \sim z^{1/s - 1}` all blow up at 0 and the continuation from z + iY cannot follow them there; in v they
    sit apart on the circle :math:`|v| = (t - 1)^{-1/s}`, and the Stieltjes sheet is the analytic root
    :math:`v(\varepsilon)` through :math:`v(0) = \omega = c\,e^{-i\pi/s}` (its boundary value at x > 0 is the
    density :math:`\sin(\pi/s)\,c\,x^{-(s-1)/s}/\pi`, and at z < 0 it gives m > 0, m ~ c|z|^{1/s - 1}). It is
    followed along the segment :math:`\tau\varepsilon`, τ = 0 → 1, in _ZERO_TRACK_STEPS steps: at each step the
    root nearest the previous one is taken, and the point is flagged unless it is at most _ZERO_TRACK_TRUST times
    as far as the second nearest at every step (the choice is then unambiguous).

    Parameters
    ----------
    z : numpy.ndarray
        Complex points, Im z ≥ 0 (+0.0 on z < 0), 1-d.
    s : int
        Order, ≥ 2.
    t : float
        Rate, > 1.

    Returns
    -------
    values : numpy.ndarray
        :math:`m = -v\,\varepsilon^{1-s}`.
    ok : numpy.ndarray
        False where the tracking was ambiguous (the caller falls back to the continuation).
    """
    eps = np.power(z.astype(complex), 1.0 / s)
    v = np.full(z.shape, _branch_seed(s, t)[0], dtype=complex)
    ok = np.isfinite(eps) & (eps != 0)
    rows = np.arange(z.size)
    for k in range(1, _ZERO_TRACK_STEPS + 1):
        roots = _rescaled_roots(eps * (k / _ZERO_TRACK_STEPS), s, t)
        dist = np.abs(roots - v[:, None])
        order = np.argsort(dist, axis=1)
        near, second = dist[rows, order[:, 0]], dist[rows, order[:, 1]]
        ok &= np.isfinite(near) & (near <= _ZERO_TRACK_TRUST * second)
        v = roots[rows, order[:, 0]]
    with np.errstate(all="ignore"):
        m = -v * eps ** (1 - s)
        # just above z < 0 (outside the support) Im m = y m'(x) + O(y³) is below the rounding of the phase of
        # z^(1/s): it is taken from the derivative, m' = (dv/dε ε^(1-s) + (1 - s) v ε^(-s)) (-ε / (s z))
        flat = ok & (z.real < 0.0) & (z.imag <= _ZERO_FLAT * -z.real)
        if np.any(flat):
            e, w, zf = eps[flat], v[flat], z[flat]
            dv = -(w ** (s + 1) - w) / ((s + 1) * e * w ** s + s * (t - 1.0) * w ** (s - 1) - e)
            dm = -(dv * e ** (1 - s) + (1 - s) * w * e ** (-s)) * e / (s * zf)
            m[flat] = m[flat].real + 1j * zf.imag * dm.real
        return m, ok


def free_bessel_equation(s: int, t: Any, m: Any = None, z: Any = None) -> sp.Expr:
    r"""The polynomial :math:`m(t - 1 - zm)(-zm)^{s-1} - (1 + zm)` of the free Bessel law :math:`\pi_{st}`.

    Parameters
    ----------
    s : int ≥ 1
        Order (the polynomial holds for any s ≥ 1).
    t : number or sympy.Expr
        The ⊞-power of the free Poisson factor (a float enters as its exact rational; the polynomial holds for any
        t > 0).
    m, z : sympy.Symbol, optional
        The Stieltjes-transform variable and the spectral variable (default: ``freecalc.symbolic.transforms.m``
        and ``z``).

    Returns
    -------
    sympy.Expr
    """
    m = T.m if m is None else m
    z = T.z if z is None else z
    tt = exact_value(t)
    return sp.expand(m * (tt - 1 - z * m) * (-z * m) ** (int(s) - 1) - (1 + z * m))


class FreeBessel(AlgebraicLaw):
    r"""Free Bessel law :math:`\pi_{st} = \mathrm{MP}(1)^{\boxtimes(s-1)} \boxtimes \mathrm{FreePoisson}(t)`.

    Parameters
    ----------
    s : int, 1 ≤ s ≤ 6
        Order (s = 1: ``FreePoisson(t)``).
    t : float in (0, 100] or sympy.Expr
        Rate of the free Poisson factor (atom 1 − t at 0 for t < 1); not in (T_BELOW_ONE[s], T_FROM_ONE[s])
        (module docstring; t = 1 is ``FussCatalan(s)``).
    size : int, optional
        Matrix dimension n.

    Raises
    ------
    ValueError
        s not an integer in [1, 6], t not in (0, 100], or t between T_BELOW_ONE[s] and T_FROM_ONE[s].
    TypeError
        s symbolic (the degree of the equation depends on it).

    Notes
    -----
    S-transform :math:`(1 + w)^{1-s}/(t + w)`, mean t, support on [0, ∞). The domain is where the generic analysis
    of the curve is certified (module docstring). Matrix model :math:`YY^T`,
    :math:`Y = n^{-s/2}G_1\cdots G_{s-1}X` with X an n × tn Gaussian matrix.
    """

    parameters = (
        Parameter("s", "s", Domain(1.0, float(S_MAX), integer=True), typical=(1.0, 3.0)),
        Parameter("t", "t", Domain(0.0, T_MAX, lo_closed=False), typical=(0.2, 0.8), default=0.5),
    )
    latex_name = r"\pi"
    aliases = ("freebessel",)

    def __init__(self, *args: Any, size: Any = None, **kwargs: Any) -> None:
        Law.__init__(self, *args, size=size, **kwargs)
        s, t = self._values
        if is_symbolic_value(s):
            raise TypeError(f"FreeBessel needs a numeric parameter 's' (an integer in [1, {S_MAX}]: the degree of "
                            f"its equation), got {s!r}")
        below, above = T_BELOW_ONE[int(s)], T_FROM_ONE[int(s)]
        if not is_symbolic_value(t) and below < float(t) < above:
            raise ValueError(f"FreeBessel parameter 't' = {float(t):g} is outside the allowed domain (0, {below:g}] "
                             f"or [{above:g}, {T_MAX:g}] for s = {int(s)} (near t = 1 the numeric face is not "
                             f"certified; t = 1 is FussCatalan(s))")
        self._set("_P", A.stieltjes_factor(free_bessel_equation(int(s), t), T.m, T.z))
        self._set("_hint", None)

    @property
    def is_symbolic(self) -> bool:
        """Whether t is symbolic (s is always a number)."""
        return is_symbolic_value(self._values[1])

    def replace(self, **changes: Any) -> Law:
        """A new law with ``s``, ``t`` or ``size`` changed.

        Parameters
        ----------
        **changes
            ``s``, ``t`` and/or ``size``.

        Returns
        -------
        FreeBessel
        """
        return Law.replace(self, **changes)

    def __repr__(self) -> str:
        return Law.__repr__(self)

    def _latex(self, printer: Any = None) -> str:
        return Law._latex(self, printer)

    def _pdf(self, x: np.ndarray) -> np.ndarray:
        # for t > 1 the density ~ x^{-(s-1)/s} at 0: the continuation from x + iY cannot follow |m| down to the
        # quadrature's nodes at 1e-22; there the boundary value is the root of the rescaled equation
        s, t = int(self.s), float(self.t)
        if s < 2 or t <= 1.0:
            return AlgebraicLaw._pdf(self, x)
        flat = np.ascontiguousarray(x, dtype=float).ravel()
        small = np.flatnonzero((flat > 0) & (flat < _SMALL_X))
        vals, ok = _small_x_pdf(flat[small], s, t)
        use = small[ok]
        out = AlgebraicLaw._pdf(self, np.where(np.isin(np.arange(flat.size), use), _SMALL_X, flat))
        out[use] = vals[ok]
        return out.reshape(np.shape(x))

    def _evaluate(self, xr: np.ndarray, yi: np.ndarray) -> np.ndarray:
        # for t > 1 the s sheets ~ z^(1/s - 1) blow up together at 0, where the continuation from z + iY fails
        # (flagged): next to 0 the rescaled chart decides, and what it leaves ambiguous goes to the continuation
        s, t = int(self.s), float(self.t)
        if s < 2 or t <= 1.0:
            return AlgebraicLaw._evaluate(self, xr, yi)
        r = np.hypot(xr, yi)
        near = np.flatnonzero((r > 0.0) & (r < _ZERO_CHART_RADIUS * self.support[-1][1]))
        out = np.empty(xr.shape, dtype=complex)
        done = np.zeros(xr.shape, dtype=bool)
        if near.size:
            # + 0.0 turns a -0.0 height into +0.0: the principal z^(1/s) of x < 0 must be taken from above
            out[near], done[near] = _zero_chart(xr[near] + 1j * (yi[near] + 0.0), s, t)
        rest = np.flatnonzero(~done)
        if rest.size:
            out[rest] = AlgebraicLaw._evaluate(self, xr[rest], yi[rest])
        return out

    def _s_transform(self, w: np.ndarray) -> np.ndarray:
        # the product of the factors' S-transforms, exact; the generic Newton inversion of ψ would stop at the
        # real end of its domain
        return (1.0 + w) ** (1 - int(self.s)) / (self.t + w) + 0j

    def _matrix(self, n: int, rng: np.random.Generator) -> np.ndarray:
        k = max(1, int(round(self.t * n)))
        Y = rng.standard_normal((n, k))
        for _ in range(int(self.s) - 1):
            Y = rng.standard_normal((n, n)) @ Y
        Y /= n ** (0.5 * self.s)
        return Y @ Y.T
