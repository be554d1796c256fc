r"""Certified real roots from values at interlacing nodes (no Sturm chain): the route for large degree.

A degree-d polynomial r is determined by its values at d + 1 distinct nodes :math:`m_0 < \dots < m_d`
(Lagrange interpolation is exact), and with :math:`\ell(x) = \prod_k (x - m_k)`

.. math::

    r(x) = \ell(x)\, f(x), \qquad f(x) = \sum_{k=0}^{d} \frac{u_k}{x - m_k}, \qquad
    u_k = \frac{r(m_k)}{\ell'(m_k)}.

If every :math:`u_k` has the sign of the leading coefficient (equivalently, the values :math:`r(m_k)` alternate
in sign), r has exactly one root in each :math:`(m_{k-1}, m_k)`: d sign changes at d + 1 points prove d real,
simple roots. In that case f is strictly decreasing between its poles, so the root in each interval is the unique
solution of a *secular equation* — a well-conditioned problem in double precision (a relative error ε in the
:math:`u_k` moves a root by about ε times the local spacing), unlike the monomial coefficients, which lose ≈ 1.14 d
bits. The expensive part is the d + 1 values :math:`r(m_k)`: Horner's rule in FLINT ball arithmetic at the
working precision ≈ 1.3 d bits (:func:`freecalc.finite._arb.working_precision`), where a 53-bit node keeps each
step cheap (O(d) limb operations); a ball that still contains 0 is re-evaluated at doubled precision.

Algorithm (:func:`interlaced_roots`): nodes are the midpoints of approximate roots (the guess); if the values do
not alternate, the exact Lagrange form (in double precision) is solved by Aberth–Ehrlich iteration for better
approximate roots and the nodes are rebuilt (a few rounds). Once they alternate, the secular roots are computed and
**certified**: f is evaluated at :math:`x_i \pm \delta_i` in floating point with a rigorous a-priori error bound
(the ball radii of :math:`r(m_k)`, the rounding of :math:`\ell'(m_k)` computed as a product of d factors, and the
rounding of the sum); a proved sign change of f inside :math:`(m_{i-1}, m_i)`, where ℓ has constant sign, is a
proved sign change of r. The returned radius is the largest :math:`\delta_i`.

The guess comes from the same problem at half the degree (inputs' quantile functions resampled), solved the same
way without a certificate, recursively down to a degree where the Sturm-chain route of
:mod:`freecalc.finite._arb` is cheap (:func:`multilevel_guess`).

References: G. H. Golub, *Some modified matrix eigenvalue problems*, SIAM Rev. 15 (1973) (secular equations);
O. Aberth, *Iteration methods for finding all zeros of a polynomial simultaneously*, Math. Comp. 27 (1973);
N. J. Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed. (2002), §3.1 and §4.2 (rounding error
bounds of products and sums); F. Johansson, *Arb*, IEEE Trans. Comput. 66 (2017).
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
from numba import njit

from freecalc.finite._arb import PRECISION_ROUNDS, TIGHT, CertificationError, certified_roots, flint_module
from freecalc.finite._arb import working_precision

__all__ = ["interlaced_roots", "approximate_roots", "multilevel_guess", "roots_with_guess", "resample", "CHAIN_DEGREE"]

CHAIN_DEGREE = 200
"""Degrees up to this use the Sturm-chain route directly (it costs ~0.02 s there) and end the guess recursion."""

ROUNDS = 4
"""Node rebuilds (value sweeps) tried before the interlacing route gives up."""

CHAIN_FALLBACK_DEGREE = 3000
"""Largest degree at which a failed interlacing route falls back to the Sturm chain (above, that takes minutes)."""

_U = 2.0 ** -53
"""Unit roundoff of IEEE double precision (round to nearest)."""


@njit(cache=True, error_model="numpy")
def _node_products(nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ℓ'(m_k) = Π_{j≠k}(m_k − m_j) as mantissa · 2^exponent; relative error ≤ (1 + u)^(2d) − 1 (no under/overflow)."""
    n = nodes.size
    mant = np.empty(n)
    expo = np.empty(n, dtype=np.int64)
    for k in range(n):
        acc = 1.0
        e = 0
        cnt = 0
        for j in range(n):
            if j == k:
                continue
            m, ej = math.frexp(nodes[k] - nodes[j])
            acc *= m  # |m| in [1/2, 1): 256 factors stay far above the subnormal range
            e += ej
            cnt += 1
            if cnt == 256:
                acc, ea = math.frexp(acc)
                e += ea
                cnt = 0
        acc, ea = math.frexp(acc)
        mant[k] = acc
        expo[k] = e + ea
    return mant, expo


