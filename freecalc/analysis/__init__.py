"""Whole-model spectral analysis: :func:`analyze` reads the weight matrices of a model (safetensors, PyTorch,
npz, a Hugging Face directory or a mapping) and returns one row of spectral diagnostics per matrix."""
from freecalc.analysis.analyze import (
    COLUMNS,
    AnalysisWarning,
    analysis_options,
    analyze,
    default_laws,
    layer_spectrum,
)
from freecalc.analysis.layers import LayerKind, WeightMatrix, is_embedding_name, select_matrices
from freecalc.analysis.sources import READERS, ModelSourceError, TensorRef, read_source, register_reader

__all__ = ["analyze", "analysis_options",
           "default_laws", "layer_spectrum", "COLUMNS", "AnalysisWarning", "LayerKind", "WeightMatrix",
           "is_embedding_name", "select_matrices", "READERS", "ModelSourceError", "TensorRef", "read_source",
           "register_reader"]
