"""Fitting spectral laws to eigenvalues: maximum likelihood, goodness of fit, power-law tails, spikes, phases.

Public entry point: :func:`fit` (re-exported as ``freecalc.fit``). Modules, one job each:

``data``        eigenvalues from 1-D data or matrices (conventions, subsampling)
``families``    a Law class's fitting family, read from its declarations (hints, starts, kernels)
``likelihood``  the model (free/fixed/transformed parameters) and log-likelihood with atoms and censoring
``mle``         optimisation and standard errors from the observed information
``gof``         KS distance and parametric-bootstrap p-value
``tails``       Clauset–Shalizi–Newman power-law tail (α, xmin); ``kernels`` its numba scan
``spikes``      Tracy–Widom edge scale, spike detection, spike-robust bulk fit; ``tracy_widom`` F_1
``phases``      the 5+1 phases of Martin & Mahoney
``result``      the immutable FitResult
``api``         fit()
"""
from freecalc.fitting.api import fit
from freecalc.fitting.options import (
    Criterion,
    ErrorMethod,
    FitOptions,
    OptimizerOptions,
    PhaseOptions,
    ScaleOption,
    SpikeOptions,
    TailOptions,
    XminRule,
)
from freecalc.fitting.phases import Phase
from freecalc.fitting.result import FitResult, RankEntry

__all__ = [
    "fit",
    "FitResult",
    "RankEntry",
    "Phase",
    "ScaleOption",
    "Criterion",
    "ErrorMethod",
    "FitOptions",
    "OptimizerOptions",
    "TailOptions",
    "XminRule",
    "SpikeOptions",
    "PhaseOptions",
]
