"""``sympy.lambdify`` of the symbolic face agrees with the numeric face, for every law exported by freecalc.

For each exported Law class, at three parameter points (the ends and the middle of the declared typical ranges):
the Stieltjes transform at points of the upper half-plane, the density inside the support, the first moments and
the R-transform near 0. Laws with no closed-form Stieltjes transform (``AlgebraicLaw``) are checked through their
equation: the numeric m(z) must solve the lambdified P(m, z) = 0. Laws without a symbolic face are listed in
``NO_SYMBOLIC_FACE`` with the reason; a newly exported law must appear in one of the tables or the test fails.
"""
from __future__ import annotations

import inspect
import math
from typing import Any

import mpmath
import numpy as np
import pytest
import sympy as sp

import freecalc as fc
from freecalc.laws.base import Law

z, w, x, m = sp.symbols("z w x m")

#: Laws that exist only numerically (their symbolic face raises by design).
NO_SYMBOLIC_FACE = {
    "NumericLaw": "results of numeric subordination: known only through evaluators",
    "DecompressedLaw": "results of numeric decompression: known only through evaluators",
    "FittedSpectrum": "a numeric fit to data",
    "Empirical": "data-backed: n atoms at the eigenvalues; no symbolic face (its numeric face is exact)",
}

#: Laws whose constructor is not described by declared parameters.
CONSTRUCTIONS: dict[str, Any] = {
    "Atoms": lambda: [fc.Atoms([-1.0, 0.5, 2.0], [0.2, 0.3, 0.5])],
    "AlgebraicLaw": lambda: [fc.AlgebraicLaw(m ** 2 + z * m + 1),  # semicircle of radius 2
                             fc.free_add(fc.Semicircle(2), fc.MarchenkoPastur(0.5))],
    # closed-form m(z) only at α = 1, 2 and (½, ±1); tests/laws/test_free_stable.py checks its R-transform elsewhere
    "FreeStable": lambda: [fc.FreeStable(1.0, 0.0, 2.0), fc.FreeStable(0.5, 1.0), fc.FreeStable(0.5, -1.0, 0.7),
                           fc.FreeStable(2.0, 0.0, 0.5)],
}

# Tolerances: both faces evaluate exact formulas in double precision (mpmath at 15 digits for lambdify); 1e-9
# relative leaves room for the condition number of square roots near the support edges and of special functions.
RTOL = 1e-9


def _exported_laws() -> list[type]:
    out = []
    for name in fc.__all__:
        obj = getattr(fc, name)
        if inspect.isclass(obj) and issubclass(obj, Law) and obj is not Law:
            out.append(obj)
    return out


def _instances(cls: type) -> list[Law]:
    if cls.__name__ in CONSTRUCTIONS:
        return CONSTRUCTIONS[cls.__name__]()
    if not cls.parameters:
        raise AssertionError(f"{cls.__name__} is exported but has no construction in tests/test_lambdify.py")
    laws = []
    for t in (0.0, 0.5, 1.0):
        kwargs = {p.name: p.typical[0] + t * (p.typical[1] - p.typical[0]) for p in cls.parameters}
        # integer parameters (FussCatalan's s) at the nearest admissible value below
        kwargs = {p.name: float(math.floor(kwargs[p.name])) if p.domain.integer else kwargs[p.name]
                  for p in cls.parameters}
        laws.append(cls(**kwargs))
    return laws


def _fn(expr: sp.Expr, var: sp.Symbol):
    # mpmath: principal branches like numpy's, and special functions (TricomiU, ...) that numpy lacks
    f = sp.lambdify(var, expr, "mpmath")
    return lambda v: complex(f(mpmath.mpc(v) if isinstance(v, complex) else mpmath.mpf(v)))


def _close(a: complex, b: complex, rtol: float = RTOL) -> bool:
    return abs(a - b) <= rtol * max(1.0, abs(b))


