r"""Finite free probability: ⊞_d, ⊠_d and compression of real-rooted polynomials, with certified roots.

``fc.finite.free_add(p, q)`` and ``fc.finite.free_mul(p, q)`` are the Marcus–Spielman–Srivastava finite free
convolutions of degree-d real-rooted polynomials given by their roots; ``compress(p, k)`` is finite free
compression (the (d − k)-th derivative). Results are :class:`RealRootedPolynomial` objects whose roots are proved
real and simple with an error bound (``radius``), computed in FLINT ball arithmetic (python-flint) at ≈ 1.3 d bits, so the degree is not limited by floating-point cancellation. ``root_measure`` and
``quantile_polynomial`` connect polynomials and laws for the d → ∞ limit (the free operations).
"""
from freecalc.finite._arb import CertificationError
from freecalc.finite.convolution import compress, free_add, free_mul
from freecalc.finite.polynomial import RealRootedPolynomial, quantile_polynomial, root_measure

__all__ = ["RealRootedPolynomial", "CertificationError", "free_add", "free_mul", "compress", "root_measure",
           "quantile_polynomial"]
