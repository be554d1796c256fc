"""``population_spectrum``: the population spectrum H from sample eigenvalues (inverse of H ↦ H ⊠ MP(c))."""
from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np

from freecalc._options import coerce_enum
from freecalc.covariance._validate import check_spectrum
from freecalc.covariance.family import fit_family
from freecalc.covariance.grid import grid_population
from freecalc.laws.base import Law
from freecalc.laws.discrete import Atoms

__all__ = ["PopulationMethod", "PopulationEstimate", "population_spectrum"]


class PopulationMethod(enum.Enum):
    """How the population spectrum is estimated."""

    #: point masses on an adaptive grid, weights fitted to the Silverstein equation (El Karoui 2008)
    GRID = "grid"
    #: parameters of a law family by exact moment matching through ⊠ MP(c)
    FAMILY = "family"


@dataclass(frozen=True)
class PopulationEstimate:
    """An estimated population spectrum (returned by :func:`population_spectrum`; its fields are attributes).

    Parameters
    ----------
    law : Law
        The estimate of H (``fc.Atoms`` for GRID, an instance of the family for FAMILY).
    method : PopulationMethod
        The method that produced it.
    params : tuple of float
        Fitted parameters (FAMILY); empty for GRID.
    stderr : tuple of float
        Parametric-bootstrap standard errors of ``params`` (NaN when ``bootstrap=0``).
    residual : float
        GRID: scaled RMS residual of the Silverstein equation; FAMILY: largest relative moment residual.
    c : float
        The aspect ratio p/n used.
    """

    law: Law
    method: PopulationMethod
    params: tuple
    stderr: tuple
    residual: float
    c: float


def population_spectrum(sample_eigs, c=None, *, n=None, method=PopulationMethod.GRID, family=None,
                        grid_size: int = 200, bootstrap: int = 0, rng=None) -> PopulationEstimate:
    r"""Estimate the population spectrum H from sample eigenvalues, where the sample ESD is
    :math:`F = H\boxtimes\mathrm{MP}(c)`.

    Parameters
    ----------
    sample_eigs : array_like
        Eigenvalues of :math:`S = X^\top X/n` (p of them; p - n zeros when p > n).
    c : float, optional
        Aspect ratio p/n > 0 (or give ``n``). For centred data use n - 1 samples.
    n : float, optional
        Number of samples (degrees of freedom).
    method : PopulationMethod or str
        ``GRID`` (default; El Karoui 2008) or ``FAMILY`` (implied when ``family`` is given).
    family : Law class, optional
        A law family with declared ``parameters`` (1 to 4 of them), e.g. ``fc.MarchenkoPastur`` as a two-parameter
        (shape, scale) population; its parameters are fitted by exact moment matching.
    grid_size : int
        Number of grid points of the first GRID pass (≥ 10).
    bootstrap : int
        FAMILY: number of parametric-bootstrap refits for standard errors (0: none).
    rng : numpy Generator or int, optional
        Randomness of the bootstrap.

    Returns
    -------
    PopulationEstimate
        ``.law`` is the estimate of H.

    Raises
    ------
    ValueError
        Bad eigenvalues (NaN, negative, more nonzero ones than min(n, p)), c ≤ 0, or bad options.

    References
    ----------
    N. El Karoui, Ann. Statist. 36(6) (2008); J. W. Silverstein, J. Multivariate Anal. 55 (1995).
    """
    spec = check_spectrum(sample_eigs, c, n)
    method = coerce_enum(method, PopulationMethod, "method")
    if family is not None:
        method = PopulationMethod.FAMILY
    if method is PopulationMethod.FAMILY:
        if family is None:
            raise ValueError("method=FAMILY needs family= (a law class with declared parameters)")
        if int(bootstrap) < 0:
            raise ValueError(f"bootstrap={bootstrap} must be >= 0")
        gen = np.random.default_rng(rng)
        law, theta, se, res = fit_family(family, spec.eigs, spec.c, spec.n, int(bootstrap), gen)
        return PopulationEstimate(law, method, tuple(float(x) for x in theta), tuple(float(x) for x in se),
                                  res, spec.c)
    if int(grid_size) < 10:
        raise ValueError(f"grid_size={grid_size} must be >= 10")
    t, w, res = grid_population(spec, grid_size=int(grid_size))
    return PopulationEstimate(Atoms(list(t), list(w)), method, (), (), res, spec.c)
