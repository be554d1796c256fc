r"""The conformance suite every law must pass: ``check_law(law)``.

Each check compares two independent routes to the same quantity and raises ``AssertionError`` with the measured
discrepancy when they disagree. Default tolerances (and why):

* total mass 1e-10: composite Gauss–Legendre in θ integrates square-root edges to ~1e-14; the slack covers
  densities with nearby poles (Kesten–McKay near d = 2);
* Stieltjes vs quadrature 1e-8 at points whose distance from the support is ≥ 20 % of its width (the quadrature
  error decays geometrically with that distance; closer points are checked by the inversion test instead);
* symbolic vs numeric 1e-10 (both are exact formulas evaluated in double precision);
* moments vs quadrature 1e-8 relative to max(1, |m_k|), for k ≤ 6.

Checks that a law does not implement (NotImplementedError) are reported as skipped, never silently passed; a
test states which checks it expects to be unavailable with :meth:`ConformanceReport.require_complete`, so a check
that silently stops running (a feature that disappears) fails the test.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from freecalc.laws.base import Law, stieltjes_by_quadrature
from freecalc.laws.distances import ks_distance
from freecalc.symbolic import transforms as T

__all__ = ["check_law", "check_samples", "ConformanceReport", "ks_distance", "snap_to_atoms"]


@dataclass
class ConformanceReport:
    """Which checks ran, which were skipped (with the reason) and which failed.

    ``skipped`` holds every check that did not run: those the caller left out (``skip=``) and those the law cannot
    perform (``unavailable``: the check raised NotImplementedError).

    Parameters
    ----------
    law : Law
        The law that was checked.
    passed : list of str
        Names of the checks that ran and agreed within tolerance.
    skipped : dict of str to str
        Check name → why it did not run (left out by the caller, or unavailable).
    failed : dict of str to str
        Check name → the measured discrepancy.
    unavailable : dict of str to str
        Check name → the law's NotImplementedError message (a subset of ``skipped``).
    """

    law: Law
    passed: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)

    def require_complete(self, allowed: Mapping[str, str] | None = None) -> ConformanceReport:
        """Assert that exactly the checks listed in ``allowed`` (name → why the law cannot do it) were unavailable.

        Checks the caller left out with ``skip=`` are explicit at the call site and are not listed again. An
        allowed check that now runs also fails: the list must describe the law as it is.

        Parameters
        ----------
        allowed : mapping of str to str, optional
            Check name → why the law cannot perform it (a non-empty reason).

        Returns
        -------
        ConformanceReport
            This report, for chaining.

        Raises
        ------
        AssertionError
            Naming each unexpected unavailable check with the law's reason, and each stale allowed entry.
        ValueError
            An allowed entry without a reason, or naming no check.
        """
        allowed = dict(allowed or {})
        for name, why in allowed.items():
            if name not in CHECKS:
                raise ValueError(f"unknown conformance check {name!r}; the checks are {', '.join(CHECKS)}")
            if not isinstance(why, str) or not why.strip():
                raise ValueError(f"allowed skip {name!r} needs a reason")
        unexpected = {k: v for k, v in self.unavailable.items() if k not in allowed}
        stale = [k for k in allowed if k not in self.unavailable]
        problems = [f"check {k!r} did not run for {self.law!r}: {v}" for k, v in unexpected.items()]
        problems += [f"check {k!r} is listed as unavailable for {self.law!r} but ran" for k in stale]
        assert not problems, "; ".join(problems)
        return self

    def __str__(self) -> str:
        lines = [f"conformance of {self.law!r}: {len(self.passed)} passed, {len(self.skipped)} skipped, "
                 f"{len(self.failed)} failed"]
        lines += [f"  FAILED {k}: {v}" for k, v in self.failed.items()]
        lines += [f"  skipped {k}: {v}" for k, v in self.skipped.items()]
        return "\n".join(lines)


def _scale(law: Law) -> tuple[float, float, float]:
    # an infinite support end is replaced by the 1e-12 / 1 - 1e-12 quantile (laws on (0, inf) such as HTMP)
    ends = [e if math.isfinite(e) else float(law.ppf(1e-12 if e < 0 else 1 - 1e-12))
            for ab in law.support for e in ab] + [a for a, _ in law.atoms]
    if not ends:
        return 0.0, 1.0, 1.0
    lo, hi = min(ends), max(ends)
    width = max(hi - lo, 1e-3)
    return lo, hi, width


def _check_mass(law: Law, tol: float) -> None:
    _, ws = law.continuous_rule()
    total = float(ws.sum()) + sum(w for _, w in law.atoms)
    assert abs(total - 1.0) < tol, f"total mass {total!r} differs from 1 by {abs(total - 1):.3g} > {tol}"
    for loc, w in law.atoms:
        assert 0 < w <= 1 + 1e-12, f"atom at {loc} has mass {w} outside (0, 1]"


def _check_density(law: Law, rng: np.random.Generator) -> None:
    lo, hi, width = _scale(law)
    grid = np.concatenate([np.linspace(lo - 3 * width, hi + 3 * width, 2001), rng.uniform(lo, hi, 500)])
    rho = law.pdf(grid)
    assert np.all(np.isfinite(rho)), "pdf has non-finite values"
    assert np.all(rho >= 0), f"pdf is negative somewhere (min {rho.min():.3g})"
    outside = ~law._inside(grid)
    assert np.all(rho[outside] == 0), "pdf is not exactly 0 outside the support"


def _check_branch(law: Law, rng: np.random.Generator) -> None:
    lo, hi, width = _scale(law)
    zs = rng.uniform(lo - width, hi + width, 400) + 1j * width * 10 ** rng.uniform(-6, 1, 400)
    m = law.stieltjes(zs)
    assert np.all(np.isfinite(m)), "stieltjes has non-finite values in the upper half plane"
    assert np.all(m.imag > 0), f"Im m(z) ≤ 0 at {zs[m.imag <= 0][:3]} (wrong branch)"
    mc = law.stieltjes(np.conj(zs))
    assert np.allclose(mc, np.conj(m), rtol=1e-13, atol=0), "m(conj z) != conj m(z)"
    big = np.array([1e7j, 1e7 + 1j, -1e7 + 1j]) * max(1.0, width)
    err = np.abs(big * law.stieltjes(big) + 1)
    assert np.all(err < 1e-5), f"z m(z) does not tend to -1 at infinity (|z m + 1| = {err})"


def _check_quadrature(law: Law, rng: np.random.Generator, tol: float) -> None:
    lo, hi, width = _scale(law)
    n = 40
    zs = rng.uniform(lo - width, hi + width, n) + 1j * width * rng.uniform(0.2, 2.0, n)
    exact = law.stieltjes(zs)
    quad = stieltjes_by_quadrature(law, zs)
    err = np.max(np.abs(exact - quad) / np.maximum(1.0, np.abs(exact)))
    assert err < tol, f"stieltjes differs from quadrature of the density by {err:.3g} > {tol}"


def _check_inversion(law: Law, rng: np.random.Generator, tol: float) -> None:
    pts = []
    for a, b in law.support:
        if math.isfinite(a) and math.isfinite(b):
            pts.append(a + (b - a) * rng.uniform(0.01, 0.99, 50))
    if not pts:
        raise NotImplementedError("no compact support interval to sample")
    x = np.concatenate(pts)
    rho = law.pdf(x)
    inv = np.imag(law.stieltjes(x)) / np.pi
    err = np.max(np.abs(rho - inv) / np.maximum(1.0, rho))
    assert err < tol, f"Im m(x + i0)/π differs from pdf by {err:.3g} > {tol}"
    outside = []
    lo, hi, width = _scale(law)
    for xo in (lo - 0.5 * width, hi + 0.5 * width):
        if not law._inside(np.array([xo]))[0] and all(abs(xo - a) > 1e-9 for a, _ in law.atoms):
            outside.append(xo)
    if outside:
        mo = law.stieltjes(np.array(outside))
        assert np.all(np.abs(mo.imag) < 1e-12), f"Im m(x + i0) != 0 outside the support: {mo}"


def _check_moments(law: Law, tol: float, K: int = 6) -> None:
    infinite = [k for k in range(1, K + 1) if not math.isfinite(law.moment(k))]
    if infinite:
        # heavy tails: a fixed-node quadrature of x^k ρ cannot converge, and there are no cumulants to round-trip
        raise NotImplementedError(f"{law!r} has no finite moment of order {infinite[0]} (moment() gives "
                                  f"{law.moment(infinite[0])})")
    xs, ws = law.continuous_rule()
    for k in range(1, K + 1):
        quad = float(np.sum(ws * xs ** k) + sum(w * a ** k for a, w in law.atoms))
        got = law.moment(k)
        assert abs(got - quad) < tol * max(1.0, abs(quad)), f"moment {k}: {got!r} vs quadrature {quad!r}"
    moms = list(law.moments(K))
    kap = law.free_cumulants(K)
    back = T.moments_from_free_cumulants(list(kap))
    assert np.allclose(back, moms, rtol=1e-9, atol=1e-12), "moments -> free cumulants -> moments round trip"


def _check_cdf(law: Law, rng: np.random.Generator) -> None:
    lo, hi, width = _scale(law)
    x = np.sort(np.concatenate([np.linspace(lo - width, hi + width, 801), rng.uniform(lo, hi, 200)]))
    F = law.cdf(x)
    assert np.all(np.diff(F) >= -1e-12), "cdf is not monotone"
    assert F[0] < 1e-12 and abs(F[-1] - 1) < 1e-9, f"cdf limits {F[0]}, {F[-1]}"
    q = rng.uniform(0.02, 0.98, 100)
    xq = law.ppf(q)
    Fq = law.cdf(xq)
    assert np.all(Fq >= q - 1e-8), "cdf(ppf(q)) < q"
    left = law.cdf(xq - 1e-7 * width)
    assert np.all(left <= q + 1e-8), "ppf(q) is not the smallest x with cdf(x) >= q"


def _check_r_transform(law: Law, rng: np.random.Generator) -> None:
    lo, hi, width = _scale(law)
    R = max(abs(lo), abs(hi)) + width
    zs = 4 * R * np.exp(1j * rng.uniform(0.2, np.pi - 0.2, 20))
    G = -law.stieltjes(zs)
    lhs = law.r_transform(G) + 1 / G
    err = np.max(np.abs(lhs - zs) / np.abs(zs))
    assert err < 1e-8, f"R(G(z)) + 1/G(z) differs from z by {err:.3g}"


def _lambdify(expr: sp.Expr, var: sp.Symbol):
    return sp.lambdify(var, expr, modules=["numpy", "scipy"])


def _check_symbolic(law: Law, rng: np.random.Generator, tol: float) -> None:
    lo, hi, width = _scale(law)
    S = law.sym
    zs = rng.uniform(lo - width, hi + width, 20) + 1j * width * rng.uniform(0.05, 2.0, 20)
    f = _lambdify(S.stieltjes(T.z), T.z)
    num = law.stieltjes(zs)
    sym = np.asarray(f(zs), dtype=complex)
    err = np.max(np.abs(sym - num) / np.maximum(1.0, np.abs(num)))
    assert err < tol, f"symbolic stieltjes differs from numeric by {err:.3g}"
    for k, mk in enumerate(S.moments(5), start=1):
        got = complex(sp.N(mk, 20))
        if not math.isfinite(law.moment(k)):  # a moment that does not exist: both faces say so
            assert got == law.moment(k), f"symbolic moment {k}: {got} vs {law.moment(k)}"
            continue
        assert abs(got - law.moment(k)) < tol * max(1.0, abs(got)), f"symbolic moment {k}: {got} vs {law.moment(k)}"
    # free cumulants exist only with finite moments
    for k, kk in enumerate(S.free_cumulants(4) if math.isfinite(law.moment(4)) else (), start=1):
        got = complex(sp.N(kk, 20))
        num_k = law.free_cumulant(k)
        assert abs(got - num_k) < 1e-8 * max(1.0, abs(got)), f"symbolic free cumulant {k}: {got} vs {num_k}"
    try:
        dens = S.density(T.x)
    except NotImplementedError:
        dens = None
    if dens is not None:
        xs = rng.uniform(lo - 0.2 * width, hi + 0.2 * width, 50)
        with np.errstate(invalid="ignore"):  # numpy evaluates every Piecewise branch, also the unused sqrt(<0)
            fd = np.asarray(_lambdify(dens, T.x)(xs), dtype=float)
        assert np.allclose(fd, law.pdf(xs), rtol=tol, atol=tol), "symbolic density differs from pdf"
    try:
        r = S.r_transform(T.w)
    except NotImplementedError:
        r = None
    if r is not None:
        ws = 0.05 / max(1.0, width) * np.exp(1j * rng.uniform(0, 2 * np.pi, 10))
        fr = np.asarray(_lambdify(r, T.w)(ws), dtype=complex)
        assert np.allclose(fr, law.r_transform(ws), rtol=1e-8, atol=1e-10), "symbolic R differs from numeric R"


CHECKS = {
    "mass": lambda law, rng, tol: _check_mass(law, tol["mass"]),
    "density": lambda law, rng, tol: _check_density(law, rng),
    "branch": lambda law, rng, tol: _check_branch(law, rng),
    "stieltjes_vs_quadrature": lambda law, rng, tol: _check_quadrature(law, rng, tol["quadrature"]),
    "inversion": lambda law, rng, tol: _check_inversion(law, rng, tol["inversion"]),
    "moments": lambda law, rng, tol: _check_moments(law, tol["moments"]),
    "cdf_ppf": lambda law, rng, tol: _check_cdf(law, rng),
    "r_transform": lambda law, rng, tol: _check_r_transform(law, rng),
    "symbolic": lambda law, rng, tol: _check_symbolic(law, rng, tol["symbolic"]),
}

DEFAULT_TOLERANCES = {"mass": 1e-10, "quadrature": 1e-8, "inversion": 1e-9, "moments": 1e-8, "symbolic": 1e-10}


def check_law(law: Law, *, skip: tuple[str, ...] = (), rng: Any = 0, raise_on_failure: bool = True,
              tolerances: dict[str, float] | None = None) -> ConformanceReport:
    """Run the conformance checks on a numeric law.

    Parameters
    ----------
    law : Law
        A law with numeric parameters.
    skip : tuple of str
        Names of checks to leave out (see ``CHECKS``); give a reason in the calling test.
    rng : seed or Generator
        Randomness for the evaluation points (deterministic by default).
    raise_on_failure : bool
        Raise ``AssertionError`` listing every failure (default) or just return the report.
    tolerances : dict, optional
        Overrides of ``DEFAULT_TOLERANCES``.

    Returns
    -------
    ConformanceReport
        Passed, skipped (with reasons), unavailable and failed checks.

    Raises
    ------
    AssertionError
        If a check failed and ``raise_on_failure`` is set, listing every failure with its measured discrepancy.
    """
    tol = {**DEFAULT_TOLERANCES, **(tolerances or {})}
    report = ConformanceReport(law)
    for name, check in CHECKS.items():
        if name in skip:
            report.skipped[name] = "skipped by caller"
            continue
        gen = np.random.default_rng(rng)
        try:
            check(law, gen, tol)
        except NotImplementedError as exc:
            report.skipped[name] = report.unavailable[name] = str(exc) or type(exc).__name__
        except AssertionError as exc:
            report.failed[name] = str(exc)
        else:
            report.passed.append(name)
    if raise_on_failure and report.failed:
        raise AssertionError(str(report))
    return report


def snap_to_atoms(eigenvalues: np.ndarray, law: Law, rtol: float = 1e-8) -> np.ndarray:
    """Move eigenvalues within round-off of an atom onto it (a singular matrix's zero eigenvalues come out as
    ±1e-14, not 0).

    Parameters
    ----------
    eigenvalues : array_like
        Sample eigenvalues.
    law : Law
        The law whose atoms are the targets.
    rtol : float
        Distance, relative to max(1, width of the law's support), within which a value is moved.

    Returns
    -------
    ndarray
        A copy with the snapped values.
    """
    lo, hi, width = _scale(law)
    out = np.array(eigenvalues, dtype=float)
    for loc, _ in law.atoms:
        out[np.abs(out - loc) <= rtol * max(1.0, width)] = loc
    return out


def check_samples(law: Law, n: int = 2000, *, rng: Any = 0, tol: float = 0.03) -> dict[str, float]:
    """KS distance of ``rvs(10 n)`` and of the eigenvalues of ``matrix(n)`` against the law's cdf (< tol).

    Parameters
    ----------
    law : Law
        A numeric law (the matrix check is left out when it has no matrix model).
    n : int
        Matrix size; ``10 n`` iid samples are drawn.
    rng : seed or Generator
        Randomness (deterministic by default).
    tol : float
        Largest accepted KS distance (the default is ~3x the 95 % null quantile at n = 2000).

    Returns
    -------
    dict of str to float
        ``{"rvs": d, "matrix": d}`` (``"matrix"`` only with a matrix model).

    Raises
    ------
    AssertionError
        If a distance is not below ``tol``.
    """
    gen = np.random.default_rng(rng)
    # iid samples: 10n of them, so the KS tolerance is ~3x the 95% null quantile 1.36/sqrt(10n) at n = 2000
    out = {"rvs": ks_distance(law.rvs(10 * n, rng=gen), law)}
    try:
        eig = np.linalg.eigvalsh(law.matrix(n, rng=gen))
    except NotImplementedError:
        eig = None
    if eig is not None:
        out["matrix"] = ks_distance(snap_to_atoms(eig, law), law)
    bad = {k: v for k, v in out.items() if not v < tol}
    assert not bad, f"KS distance above {tol} for {law!r}: {bad}"
    return out