@njit(cache=True, error_model="numpy")
def _aberth(nodes: np.ndarray, u: np.ndarray, x0: np.ndarray, maxit: int) -> tuple[np.ndarray, bool]:
    """Aberth–Ehrlich iteration for the roots of r = ℓ·f (Lagrange form on ``nodes``), from real starts ``x0``."""
    x = x0.copy()
    n = x.size
    step = np.empty(n)
    for _ in range(maxit):
        worst = 0.0
        for i in range(n):
            xi = x[i]
            s1 = 0.0
            f = 0.0
            fp = 0.0
            for k in range(nodes.size):
                t = 1.0 / (xi - nodes[k])
                s1 += t
                f += u[k] * t
                fp -= u[k] * t * t
            if f == 0.0:
                step[i] = 0.0
                continue
            newton = 1.0 / (s1 + fp / f)  # r/r' with r'/r = ℓ'/ℓ + f'/f
            a = 0.0
            for j in range(n):
                if j != i:
                    a += 1.0 / (xi - x[j])
            step[i] = newton / (1.0 - newton * a)
        for i in range(n):
            if not math.isfinite(step[i]):
                return x, False
            x[i] -= step[i]
            worst = max(worst, abs(step[i]))
        # the roots are scaled to |x| ≲ 2 by the callers: an absolute step this small is rounding level
        if worst < 1e-14:
            return x, True
    return x, False


@njit(cache=True, error_model="numpy")
def _secular(nodes: np.ndarray, u: np.ndarray, x0: np.ndarray) -> np.ndarray:
    """The root of f = Σ u_k/(x − m_k) (all u_k > 0) in each (m_{i−1}, m_i), from x0.

    Newton's method on h(x) = (x − m_{i−1})(x − m_i) f(x), which has the same root in the interval but no pole
    there (f itself is so curved next to a pole that Newton crawls when the root is close to a node), safeguarded
    by bisection on the sign of f.
    """
    n = nodes.size - 1
    x = np.empty(n)
    for i in range(n):
        a, b = nodes[i], nodes[i + 1]
        lo, hi = a, b
        # f carries a rounding error of about n·u times its terms: roots are meaningful to ~1e-15 of the gap
        tol = 1e-15 * (b - a) + 4.0 * 2.0 ** -52 * abs(x0[i])
        xi = x0[i] if a < x0[i] < b else 0.5 * (a + b)
        for _ in range(200):
            rest = 0.0
            drest = 0.0
            for k in range(nodes.size):
                if k != i and k != i + 1:
                    t = 1.0 / (xi - nodes[k])
                    rest += u[k] * t
                    drest -= u[k] * t * t
            da, db = xi - a, xi - b
            h = u[i] * db + u[i + 1] * da + da * db * rest
            dh = u[i] + u[i + 1] + (da + db) * rest + da * db * drest
            if h < 0.0:  # h = (x − a)(x − b) f has the sign of −f inside the interval
                lo = xi
            elif h > 0.0:
                hi = xi
            else:
                break
            nxt = xi - h / dh
            if not lo < nxt < hi:
                nxt = 0.5 * (lo + hi)
            if abs(nxt - xi) <= tol or hi - lo <= tol:
                xi = nxt
                break
            xi = nxt
        x[i] = xi
    return x


@njit(cache=True, error_model="numpy")
def _f_with_bound(x: float, nodes: np.ndarray, u: np.ndarray, rel: np.ndarray) -> tuple[float, float, float]:
    """f(x) in floating point, a rigorous bound on its error, and |f'(x)| (for the interval width)."""
    f = 0.0
    mag = 0.0
    magrel = 0.0
    fp = 0.0
    for k in range(nodes.size):
        t = u[k] / (x - nodes[k])
        f += t
        mag += abs(t)
        magrel += abs(t) * rel[k]
        fp += abs(t / (x - nodes[k]))
    # each term: relative error ≤ rel_k (the u_k) + 2u (subtraction, division); recursive sum: γ_n Σ|t_k|
    # (Higham, Lemma 3.1 and §4.2); the factor 1.01 covers second-order terms and the rounding of this bound
    n = nodes.size
    bound = 1.01 * (magrel + mag * (n + 3) * 2.0 ** -53) + 1e-300
    return f, bound, fp


