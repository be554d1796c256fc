r"""Analytical nonlinear shrinkage (Ledoit & Wolf 2020): kernel estimates of the sample spectral density and of its
Hilbert transform plugged into the Ledoit–Péché oracle.

With :math:`\lambda_1..\lambda_m` the nonzero sample eigenvalues (:math:`m = \min(n, p)`), global bandwidth
:math:`h = n^{-1/3}` and local bandwidths :math:`h_j = h\lambda_j`, the Epanechnikov kernel
:math:`k(x) = \tfrac{3}{4\sqrt5}(1 - x^2/5)^+` gives

.. math::
    \tilde f(x) = \frac1m\sum_j \frac{1}{h_j} k\Big(\frac{x-\lambda_j}{h_j}\Big),\qquad
    \mathcal H\tilde f(x) = \frac1m\sum_j \frac{1}{h_j} \mathcal Hk\Big(\frac{x-\lambda_j}{h_j}\Big),

:math:`\mathcal Hk(x) = -\tfrac{3x}{10\pi} + \tfrac{3}{4\sqrt5\pi}(1 - x^2/5)\log\big|\tfrac{\sqrt5 - x}{\sqrt5 + x}\big|`,
and the shrunk eigenvalues (c = p/n)

.. math::
    \tilde d_i = \frac{\lambda_i}{(\pi c\lambda_i\tilde f(\lambda_i))^2 + (1 - c - \pi c\lambda_i
    \mathcal H\tilde f(\lambda_i))^2}\quad (p \le n),\qquad
    \tilde d_i = \frac{1}{\pi^2\lambda_i(\tilde f(\lambda_i)^2 + \mathcal H\tilde f(\lambda_i)^2)}\quad (p > n),

for :math:`p > n` the density is that of the n nonzero eigenvalues (the companion n×n spectrum), and the
:math:`p - n` null eigenvalues become :math:`\tilde d_0 = 1/(\pi (c - 1)\mathcal H\tilde f(0))` with the kernel
Hilbert transform at zero evaluated in closed form.

Reference: O. Ledoit and M. Wolf, "Analytical nonlinear shrinkage of large-dimensional covariance matrices",
Ann. Statist. 48(5) (2020), eqs. (4.3), (4.7)–(4.9), (C.4)–(C.8).
"""
from __future__ import annotations

import numpy as np

from freecalc.covariance._validate import Spectrum

__all__ = ["analytic_shrinkage"]

_SQRT5 = np.sqrt(5.0)


def _kernel_density_and_hilbert(lam: np.ndarray, h: float) -> tuple[np.ndarray, np.ndarray]:
    """Variable-bandwidth Epanechnikov estimates of the density and its Hilbert transform at the points ``lam``."""
    hj = h * lam[None, :]
    x = (lam[:, None] - lam[None, :]) / hj
    f = (3.0 / 4.0 / _SQRT5) * np.mean(np.maximum(1.0 - x * x / 5.0, 0.0) / hj, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_term = np.log(np.abs((_SQRT5 - x) / (_SQRT5 + x)))
    hk = -3.0 / 10.0 / np.pi * x + (3.0 / 4.0 / _SQRT5 / np.pi) * (1.0 - x * x / 5.0) * log_term
    # at |x| = sqrt(5) the (1 - x^2/5) factor vanishes faster than the log diverges
    edge = np.isclose(np.abs(x), _SQRT5, rtol=0, atol=1e-12)
    hk[edge] = -3.0 / 10.0 / np.pi * x[edge]
    return f, np.mean(hk / hj, axis=1)


def analytic_shrinkage(spec: Spectrum) -> np.ndarray:
    r"""Shrunk eigenvalues, in the order of ``spec.eigs`` (see the module docstring for the formulas).

    Parameters
    ----------
    spec : Spectrum
        Validated sample eigenvalues with c, n, p and the number of structural zeros (:func:`check_spectrum`).

    Returns
    -------
    numpy.ndarray
        :math:`\tilde d_i`, positive, shape (p,).
    """
    c, n = spec.c, spec.n
    order = np.argsort(spec.eigs, kind="stable")
    lam = spec.eigs[order][spec.n_zero:]
    h = n ** (-1.0 / 3.0)
    f, hf = _kernel_density_and_hilbert(lam, h)
    out_sorted = np.empty(spec.p)
    if spec.n_zero == 0:
        out_sorted[:] = lam / ((np.pi * c * lam * f) ** 2 + (1.0 - c - np.pi * c * lam * hf) ** 2)
    else:
        # Hilbert transform of the kernel estimate at 0: each kernel's transform at -1/h, scaled by 1/lambda_j
        hf0 = (1.0 / np.pi) * (3.0 / 10.0 / h**2 + 3.0 / 4.0 / _SQRT5 / h * (1.0 - 1.0 / 5.0 / h**2)
                               * np.log((1.0 + _SQRT5 * h) / (1.0 - _SQRT5 * h))) * np.mean(1.0 / lam)
        out_sorted[:spec.n_zero] = 1.0 / (np.pi * (c - 1.0) * hf0)
        out_sorted[spec.n_zero:] = lam / (np.pi**2 * lam**2 * (f**2 + hf**2))
    out = np.empty(spec.p)
    out[order] = out_sorted
    return out
