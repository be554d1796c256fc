r"""Nelder–Mead on Python floats: the iterates of ``scipy.optimize.minimize(method="Nelder-Mead")`` without its array
overhead.

The fits run the simplex on functions costing 20–200 µs (a log-likelihood of ~10³ points); SciPy's implementation
adds ~8 µs per evaluation (a copy of the point, two ``take`` and an ``argsort`` per iteration, reductions on 2-D
arrays for the stopping test) and ~0.1 ms per call (option validation). This is the same algorithm (Nelder & Mead
1965; the adaptive coefficients of Gao & Han 2012, *Comput. Optim. Appl.* 51, 259–277) step for step as SciPy 1.17
writes it, on lists of floats: the same operations in the same order, so the same floating-point results (IEEE
arithmetic on Python floats and on float64 arrays agrees; the centroid sums the rows in order, as
``np.add.reduce(sim[:-1], 0)`` does), and the vertices ordered by :func:`numpy.argsort` itself, so that ties (two
infeasible vertices at +inf) are broken as SciPy breaks them. tests/fitting/test_simplex.py checks equality with
SciPy bit for bit, including walls of +inf and the evaluation cap.

Only what the fits use is supported: a given initial simplex, no bounds, no callback.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["SimplexResult", "nelder_mead"]


@dataclass(frozen=True)
class SimplexResult:
    """Outcome of :func:`nelder_mead` (the fields of SciPy's ``OptimizeResult`` that the fits read).

    Attributes
    ----------
    x : ndarray
        Best vertex.
    fun : float
        Its value.
    success : bool
        Stopped by the tolerances (not by the iteration or evaluation cap).
    nfev : int
        Function evaluations.
    """

    x: np.ndarray
    fun: float
    success: bool
    nfev: int


def nelder_mead(f: Callable[[np.ndarray], float], simplex: np.ndarray, maxiter: int, maxfev: int, xatol: float,
                fatol: float, adaptive: bool) -> SimplexResult:
    r"""Minimise ``f`` by Nelder–Mead from the vertices ``simplex`` (shape (N + 1, N)).

    Reflection, expansion, outside/inside contraction and shrink with coefficients
    :math:`\rho = 1,\ \chi = 2,\ \psi = 1/2,\ \sigma = 1/2`, or when ``adaptive``
    :math:`\chi = 1 + 2/N,\ \psi = 3/4 - 1/(2N),\ \sigma = 1 - 1/N` (Gao & Han 2012). Stops when every vertex is
    within ``xatol`` of the best in every coordinate and every value within ``fatol`` of the best, or after
    ``maxiter`` iterations or ``maxfev`` evaluations.

    Parameters
    ----------
    f : callable
        Objective; receives a float64 array of length N, returns a float (+inf where infeasible).
    simplex : array_like
        Initial vertices, shape (N + 1, N).
    maxiter, maxfev : int
        Iteration and evaluation caps.
    xatol, fatol : float
        Tolerances on the vertices and on the values.
    adaptive : bool
        Dimension-dependent coefficients.

    Returns
    -------
    SimplexResult
    """
    sim = [[float(v) for v in row] for row in np.asarray(simplex, dtype=float)]
    n = len(sim[0])
    if adaptive:
        dim = float(n)
        rho, chi, psi, sigma = 1, 1 + 2 / dim, 0.75 - 1 / (2 * dim), 1 - 1 / dim
    else:
        rho, chi, psi, sigma = 1, 2, 0.5, 0.5
    # the scalar coefficients as SciPy forms them (left to right: rho * chi * v is (rho * chi) * v)
    c_r, c_e, c_c = 1 + rho, 1 + rho * chi, 1 + psi * rho
    rc, pr, q = rho * chi, psi * rho, 1 - psi
    nfev = 0

    def call(point):
        nonlocal nfev
        if nfev >= maxfev:
            raise _Cap
        nfev += 1
        return float(f(np.array(point)))

    fsim = [np.inf] * (n + 1)
    try:
        for k in range(n + 1):
            fsim[k] = call(sim[k])
    except _Cap:
        pass
    sim, fsim = _ordered(sim, fsim)
    sim, fsim = _ordered(sim, fsim)
    iterations = 1
    while nfev < maxfev and iterations < maxiter:
        try:
            best, fbest = sim[0], fsim[0]
            if (max(abs(v - b) for row in sim[1:] for v, b in zip(row, best)) <= xatol
                    and max(abs(fbest - fv) for fv in fsim[1:]) <= fatol):
                break
            xbar = list(sim[0])
            for row in sim[1:-1]:
                xbar = [a + b for a, b in zip(xbar, row)]
            xbar = [a / n for a in xbar]
            worst = sim[-1]
            xr = [c_r * a - rho * w for a, w in zip(xbar, worst)]
            fxr = call(xr)
            shrink = False
            if fxr < fsim[0]:
                xe = [c_e * a - rc * w for a, w in zip(xbar, worst)]
                fxe = call(xe)
                if fxe < fxr:
                    sim[-1], fsim[-1] = xe, fxe
                else:
                    sim[-1], fsim[-1] = xr, fxr
            elif fxr < fsim[-2]:
                sim[-1], fsim[-1] = xr, fxr
            else:
                if fxr < fsim[-1]:
                    xc = [c_c * a - pr * w for a, w in zip(xbar, worst)]
                    fxc = call(xc)
                    if fxc <= fxr:
                        sim[-1], fsim[-1] = xc, fxc
                    else:
                        shrink = True
                else:
                    xcc = [q * a + psi * w for a, w in zip(xbar, worst)]
                    fxcc = call(xcc)
                    if fxcc < fsim[-1]:
                        sim[-1], fsim[-1] = xcc, fxcc
                    else:
                        shrink = True
                if shrink:
                    b0 = sim[0]
                    for j in range(1, n + 1):
                        sim[j] = [b + sigma * (v - b) for v, b in zip(sim[j], b0)]
                        fsim[j] = call(sim[j])
            iterations += 1
        except _Cap:
            pass
        sim, fsim = _ordered(sim, fsim)
    success = not (nfev >= maxfev or iterations >= maxiter)
    return SimplexResult(np.array(sim[0]), float(min(fsim)), success, nfev)


class _Cap(Exception):
    """The evaluation cap was reached (SciPy's _MaxFuncCallError)."""


def _ordered(sim: list, fsim: Sequence[float]) -> tuple[list, list]:
    """Vertices and values sorted by value, ties broken as numpy.argsort breaks them (as SciPy does)."""
    order = np.asarray(fsim, dtype=float).argsort().tolist()
    return [sim[i] for i in order], [fsim[i] for i in order]
