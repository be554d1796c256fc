"""A symbolic derivation with sympy and freecalc: the Marchenko–Pastur law from its R-transform, then SC ⊞ MP(c).

    python examples/symbolic_derivation.py [--small]

Every step is checked (``assert``) against freecalc's symbolic and numeric faces; ``--small`` skips the slowest
simplifications (the checks that remain are the same kind). See docs/sessions/ for the annotated versions.
"""
from __future__ import annotations

import argparse

import numpy as np
import sympy as sp

import freecalc as fc
from freecalc.symbolic import transforms as T


def marchenko_pastur() -> None:
    c = sp.Symbol("c", positive=True)
    z, w, G, m, x = sp.symbols("z w G m x")
    R = 1 / (1 - c * w)  # free Poisson: all free cumulants are powers of c
    print("R(w)        =", R)
    # R(G) + 1/G = z, cleared of denominators, with m = -G
    eq = sp.expand(sp.numer(sp.together(R.subs(w, G) + 1 / G - z)).subs(G, -m))
    print("P(m, z)     =", eq)
    assert sp.expand(eq - fc.MarchenkoPastur(c).sym.equation(m, z)) == 0
    lam_m, lam_p = (1 - sp.sqrt(c)) ** 2, (1 + sp.sqrt(c)) ** 2
    assert sp.expand(sp.discriminant(eq, m) - (z - lam_m) * (z - lam_p)) == 0
    print("edges       =", lam_m, ",", lam_p)
    # the Stieltjes branch: principal roots of (z - λ-) and (z - λ+) put the cut on the support
    m_branch = (1 - c - z + sp.sqrt(z - lam_m) * sp.sqrt(z - lam_p)) / (2 * c * z)
    assert sp.simplify(sp.expand(eq.subs(m, m_branch))) == 0
    assert sp.limit(m_branch * z, z, sp.oo) == -1
    rho = sp.sqrt((lam_p - x) * (x - lam_m)) / (2 * sp.pi * c * x)
    print("density     =", rho)
    f = sp.lambdify(x, rho.subs(c, sp.Rational(1, 4)), "numpy")
    xs = np.linspace(0.3, 2.2, 7)
    assert np.allclose(f(xs), fc.MarchenkoPastur(0.25).pdf(xs), rtol=1e-13)
    atom = sp.simplify(sp.limit(-z * m_branch.subs(c, 2), z, 0))
    print("atom at 0 for c = 2:", atom)
    assert atom == sp.Rational(1, 2)


def semicircle_plus_mp(small: bool) -> None:
    c = sp.Symbol("c", positive=True)
    z, w, G, m = sp.symbols("z w G m")
    R = fc.Semicircle(2).sym.r_transform(w) + fc.MarchenkoPastur(c).sym.r_transform(w)
    eq = sp.collect(sp.expand(sp.numer(sp.together(R.subs(w, G) + 1 / G - z)).subs(G, -m)), m)
    print("SC(2) ⊞ MP(c):  P(m, z) =", eq)
    K = 4 if small else 6
    moments = T.moments_from_free_cumulants(T.cumulants_from_r(R, K))
    print("moments     =", [sp.factor(v) for v in moments])
    # the law computed by freecalc's polynomial method agrees, for a symbolic c
    law = fc.free_add(fc.Semicircle(2), fc.MarchenkoPastur(c))
    ratio = sp.simplify(law.sym.equation(m, z) / eq)
    print("freecalc's equation / ours =", ratio)
    assert ratio.free_symbols <= {c}
    exact = law.sym.moments(K)
    assert all(sp.simplify(a - b) == 0 for a, b in zip(exact, moments))
    # numeric check at c = 1/2: moments of the numeric face
    num = fc.free_add(fc.Semicircle(2), fc.MarchenkoPastur(0.5)).moments(K)
    assert np.allclose(num, [float(v.subs(c, sp.Rational(1, 2))) for v in moments], rtol=1e-8)
    print("numeric moments at c = 1/2:", np.round(num, 6))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="fewer moments (a quick smoke run)")
    args = parser.parse_args()
    marchenko_pastur()
    print()
    semicircle_plus_mp(args.small)
    print("\nall checks passed")


if __name__ == "__main__":
    main()
