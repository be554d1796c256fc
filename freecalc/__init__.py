"""freecalc: a symbolic-numeric free probability algebra system.

Spectral laws are first-class objects with a symbolic face (sympy) and a numeric face (numpy/numba)
that describe the same measure. See ``docs/`` for concepts and conventions.

The names below are the public API (``__all__``), grouped by layer: declared parameters and the law base class;
the named and generic laws; operations (free convolution, pushforwards, (de)compression); spectral functionals;
fitting; covariance spectra; sources of large matrices; whole-model analysis.

Every public name is loaded on first use (PEP 562 module ``__getattr__``): ``import freecalc`` imports only this
file, ``fc.MarchenkoPastur`` imports the Marchenko–Pastur module and what it needs, and sympy, numba kernels and
scipy load with the first call that needs them. To export a name, add it to ``_EXPORTS`` under the module that
defines it (``"Name as Alias"`` exports under another name); ``__all__``, ``dir(freecalc)`` and
``from freecalc import Name`` follow from the table, and ``tests/test_lazy_import.py`` resolves every entry.
"""
from __future__ import annotations

import importlib
import importlib.util
from typing import Any

__version__ = "0.1.0"

#: Public names by the module that defines them, in the order of ``__all__``.
_EXPORTS: dict[str, tuple[str, ...]] = {
    # -- parameters, the law base class and its extension hooks (docs/dev/extending.md) -----------------------------
    "freecalc._params": ("Domain", "POSITIVE", "REAL", "Parameter", "SymbolicParameterError"),
    "freecalc.laws.base": ("Law",),
    "freecalc.laws.extension": ("Kernels", "FitHints"),
    # -- laws -------------------------------------------------------------------------------------------------------
    "freecalc.laws.semicircle": ("Semicircle",),
    "freecalc.laws.marchenko_pastur": ("MarchenkoPastur",),
    "freecalc.laws.kesten_mckay": ("KestenMcKay",),
    "freecalc.laws.wachter": ("Wachter",),
    "freecalc.laws.free_meixner": ("FreeMeixner",),
    "freecalc.laws.shifted_free_meixner": ("ShiftedFreeMeixner",),
    "freecalc.laws.htmp": ("HTMP",),
    "freecalc.laws.inverse_htmp": ("InverseHTMP",),
    "freecalc.laws.algebraic": ("AlgebraicLaw", "to_algebraic"),
    "freecalc.laws.discrete": ("PointMass", "Atoms"),
    "freecalc.laws.numeric": ("NumericLaw", "ConvergenceWarning", "ConvergenceError"),
    "freecalc.laws.empirical": ("Empirical", "FittedSpectrum", "Variable"),
    "freecalc.laws.decompressed": ("DecompressedLaw", "Solver"),
    "freecalc.laws.free_poisson": ("FreePoisson",),
    "freecalc.laws.arcsine": ("Arcsine",),
    "freecalc.laws.fuss_catalan": ("FussCatalan",),
    "freecalc.laws.free_bessel": ("FreeBessel",),
    "freecalc.laws.chiral_block": ("ChiralBlock",),
    "freecalc.laws.compound_free_poisson": ("compound_free_poisson", "CompoundRoute"),
    "freecalc.laws.free_stable": ("FreeStable",),
    # -- operations -------------------------------------------------------------------------------------------------
    "freecalc.operations.convolution": ("Method", "free_add", "free_mul"),
    "freecalc.operations.pushforward": ("inverse", "power", "compress", "wishart_of"),
    "freecalc.operations.pushforward_maps": ("square", "mobius"),
    "freecalc.operations.mixture": ("mixture",),
    "freecalc.operations.deformed": ("deformed_wigner", "deformed_marchenko_pastur"),
    "freecalc.operations.decompression": (
        "DecompressionError", "DecompressionReport", "DecompressionWarning", "Route", "decompress"),
    "freecalc.operations.numeric_decompression": ("decompress_numeric",),
    "freecalc.operations.parametric_decompression": ("fit_free_meixner", "FitMethod as DecompressionFitMethod"),
    "freecalc.operations.matrix_decompression": ("decompress_matrix", "MatrixRoute"),
    "freecalc.operations.model_check": ("ModelCheck", "ModelCheckWarning"),
    "freecalc.numerics.solvers": ("FailurePolicy", "SolverStatus"),
    # -- functionals ------------------------------------------------------------------------------------------------
    "freecalc.functionals": (
        "EdgeRule", "Estimate", "condition_number", "extreme_eigenvalues", "lambda_max", "lambda_min", "logdet",
        "slogdet", "trace", "trace_inverse"),
    "freecalc.information": ("free_entropy", "free_fisher_information"),
    # -- fitting ----------------------------------------------------------------------------------------------------
    "freecalc.fitting": (
        "fit", "FitResult", "RankEntry", "Phase", "ScaleOption", "Criterion", "ErrorMethod", "FitOptions",
        "OptimizerOptions", "TailOptions", "XminRule", "SpikeOptions", "PhaseOptions"),
    # -- covariance spectra -----------------------------------------------------------------------------------------
    "freecalc.covariance": (
        "shrunk_eigenvalues", "shrink_covariance", "ShrinkageMethod", "population_spectrum", "PopulationMethod",
        "PopulationEstimate", "silverstein_equation"),
    # -- sources of large matrices ----------------------------------------------------------------------------------
    "freecalc.matrices": ("KernelMatrix", "GramMatrix", "ImplicitMatrix", "Kernel"),
    "freecalc.sampling": ("haar_stiefel", "random_principal_submatrix", "submatrix_of_invariant"),
    "freecalc.example_matrices": ("example_matrix", "ExampleKind"),
    # -- whole-model analysis ---------------------------------------------------------------------------------------
    "freecalc.analysis.analyze": ("analyze",),
}


def _table() -> dict[str, tuple[str, str]]:
    """Public name -> (module, attribute), read from ``_EXPORTS``."""
    out: dict[str, tuple[str, str]] = {}
    for module, entries in _EXPORTS.items():
        for entry in entries:
            attr, _, alias = entry.partition(" as ")
            out[alias or attr] = (module, attr)
    return out


_WHERE = _table()
__all__ = list(_WHERE)


def __getattr__(name: str) -> Any:
    """Load a public name, or a subpackage such as ``fc.finite``, on first access (then cached in the namespace)."""
    where = _WHERE.get(name)
    if where is not None:
        value = getattr(importlib.import_module(where[0]), where[1])
    elif not name.startswith("__") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | {"finite"})


def _load_laws() -> None:
    """Import every law module of the table above, so that the Law subclasses they define exist.

    Called by :func:`freecalc.fitting.families.law_classes`: ``fc.fit(x)`` compares the candidate laws among the
    classes defined so far, and its law names (``law="mp"``) refer to them.
    """
    for module in _EXPORTS:
        if module.startswith("freecalc.laws."):
            importlib.import_module(module)


def _load_operations() -> None:
    """Import the operation modules, which register their implementations (``law + a``, ``a * law``, ``-law``,
    ``law.decompress``) and closed-form rules with the law layer's registries.

    Called by :func:`freecalc.laws.base.dispatch` the first time an operation is needed, so that a law used on its
    own never loads the operations layer.
    """
    importlib.import_module("freecalc.operations")