def _interior_points(law: Law, k: int = 5) -> np.ndarray:
    pts = []
    for a, b in law.support:
        if math.isfinite(a) and math.isfinite(b):
            pts.extend(np.linspace(a, b, k + 2)[1:-1])
        else:
            pts.extend(float(law.ppf(q)) for q in np.linspace(0.1, 0.9, k))
    return np.array(pts)


def _upper_points(law: Law) -> list[complex]:
    xs = _interior_points(law, 3)
    centre = float(np.mean(xs)) if xs.size else (law.atoms[0][0] if law.atoms else 0.0)
    return [centre + 0.5j, centre + 3.0 + 1.0j, centre - 2.0 + 0.1j, 5j]


#: Laws whose check is genuinely long (three parameter points, every value through mpmath; one process with a warm
#: numba cache, 2026-12-04): in the slow set, which CI runs second.
SLOW = {"FussCatalan": "14 s", "FreeBessel": "7 s"}


@pytest.mark.parametrize("cls", [pytest.param(c, marks=pytest.mark.slow) if c.__name__ in SLOW else c
                                 for c in _exported_laws()], ids=lambda c: c.__name__)
def test_lambdify_matches_numeric_face(cls: type) -> None:
    if cls.__name__ in NO_SYMBOLIC_FACE:
        pytest.skip(f"{cls.__name__}: {NO_SYMBOLIC_FACE[cls.__name__]}")
    checked = 0
    for law in _instances(cls):
        # Stieltjes transform (or, for algebraic laws, the equation it solves)
        try:
            m_expr = law.sym.stieltjes(z)
        except NotImplementedError:
            m_expr = None
        if m_expr is not None:
            f = _fn(m_expr, z)
            for zz in _upper_points(law):
                assert _close(f(zz), complex(law.stieltjes(zz))), (law, zz, f(zz), law.stieltjes(zz))
                checked += 1
        else:
            P = sp.lambdify((m, z), law.sym.equation(m, z), "mpmath")
            for zz in _upper_points(law):
                mz = complex(law.stieltjes(zz))
                # P has O(1) coefficients here; a root to double precision leaves a residual ~1e-13
                assert abs(complex(P(mpmath.mpc(mz), mpmath.mpc(zz)))) < 1e-9 * max(1.0, abs(mz)) ** 3, (law, zz)
                checked += 1
        # density of the continuous part, inside the support
        xs = _interior_points(law)
        try:
            d_expr = law.sym.density(x)
        except NotImplementedError:  # AlgebraicLaw: the density is Im m / π of the branch checked above
            d_expr = None
        if xs.size and d_expr is not None:
            d = _fn(d_expr, x)
            for xx in xs:
                assert _close(d(float(xx)).real, float(law.pdf(xx))), (law, xx, d(float(xx)), law.pdf(xx))
                checked += 1
        # first moments (finite ones)
        K = 3
        numeric = [law.moment(k) for k in range(1, K + 1)]
        symbolic = [complex(sp.N(v)) for v in law.sym.moments(K)]
        for k, (a, b) in enumerate(zip(symbolic, numeric), start=1):
            if math.isfinite(b):
                assert _close(a, b), (law, k, a, b)
                checked += 1
        # R-transform near 0, where the series converges
        try:
            r_expr = law.sym.r_transform(w)
        except NotImplementedError:
            r_expr = None
        if r_expr is not None and all(math.isfinite(v) for v in numeric[:2]):
            r = _fn(r_expr, w)
            ww = 0.02 / max(1.0, law.std()) + 0.01j / max(1.0, law.std())
            assert _close(r(ww), complex(law.r_transform(ww)), 1e-7), (law, ww)  # Newton inversion in the base
            checked += 1
    assert checked >= 3


def test_every_exported_law_is_covered() -> None:
    names = {c.__name__ for c in _exported_laws()}
    assert {"Semicircle", "MarchenkoPastur"} <= names
    for name in names:
        cls = getattr(fc, name)
        assert name in NO_SYMBOLIC_FACE or name in CONSTRUCTIONS or cls.parameters, name
