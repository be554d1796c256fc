"""Pure sympy layer: transforms between moments, free cumulants, R, S and Stieltjes transforms."""
from freecalc.symbolic.transforms import (  # noqa: F401
    cumulants_from_r, free_cumulants_from_moments, m, moments_from_free_cumulants, moments_from_stieltjes,
    r_series_from_cumulants, s_series_from_moments, stieltjes_series_from_moments, u, w, x, z,
)
