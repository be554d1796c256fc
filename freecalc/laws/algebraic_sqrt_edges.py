r"""Square-root edges of an algebraic law: the Stieltjes branch next to an end e where the density vanishes like
:math:`\sqrt{|x - e|}`, from the Puiseux series of the exact curve at its double point.

At such an end the Stieltjes branch and another sheet of :math:`P(m, z) = 0` collide: :math:`(m_e, e)` is a regular
solution of :math:`P = \partial_m P = 0` (Jacobian determinant :math:`-P_z P_{mm} \ne 0`), and

.. math:: m(z) = m_e + \sum_{k \ge 1} c_k\, s^k, \qquad s^2 = \sigma (z - e),

σ = +1 when the support lies right of e and −1 when left (so s = :math:`\sqrt{|x - e|}` on the support, from above),
with :math:`c_1^2 = -2 \sigma P_z / P_{mm}` (negative: :math:`c_1` is imaginary and the density rises like
:math:`|c_1| \sqrt{|x - e|} / \pi`) and each further :math:`c_k` from one linear equation (coefficient
:math:`P_{mm} c_1`). The generic evaluator solves the curve with rounded coefficients, whose double point sits
:math:`\delta e` away from the true one (1.3e-13 for ChiralBlock(1, 0, 0.5) ⊞ FreeMeixner(1.5, 0.3, 0.3) at its upper
end 3.34): its density :math:`\propto \sqrt{d}` then errs by :math:`\delta e / 2d` at a distance d from the end (2 % at
d = 3e-12, 54 % at d = 3e-14, with no warning). Here the double point is solved by Newton at :data:`DPS` digits on the
exact coefficients, the curve is re-expanded there (Taylor shift at the same precision, rounded once), and the series
in s is evaluated from the offset x − e taken against e in double-double; the series is used below the distance
where its truncation is below rounding (:data:`SERIES_TOL`, from the decay of the computed coefficients), and only
once the generic evaluator agrees with it at that distance (:data:`CHECK_RTOL`). The cdf next to the end is the
term-wise integral :math:`\int_e^x \rho = \sigma \frac{2}{\pi} \sum_k \mathrm{Im}\, c_k\, d^{(k+2)/2} / (k + 2)`,
:math:`d = \sigma (x - e)`, which keeps its relative accuracy where the cdf is :math:`O(d^{3/2})`.

Reference: E. Hille, *Analytic Function Theory* vol. II, §12.3 (Puiseux series at an algebraic branch point);
Z. Bao, L. Erdős, K. Schnelli, "Local stability of the free additive convolution", J. Funct. Anal. 271 (2016)
(square-root behaviour at the edges of free additive convolutions).
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from freecalc._lazy import lazy_module

sp = lazy_module("sympy")
mp = lazy_module("mpmath")
A = lazy_module("freecalc.symbolic.algebraic")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["SqrtEdge", "SqrtEdgeCharts", "sqrt_edge", "sqrt_edge_values", "SERIES_RELATIVE"]

#: working digits of the double point and of the re-expanded curve (its coefficients are rounded to doubles once)
DPS = 40

#: Newton steps on P = P_m = 0 from the seed (quadratic convergence: 1e-6 -> 1e-24 in 2 steps past the basin)
NEWTON_STEPS = 12

#: relative size of the last Newton step taken as converged: the end is needed to double-double (~32 digits), and
#: the steps stagnate near 1e-30 where the curve's coefficients cancel (FreeMeixner(1.5, 0.3, 3) ⊞ FreeBessel(3, 0.8))
NEWTON_DIGITS = 25

#: offset of Newton's seed from the end, relative to the largest reach (well inside the square-root regime even
#: when other singular points cluster 1e-5 from the end, as for FreeMeixner(1.5, 0.3, 3) ⊞ FreeBessel(3, 0.8))
SEED_FRACTION = 1e-6

#: terms c_1 .. c_K of the Puiseux series (a quarter of the way to the nearest singular point the truncation is
#: below 0.25^(K/2) = 2e-10 of the first term, and SERIES_TOL shortens the reach further when the terms decay slower)
TERMS = 32

#: the series is used where its last two terms are below this fraction of the first (the truncation of a
#: geometric tail, far below the 1e-7 the density needs)
SERIES_TOL = 1e-14

#: largest distance of the series' use, relative to the support's scale: beyond it the generic evaluator (whose
#: error δe/d is 1e-9 there) is accurate, and a linear grid over the support rarely lands inside (no series built)
SERIES_RELATIVE = 1e-4

#: the series is used at most this fraction of the way to the nearest other real singular point (the generic evaluator
#: is off by 1.4e-4 at 1e-5 below the end 6.42 of ShiftedFreeMeixner(1, 1.5, 0.3, 0.3) ⊠ ChiralBlock(1, 2, 2.5), whose
#: next singular point is 3.4e-3 above it)
ROOM_FRACTION = 0.25

#: largest difference between the series and the generic evaluator at the reach, relative to the series' distance
#: from m_e there: a series of another pair of sheets colliding at e would be O(1) away. The generic evaluator is
#: itself off by up to 1e-5 there (its error δe/d grows towards the end: it returns density 0 1.6e-9 below the end
#: 1.56 of ShiftedFreeMeixner(1, 1.5, 0.3, 0.3) ⊠ ChiralBlock(1, 2, 2.5)), so the check cannot be tight
CHECK_RTOL = 1e-2


class SqrtEdge(NamedTuple):
    """A square-root end with its Puiseux series."""

    e: float  # the end, rounded
    e_lo: float  # exact end minus e (double-double)
    side: int  # +1: the support lies right of e, -1: left of it
    m_e: float  # the boundary value at the end (real)
    c: np.ndarray  # c[k - 1]: coefficient of s^k, k = 1..TERMS (s^2 = side (z - e), s = sqrt|x - e| on the support)
    reach: float  # |z - e| below which the series is used


def _mp_rows(P: sp.Expr) -> list[list[mp.mpf]]:
    """rows[j][k]: coefficient of m^j z^k of P, exact to the working precision (the caller sets mp.dps)."""
    known = A.integer_terms(P, T.m, T.z)
    if known is not None:
        items = [(int(j), int(k), mp.mpf(int(c))) for (j, k), c in known.items()]
    else:
        items = []
        for (j, k), c in sp.Poly(P, T.m, T.z).terms():
            if c.is_Rational:
                items.append((int(j), int(k), mp.mpf(int(c.p)) / int(c.q)))
            else:
                items.append((int(j), int(k), mp.mpf(sp.re(sp.N(c, DPS + 10))._to_mpmath(mp.mp.prec + 30))))
    rows = [[mp.mpf(0)] * (max(k for _, k, _ in items) + 1) for _ in range(max(j for j, _, _ in items) + 1)]
    for j, k, c in items:
        rows[j][k] = c
    return rows


def _taylor_shift(a: list, x0: mp.mpf) -> list:
    """Coefficients of p(x0 + t) from those of p(x) (constant first), by repeated synthetic division."""
    b = list(a)
    n = len(b)
    for i in range(n - 1):
        for k in range(n - 2, i - 1, -1):
            b[k] += x0 * b[k + 1]
    return b


def _shifted(rows: list, m_e: mp.mpf, e: mp.mpf) -> list:
    """q[j][k]: coefficient of w^j ζ^k of P(m_e + w, e + ζ)."""
    by_z = [_taylor_shift(row, e) for row in rows]  # row j: coefficient of m^j, in powers of ζ
    cols = [_taylor_shift([by_z[j][k] for j in range(len(rows))], m_e) for k in range(len(rows[0]))]
    return [[cols[k][j] for k in range(len(cols))] for j in range(len(rows))]


def _double_point(rows: list, m0: float, e0: float) -> tuple[mp.mpf, mp.mpf] | None:
    """The solution of P = P_m = 0 next to (m0, e0) by Newton (None when it does not converge)."""
    m, e = mp.mpf(m0), mp.mpf(e0)
    tol = mp.mpf(10) ** -NEWTON_DIGITS
    for _ in range(NEWTON_STEPS):
        # values and first derivatives in z of each row at e (Horner)
        val, der = [], []
        for row in rows:
            v = d = mp.mpf(0)
            for c in reversed(row):
                d = d * e + v
                v = v * e + c
            val.append(v)
            der.append(d)
        f = fm = fz = fmm = fmz = mp.mpf(0)
        mpow = [mp.mpf(1)]
        for _j in range(len(rows)):
            mpow.append(mpow[-1] * m)
        for j in range(len(rows)):
            f += val[j] * mpow[j]
            fz += der[j] * mpow[j]
            if j:
                fm += j * val[j] * mpow[j - 1]
                fmz += j * der[j] * mpow[j - 1]
            if j > 1:
                fmm += j * (j - 1) * val[j] * mpow[j - 2]
        det = fm * fmz - fz * fmm  # Jacobian of (P, P_m) in (m, z)
        if det == 0:
            return None
        dm = (f * fmz - fz * fm) / det
        de = (fm * fm - f * fmm) / det
        m, e = m - dm, e - de
        if abs(dm) <= tol * (1 + abs(m)) and abs(de) <= tol * (1 + abs(e)):
            return m, e
    return None


def _series(q: np.ndarray, terms: int) -> np.ndarray | None:
    r"""c_1..c_terms of :math:`w = \sum c_k s^k` with :math:`\sum q_{jk} w^j s^{2k} = 0` (q_00 = q_10 = 0)."""
    if q.shape[0] < 3 or q[2, 0] == 0 or q.shape[1] < 2 or q[0, 1] == 0:
        return None
    n = terms + 2  # orders s^0 .. s^(terms + 1)
    c = np.zeros(n, complex)
    c[1] = np.sqrt(complex(-q[0, 1] / q[2, 0]))
    # the s-series of each Q_j(ζ) = Σ_k q_jk ζ^k, ζ = s^2
    qs = np.zeros((q.shape[0], n))
    for k in range(q.shape[1]):
        if 2 * k < n:
            qs[:, 2 * k] = q[:, k]
    pivot = 2.0 * q[2, 0] * c[1]
    for order in range(2, terms + 1):
        # the residual at s^(order + 1) with c_order = 0 (it enters there only through q_20 * 2 c_1 c_order)
        total = np.zeros(n, complex)
        power = np.zeros(n, complex)
        power[0] = 1.0
        for j in range(q.shape[0]):
            total += np.convolve(qs[j], power)[:n]
            power = np.convolve(power, c)[:n]
        c[order] = -total[order + 1] / pivot
    return c[1:terms + 1]


def _reach(c: np.ndarray) -> float:
    """Largest |ζ| at which each of the last two terms is below SERIES_TOL times the first."""
    k = np.arange(1, c.size + 1)
    with np.errstate(divide="ignore"):
        d = (SERIES_TOL * abs(c[0]) / np.abs(c[-2:])) ** (2.0 / (k[-2:] - 1))
    return float(np.min(d))


def sqrt_edge(P: sp.Expr, e: float, side: int, scale: float, room: float,
              local: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]) -> SqrtEdge | None:
    r"""The square-root end e with its Puiseux series, or None when e is no such end of the Stieltjes branch.

    Parameters
    ----------
    P : sympy.Expr
        The Stieltjes factor (exact coefficients).
    e : float
        A support end (no atom, no power-law edge).
    side : int
        +1 when the support lies right of e, −1 when left.
    scale : float
        The support's scale.
    room : float
        Distance from e to the nearest other real singular point.
    local : callable
        ``local(delta) -> (m, ok)``: the generic evaluator's boundary values :math:`m(e + \delta + i0)` (signed
        offsets), used for the start of Newton and for the check at the reach.

    Returns
    -------
    SqrtEdge or None
    """
    reach_max = min(SERIES_RELATIVE * scale, ROOM_FRACTION * room)
    if not reach_max > 0:
        return None
    # the seed of Newton: Re m next to e is m_e + O(|x - e|) (the O(sqrt) term is imaginary on the support)
    m0, ok0 = local(side * np.array([SEED_FRACTION * reach_max]))
    if not np.all(ok0) or not np.all(np.isfinite(m0)):
        return None
    with mp.workdps(DPS):
        rows = _mp_rows(P)
        found = _double_point(rows, float(m0[0].real), e)
        if found is None:
            return None
        m_e, e_exact = found
        if abs(float(e_exact) - e) > 1e-8 * scale:
            return None  # Newton left for another double point
        shifted = _shifted(rows, m_e, e_exact)
        # normalised in mpmath: the coefficients of a law shifted by ~1e-308 leave the double range
        big = max(abs(v) for row in shifted for v in row)
        if not (mp.isfinite(big) and big > 0):
            return None
        q = np.array([[float(v / big) for v in row] for row in shifted])
        e_hi = float(e_exact)
        e_lo = float(e_exact - e_hi)
        m_e = float(m_e)
    q[0, 0] = q[1, 0] = 0.0  # exactly a double point: the rounded residuals would move it back
    # the series in s with s^2 = side * (z - e), positive on the support
    c = _series(q * float(side) ** np.arange(q.shape[1]), TERMS)
    if c is None or not np.all(np.isfinite(c)) or abs(c[0].real) > 1e-12 * abs(c[0]):
        return None  # c_1 real: the density does not rise like sqrt(|x - e|) from this end
    # P is real and c_1 imaginary: the odd terms are imaginary and the even ones real (m is real off the support)
    k = np.arange(1, c.size + 1)
    c = np.where(k % 2 == 1, 1j * c.imag, c.real + 0j)
    # on the support s = sqrt|x - e| from above: the sign of s that makes Im m > 0 there
    c = c * np.sign(c[0].imag) ** k
    edge = SqrtEdge(e_hi, e_lo, int(side), m_e, c, min(reach_max, _reach(c)))
    # the check against the generic evaluator at the reach (offset from the rounded end as local() takes it)
    dchk = side * edge.reach + (e_hi - e) + e_lo
    mchk, okc = local(np.array([dchk]))
    ser = sqrt_edge_values(edge, np.array([e + dchk]), np.zeros(1))
    if not okc[0] or abs(ser[0] - mchk[0]) > CHECK_RTOL * abs(ser[0] - m_e):
        return None
    return edge


def sqrt_edge_values(edge: SqrtEdge, xr: np.ndarray, yi: np.ndarray) -> np.ndarray:
    r"""m(z) on the Stieltjes branch from the edge's Puiseux series (points within its reach; Im z ≥ 0, or the
    conjugate of the value at :math:`\bar z`).

    Parameters
    ----------
    edge : SqrtEdge
    xr, yi : numpy.ndarray
        Real and imaginary parts of the points (1-d); y = 0 means the boundary value from above.

    Returns
    -------
    numpy.ndarray
        Complex values.
    """
    # the offset from the exact end in double-double: x - e is exact next to e (Sterbenz)
    zeta = (xr - edge.e) - edge.e_lo + 1j * np.abs(yi)
    u = edge.side * zeta.real
    inside = (yi == 0) & (u > 0)
    # s is analytic off the support's side of the real axis (m is analytic across the real axis outside), and
    # equals sqrt|x - e| on the support from above
    s = np.where(inside, np.sqrt(np.maximum(u, 0.0)) + 0j, edge.side * 1j * np.sqrt(-edge.side * zeta))
    out = np.zeros(zeta.shape, complex)
    for ck in edge.c[::-1]:
        out = (out + ck) * s
    out = out + edge.m_e
    return np.where(yi < 0, np.conj(out), out)


class SqrtEdgeCharts:
    """The square-root ends of a law's support, each with its Puiseux series built on first use (when a point
    falls within :data:`SERIES_RELATIVE` of it): a density on a grid over the support pays for none.

    Parameters
    ----------
    P : sympy.Expr
        The Stieltjes factor.
    ends : sequence of (float, int)
        Support ends (no atoms) and their sides (+1: the support lies right of the end).
    candidates : sequence of float
        All real singular points (the series stays well inside the distance to the nearest other one).
    scale : float
        The support's scale.
    local : callable
        ``local(e, delta) -> (m, ok)``: the generic evaluator's boundary values at e + delta (see :func:`sqrt_edge`).
    """

    def __init__(self, P: sp.Expr, ends: list[tuple[float, int]], candidates: tuple[float, ...], scale: float,
                 local: Callable[[float, np.ndarray], tuple[np.ndarray, np.ndarray]]) -> None:
        cuts = np.asarray(candidates, dtype=float)
        self._P, self._scale, self._local = P, scale, local
        self._slots = []
        for e, side in ends:
            others = np.abs(cuts - e)
            others = others[others > 1e-14 * scale]
            room = float(others.min()) if others.size else scale
            self._slots.append((float(e), int(side), room, min(SERIES_RELATIVE * scale, ROOM_FRACTION * room)))
        self._built: dict[int, SqrtEdge | None] = {}

    def edge(self, i: int) -> SqrtEdge | None:
        """The i-th end's series (None when it is no square-root end of the Stieltjes branch)."""
        if i not in self._built:
            e, side, room, _ = self._slots[i]
            self._built[i] = sqrt_edge(self._P, e, side, self._scale, room,
                                       lambda d, e=e: self._local(e, d))
        return self._built[i]

    def evaluate(self, xr: np.ndarray, yi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """m(x + iy) at the points within reach of a square-root end.

        Parameters
        ----------
        xr, yi : numpy.ndarray
            Real and imaginary parts of the points (1-d).

        Returns
        -------
        values : numpy.ndarray
            Complex values (NaN elsewhere).
        done : numpy.ndarray
            Boolean: the point was within reach of a square-root end.
        """
        out = np.full(xr.shape, complex(np.nan, np.nan))
        done = np.zeros(xr.shape, dtype=bool)
        for i, (e, _side, _room, pre) in enumerate(self._slots):
            near = ~done & (np.hypot(xr - e, yi) < pre)
            if not np.any(near):
                continue
            edge = self.edge(i)
            if edge is None:
                continue
            near &= np.hypot((xr - edge.e) - edge.e_lo, yi) < edge.reach
            idx = np.flatnonzero(near)
            out[idx] = sqrt_edge_values(edge, xr[idx], yi[idx])
            done[idx] = True
        return out, done

    def integrals(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r"""The end e within reach of each real point and the signed mass between them,
        :math:`\int_e^x \rho = \mathrm{side}\,\frac{2}{\pi} \sum_k \mathrm{Im}\,c_k\, d^{(k+2)/2} / (k + 2)`
        with :math:`d = \mathrm{side}\,(x - e)` (0 off the support): the term-wise integral of the Puiseux series.

        Parameters
        ----------
        x : numpy.ndarray
            Real points (1-d).

        Returns
        -------
        ends : numpy.ndarray
            The end (rounded) per point, NaN where no square-root end is within reach.
        mass : numpy.ndarray
            The signed mass from the end to the point (0 where no end is within reach).
        """
        ends = np.full(x.shape, np.nan)
        mass = np.zeros(x.shape)
        _, done = self.evaluate(x, np.zeros(x.size))  # builds the series of the ends within reach
        for edge in self._built.values():
            if edge is None:
                continue
            idx = np.flatnonzero(done & np.isnan(ends) & (np.abs((x - edge.e) - edge.e_lo) < edge.reach))
            if idx.size == 0:
                continue
            d = np.maximum(edge.side * ((x[idx] - edge.e) - edge.e_lo), 0.0)
            k = np.arange(1, edge.c.size + 1)
            terms = edge.c.imag[None, :] * d[:, None] ** ((k[None, :] + 2) / 2) / (k[None, :] + 2)
            ends[idx] = edge.e
            mass[idx] = edge.side * (2 / np.pi) * terms.sum(axis=1)
        return ends, mass