@njit(cache=True, error_model="numpy")
def _certify_secular(nodes: np.ndarray, u: np.ndarray, rel: np.ndarray, x: np.ndarray) -> np.ndarray:
    """δ_i with r proved to change sign on [x_i − δ_i, x_i + δ_i] ∩ [m_{i−1}, m_i]; NaN where not proved.

    Inside the interval ℓ has constant sign, so f > 0 at the left end and f < 0 at the right end is a sign change
    of r. An end clipped to a node needs no evaluation: f → +∞ to the right of m_{i−1} and → −∞ to the left of
    m_i, and r(m_k) ≠ 0 is proved by its ball, so r has the sign of that limit there.
    """
    n = x.size
    delta = np.full(n, np.nan)
    for i in range(n):
        lo_node, hi_node = nodes[i], nodes[i + 1]
        if not lo_node < x[i] < hi_node:
            continue
        _, b, fp = _f_with_bound(x[i], nodes, u, rel)
        d = max(4.0 * b / fp, 4.0 * 2.0 ** -52 * abs(x[i]), 1e-300)
        for _ in range(12):
            lo, hi = max(x[i] - d, lo_node), min(x[i] + d, hi_node)
            ok_lo = lo == lo_node
            if not ok_lo:
                flo, blo, _ = _f_with_bound(lo, nodes, u, rel)
                ok_lo = flo > blo
            ok_hi = hi == hi_node
            if not ok_hi:
                fhi, bhi, _ = _f_with_bound(hi, nodes, u, rel)
                ok_hi = fhi < -bhi
            if ok_lo and ok_hi:
                delta[i] = max(x[i] - lo, hi - x[i])
                break
            if lo == lo_node and hi == hi_node:
                break
            d *= 8.0
    return delta


