r"""Real-rooted polynomials given by their roots, and their link to laws (the d → ∞ limit).

A monic real-rooted polynomial :math:`p(x) = \prod_{i=1}^d (x - \lambda_i)` is stored by its roots, never by its
monomial coefficients (those lose all accuracy beyond d ≈ 50 in floating point, see :mod:`freecalc.finite._arb`).
Its *root measure* :math:`\frac1d \sum_i \delta_{\lambda_i}` is a law (:class:`freecalc.Empirical`); the finite free
operations of :mod:`freecalc.finite.convolution` converge to the free operations on these measures as d → ∞
(Marcus 2021, Theorem 4.3).

Reference: A. W. Marcus, *Polynomial convolutions and (finite) free probability*, arXiv:2108.07054 (2021).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from freecalc.finite._arb import certified_roots, flint_module
from freecalc.laws.base import Law
from freecalc.laws.empirical import Empirical

__all__ = ["RealRootedPolynomial", "as_polynomial", "quantile_polynomial", "root_measure"]


def _check_roots(roots: Any, name: str) -> np.ndarray:
    try:
        arr = np.asarray(roots)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(f"{name} must be a 1-D array of real roots; got {type(roots).__name__}") from exc
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise ValueError(f"{name} must be a 1-D array of real numbers; got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one root per entry); got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty; a polynomial needs degree d ≥ 1")
    if np.iscomplexobj(arr):
        bad = np.flatnonzero(arr.imag != 0)
        if bad.size:
            i = int(bad[0])
            raise ValueError(f"{name} is not real-rooted: root {i} = {complex(arr[i])} has a nonzero imaginary part; "
                             "finite free convolutions here take real-rooted polynomials only")
        arr = arr.real
    arr = arr.astype(float)
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"{name}[{i}] = {float(arr[i])} is not finite; roots must be finite real numbers")
    out = np.sort(arr)
    out.setflags(write=False)
    return out


@dataclass(frozen=True, eq=False)
class RealRootedPolynomial:
    r"""A monic real-rooted polynomial :math:`\prod_{i=1}^d (x - \lambda_i)` held by its sorted roots.

    Parameters
    ----------
    roots : array_like
        The d ≥ 1 real, finite roots (any order; repeated roots allowed). Stored sorted and read-only.
    radius : float, optional
        Certified bound on the error of every root (0 for roots given exactly; results of
        :func:`freecalc.finite.free_add` and friends carry the bound their certificate proved).

    Raises
    ------
    ValueError
        Roots empty, not 1-D, not real (nonzero imaginary part), NaN or infinite; radius negative or not finite.

    Examples
    --------
    >>> import freecalc as fc
    >>> p = fc.finite.RealRootedPolynomial([2.0, -1.0, 0.5])
    >>> p.degree, p.roots.tolist()
    (3, [-1.0, 0.5, 2.0])
    """

    roots: np.ndarray
    radius: float = field(default=0.0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "roots", _check_roots(self.roots, "roots"))
        r = float(self.radius)
        if not (math.isfinite(r) and r >= 0.0):
            raise ValueError(f"radius = {self.radius!r} must be a finite number ≥ 0")
        object.__setattr__(self, "radius", r)

    @classmethod
    def from_coefficients(cls, coefficients: Any, name: str = "coefficients") -> RealRootedPolynomial:
        r"""Certified roots of :math:`c_0 x^d + c_1 x^{d-1} + \dots + c_d` (highest degree first, as ``numpy.poly``).

        The float coefficients are taken as exact; real-rootedness with simple roots is proved by sign changes in
        ball arithmetic (:func:`freecalc.finite._arb.certified_roots`), otherwise the polynomial is refused.

        Parameters
        ----------
        coefficients : array_like
            d + 1 ≥ 2 real finite coefficients, the first nonzero.
        name : str
            Name used in error messages.

        Returns
        -------
        RealRootedPolynomial
            Roots with the certified radius.

        Raises
        ------
        ValueError
            Bad coefficients (not real, not finite, leading coefficient 0, degree < 1).
        CertificationError
            Not certified real-rooted with simple roots (complex or multiple roots).
        """
        arr = np.asarray(coefficients)
        if arr.ndim != 1 or arr.size < 2 or not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
            raise ValueError(f"{name} must be a 1-D array of ≥ 2 real coefficients (highest degree first)")
        arr = arr.astype(float)
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} has a non-finite entry: {arr[~np.isfinite(arr)][0]}")
        if arr[0] == 0.0:
            raise ValueError(f"{name}[0] = 0: the leading coefficient must be nonzero")
        flint = flint_module()
        d = arr.size - 1

        def build() -> Any:
            return flint.arb_poly([flint.arb(float(c)) for c in arr[::-1]])

        roots, radius = certified_roots(build, d, name)
        return cls(roots, radius)

    @property
    def degree(self) -> int:
        """The degree d (number of roots with multiplicity)."""
        return int(self.roots.size)

    def __call__(self, x: Any) -> Any:
        """Evaluate :math:`\\prod_i (x - \\lambda_i)` in product form (stable, unlike the monomial coefficients)."""
        xa = np.asarray(x)
        out = np.prod(xa[..., None] - self.roots, axis=-1)
        return out if xa.ndim else out.item()

    def root_measure(self) -> Empirical:
        """The root measure :math:`\\frac1d\\sum_i \\delta_{\\lambda_i}` as :class:`freecalc.Empirical`."""
        return Empirical(np.asarray(self.roots))

    def __repr__(self) -> str:
        return f"RealRootedPolynomial(degree={self.degree}, roots in [{self.roots[0]:.6g}, {self.roots[-1]:.6g}])"


def as_polynomial(p: Any, name: str) -> RealRootedPolynomial:
    """``p`` as a RealRootedPolynomial (roots as array_like accepted), errors naming the argument ``name``."""
    if isinstance(p, RealRootedPolynomial):
        return p
    return RealRootedPolynomial(_check_roots(p, name))


def root_measure(p: Any) -> Empirical:
    r"""Root measure :math:`\frac1d\sum_i \delta_{\lambda_i}` of a real-rooted polynomial, as :class:`freecalc.Empirical`.

    Parameters
    ----------
    p : RealRootedPolynomial or array_like
        The polynomial (or its roots).

    Returns
    -------
    Empirical
        Atoms of mass 1/d at the roots: the finite free results converge to the free operations on these laws.

    Raises
    ------
    ValueError
        ``p`` is not a valid real-rooted polynomial.
    """
    return as_polynomial(p, "p").root_measure()


def quantile_polynomial(law: Law, d: int) -> RealRootedPolynomial:
    r"""The degree-d polynomial whose roots are the quantiles of ``law`` at :math:`(i - \tfrac12)/d`, i = 1..d.

    Its root measure converges to ``law`` (Kolmogorov distance ≤ 1/(2d) for a continuous law), which makes it the
    natural finite stand-in for a law in the d → ∞ limit of the finite free operations.

    Parameters
    ----------
    law : Law
        Any numeric law with ``ppf``.
    d : int
        Degree, ≥ 1.

    Returns
    -------
    RealRootedPolynomial

    Raises
    ------
    ValueError
        ``d`` not an integer ≥ 1; the law's quantiles are not finite.
    """
    if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 1:
        raise ValueError(f"d = {d!r} must be an integer ≥ 1")
    u = (np.arange(int(d)) + 0.5) / int(d)
    return RealRootedPolynomial(_check_roots(np.asarray(law.ppf(u), dtype=float), f"quantiles of {law!r}"))
