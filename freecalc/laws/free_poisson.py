r"""The free Poisson law with rate λ and jump size a (Nica & Speicher, Lecture 12).

``FreePoisson(rate, jump)`` is the free analogue of the compound Poisson law with one jump size: the limit of
:math:`(\,(1 - \lambda/N)\,\delta_0 + (\lambda/N)\,\delta_a)^{\boxplus N}`, with free cumulants
:math:`\kappa_k = \lambda a^k` and

.. math:: R(w) = \frac{\lambda a}{1 - a w}, \qquad S(w) = \frac{1}{a(\lambda + w)},\qquad
          a z\, m^2 - (a(\lambda - 1) - z)\, m + 1 = 0.

It is the Marchenko–Pastur law in another parametrisation: ``MarchenkoPastur(c, sigma2)`` has
:math:`R(w) = \sigma^2/(1 - c\sigma^2 w)`, so matching the two gives :math:`c = 1/\lambda`, :math:`\sigma^2 = \lambda a`:

.. math:: \mathrm{FreePoisson}(\lambda, a) = \mathrm{MP}(1/\lambda,\ \sigma^2 = \lambda a)
          = (\lambda a)\cdot \mathrm{MP}(1/\lambda),

with support :math:`a(1 \mp \sqrt\lambda)^2` and an atom :math:`(1 - \lambda)\,\delta_0` when λ < 1.

Reference: Nica & Speicher (2006), *Lectures on the Combinatorics of Free Probability*, Lecture 12 (free Poisson
limit theorem, Proposition 12.11).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from freecalc._lazy import lazy_module
from freecalc._params import SCALE, Parameter
from freecalc.laws.extension import FitHints, Kernels, affine_starts
from freecalc.laws.marchenko_pastur import MarchenkoPastur, mp_pdf, mp_support
from freecalc.laws.quadratic import QuadraticCoefficients, QuadraticLaw, QuadraticSymbolicFace

sp = lazy_module("sympy")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["FreePoisson", "free_poisson_pdf", "free_poisson_support", "free_poisson_atoms"]


def free_poisson_support(rate: float, jump: float = 1.0) -> tuple[tuple[float, float], ...]:
    r"""Support :math:`[a(1-\sqrt\lambda)^2, a(1+\sqrt\lambda)^2]` of the continuous part (scalar parameters).

    Parameters
    ----------
    rate, jump : float
        λ and a (> 0).

    Returns
    -------
    tuple of (float, float)
    """
    return mp_support(1.0 / rate, rate * jump)


def free_poisson_atoms(rate: float, jump: float = 1.0) -> tuple[tuple[float, float], ...]:
    """The atom (0, 1 − λ) when λ < 1, else none (scalar parameters).

    Parameters
    ----------
    rate, jump : float
        λ and a (> 0).

    Returns
    -------
    tuple of (location, mass)
    """
    return ((0.0, 1.0 - rate),) if rate < 1 else ()


def free_poisson_pdf(x: Any, rate: Any, jump: Any = 1.0) -> np.ndarray:
    r"""Density :math:`\sqrt{(\lambda_+ - x)(x - \lambda_-)}/(2\pi a x)` of the continuous part, 0 outside.

    Parameters
    ----------
    x : array_like
        Points; broadcasts against the parameters.
    rate, jump : float or ndarray
        λ and a (> 0).

    Returns
    -------
    ndarray
    """
    return mp_pdf(x, 1.0 / np.asarray(rate, dtype=float), np.asarray(rate, dtype=float) * jump)


class FreePoissonSymbolicFace(QuadraticSymbolicFace):
    """Closed forms of the free Poisson law (R- and S-transforms, the atom at 0).

    Parameters
    ----------
    law : FreePoisson
        The law (the face is obtained as ``law.sym``).
    """

    def r_transform(self, w: Any = None) -> sp.Expr:
        """R(w) = λa/(1 − aw).

        Parameters
        ----------
        w : sympy.Expr or number

        Returns
        -------
        sympy.Expr
        """
        w = T.w if w is None else w
        lam, a = self.params["rate"], self.params["jump"]
        return lam * a / (1 - a * w)

    def s_transform(self, w: Any = None) -> sp.Expr:
        """S(w) = 1/(a(λ + w)).

        Parameters
        ----------
        w : sympy.Expr or number

        Returns
        -------
        sympy.Expr
        """
        w = T.w if w is None else w
        lam, a = self.params["rate"], self.params["jump"]
        return 1 / (a * (lam + w))

    @property
    def atoms(self) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        """The atom at 0 of mass 1 − λ when λ < 1 (a Piecewise mass for a symbolic λ)."""
        lam = self.params["rate"]
        mass = sp.Piecewise((1 - lam, lam < 1), (0, True))
        if mass == 0:
            return ()
        return ((sp.Integer(0), mass),)


class FreePoisson(QuadraticLaw):
    """Free Poisson law with rate λ and jump size a: free cumulants κ_k = λ a^k.

    Parameters
    ----------
    rate : float > 0
        λ (atom of mass 1 − λ at 0 when λ < 1; the mean is λa).
    jump : float > 0, default 1
        Jump size a (a scale: FreePoisson(λ, a) = a · FreePoisson(λ)).
    size : int, optional
        Matrix dimension n.

    Notes
    -----
    Equal to ``MarchenkoPastur(1/rate, sigma2=rate*jump)``. Matrix model: :math:`(a/n)\\,XX^T` with X an n×λn
    Gaussian matrix (a Wishart matrix with λn degrees of freedom).
    """

    parameters = (
        Parameter("rate", r"\lambda", SCALE, typical=(0.3, 4.0)),
        Parameter("jump", "a", SCALE, typical=(0.5, 2.0), default=1.0),
    )
    latex_name = r"\mathrm{FP}"
    symbolic_face_class = FreePoissonSymbolicFace
    aliases = ("freepoisson",)
    kernels = Kernels(pdf=free_poisson_pdf, support=free_poisson_support, atoms=free_poisson_atoms)
    fit_hints = FitHints(scale_param="jump", auto_scale=True, nonnegative=True, finite_edge=True)

    @classmethod
    def fit_starts(cls, data: Any, with_scale: bool, with_loc: bool) -> list[dict[str, float]]:
        r"""The Marchenko–Pastur starts translated: c = 1/λ, σ² = λa.

        Parameters
        ----------
        data : DataSummary
            Sorted data off the atom at 0, the number of zeros and the total count.
        with_scale, with_loc : bool
            Include an added ``scale`` / ``loc``.

        Returns
        -------
        list of dict
        """
        out = []
        for st in MarchenkoPastur.fit_starts(data, False, False):
            rate = 1.0 / st["c"]
            out.append({"rate": rate, "jump": st["sigma2"] / rate})
        return affine_starts(out, with_scale, with_loc)

    def _coefficients(self, p: Mapping[str, Any]) -> QuadraticCoefficients:
        lam, a = p["rate"], p["jump"]
        return QuadraticCoefficients(p0=a * (lam - 1), p1=-1, q0=0, q1=a, q2=0)

    def _edges_formula(self, p: Mapping[str, Any], sqrt: Any) -> tuple[Any, Any]:
        lam, a = p["rate"], p["jump"]
        return a * (1 - sqrt(lam)) ** 2, a * (1 + sqrt(lam)) ** 2

    def _pdf(self, x: np.ndarray) -> np.ndarray:
        return free_poisson_pdf(x, self.rate, self.jump)

    def _numeric_atoms(self, *args: Any) -> tuple[tuple[float, float], ...]:
        return free_poisson_atoms(self.rate, self.jump)  # exact, instead of the residue at the zero of Q

    def _matrix(self, n: int, rng: np.random.Generator) -> np.ndarray:
        d = max(1, int(round(n * self.rate)))
        x = rng.standard_normal((n, d))
        return (self.jump * self.rate / d) * (x @ x.T)