def _midpoint_nodes(x: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The approximate roots, sorted and distinct, and d + 1 nodes interlacing them (midpoints, and half a gap
    beyond each end); None for non-finite or all-equal input."""
    x = np.sort(np.asarray(x, dtype=float))
    if x.size < 2 or not np.all(np.isfinite(x)) or not x[-1] > x[0]:
        return None
    gaps = np.diff(x)
    if not np.all(gaps > 0):
        # coincident guesses (e.g. from atoms of the inputs): separate them slightly; the sweeps repair the rest
        x = x + np.arange(x.size) * (1e-9 * (x[-1] - x[0]) / x.size)
        gaps = np.diff(x)
        if not np.all(gaps > 0):
            return None
    nodes = np.concatenate([[x[0] - gaps[0] / 2], (x[1:] + x[:-1]) / 2, [x[-1] + gaps[-1] / 2]])
    return (x, nodes) if np.all(np.diff(nodes) > 0) else None


def _values(build: Callable[[], Any], nodes: np.ndarray, prec: int, bits: int) -> tuple[list, int] | None:
    """Ball values r(m_k) with ≥ ``bits`` relative accuracy (0: sign only), raising the precision where needed.

    Returns the values and the precision reached, or None when the precision doublings run out.
    """
    flint = flint_module()
    flint.ctx.prec = prec
    poly = build()
    vals = poly.evaluate([flint.arb(float(v)) for v in nodes], algorithm="iter")
    for _ in range(PRECISION_ROUNDS):
        bad = [k for k, v in enumerate(vals) if not ((v > 0 or v < 0) and v.rel_accuracy_bits() >= bits)]
        if not bad:
            return vals, prec
        prec *= 2
        flint.ctx.prec = prec
        poly = build()
        again = poly.evaluate([flint.arb(float(nodes[k])) for k in bad], algorithm="iter")
        for k, v in zip(bad, again):
            vals[k] = v
    return None


def _lagrange_weights(vals: list, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """u_k = r(m_k)/ℓ'(m_k) in double precision (common power-of-two scale) and bounds on their relative errors."""
    flint = flint_module()
    mant, expo = _node_products(nodes)
    scaled = []
    top = -(10 ** 9)
    for v, e in zip(vals, expo):
        w = v * flint.arb(2) ** int(-e)  # exact power-of-two scaling
        man, ex = w.mid().man_exp()
        b = int(ex) + int(man).bit_length()
        scaled.append((w, b))
        top = max(top, b)
    u = np.empty(len(vals))
    rel = np.empty(len(vals))
    for k, (w, b) in enumerate(scaled):
        if b < top - 900:  # beyond double's range once scaled: the nodes are far from the roots
            return None
        ws = w * flint.arb(2) ** (-top)
        mid = float(ws.mid())
        if mid == 0.0 or not math.isfinite(mid):
            return None
        rel[k] = float(ws.rad()) * (1 + 4 * _U) / abs(mid)
        u[k] = mid / mant[k]
    n = nodes.size
    # float conversion (2u) and division (u) of u_k; ℓ'(m_k): 2(n − 1) roundings (Higham, Lemma 3.1)
    rel += (2 * n + 4) * _U * 1.01
    return u, rel


VALUE_BITS = 45
"""Relative accuracy demanded of the values r(m_k) before certifying: their error then adds ≲ 3e-14 relative to the
Lagrange weights, below the n·u rounding of the secular function (the certified radius stays tight)."""


def _sweep(build, nodes, prec, bits=VALUE_BITS):
    got = _values(build, nodes, prec, bits)
    if got is None:
        return None
    vals, prec = got
    w = _lagrange_weights(vals, nodes)
    return None if w is None else (w[0], w[1], prec)


def approximate_roots(build: Callable[[], Any], d: int, guess: np.ndarray) -> np.ndarray:
    """Uncertified roots of the ball polynomial ``build()``, refined from ``guess`` by one value sweep.

    Used for the guesses of the recursion: one sweep of values at the midpoints of ``guess``, then the secular
    roots (if the values alternate) or Aberth's iteration on the exact Lagrange form.

    Parameters
    ----------
    build : callable
        ``build()`` returns the ball polynomial (arb_poly of degree d) at the current ``flint.ctx.prec``.
    d : int
        Degree.
    guess : ndarray
        d approximate roots (distinct).

    Returns
    -------
    ndarray
        d sorted approximate roots (``guess`` itself, sorted, where the refinement fails).
    """
    flint = flint_module()
    old = flint.ctx.prec
    try:
        got = _midpoint_nodes(guess)
        if got is None:
            return np.sort(guess)
        x0, nodes = got
        sw = _sweep(build, nodes, working_precision(d), bits=0)  # signs suffice for a guess
        if sw is None:
            return x0
        u, _, _ = sw
        lead = np.sum(u)
        if np.all(u * np.sign(lead) > 0):
            return _secular(nodes, u * np.sign(lead), x0)
        x, ok = _aberth(nodes, u, x0, 60)
        return np.sort(x) if ok and np.all(np.isfinite(x)) else x0
    finally:
        flint.ctx.prec = old


def interlaced_roots(build: Callable[[], Any], d: int, guess: np.ndarray) -> tuple[np.ndarray, float] | None:
    """Certified sorted roots of the degree-d ball polynomial ``build()`` from values at interlacing nodes.

    See the module docstring for the method and the proof. Up to ``ROUNDS`` value sweeps; a proof wider than
    ``TIGHT`` (relative) triggers one more round, and the tightest proof is kept.

    Parameters
    ----------
    build : callable
        ``build()`` returns the ball polynomial (arb_poly of degree d, containing the exact polynomial) at the
        current ``flint.ctx.prec``; called again after a precision increase.
    d : int
        Degree (≥ 2).
    guess : array_like
        d approximate roots (distinct).

    Returns
    -------
    tuple of (ndarray, float) or None
        The d roots, ascending, and a radius such that every exact root lies within it of the returned value
        (proved); None when no round produced a proof.
    """
    flint = flint_module()
    old = flint.ctx.prec
    prec = working_precision(d)
    x = np.sort(np.asarray(guess, dtype=float))
    best = None
    try:
        for _ in range(ROUNDS):
            got = _midpoint_nodes(x)
            if got is None:
                break
            x, nodes = got
            sw = _sweep(build, nodes, prec)
            if sw is None:
                break
            u, rel, prec = sw
            sign = 1.0 if np.sum(u) > 0 else -1.0
            if np.all(u * sign > 0):
                v = u * sign
                roots = _secular(nodes, v, x)
                delta = _certify_secular(nodes, v, rel, roots)
                if np.all(np.isfinite(delta)):
                    radius = float(np.max(delta))
                    if best is None or radius < best[1]:
                        best = (roots, radius)
                    # a proof wider than TIGHT (a root next to a node): one more round on nodes from these roots
                    if radius <= TIGHT * float(np.max(np.abs(nodes))):
                        break
                x = roots
                continue
            x, _ = _aberth(nodes, u, x, 60)
            if not np.all(np.isfinite(x)):
                break
            x = np.sort(x)
        return best
    finally:
        flint.ctx.prec = old


def roots_with_guess(build: Callable[[], Any], d: int, what: str,
                     guess: np.ndarray | None) -> tuple[np.ndarray, float]:
    """Certified roots: the interlacing route from ``guess`` when given, else (or on its failure) the Sturm chain.

    Parameters
    ----------
    build : callable
        Ball polynomial builder, as for :func:`interlaced_roots`.
    d : int
        Degree (≥ 1).
    what : str
        Name of the polynomial for error messages.
    guess : ndarray or None
        d approximate roots, or None (then the Sturm chain of :func:`freecalc.finite._arb.certified_roots`).

    Returns
    -------
    roots : ndarray
        The d roots, ascending.
    radius : float
        Proved bound on the error of every root.

    Raises
    ------
    CertificationError
        Neither route certified the polynomial (above ``CHAIN_FALLBACK_DEGREE`` the chain is not tried).
    """
    if guess is not None and d > CHAIN_DEGREE:
        got = interlaced_roots(build, d, guess)
        if got is not None:
            return got
        if d > CHAIN_FALLBACK_DEGREE:
            raise CertificationError(
                f"{what} (degree {d}) could not be certified real-rooted with simple roots from interlacing values "
                f"in {ROUNDS} rounds (the Sturm-chain fallback is limited to degree ≤ {CHAIN_FALLBACK_DEGREE}); "
                "it is refused rather than returned uncertified")
    return certified_roots(build, d, what)


def resample(x: np.ndarray, n: int) -> np.ndarray:
    """Quantile function of the sorted sample x at (i − ½)/n, i = 1..n (linear; linear extrapolation at the ends).

    Parameters
    ----------
    x : ndarray
        Sorted sample, read as quantiles at (j − ½)/m, m = x.size.
    n : int
        Size of the resampled grid.

    Returns
    -------
    ndarray
        n values, nondecreasing; for n = m/2 the averages of consecutive pairs.
    """
    m = x.size
    t = (np.arange(m) + 0.5) / m
    s = (np.arange(n) + 0.5) / n
    out = np.interp(s, t, x)
    if m >= 2:
        lo, hi = s < t[0], s > t[-1]
        out[lo] = x[0] + (s[lo] - t[0]) * (x[1] - x[0]) / (t[1] - t[0])
        out[hi] = x[-1] + (s[hi] - t[-1]) * (x[-1] - x[-2]) / (t[-1] - t[-2])
    return out


def multilevel_guess(make: Callable[[int], tuple[Callable[[], Any], int]], n: int, d: int) -> np.ndarray | None:
    """Approximate roots of a degree-d problem from the same problem on inputs resampled to half the size.

    The half-size problem is solved recursively (uncertified), its roots resampled to d points; the finite-d
    effect between the levels is O(1/d) in Kolmogorov distance, i.e. a fraction of a root spacing, which the value
    sweeps then correct.

    Parameters
    ----------
    make : callable
        ``make(m)`` returns ``(build, degree)`` of the problem with inputs resampled to m roots (``make(n)`` is
        the problem itself).
    n : int
        Input size.
    d : int
        Output degree.

    Returns
    -------
    ndarray or None
        d approximate roots, or None at or below ``CHAIN_DEGREE`` (the caller then uses the Sturm chain).
    """
    if d <= CHAIN_DEGREE or n < 4:
        return None
    half = (n + 1) // 2
    build, dh = make(half)
    if dh < 2:
        return None
    sub = multilevel_guess(make, half, dh)
    if sub is None:
        flint = flint_module()
        old = flint.ctx.prec
        try:
            sub, _ = certified_roots(build, dh, "the half-size guess problem")
        except CertificationError:
            return None
        finally:
            flint.ctx.prec = old
    else:
        sub = approximate_roots(build, dh, sub)
    return resample(np.sort(sub), d)
