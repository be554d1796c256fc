r"""Numeric free convolution by subordination: ⊞, ⊠, free additive powers and compression.

Each function takes freecalc laws (only their numeric face is used: ``stieltjes``, ``support``, ``atoms``,
``moment``) and returns a :class:`freecalc.laws.numeric.NumericLaw` whose Stieltjes transform is computed on demand
by solving the subordination equations (see :mod:`freecalc.kernels.subordination` for the equations, the
solver and its convergence criterion).

Two routes evaluate the inputs' transforms (:class:`Route`):

* ``Route.KERNEL`` — everything runs in the numba kernel; inputs with a closed form there (quadratic laws:
  semicircle, Marchenko–Pastur, Kesten–McKay, Wachter, free Meixner; purely atomic laws) are exact, other inputs
  are replaced by a quadrature discretisation :math:`\sum_j w_j/(x_j - z)` of their density plus atoms, which is
  accurate only at distances from the real axis larger than the node spacing (**not** for densities);
* ``Route.LAW`` — a vectorised numpy Newton–secant iteration that calls each input's own ``stieltjes`` (exact
  boundary values for any law with an accurate transform, e.g. HTMP);
* ``Route.AUTO`` (default) — ``KERNEL`` when every input has a closed form, else ``LAW``.

Exact side information (no solver involved):

* atoms — ⊞: an atom at :math:`\alpha + \beta` of mass :math:`\mu_a(\{\alpha\}) + \mu_b(\{\beta\}) - 1` when
  positive (Bercovici & Voiculescu 1998, *Regularity questions for free convolution*, Thm 7.4);
  ⊠ on :math:`[0,\infty)`: mass :math:`\max(\mu_a(\{0\}), \mu_b(\{0\}))` at 0 and :math:`\mu_a(\{\alpha\}) +
  \mu_b(\{\beta\}) - 1` at :math:`\alpha\beta \ne 0` when positive (Belinschi 2003, *The atoms of the free
  multiplicative convolution of two probability distributions*, Integral Eq. Oper. Th. 46);
  :math:`\mu^{\boxplus t}`: mass :math:`t\mu(\{\alpha\}) - (t - 1)` at :math:`t\alpha` when positive;
* moments — free cumulants add under ⊞ and scale by t under powers; under ⊠ the S-transforms multiply
  (power series in floating point);
* R/S-transforms — :math:`R = R_a + R_b`, :math:`R_{\mu^{\boxplus t}} = tR_\mu`, :math:`S = S_aS_b`.

Compression: the law of a random α-fraction principal submatrix has :math:`R_\alpha(w) = R(\alpha w)`, i.e. it is
the dilation by α of :math:`\mu^{\boxplus 1/\alpha}` (Nica & Speicher, *Lectures on the Combinatorics of Free
Probability*, Lecture 14).
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from freecalc._lazy import lazy_module
from freecalc.kernels.subordination import (KIND_DISCRETE, KIND_QUADRATIC, OP_ADD, OP_MUL, OP_POWER, OPT_SIZE,
                                            solve_subordination)
from freecalc.laws.base import Law
from freecalc.laws.numeric import ConvergenceWarning, Evaluator, NumericLaw, Solution
from freecalc.laws.quadratic import QuadraticLaw
from freecalc.numerics.series import series_mul, series_revert
from freecalc.operations.subordination_options import Route, SubordinationOptions
from freecalc.operations.subordination_solver import project_upper, solve_vectorised

T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["Route", "SubordinationOptions", "free_add_numeric", "free_mul_numeric", "free_power_numeric",
           "compress_numeric", "solve_vectorised"]

_EPS = float(np.finfo(float).eps)
_EMPTY = np.zeros(0)


# ---------------------------------------------------------------------------------------------------------------
# inputs
def _check_law(law: Any, name: str, where: str) -> Law:
    if not isinstance(law, Law):
        raise TypeError(f"{where}: {name} must be a freecalc Law, got {type(law).__name__}")
    law._require_numeric(where)
    return law


def _ends(law: Law) -> tuple[float, float]:
    pts = [e for ab in law.support for e in ab] + [loc for loc, _ in law.atoms]
    return min(pts), max(pts)


def _window_ends(law: Law, q: float) -> tuple[float, float]:
    """Support ends, with an unbounded side replaced by the q / 1 − q quantile."""
    lo, hi = _ends(law)
    if not math.isfinite(lo):
        lo = float(law.ppf(q))
    if not math.isfinite(hi):
        hi = float(law.ppf(1.0 - q))
    return lo, hi


def _quartile_ends(law: Law) -> tuple[float, float]:
    """The quartiles, or the support ends when the law is bounded."""
    lo, hi = _ends(law)
    if math.isfinite(lo) and math.isfinite(hi):
        return lo, hi
    return float(law.ppf(0.25)), float(law.ppf(0.75))


def _finite_moments(law: Law, k: int) -> bool:
    return all(math.isfinite(law.moment(j)) for j in range(1, k + 1))


def _kernel_form(law: Law, opts: SubordinationOptions, allow_discrete: bool):
    """(kind, params, nodes, weights) for the numba kernel, or None if the law has no exact form there."""
    if isinstance(law, QuadraticLaw):
        return KIND_QUADRATIC, np.array(law.kernel_args(), dtype=float), _EMPTY, _EMPTY
    atoms = law.atoms
    if not law.support:
        return KIND_DISCRETE, _EMPTY, np.array([a for a, _ in atoms]), np.array([w for _, w in atoms])
    if not allow_discrete:
        return None
    try:
        xs, ws = law.continuous_rule(opts.panels, opts.order)
    except NotImplementedError as exc:
        raise ValueError(f"Route.KERNEL needs a discretisation of {law!r}, which it cannot provide ({exc}); "
                         f"use Route.LAW") from None
    nodes = np.concatenate([xs, [a for a, _ in atoms]])
    weights = np.concatenate([ws, [w for _, w in atoms]])
    return KIND_DISCRETE, _EMPTY, nodes, weights


def _m_upper(law: Law, w: np.ndarray) -> np.ndarray:
    # m on the closed upper half-plane; +0.0 imaginary parts give the boundary value from above. An input that
    # fails at an iterate returns NaN there, which the secant iteration steps back from (or reports the point as
    # not converged): the input's own warning about an intermediate ω would only be noise
    out = np.full(w.shape, np.nan + 0j)
    ok = np.isfinite(w.real) & np.isfinite(w.imag)  # an iterate made NaN by an input's failure stays NaN
    if not np.any(ok):
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        out[ok] = np.asarray(law.stieltjes(w[ok].real + 1j * np.abs(w[ok].imag)), dtype=complex)
    return out


def _m_lower(law: Law, u: np.ndarray) -> np.ndarray:
    # m on the closed lower half-plane (boundary value from below on the real axis): m(u) = conj m(conj u)
    return np.conj(_m_upper(law, u))


# ---------------------------------------------------------------------------------------------------------------
class _SubordinationEvaluator(Evaluator):
    """Common machinery: route selection, kernel call, numpy route, exact atoms/moments hooks."""

    op: int = OP_ADD
    symbol: str = "⊞"

    def __init__(self, laws: tuple[Law, ...], opts: SubordinationOptions, *, t: float = 1.0, c: float = 1.0):
        self.laws = laws
        self.opts = opts
        self.t, self.c = float(t), float(c)
        forms = [_kernel_form(law, opts, opts.route is Route.KERNEL) for law in laws]
        if opts.route is Route.LAW or (opts.route is Route.AUTO and any(f is None for f in forms)):
            self.route = Route.LAW
            self.forms = None
        else:
            self.route = Route.KERNEL
            self.forms = forms if len(forms) == 2 else forms + [(KIND_DISCRETE, _EMPTY, _EMPTY, _EMPTY)]
        lo, hi = self._bulk()
        self._scale = max(hi - lo, 1e-12 * max(1.0, abs(lo), abs(hi))) / 4.0
        # the numpy route resolves a tiny Im ω far out in a heavy tail (sums, powers, compressions), beyond 10 bulk
        # widths: nearer, Im ω is not tiny against the secant's tolerance unless next to an edge, where a polish
        # cannot improve the secant's point
        reach = 40.0 * self._scale
        self._polish_outside = (lo - reach, hi + reach) if self.op in (OP_ADD, OP_POWER) else None
        self._cumulant_cache: dict[int, list[float]] = {}

    # -- Evaluator interface -------------------------------------------------------------------------------
    def _combine(self, ends: list[tuple[float, float]]) -> tuple[float, float]:
        """Interval of the result from intervals of the inputs (sums, products, dilated powers)."""
        raise NotImplementedError

    def bracket(self) -> tuple[float, float]:
        return self._combine([_ends(x) for x in self.laws])

    def _bulk(self) -> tuple[float, float]:
        # unbounded sides at the 1 % quantiles: the scale of the bulk, also for heavy-tailed inputs
        return self._combine([_window_ends(x, 0.01) for x in self.laws])

    def window(self) -> tuple[float, float]:
        # unbounded sides at the 1e-6 quantiles, but at most 20 bulk widths beyond the bulk: the scan must resolve
        # the bulk's edges and gaps, and the outermost interval is extended to infinity anyway
        lo, hi = self._combine([_window_ends(x, 1e-6) for x in self.laws])
        blo, bhi = self._bulk()
        width = bhi - blo
        return max(lo, blo - 20 * width), min(hi, bhi + 20 * width)

    @property
    def scale(self) -> float:
        return self._scale

    def core(self) -> tuple[float, float]:
        # the inputs' quartiles (support ends where bounded) combined: the bulk, also for heavy tails, whose 1 %
        # quantiles (the scale) lie decades out; a sixteenth of its width resolves it on the log scales
        lo, hi = self._combine([_quartile_ends(x) for x in self.laws])
        return 0.5 * (lo + hi), max(hi - lo, 1e-12 * max(1.0, abs(lo), abs(hi)), 1e-6 * self._scale) / 16.0

    def describe(self) -> str:
        if len(self.laws) == 2:
            return f"{self.laws[0]!r} {self.symbol} {self.laws[1]!r}"
        return self._describe_single()

    def _describe_single(self) -> str:
        raise NotImplementedError

    def _guess_constant(self) -> float:
        raise NotImplementedError

    def _prepare(self, lam: np.ndarray) -> np.ndarray:
        return lam

    def solve(self, z: np.ndarray, start: np.ndarray | None = None,
              start_kind: np.ndarray | None = None) -> Solution:
        lam = self._prepare(np.ascontiguousarray(np.asarray(z, dtype=complex).ravel()))
        eta0 = self._scale
        etamin = 1e-10 * eta0
        if start is None or start_kind is None:
            start = np.zeros(lam.size, dtype=complex)
            start_kind = np.zeros(lam.size, dtype=np.int8)
        start = np.ascontiguousarray(start, dtype=complex)
        start_kind = np.ascontiguousarray(start_kind, dtype=np.int8)
        g = self._guess_constant()
        if self.route is Route.KERNEL:
            (ka, pa, xa, wa), (kb, pb, xb, wb) = self.forms
            opts = np.zeros(OPT_SIZE)
            opts[:] = (self.t, self.c, g, eta0, etamin, self.opts.tol)
            m, w, conv, it, res = solve_subordination(self.op, lam, start, start_kind, ka, pa, xa, wa,
                                                      kb, pb, xb, wb, opts, self.opts.maxiter)
            return Solution(lam, m, w, conv, it, res)
        return solve_vectorised(self._residual, self._floor, lambda L: self._guess(L, g), lam, eta0=eta0,
                                etamin=etamin, tol=self.opts.tol, maxiter=self.opts.maxiter, start=start,
                                start_kind=start_kind, polish_outside=self._polish_outside)

    # numpy-route pieces, overridden per operation
    def _residual(self, lam: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _floor(self, lam: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _guess(self, lam: np.ndarray, g: float) -> np.ndarray:
        raise NotImplementedError

    # cumulants of an input, cached; callers have checked that its moments 1..K are finite
    def _cumulants(self, i: int, K: int) -> list[float]:
        have = self._cumulant_cache.get(i, [])
        if len(have) < K:
            law = self.laws[i]
            try:
                have = [float(v) for v in law.free_cumulants(K)]
            except ValueError:
                # no free cumulant series (a heavy-tailed law: FreeStable with alpha < 2), but κ_1..κ_K are the
                # exact transform of the finite moments m_1..m_K
                have = [float(v) for v in T.free_cumulants_from_moments(list(law.moments(K)))]
            self._cumulant_cache[i] = have
        return have[:K]


class _AddEvaluator(_SubordinationEvaluator):
    op = OP_ADD
    symbol = "⊞"

    def _combine(self, ends):
        (la, ha), (lb, hb) = ends
        return la + lb, ha + hb

    def atoms(self) -> tuple[tuple[float, float], ...]:
        out = []
        for xa, pa in self.laws[0].atoms:
            for xb, pb in self.laws[1].atoms:
                if pa + pb > 1.0:
                    out.append((xa + xb, pa + pb - 1.0))
        return tuple(out)

    def moment(self, k: int) -> float:
        if not (_finite_moments(self.laws[0], k) and _finite_moments(self.laws[1], k)):
            return math.inf  # heavy-tailed input (moments of even order; odd ones may be undefined)
        ka, kb = self._cumulants(0, k), self._cumulants(1, k)
        return float(T.moments_from_free_cumulants([x + y for x, y in zip(ka, kb)])[-1])

    def r_transform(self, w: np.ndarray) -> np.ndarray:
        return self.laws[0].r_transform(w) + self.laws[1].r_transform(w)

    def _guess_constant(self) -> float:
        mean = self.laws[1].mean()
        return mean if math.isfinite(mean) else 0.0

    def _floor(self, lam: np.ndarray) -> np.ndarray:
        return lam.imag

    def _guess(self, lam: np.ndarray, g: float) -> np.ndarray:
        return lam - g

    def _residual(self, lam, w):
        a, b = self.laws
        ma = _m_upper(a, w)
        wb = project_upper(lam - 1.0 / ma - w, lam.imag)
        mb = _m_upper(b, wb)
        # m = m_a(ω_a) = m_b(ω_b) at the solution: take it from the input whose ω is nearer its real axis (relative
        # to |ω|; b on a tie, e.g. both real). Far in a heavy tail that input's m is its boundary value, whose Im is
        # its density, whereas the other input's Im m is ~(Im ω/|ω|)|m|, carried by a tiny Im ω that rounding can
        # lose (the density of Arcsine ⊞ FreeStable(1.9, 0, 0.5) at 1e50 came out 0 from m_a)
        use_b = np.abs(wb.imag) * (1.0 + np.abs(w)) <= np.abs(w.imag) * (1.0 + np.abs(wb))
        return w - lam + 1.0 / mb + wb, np.where(use_b, mb, ma)


class _MulEvaluator(_SubordinationEvaluator):
    op = OP_MUL
    symbol = "⊠"

    def _combine(self, ends):
        (la, ha), (lb, hb) = ends
        return la * lb, ha * hb

    def atoms(self) -> tuple[tuple[float, float], ...]:
        za = dict(self.laws[0].atoms).get(0.0, 0.0)
        zb = dict(self.laws[1].atoms).get(0.0, 0.0)
        out = [(0.0, max(za, zb))] if max(za, zb) > 0 else []
        for xa, pa in self.laws[0].atoms:
            for xb, pb in self.laws[1].atoms:
                if xa != 0 and xb != 0 and pa + pb > 1.0:
                    out.append((xa * xb, pa + pb - 1.0))
        return tuple(sorted(out))

    def moment(self, k: int) -> float:
        if not (_finite_moments(self.laws[0], k) and _finite_moments(self.laws[1], k)):
            return math.inf  # laws on [0, ∞): an infinite input moment makes this one infinite
        return _product_moments(self.laws[0].moments(k), self.laws[1].moments(k))[-1]

    def s_transform(self, w: np.ndarray) -> np.ndarray:
        return self.laws[0].s_transform(w) * self.laws[1].s_transform(w)

    def _guess_constant(self) -> float:
        return self.laws[1].mean()

    def _prepare(self, lam: np.ndarray) -> np.ndarray:
        # λ = 0 maps to ζ = ∞: evaluate just above it instead (error O(1e-14 · scale · |m'|))
        return np.where(lam == 0, 1e-14j * self._scale, lam)

    def _floor(self, lam: np.ndarray) -> np.ndarray:
        return np.zeros(lam.shape)

    def _guess(self, lam: np.ndarray, g: float) -> np.ndarray:
        return g / np.conj(lam)

    def _residual(self, lam, w):
        a, b = self.laws
        zeta = 1.0 / np.conj(lam)
        u = 1.0 / w
        ha = u + 1.0 / _m_lower(a, u)
        wb = project_upper(zeta * ha, np.zeros(w.shape))
        ub = 1.0 / wb
        hb = ub + 1.0 / _m_lower(b, ub)
        eta = w * ha
        return w - zeta * hb, np.conj(zeta / (eta - 1.0))


class _PowerEvaluator(_SubordinationEvaluator):
    """Dilation by c of μ^{⊞t}."""

    op = OP_POWER

    def _describe_single(self) -> str:
        if self.c == 1.0:
            return f"{self.laws[0]!r}^(⊞{self.t:g})"
        return f"compress({self.laws[0]!r}, alpha={self.c:g})"

    def _combine(self, ends):
        (lo, hi), = ends
        return self.c * self.t * lo, self.c * self.t * hi

    def atoms(self) -> tuple[tuple[float, float], ...]:
        out = []
        for x, p in self.laws[0].atoms:
            mass = self.t * p - (self.t - 1.0)
            if mass > 1e-14:
                out.append((self.c * self.t * x, mass))
        return tuple(out)

    def moment(self, k: int) -> float:
        if not _finite_moments(self.laws[0], k):
            return math.inf
        kap = self._cumulants(0, k)
        return float(T.moments_from_free_cumulants([self.t * self.c ** (j + 1) * v
                                                    for j, v in enumerate(kap)])[-1])

    def r_transform(self, w: np.ndarray) -> np.ndarray:
        return self.c * self.t * self.laws[0].r_transform(self.c * np.asarray(w))

    def _guess_constant(self) -> float:
        mean = self.laws[0].mean()
        return (self.t - 1.0) * mean if math.isfinite(mean) else 0.0

    def _floor(self, lam: np.ndarray) -> np.ndarray:
        return lam.imag / self.c

    def _guess(self, lam: np.ndarray, g: float) -> np.ndarray:
        return lam / self.c - g

    def _residual(self, lam, w):
        a = self.laws[0]
        ma = _m_upper(a, w)
        t = self.t
        return w - lam / (self.c * t) + (1.0 - 1.0 / t) / ma, ma / self.c


# ---------------------------------------------------------------------------------------------------------------
# moments of a free product via the S-transform: S_ab = S_a S_b (power series)
def _product_moments(ma: Any, mb: Any) -> list[float]:
    r"""Moments of :math:`\mu_a \boxtimes \mu_b` from those of the factors (:math:`\psi = \sum m_k u^k`,
    :math:`\chi = \psi^{-1}`, :math:`S = \chi(1+w)/w`, :math:`S_{ab} = S_aS_b`)."""
    K = len(ma)
    if ma[0] == 0 or mb[0] == 0:
        raise ValueError("moments of a free product need non-zero means")
    sa, sb = ([0.0] + [float(v) for v in mm] for mm in (ma, mb))
    # χ(w)/w as a series: shift down by one; S = (χ/w)(1 + w)
    S = []
    for s in (sa, sb):
        chi = series_revert(s, K)
        cw = chi[1:] + [0.0]
        S.append([cw[n] + (cw[n - 1] if n else 0.0) for n in range(K)])
    Sab = series_mul(S[0] + [0.0], S[1] + [0.0], K)[:K]
    # χ_ab(w) = w S_ab(w)/(1 + w): (1+w)^{-1} = Σ (−1)^n w^n
    inv = [(-1.0) ** n for n in range(K)]
    q = series_mul(Sab + [0.0], inv + [0.0], K)[:K]
    chi_ab = [0.0] + q
    psi = series_revert(chi_ab, K)
    return psi[1:]


# ---------------------------------------------------------------------------------------------------------------
def _size(a: Law, b: Law, where: str) -> int | None:
    if a.size is not None and b.size is not None and a.size != b.size:
        raise ValueError(f"{where}: the laws describe matrices of different sizes ({a.size} and {b.size})")
    return a.size if a.size is not None else b.size


def _make(ev: _SubordinationEvaluator, size: int | None) -> NumericLaw:
    return NumericLaw(ev, size=size, policy=ev.opts.policy, grid=ev.opts.grid)


def free_add_numeric(a: Law, b: Law, **opts: Any) -> NumericLaw:
    r"""Free additive convolution :math:`\mu_a \boxplus \mu_b` by numeric subordination.

    Parameters
    ----------
    a, b : Law
        Numeric laws (any: closed-form, HTMP, empirical, fitted, numeric).
    **opts
        Fields of :class:`SubordinationOptions` (``route``, ``tol``, ``maxiter``, ``policy``, ``grid``, ...).

    Returns
    -------
    NumericLaw
        The law of A + B for large free (e.g. independent, one of them rotation-invariant) A and B.

    Examples
    --------
    >>> import freecalc as fc
    >>> from freecalc.operations.subordination import free_add_numeric
    >>> law = free_add_numeric(fc.Semicircle(1.0), fc.Semicircle(2.0))   # = Semicircle(√5)
    >>> round(law.support[0][1] ** 2, 8)
    5.0
    """
    o = SubordinationOptions.from_kwargs("free_add_numeric", opts)
    a, b = _check_law(a, "a", "free_add_numeric"), _check_law(b, "b", "free_add_numeric")
    return _make(_AddEvaluator((a, b), o), _size(a, b, "free_add_numeric"))


def free_mul_numeric(a: Law, b: Law, **opts: Any) -> NumericLaw:
    r"""Free multiplicative convolution :math:`\mu_a \boxtimes \mu_b` of laws on :math:`[0, \infty)`.

    The law of :math:`A^{1/2} B A^{1/2}` for large free positive semi-definite A and B. Options as in
    :func:`free_add_numeric`.

    Parameters
    ----------
    a, b : Law
        Numeric laws on :math:`[0, \infty)`.
    **opts
        Fields of :class:`SubordinationOptions`.

    Returns
    -------
    NumericLaw

    Raises
    ------
    ValueError
        A law has mass on the negative half-line or is the point mass at 0.
    """
    o = SubordinationOptions.from_kwargs("free_mul_numeric", opts)
    a, b = _check_law(a, "a", "free_mul_numeric"), _check_law(b, "b", "free_mul_numeric")
    for name, law in (("a", a), ("b", b)):
        lo, hi = _ends(law)
        if lo < 0:
            raise ValueError(f"free_mul_numeric: {name} = {law!r} has mass on the negative half-line (its support "
                             f"starts at {lo:g}); numeric ⊠ needs laws on [0, ∞)")
        if hi == 0:
            raise ValueError(f"free_mul_numeric: {name} = {law!r} is the point mass at 0 (the product is δ₀)")
    return _make(_MulEvaluator((a, b), o), _size(a, b, "free_mul_numeric"))


def _real_param(value: Any, name: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{where}: {name} must be a real number, got {value!r}")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{where}: {name} must be finite, got {value!r}")
    return v


def free_power_numeric(a: Law, s: float, **opts: Any) -> NumericLaw:
    r"""Free additive power :math:`\mu^{\boxplus s}`, :math:`s \ge 1` (the law with R-transform :math:`sR_\mu`).

    For integer s it is the law of the sum of s free copies; for s < 1 it need not exist, so s must be ≥ 1.

    Parameters
    ----------
    a : Law
    s : float
        The power, ≥ 1.
    **opts
        Fields of :class:`SubordinationOptions`.

    Returns
    -------
    NumericLaw

    Raises
    ------
    ValueError
        s < 1.
    """
    o = SubordinationOptions.from_kwargs("free_power_numeric", opts)
    a = _check_law(a, "a", "free_power_numeric")
    s = _real_param(s, "s", "free_power_numeric")
    if s < 1:
        raise ValueError(f"free_power_numeric: s must be >= 1 (μ^⊞s need not be a probability law for s < 1), "
                         f"got s = {s!r}")
    return _make(_PowerEvaluator((a,), o, t=s, c=1.0), a.size)


def compress_numeric(a: Law, alpha: float, **opts: Any) -> NumericLaw:
    r"""Law of a random α-fraction principal submatrix: the dilation by α of :math:`\mu^{\boxplus 1/\alpha}`.

    Its R-transform is :math:`R(\alpha w)`.

    Parameters
    ----------
    a : Law
    alpha : float
        The kept fraction, in (0, 1].
    **opts
        Fields of :class:`SubordinationOptions`.

    Returns
    -------
    NumericLaw
        Its ``size`` is ``round(alpha * a.size)`` when ``a.size`` is known.

    Raises
    ------
    ValueError
        ``alpha`` outside (0, 1].
    """
    o = SubordinationOptions.from_kwargs("compress_numeric", opts)
    a = _check_law(a, "a", "compress_numeric")
    alpha = _real_param(alpha, "alpha", "compress_numeric")
    if not 0 < alpha <= 1:
        raise ValueError(f"compress_numeric: alpha must lie in (0, 1] (the kept fraction of rows/columns), "
                         f"got alpha = {alpha!r}")
    size = None if a.size is None else max(1, round(alpha * a.size))
    return _make(_PowerEvaluator((a,), o, t=1.0 / alpha, c=alpha), size)
