"""Operations on laws: free convolutions, pushforwards, (de)compression, model checks."""

# Importing any operation module runs this file first, and these imports register every implementation and
# closed-form rule with the registries they extend: ``law + a``, ``a * law``, ``-law`` and ``law.decompress``
# (freecalc.laws.base.register_operation), the identities of ⊞/⊠, the pushforward rules and the exact decompression
# rules (HTMP and InverseHTMP included), so a rule never depends on which operation module a user imported first.
from freecalc.operations import catalogue_rules as _catalogue_rules  # noqa: F401
from freecalc.operations import decompression as _decompression  # noqa: F401
from freecalc.operations import exact_decompression as _exact_decompression  # noqa: F401
from freecalc.operations import heavy_tail_decompression as _heavy_tail_decompression  # noqa: F401
from freecalc.operations import parametric_decompression as _parametric_decompression  # noqa: F401
from freecalc.operations import stable_rules as _stable_rules  # noqa: F401
