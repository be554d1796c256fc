"""freecalc: a symbolic-numeric free probability algebra system.

Spectral laws are first-class objects with a symbolic face (sympy) and a numeric face (numpy/numba)
that describe the same measure. See ``docs/`` for concepts and conventions.

The names below are the public API (``__all__``), grouped by layer: declared parameters and the law base class;
the named and generic laws; operations (free convolution, pushforwards, (de)compression); spectral functionals;
fitting; covariance spectra; sources of large matrices. ``fc.analyze`` is loaded on first use.
"""

__version__ = "0.1.0"

# -- parameters, the law base class and its extension hooks (docs/dev/extending.md) --------------------------------
from freecalc._params import POSITIVE, REAL, Domain, Parameter, SymbolicParameterError
from freecalc.laws.base import Law
from freecalc.laws.extension import FitHints, Kernels

# -- laws -----------------------------------------------------------------------------------------------------------
from freecalc.laws.algebraic import AlgebraicLaw, to_algebraic
from freecalc.laws.arcsine import Arcsine
from freecalc.laws.decompressed import DecompressedLaw, Solver
from freecalc.laws.discrete import Atoms, PointMass
from freecalc.laws.empirical import Empirical, FittedSpectrum, Variable
from freecalc.laws.free_meixner import FreeMeixner, ShiftedFreeMeixner
from freecalc.laws.free_poisson import FreePoisson
from freecalc.laws.fuss_catalan import FussCatalan
from freecalc.laws.htmp import HTMP, InverseHTMP
from freecalc.laws.kesten_mckay import KestenMcKay
from freecalc.laws.marchenko_pastur import MarchenkoPastur
from freecalc.laws.numeric import ConvergenceError, ConvergenceWarning, NumericLaw
from freecalc.laws.semicircle import Semicircle
from freecalc.laws.wachter import Wachter

# -- operations (importing pushforward registers law + a, a * law, -law) --------------------------------------------
from freecalc.operations.convolution import Method, free_add, free_mul
from freecalc.operations.decompression import (
    DecompressionError,
    DecompressionReport,
    DecompressionWarning,
    Route,
    decompress,
)
from freecalc.operations.matrix_decompression import MatrixRoute, decompress_matrix
from freecalc.operations.model_check import ModelCheck, ModelCheckWarning
from freecalc.operations.numeric_decompression import decompress_numeric
from freecalc.operations.parametric_decompression import FitMethod as DecompressionFitMethod, fit_free_meixner
from freecalc.operations.pushforward import compress, inverse, power, wishart_of
from freecalc.operations import catalogue_rules as _catalogue_rules  # noqa: F401  (FreePoisson, Arcsine rules)
from freecalc.operations.mixture import mixture
from freecalc.operations.pushforward_maps import mobius, square
from freecalc import finite  # finite free probability: fc.finite.free_add, free_mul, compress
from freecalc.numerics.solvers import FailurePolicy, SolverStatus

# -- functionals ----------------------------------------------------------------------------------------------------
from freecalc.functionals import (
    EdgeRule,
    Estimate,
    condition_number,
    extreme_eigenvalues,
    lambda_max,
    lambda_min,
    logdet,
    slogdet,
    trace,
    trace_inverse,
)
from freecalc.information import free_entropy, free_fisher_information

# -- fitting --------------------------------------------------------------------------------------------------------
from freecalc.fitting import (
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

# -- covariance spectra ---------------------------------------------------------------------------------------------
from freecalc.covariance import (
    PopulationEstimate,
    PopulationMethod,
    ShrinkageMethod,
    population_spectrum,
    shrink_covariance,
    shrunk_eigenvalues,
    silverstein_equation,
)

# -- sources of large matrices --------------------------------------------------------------------------------------
from freecalc.matrices import GramMatrix, ImplicitMatrix, Kernel, KernelMatrix
from freecalc.example_matrices import ExampleKind, example_matrix
from freecalc.sampling import haar_stiefel, random_principal_submatrix, submatrix_of_invariant

__all__ = [
    # parameters and base class
    "Domain", "POSITIVE", "REAL", "Parameter", "SymbolicParameterError", "Law", "Kernels", "FitHints",
    # laws
    "Semicircle", "MarchenkoPastur", "KestenMcKay", "Wachter", "FreeMeixner", "ShiftedFreeMeixner", "HTMP",
    "InverseHTMP", "AlgebraicLaw", "to_algebraic", "PointMass", "Atoms", "NumericLaw", "ConvergenceWarning",
    "ConvergenceError", "Empirical", "FittedSpectrum", "Variable", "DecompressedLaw", "Solver",
    "FreePoisson", "Arcsine", "FussCatalan",
    # operations
    "Method", "free_add", "free_mul", "inverse", "power", "compress", "wishart_of",
    "square", "mobius", "mixture",
    "DecompressionError", "DecompressionReport", "DecompressionWarning", "Route", "decompress",
    "decompress_numeric", "fit_free_meixner", "DecompressionFitMethod",
    "decompress_matrix", "MatrixRoute", "ModelCheck", "ModelCheckWarning",
    "FailurePolicy", "SolverStatus",
    # functionals
    "EdgeRule", "Estimate", "condition_number", "extreme_eigenvalues", "lambda_max", "lambda_min", "logdet",
    "slogdet", "trace", "trace_inverse", "free_entropy", "free_fisher_information",
    # fitting
    "fit", "FitResult", "RankEntry", "Phase", "ScaleOption", "Criterion", "ErrorMethod", "FitOptions",
    "OptimizerOptions", "TailOptions", "SpikeOptions", "PhaseOptions",
    # covariance spectra
    "shrunk_eigenvalues", "shrink_covariance", "ShrinkageMethod", "population_spectrum", "PopulationMethod",
    "PopulationEstimate", "silverstein_equation",
    # sources of large matrices
    "KernelMatrix", "GramMatrix", "ImplicitMatrix", "Kernel", "haar_stiefel", "random_principal_submatrix",
    "example_matrix", "ExampleKind",
    "submatrix_of_invariant",
    # whole-model analysis (loaded on first use, below)
    "analyze",
]


def __getattr__(name: str):
    # fc.analyze on first use (PEP 562): freecalc.analysis sits above freecalc.plotting (it writes per-layer figures),
    # so an eager import here would make every module that imports the root package depend on plotting.
    if name == "analyze":
        import importlib

        return importlib.import_module("freecalc.analysis.analyze").analyze
    raise AttributeError(f"module 'freecalc' has no attribute {name!r}")
