"""Operations on laws: free convolutions, pushforwards, (de)compression, model checks."""

# registers the exact decompression rules of HTMP and InverseHTMP (register_exact_rule) on first import
from freecalc.operations import heavy_tail_decompression as _heavy_tail_decompression  # noqa: F401
