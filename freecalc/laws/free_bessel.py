r"""Free Bessel laws :math:`\pi_{st} = \pi^{\boxtimes(s-1)} \boxtimes \pi^{\boxplus t}` (Banica, Belinschi,
Capitaine & Collins 2011), for integer 1 ≤ s ≤ 3 and 0 < t ≤ 0.9 (see "Domain" below).

π is the free Poisson law of rate 1 (``MarchenkoPastur(1)``), :math:`\pi^{\boxplus t}` = ``FreePoisson(t)`` and
:math:`\pi^{\boxtimes(s-1)}` = ``FussCatalan(s - 1)`` (δ₁ for s = 1); so :math:`\pi_{1t} = \mathrm{FP}(t)` and
:math:`\pi_{s1} = \pi^{\boxtimes s} = \mathrm{FC}(s)`. The S-transforms :math:`(1 + w)^{-1}` of π and
:math:`1/(t + w)` of FP(t) multiply:

.. math:: S(w) = \frac{(1 + w)^{1-s}}{t + w}.

With :math:`\psi = -1 - zm` (the moment generating function at 1/z) and :math:`m = (1 + zm)\,S(-1 - zm)`:

.. math:: m\,(t - 1 - zm)\,(-zm)^{s-1} - (1 + zm) = 0,

a polynomial of degree s + 1 in m (s = 1: the free Poisson equation :math:`zm^2 + (1 - t + z)m + 1 = 0`). For
t < 1 there is an atom of mass 1 − t at 0 (the rank of the matrix model below is tn). Matrix model:
:math:`YY^T` with :math:`Y = n^{-s/2} G_1\cdots G_{s-1} X`, :math:`G_i` n × n and X n × tn standard Gaussian.

Domain: integer 1 ≤ s ≤ 3 and 0 < t ≤ 0.9. The paper defines π_{st} for all real s ≥ 1, t > 0 (and 0 < s < 1
with t ≤ 1); here the numeric face is the generic :class:`~freecalc.laws.algebraic.AlgebraicLaw` of the curve
above, and it is certified only where the continuous part stays away from the atom at 0. As t → 1 the lower edge
of the continuous part tends to 0 (4.8e-11 at s = 8, t = 0.9; 8.3e-12 at s = 4, t = 0.99) with a density that
blows up there, and for t ≥ 1 the density has an :math:`x^{-(s-1)/s}`-type singularity at 0: the generic atom
certification and quadrature fail there (total mass off by 0.03–0.1), and no edge treatment like FussCatalan's
rescaled near-0 roots exists for this family yet. Real non-integer s has no polynomial equation. For t = 1 use
``FussCatalan(s)``, for s = 1 ``FreePoisson(t)`` (any t > 0).

Reference: Banica, Belinschi, Capitaine & Collins (2011), *Free Bessel laws*, Canad. J. Math. 63, 3–37
(arXiv:0710.5931), Definition of π_{st} and the S-transform.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from freecalc._lazy import lazy_module
from freecalc._params import Domain, Parameter, is_symbolic_value
from freecalc.laws.algebraic import AlgebraicLaw
from freecalc.laws.base import Law, exact_value

sp = lazy_module("sympy")
A = lazy_module("freecalc.symbolic.algebraic")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["FreeBessel", "free_bessel_equation"]

#: largest order: at s = 4 the generic analysis of the curve already fails at t = 0.9 (module docstring)
S_MAX = 3
#: largest t: beyond it the continuous part reaches down to the atom at 0 (module docstring)
T_MAX = 0.9


def free_bessel_equation(s: int, t: Any, m: Any = None, z: Any = None) -> sp.Expr:
    r"""The polynomial :math:`m(t - 1 - zm)(-zm)^{s-1} - (1 + zm)` of the free Bessel law :math:`\pi_{st}`.

    Parameters
    ----------
    s : int ≥ 1
        Order (the polynomial holds for any s ≥ 1).
    t : number or sympy.Expr
        The ⊞-power of the free Poisson factor (a float enters as its exact rational; the polynomial holds for any
        t > 0).
    m, z : sympy.Symbol, optional
        The Stieltjes-transform variable and the spectral variable (default: ``freecalc.symbolic.transforms.m``
        and ``z``).

    Returns
    -------
    sympy.Expr
    """
    m = T.m if m is None else m
    z = T.z if z is None else z
    tt = exact_value(t)
    return sp.expand(m * (tt - 1 - z * m) * (-z * m) ** (int(s) - 1) - (1 + z * m))


class FreeBessel(AlgebraicLaw):
    r"""Free Bessel law :math:`\pi_{st} = \mathrm{MP}(1)^{\boxtimes(s-1)} \boxtimes \mathrm{FreePoisson}(t)`.

    Parameters
    ----------
    s : int, 1 ≤ s ≤ 3
        Order (s = 1: ``FreePoisson(t)``).
    t : float in (0, 0.9] or sympy.Expr
        Rate of the free Poisson factor (atom 1 − t at 0; t = 1 would be ``FussCatalan(s)``).
    size : int, optional
        Matrix dimension n.

    Raises
    ------
    ValueError
        s not an integer in [1, 3], or t not in (0, 0.9].
    TypeError
        s symbolic (the degree of the equation depends on it).

    Notes
    -----
    S-transform :math:`(1 + w)^{1-s}/(t + w)`, mean t, support on [0, ∞). The domain is where the generic analysis
    of the curve is certified (module docstring). Matrix model :math:`YY^T`,
    :math:`Y = n^{-s/2}G_1\cdots G_{s-1}X` with X an n × tn Gaussian matrix.
    """

    parameters = (
        Parameter("s", "s", Domain(1.0, float(S_MAX), integer=True), typical=(1.0, 3.0)),
        Parameter("t", "t", Domain(0.0, T_MAX, lo_closed=False, hi_closed=True), typical=(0.2, 0.8), default=0.5),
    )
    latex_name = r"\pi"
    aliases = ("freebessel",)

    def __init__(self, *args: Any, size: Any = None, **kwargs: Any) -> None:
        Law.__init__(self, *args, size=size, **kwargs)
        s, t = self._values
        if is_symbolic_value(s):
            raise TypeError(f"FreeBessel needs a numeric parameter 's' (an integer in [1, {S_MAX}]: the degree of "
                            f"its equation), got {s!r}")
        self._set("_P", A.stieltjes_factor(free_bessel_equation(int(s), t), T.m, T.z))
        self._set("_hint", None)

    @property
    def is_symbolic(self) -> bool:
        """Whether t is symbolic (s is always a number)."""
        return is_symbolic_value(self._values[1])

    def replace(self, **changes: Any) -> Law:
        """A new law with ``s``, ``t`` or ``size`` changed.

        Parameters
        ----------
        **changes
            ``s``, ``t`` and/or ``size``.

        Returns
        -------
        FreeBessel
        """
        return Law.replace(self, **changes)

    def __repr__(self) -> str:
        return Law.__repr__(self)

    def _latex(self, printer: Any = None) -> str:
        return Law._latex(self, printer)

    def _s_transform(self, w: np.ndarray) -> np.ndarray:
        # the product of the factors' S-transforms, exact; the generic Newton inversion of ψ would stop at the
        # real end of its domain
        return (1.0 + w) ** (1 - int(self.s)) / (self.t + w) + 0j

    def _matrix(self, n: int, rng: np.random.Generator) -> np.ndarray:
        k = max(1, int(round(self.t * n)))
        Y = rng.standard_normal((n, k))
        for _ in range(int(self.s) - 1):
            Y = rng.standard_normal((n, n)) @ Y
        Y /= n ** (0.5 * self.s)
        return Y @ Y.T
