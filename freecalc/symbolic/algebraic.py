r"""Tools on algebraic Stieltjes transforms: a polynomial :math:`P(m, z)` with :math:`P(m(z), z) = 0`.

Pure sympy. Conventions (``docs/dev/contract.md``): :math:`m(z) = \int \frac{d\mu(x)}{x - z}` with
:math:`m(z) \sim -1/z` at infinity, Cauchy :math:`G = -m`, :math:`R(G(z)) + 1/G(z) = z`,
:math:`S(w)\,R(wS(w)) = 1`.

The *polynomial method* (Rao & Edelman, "The polynomial method for random matrices", Found. Comput. Math. 8, 2008):

* R-equation: substitute :math:`m = -w`, :math:`z = R + 1/w` (so :math:`w = G(z)`);
* S-equation: substitute :math:`m = -wS`, :math:`z = (1+w)/(wS)` (from :math:`\psi = -1 - zm`);
* :math:`\boxplus`: R-transforms add, so eliminate :math:`R_1` from :math:`A(R_1, w)` and :math:`B(R - R_1, w)`
  with a resultant; :math:`\boxtimes`: S-transforms multiply, eliminate :math:`S_1` from :math:`A(S_1, w)` and
  :math:`S_1^{\deg} B(S/S_1, w)`;
* the resultant has spurious factors; the *Stieltjes factor* is the irreducible factor with a branch
  :math:`m = -1/z - m_1/z^2 - \dots` at infinity whose moments match the ones known from the operation.

All polynomials returned are expanded sympy expressions with integer (or parameter-polynomial) coefficients whose
content has been removed, so the result is canonical up to sign; the sign is fixed so that the leading
coefficient in ``m`` (at the highest power of ``z``) is positive.

The tools live in three modules with one job each, re-exported here (the public import path):

* :mod:`freecalc.symbolic.algebraic_curve`: canonical form, factors, moments of the branch at infinity, the
  Stieltjes factor;
* :mod:`freecalc.symbolic.algebraic_support`: discriminant, edge/pole candidates, atom masses;
* :mod:`freecalc.symbolic.algebraic_ops`: R- and S-equations and the transformations (⊞, ⊠, powers, ...).
"""
from freecalc.symbolic.algebraic_curve import (AlgebraicError, as_polynomial, free_cumulant_series, moment_series,
                                               stieltjes_factor)
from freecalc.symbolic.algebraic_flint import integer_terms
from freecalc.symbolic.algebraic_ops import (R_SYM, S_SYM, add_equations, atoms_equation, compress_equation,
                                             dilate_equation, from_r_equation, from_s_equation, inverse_equation,
                                             mul_equations, power_equation, product_moments, r_equation,
                                             s_equation, shift_equation, wishart_equation)
from freecalc.symbolic.algebraic_support import (discriminant, discriminant_coefficients, edge_candidates,
                                                 leading_coefficients, mass_candidates, pole_candidates)

__all__ = [
    "as_polynomial", "stieltjes_factor", "moment_series", "free_cumulant_series", "discriminant", "edge_candidates",
    "pole_candidates", "mass_candidates", "r_equation", "from_r_equation", "s_equation", "from_s_equation",
    "shift_equation", "dilate_equation", "add_equations", "mul_equations", "power_equation", "compress_equation",
    "inverse_equation", "wishart_equation", "atoms_equation", "product_moments", "AlgebraicError", "R_SYM", "S_SYM",
    "discriminant_coefficients", "leading_coefficients", "integer_terms",
]
