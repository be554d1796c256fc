"""Covariance spectra: the population spectrum H from sample eigenvalues (inverting H ↦ H ⊠ MP(c)) and nonlinear
shrinkage of sample covariance matrices (Ledoit–Péché / Ledoit–Wolf)."""
from freecalc.covariance.population import PopulationEstimate, PopulationMethod, population_spectrum
from freecalc.covariance.shrinkage import ShrinkageMethod, shrink_covariance, shrunk_eigenvalues
from freecalc.covariance.silverstein import silverstein_equation

__all__ = ["shrunk_eigenvalues", "shrink_covariance", "ShrinkageMethod", "population_spectrum", "PopulationMethod",
           "PopulationEstimate", "silverstein_equation"]
