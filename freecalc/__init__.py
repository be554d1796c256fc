"""freecalc: a symbolic-numeric free probability algebra system.

Spectral laws are first-class objects with a symbolic face (sympy) and a numeric face (numpy/numba)
that describe the same measure. See ``docs/`` for concepts and conventions.
"""
from __future__ import annotations

__version__ = "0.1.0"

# --- core (lead) ---------------------------------------------------------------------------------
from freecalc._params import Domain, Parameter, SymbolicParameterError  # noqa: E402
from freecalc.laws.base import Law  # noqa: E402
from freecalc.laws.semicircle import Semicircle  # noqa: E402
from freecalc.laws.marchenko_pastur import MarchenkoPastur  # noqa: E402

__all__ = ["Domain", "Parameter", "SymbolicParameterError", "Law", "Semicircle", "MarchenkoPastur"]

# --- laws (helper: laws) -------------------------------------------------------------------------
from freecalc.laws.kesten_mckay import KestenMcKay  # noqa: E402
from freecalc.laws.wachter import Wachter  # noqa: E402
from freecalc.laws.free_meixner import FreeMeixner  # noqa: E402

__all__ += ["KestenMcKay", "Wachter", "FreeMeixner"]
# --- end laws ------------------------------------------------------------------------------------

# --- htmp (helper: htmp) -------------------------------------------------------------------------
from freecalc.laws.htmp import HTMP, InverseHTMP  # noqa: E402

__all__ += ["HTMP", "InverseHTMP"]
# --- end htmp ------------------------------------------------------------------------------------

# --- algebra (helper: algebra) -------------------------------------------------------------------
from freecalc.laws.algebraic import AlgebraicLaw, to_algebraic  # noqa: E402
from freecalc.laws.discrete import Atoms, PointMass  # noqa: E402
from freecalc.operations.convolution import Method, free_add, free_mul  # noqa: E402
from freecalc.operations.pushforward import compress, inverse, power, wishart_of  # noqa: E402  (registers shift/scale)

__all__ += ["AlgebraicLaw", "to_algebraic", "PointMass", "Atoms", "Method", "free_add", "free_mul", "inverse",
            "power", "compress", "wishart_of"]
# --- end algebra ---------------------------------------------------------------------------------

# --- subordination (helper: subord) --------------------------------------------------------------
from freecalc.laws.numeric import NumericLaw  # noqa: E402

__all__ += ["NumericLaw"]
# --- end subordination ---------------------------------------------------------------------------

# --- decompression (helper: decomp) --------------------------------------------------------------
from freecalc.operations.decompression import DecompressionError, DecompressionReport, Route, decompress  # noqa: E402
from freecalc.operations.parametric_decompression import (  # noqa: E402
    FitMethod as DecompressionFitMethod, ShiftedFreeMeixner, fit_free_meixner,
)
from freecalc.sampling import haar_stiefel, random_principal_submatrix, submatrix_of_invariant  # noqa: E402
from freecalc.functionals import (  # noqa: E402
    EdgeRule, Estimate, condition_number, extreme_eigenvalues, lambda_max, lambda_min, logdet, slogdet, trace,
    trace_inverse,
)

__all__ += ["DecompressionError", "DecompressionReport", "Route", "decompress", "ShiftedFreeMeixner",
            "fit_free_meixner", "DecompressionFitMethod", "haar_stiefel", "random_principal_submatrix",
            "submatrix_of_invariant", "EdgeRule", "Estimate", "condition_number", "extreme_eigenvalues",
            "lambda_max", "lambda_min", "logdet", "slogdet", "trace", "trace_inverse"]
# --- end decompression ---------------------------------------------------------------------------

# --- numeric decompression (helper: numdec) ------------------------------------------------------
from freecalc.laws.empirical import Empirical, FittedSpectrum, Variable  # noqa: E402
from freecalc.laws.decompressed import DecompressedLaw, Solver  # noqa: E402
from freecalc.operations.numeric_decompression import decompress_numeric  # noqa: E402

__all__ += ["Empirical", "FittedSpectrum", "Variable", "DecompressedLaw", "Solver", "decompress_numeric"]
# --- end numeric decompression -------------------------------------------------------------------

# --- matrix decompression (helper: engineer C) ----------------------------------------------------
from freecalc.operations.matrix_decompression import MatrixRoute, decompress_matrix  # noqa: E402
from freecalc.operations.model_check import ModelCheck, ModelCheckWarning  # noqa: E402

__all__ += ["decompress_matrix", "MatrixRoute", "ModelCheck", "ModelCheckWarning"]
# --- end matrix decompression ---------------------------------------------------------------------

# --- fitting (helper: fitting) -------------------------------------------------------------------
from freecalc.fitting import (  # noqa: E402
    Criterion,
    ErrorMethod,
    FitOptions,
    FitResult,
    OptimizerOptions,
    Phase,
    PhaseOptions,
    RankEntry,
    ScaleOption,
    SpikeOptions,
    TailOptions,
    fit,
)

__all__ += ["fit", "FitResult", "RankEntry", "Phase", "ScaleOption", "Criterion", "ErrorMethod", "FitOptions",
            "OptimizerOptions", "TailOptions", "SpikeOptions", "PhaseOptions"]
# --- end fitting ---------------------------------------------------------------------------------

# --- implicit matrices (helper: engineer G) --------------------------------------------------------
from freecalc.matrices import GramMatrix, ImplicitMatrix, Kernel, KernelMatrix  # noqa: E402

__all__ += ["KernelMatrix", "GramMatrix", "ImplicitMatrix", "Kernel"]
# --- end implicit matrices -------------------------------------------------------------------------

# --- whole-model analysis -------------------------------------------------------------------------------------------
# fc.analyze is loaded on first use (PEP 562): freecalc.analysis sits above freecalc.plotting (it writes per-layer
# figures), so an eager import here would make every module that imports the root package depend on plotting.


def __getattr__(name: str):
    if name == "analyze":
        import importlib

        return importlib.import_module("freecalc.analysis.analyze").analyze
    raise AttributeError(f"module 'freecalc' has no attribute {name!r}")


__all__ += ["analyze"]
# --- end whole-model analysis ---------------------------------------------------------------------------------------

# --- covariance spectra (helper: engineer I) -----------------------------------------------------------------------
from freecalc.covariance import (  # noqa: E402
    PopulationEstimate,
    PopulationMethod,
    ShrinkageMethod,
    population_spectrum,
    shrink_covariance,
    shrunk_eigenvalues,
    silverstein_equation,
)

__all__ += ["shrunk_eigenvalues", "shrink_covariance", "ShrinkageMethod", "population_spectrum", "PopulationMethod",
            "PopulationEstimate", "silverstein_equation"]
# --- end covariance spectra ----------------------------------------------------------------------------------------
