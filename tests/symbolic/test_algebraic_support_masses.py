"""Mass candidates at an irrational pole (freecalc/symbolic/algebraic_support.py: mass_candidates): every zero test of
a Taylor coefficient exact in Q(a), with and without python-flint, also when the Newton edge is quadratic in w."""
import subprocess
import sys

import mpmath
import pytest
import sympy as sp

import freecalc.symbolic.algebraic_support as S
from freecalc.symbolic.transforms import m, z

x = sp.Symbol("x")  # the variable of the CRootOf polynomials (not a generator of the curves)
F = x ** 3 - 3 * x - 1  # irreducible, three real roots
Fz = F.subs(x, z)


@pytest.fixture(params=["flint", "no flint"])
def backend(request, monkeypatch):
    # python-flint is an optional extra: without it Q(a) is sympy's polynomial arithmetic over QQ
    if request.param == "no flint":
        monkeypatch.setitem(sys.modules, "flint", None)
    return request.param


def _rho():
    return S.PrivateRootOf(F, 1)  # as freecalc makes it: sympy's minimal_polynomial does not take it


def _fprime(a):
    return float(sp.diff(F, x).subs(x, a))


def test_linear_edge(backend):
    # m ≈ -w/(z - a) with w = -(2a^2 - 5)/(f'(a))... read off P = f(z) m^2 + (2z^2 - 5) m + 3z + 1: the edge
    # f'(a) w^2 - (2a^2 - 5) w = 0, w = (2a^2 - 5)/f'(a)
    P = Fz * m ** 2 + (2 * z ** 2 - 5) * m + 3 * z + 1
    a = _rho()
    w, = S.mass_candidates(P, a, m, z)
    ref = (2 * float(a) ** 2 - 5) / _fprime(a)
    assert abs(float(w) - ref) < 1e-14 * abs(ref)  # a double evaluation of the closed form: a few roundings
    # sympy's general route on its own CRootOf (its minimal polynomial proves the zero coefficients): exactly equal
    ref_sympy = S.mass_candidates(P, sp.CRootOf(F, 1), m, z)
    assert len(ref_sympy) == 1 and abs(sp.N(w - ref_sympy[0].subs(sp.CRootOf(F, 1), a), 60)) < 1e-55


@pytest.mark.parametrize("b, c", [(z + 3, -1), (1, 5), (2, 1)], ids=["two roots", "complex pair", "double root"])
def test_quadratic_edge(backend, b, c):
    # P = f^2 m^2 + f b m + c: a double zero of the leading coefficient, the edge f'(a)^2 w^2 - f'(a) b(a) w + c(a)
    # (m = -w/ε, ε^2 P at order 0) is quadratic in w; its real roots in closed form
    P = sp.expand(Fz ** 2 * m ** 2 + Fz * b * m + c)
    a = _rho()
    got = sorted(float(w) for w in S.mass_candidates(P, a, m, z))
    fp, bv = _fprime(a), float(sp.sympify(b).subs(z, a))
    disc = bv ** 2 - 4 * c
    ref = [] if disc < 0 else sorted({(bv + s * disc ** 0.5) / (2 * fp) for s in (-1, 1)})
    assert len(got) == len(ref)  # the double root once, the complex pair not at all
    assert all(abs(g - r) < 1e-13 * max(1.0, abs(r)) for g, r in zip(got, ref))  # closed form in doubles


def test_rational_multiple_of_an_integer_curve(backend):
    P = Fz * m ** 2 + (2 * z ** 2 - 5) * m + 3 * z + 1
    a = _rho()
    assert S.mass_candidates(P / 7, a, m, z) == S.mass_candidates(P, a, m, z)


def test_private_root_off_the_field_route_is_an_error():
    # a = ρ² is no p ρ + q (its minimal polynomial y³ − 6y² + 9y − 1 is the resultant of f(x) and y − x²): sympy's
    # zero tests would not recognise the zero leading coefficient at a (an atom silently lost)
    a = _rho() ** 2
    with pytest.raises(ValueError, match="mass_candidates: a = "):
        S.mass_candidates((z ** 3 - 6 * z ** 2 + 9 * z - 1) * m ** 2 + m + 1, a, m, z)


def test_atom_of_the_slow_pair_without_flint():
    # the reproducer of a lost atom: SFM(-1, 1.5, 2, 3) ⊞ SFM(-1, -1.5, 0.3, 3) without python-flint has the atom it
    # has with it (found by subordination: mass 0.28504883892148314 at the quartic's root -3.5867120055304875)
    code = ("import sys; sys.modules['flint'] = None\n"
            "import freecalc as fc\n"
            "L = fc.free_add(fc.ShiftedFreeMeixner(-1, 1.5, 2, 3), fc.ShiftedFreeMeixner(-1, -1.5, 0.3, 3))\n"
            "print(repr(L.atoms))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    (loc, mass), = eval(out)
    assert abs(loc - -3.5867120055304875) < 1e-14 and abs(mass - 0.2850488389214831) < 1e-14  # as with flint


@pytest.mark.parametrize("b, c, d", [(0, -7, -6), (0, 2, -1), (z, -7, -6)],
                         ids=["roots in Q(a)", "one real root", "irreducible over Q(a)"])
def test_cubic_edge(backend, b, c, d):
    # P = f^3 m^3 + f^2 b m^2 + f c m + d: the edge in u = f'(a) w is -u^3 + b(a) u^2 - c u + d, cubic in w. Its
    # real roots: in Q(a) (u = 1, 2, -3), one real and a complex pair, or an irreducible cubic over Q(a) whose roots
    # are roots of the degree-9 norm (selected by Sturm's count over Q(a))
    P = sp.expand(Fz ** 3 * m ** 3 + Fz ** 2 * b * m ** 2 + Fz * c * m + d)
    a = _rho()
    got = S.mass_candidates(P, a, m, z)
    with mpmath.workdps(60):
        av = sp.N(a, 60)._to_mpmath(200)
        fp, bv = 3 * av ** 2 - 3, sp.lambdify(z, sp.sympify(b), "mpmath")(av) if b != 0 else 0
        ref = [sp.Float(mpmath.nstr(r, 55), 55)
               for r in sorted(u.real / fp for u in mpmath.polyroots([-1, bv, -c, d], maxsteps=200, extraprec=200)
                               if abs(u.imag) < mpmath.mpf(10) ** -40)]
    assert len(got) == len(ref)
    # the exact roots evaluated to 50 digits against mpmath's roots of the same cubic at 60
    assert all(abs(sp.N(g, 50) - r) < 1e-45 for g, r in zip(sorted(got, key=float), ref))
