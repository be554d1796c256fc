"""PointMass and Atoms: purely atomic laws with an exact algebraic face."""
import numpy as np
import pytest
import sympy as sp

import freecalc as fc
from freecalc.symbolic.transforms import m, z
from freecalc.testing import check_law


def test_point_mass_basics():
    d = fc.PointMass(1.5)
    assert d.support == () and d.atoms == ((1.5, 1.0),)
    assert d.pdf(1.5) == 0.0
    assert d.cdf(np.array([1.0, 1.5, 2.0])).tolist() == [0.0, 1.0, 1.0]
    assert d.moment(3) == pytest.approx(1.5 ** 3, rel=1e-15)
    assert d.stieltjes(2.0 + 1j) == pytest.approx(1 / (1.5 - 2.0 - 1j), rel=1e-15)
    assert np.allclose(np.linalg.eigvalsh(d.matrix(5)), 1.5)
    assert d.r_transform(0.1) == 1.5
    assert d.sym.r_transform() == sp.Rational(3, 2)


def test_atoms_basics_and_merge():
    a = fc.Atoms([2.0, -1.0, 2.0], [0.25, 0.5, 0.25])
    assert a.atoms == ((-1.0, 0.5), (2.0, 0.5))
    assert a.moment(1) == pytest.approx(0.5, rel=1e-15)
    assert a.ppf(np.array([0.1, 0.5, 0.6, 1.0])).tolist() == [-1.0, -1.0, 2.0, 2.0]
    ev = np.linalg.eigvalsh(a.matrix(10))
    assert np.sum(ev == -1.0) == 5 and np.sum(ev == 2.0) == 5
    eq = a.sym.equation(m, z)
    # m = 1/2/(-1 - z) + 1/2/(2 - z)
    mz = sp.Rational(1, 2) / (-1 - z) + sp.Rational(1, 2) / (2 - z)
    assert sp.simplify(eq.subs(m, mz)) == 0
    assert fc.Atoms([1.0]) == fc.Atoms([1.0], [1.0])


@pytest.mark.parametrize("law", [fc.PointMass(0.7), fc.Atoms([-1.0, 0.5, 3.0], [0.2, 0.3, 0.5])], ids=repr)
def test_conformance(law):
    # a purely atomic law has no compact continuous interval to sample Im m(x + i0) = πρ(x) on
    check_law(law).require_complete({"inversion": "purely atomic: no continuous part"})


def test_atoms_to_algebraic_and_back():
    a = fc.Atoms([-1.0, 0.5, 3.0], [0.2, 0.3, 0.5])
    alg = fc.to_algebraic(a)
    assert alg.support == ()
    assert np.allclose(alg.atoms, a.atoms, rtol=1e-14, atol=1e-14)
    zs = np.array([0.3 + 0.2j, -2 + 1j, 5 + 1e-3j])
    assert np.allclose(alg.stieltjes(zs), a.stieltjes(zs), rtol=1e-12)


def test_symbolic_atoms():
    t = sp.Symbol("t", real=True)
    a = fc.Atoms([t, 1], [sp.Rational(1, 3), sp.Rational(2, 3)])
    assert a.is_symbolic
    assert sp.simplify(a.sym.moment(1) - (t / 3 + sp.Rational(2, 3))) == 0
    with pytest.raises(fc.SymbolicParameterError):
        a.pdf(0.0)


def test_bad_input():
    with pytest.raises(ValueError):
        fc.Atoms([0.0, 1.0], [0.5, 0.6])  # does not sum to 1
    with pytest.raises(ValueError):
        fc.Atoms([0.0, 1.0], [1.5, -0.5])  # negative weight
    with pytest.raises(ValueError):
        fc.Atoms([0.0, 1.0], [1.0])  # length mismatch
    with pytest.raises(ValueError):
        fc.Atoms([])
    with pytest.raises(ValueError):
        fc.Atoms([np.inf])
    with pytest.raises(TypeError):
        fc.Atoms("abc")
    with pytest.raises(TypeError):
        fc.Atoms([fc.Semicircle(1.0)])
    with pytest.raises((TypeError, ValueError)):
        fc.PointMass("x")
