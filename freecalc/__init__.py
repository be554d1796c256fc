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
# --- end laws ------------------------------------------------------------------------------------

# --- htmp (helper: htmp) -------------------------------------------------------------------------
# --- end htmp ------------------------------------------------------------------------------------

# --- algebra (helper: algebra) -------------------------------------------------------------------
# --- end algebra ---------------------------------------------------------------------------------

# --- subordination (helper: subord) --------------------------------------------------------------
# --- end subordination ---------------------------------------------------------------------------

# --- decompression (helper: decomp) --------------------------------------------------------------
from freecalc.operations.decompression import DecompressionError, Route, decompress  # noqa: E402
from freecalc.sampling import haar_stiefel, random_principal_submatrix, submatrix_of_invariant  # noqa: E402

__all__ += ["DecompressionError", "Route", "decompress", "haar_stiefel", "random_principal_submatrix",
            "submatrix_of_invariant"]
# --- end decompression ---------------------------------------------------------------------------

# --- numeric decompression (helper: numdec) ------------------------------------------------------
# --- end numeric decompression -------------------------------------------------------------------

# --- fitting (helper: fitting) -------------------------------------------------------------------
# --- end fitting ---------------------------------------------------------------------------------
