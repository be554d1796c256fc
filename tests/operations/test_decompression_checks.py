"""Floor (PSD input, ridges) and per-route option checks of free decompression."""
import math

import numpy as np
import pytest
import sympy as sp

import freecalc as fc
from freecalc.operations.decompression_checks import (
    PSD_ROUNDOFF, below_floor, check_options, resolve_floor, source_floor,
)


def test_source_floor():
    # eigenvalues of a PSD matrix: ≥ −round-off counts as PSD (eigvalsh of a singular Gram matrix gives ~−1e-16)
    X = np.random.default_rng(0).standard_normal((50, 20))
    ev = np.linalg.eigvalsh(X @ X.T)  # rank 20: 30 zero eigenvalues, some slightly negative
    assert ev[0] < 0 and source_floor(fc.Empirical(ev)) == 0.0
    tol = PSD_ROUNDOFF * ev.size * np.finfo(float).eps * np.max(np.abs(ev))
    assert source_floor(fc.Empirical(np.r_[-10 * tol, ev[1:]])) is None  # beyond round-off: not PSD
    assert source_floor(fc.MarchenkoPastur(0.3)) == 0.0 and source_floor(fc.Wachter(2.0, 3.0)) == 0.0
    assert source_floor(fc.MarchenkoPastur(1.0)) == 0.0  # support starting exactly at 0
    assert source_floor(fc.Semicircle(1.0)) is None
    assert source_floor(fc.MarchenkoPastur(sp.Symbol("c", positive=True))) is None  # symbolic: unknown


def test_resolve_floor():
    esd = fc.Empirical(np.linspace(0.5, 2.0, 40))
    assert resolve_floor(esd, None) == 0.0
    assert resolve_floor(esd, 0.5) == 0.5 and resolve_floor(esd, -1) == -1.0
    assert resolve_floor(esd, -math.inf) is None
    with pytest.raises(ValueError, match=r"floor=0\.6 is above the smallest eigenvalue 0\.5"):
        resolve_floor(esd, 0.6)
    with pytest.raises(ValueError, match="floor must be a finite number"):
        resolve_floor(esd, math.nan)
    with pytest.raises(ValueError, match="floor must be a finite number"):
        resolve_floor(esd, math.inf)
    for bad in ("0", True, None.__class__):
        with pytest.raises(TypeError, match="floor must be a real number"):
            resolve_floor(esd, bad)


def test_below_floor():
    assert below_floor(fc.Semicircle(1.0, center=0.5), 0.0) == pytest.approx(-0.5)
    assert below_floor(fc.Semicircle(1.0, center=1.0), 0.0) is None  # touching the floor is allowed
    assert below_floor(fc.Semicircle(1.0), None) is None


def test_check_options():
    check_options({}, route="exact", data=False, exact=True, law_name="MarchenkoPastur")
    check_options({"degree": (1, 1)}, route="numeric", data=True, exact=False, law_name="Empirical")
    check_options({"threshold": 3.0}, route="auto", data=True, exact=False, law_name="Empirical")
    with pytest.raises(TypeError, match=r"'grid' for the exact route \(MarchenkoPastur is decompressed exactly\)"):
        check_options({"grid": 64}, route="auto", data=False, exact=True, law_name="MarchenkoPastur")
    with pytest.raises(TypeError, match=r"'outliers', 'solver' for route=AUTO on data.*belong to the numeric"):
        check_options({"solver": "trace", "outliers": 0}, route="auto", data=True, exact=False, law_name="Empirical")
    with pytest.raises(TypeError, match=r"'to' .*second argument"):
        check_options({"to": 400}, route="numeric", data=True, exact=False, law_name="Empirical")
