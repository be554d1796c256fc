r"""The shifted free Meixner laws: ``loc + X`` with X ~ FreeMeixner(a, b, c) (:mod:`freecalc.laws.free_meixner`).

The four-parameter family holds every quadratic law (semicircle, Marchenko–Pastur, Kesten–McKay, Wachter, free
Meixner) up to the shift: a law whose Stieltjes transform solves :math:`Q m^2 - P m + 1 = 0` with P of degree 1 and
Q of degree ≤ 2 is one of them (:meth:`ShiftedFreeMeixner.from_quadratic`). The numeric face evaluates the centred
law at x − loc, so a shift far above the width costs no digits.

References: Anshelevich (2003), Duke Math. J. 118; Bożejko & Bryc (2006), J. Funct. Anal. 236.
"""
from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from freecalc._params import LOCATION, SCALE, Parameter
from freecalc.laws.free_meixner import C_DOMAIN, FreeMeixner
from freecalc.laws.quadratic import QuadraticCoefficients, QuadraticLaw

__all__ = ["ShiftedFreeMeixner"]


class ShiftedFreeMeixner(QuadraticLaw):
    r"""The law of ``loc + X`` with X ~ ``FreeMeixner(a, b, c)``: mean loc, variance bc, support loc + a ± 2√b.

    The four-parameter family containing every quadratic law (semicircle, Marchenko–Pastur, Kesten–McKay,
    Wachter, free Meixner) up to the shift; see the module docstring. Its quadratic is the free Meixner one with
    z replaced by z − loc: :math:`P = (c-2)(z-\ell) - ac`, :math:`Q = (1-c)(z-\ell)^2 + ac(z-\ell) + bc^2`.

    Parameters
    ----------
    loc : float
        Shift :math:`\ell` (the mean).
    a : float
        Jacobi parameter of the centred law: the support is :math:`\ell + a \pm 2\sqrt b`.
    b : float > 0
        Jacobi parameter: the support has half-width :math:`2\sqrt b`.
    c : float > 0
        Ratio :math:`\beta_0^2/\beta_1^2` (variance bc), as for :class:`FreeMeixner`.
    size : int, optional
        Matrix dimension n.

    References
    ----------
    Anshelevich (2003), Duke Math. J. 118 (free Meixner polynomials); Bożejko & Bryc (2006), J. Funct. Anal. 236.
    """

    parameters = (
        Parameter("loc", "ell", LOCATION, typical=(-1.0, 1.0)),
        Parameter("a", "a", LOCATION, typical=(-1.5, 1.5)),
        Parameter("b", "b", SCALE, typical=(0.3, 2.0)),
        Parameter("c", "c", C_DOMAIN, typical=(0.3, 3.0)),
    )
    latex_name = r"\mathrm{FM}_{\ell}"

    @classmethod
    def from_quadratic(cls, law: QuadraticLaw) -> ShiftedFreeMeixner:
        r"""The same law written as a shifted free Meixner law (numeric parameters).

        With :math:`Q m^2 - P m + 1 = 0` and the free Meixner form :math:`P = (c-2)(z-\ell) - ac`,
        :math:`Q = (1-c)(z-\ell)^2 + ac(z-\ell) + bc^2`: :math:`c = 1 - q_2`, :math:`\ell = (p_0 + q_1)/c`,
        :math:`a = ((2-c)\ell - p_0)/c`, :math:`b = (q_0 - (1-c)\ell^2 + ac\ell)/c^2`.

        Parameters
        ----------
        law : QuadraticLaw
            A quadratic law with numeric parameters.

        Returns
        -------
        ShiftedFreeMeixner

        Raises
        ------
        ValueError
            For symbolic parameters, or when the coefficients give no valid (b > 0, c in its domain) law.
        """
        if not isinstance(law, QuadraticLaw) or law.is_symbolic:
            raise ValueError(f"from_quadratic needs a quadratic law with numeric parameters, got {law!r}")
        k = law.coefficients
        c = 1.0 - k.q2
        ell = (k.p0 + k.q1) / c
        a = ((2.0 - c) * ell - k.p0) / c
        b = (k.q0 - (1.0 - c) * ell ** 2 + a * c * ell) / c ** 2
        return cls(ell, a, b, c, size=law.size)

    def _coefficients(self, p: Mapping[str, Any]) -> QuadraticCoefficients:
        ell, a, b, c = p["loc"], p["a"], p["b"], p["c"]
        return QuadraticCoefficients(p0=-(c - 2) * ell - a * c, p1=c - 2,
                                     q0=(1 - c) * ell * ell - a * c * ell + b * c * c,
                                     q1=-2 * (1 - c) * ell + a * c, q2=1 - c)

    def _edges_formula(self, p: Mapping[str, Any], sqrt: Any) -> tuple[Any, Any]:
        r = 2 * sqrt(p["b"])
        return p["loc"] + p["a"] - r, p["loc"] + p["a"] + r

    @property
    def base(self) -> FreeMeixner:
        """The centred law ``FreeMeixner(a, b, c)``."""
        return FreeMeixner(self.a, self.b, self.c)

    def _interval_rule(self, a: float, b: float, panels: int = 64, order: int = 16):
        # the free Meixner rule refines around near-poles of the density in θ, which is shift-invariant
        rule = self.base._interval_rule(a - self.loc, b - self.loc, panels, order)
        return dataclasses.replace(rule, a=rule.a + self.loc, b=rule.b + self.loc)

    def _numeric_atoms(self, *args: Any) -> tuple[tuple[float, float], ...]:
        return tuple((x + self.loc, w) for x, w in self.base._atoms())

    def _check_edge_pole(self) -> None:
        self.base._check_edge_pole()  # shift-invariant: checked on the centred law

    def continuous_rule(self, panels: int = 64, order: int = 16) -> tuple[np.ndarray, np.ndarray]:
        """Nodes and weights of the continuous part: the centred law's rule shifted by ``loc``.

        Parameters
        ----------
        panels, order : int
            Composite Gauss–Legendre panels and nodes per panel.

        Returns
        -------
        tuple of ndarray
            ``(nodes, weights)``.
        """
        # weights from the centred density at the centred nodes: rounding the nodes by the shift (ulp(loc)) must
        # not move them within a narrow peak of the density before it is evaluated (loc = 573, b = 1e-6,
        # c = 2e-6: peak width 2e-9 = 18000 ulps, yet the mass was off by 1.4e-6)
        x, w = self.base.continuous_rule(panels, order)
        return x + self.loc, w

    # The numeric face evaluates the centred law at x − loc: the coefficients of the shifted quadratic in x cancel
    # catastrophically when |loc| is far above the width (loc = 573, b = 1e-6: Q(x) rounded to 0 inside the
    # support, a division by zero, and a negative variance from m2 − m1²).
    def _pdf(self, x: np.ndarray) -> np.ndarray:
        return self.base._pdf(x - self.loc)

    def _stieltjes(self, z: np.ndarray) -> np.ndarray:
        return self.base._stieltjes(z - self.loc)

    def _r_transform(self, w: np.ndarray) -> np.ndarray:
        return self.base._r_transform(w) + self.loc  # R_{X+ℓ}(w) = R_X(w) + ℓ

    def _moment(self, k: int) -> float:
        # binomial expansion in the centred moments (exact recursion of the base law)
        centred = [1.0, *self.base.moments(k)]
        return float(sum(math.comb(k, j) * self.loc ** (k - j) * centred[j] for j in range(k + 1)))

    def free_cumulants(self, K: int) -> np.ndarray:
        """Free cumulants κ_1..κ_K: the centred law's with κ₁ + loc (not from raw moments, which cancel).

        Parameters
        ----------
        K : int

        Returns
        -------
        ndarray
        """
        kappa = np.array(self.base.free_cumulants(K), dtype=float)
        kappa[0] += self.loc
        return kappa

    def mean(self) -> float:
        """First moment: loc (the centred free Meixner law has mean 0).

        Returns
        -------
        float
        """
        self._require_numeric("mean")
        return float(self.loc)

    def var(self) -> float:
        """Variance b·c, exactly (not m2 − m1², which cancels when |loc| is far above the width).

        Returns
        -------
        float
        """
        self._require_numeric("var")
        return float(self.b * self.c)

    def _atoms(self) -> tuple[tuple[float, float], ...]:
        return self._numeric_atoms()

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        out = self.base._cdf(x - self.loc)
        # count each atom by comparing x with its reported location loc + x_b, not x − loc with x_b: rounding of
        # the shift would leave the atom out of cdf(x) at x = its own location
        for (xb, w), (xs, _) in zip(self.base._atoms(), self._atoms()):
            out = out - w * (x - self.loc >= xb) + w * (x >= xs)
        return out

    def _rvs(self, size: Any, rng: np.random.Generator) -> Any:
        return self.loc + self.base.rvs(size, rng=rng)

    def _matrix(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return self.base.matrix(n, rng=rng) + self.loc * np.eye(n)
