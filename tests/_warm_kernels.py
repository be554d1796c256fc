"""Compile the most used numba kernels into numba's on-disk cache before a parallel test run starts.

Run by ``tests/conftest.py`` (``_warm_numba_cache``) as two processes side by side, ``python tests/_warm_kernels.py 0``
and ``... 1``, each calling a disjoint half of the public numeric API, when the run starts on two xdist workers with an
empty cache (a clean clone, as in CI). Without it both workers compile the same kernels (``cache=True`` only helps
once a file is written), and so does every test that starts a fresh interpreter. Only the cache is affected: every
test still computes its own results, and a kernel missed here is compiled on first use as before.
"""
from __future__ import annotations

import os
import sys

for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def _laws() -> None:
    import numpy as np

    import freecalc as fc

    x = np.linspace(0.1, 3.0, 7)
    mp = fc.MarchenkoPastur(0.5)
    for law in (mp, fc.Semicircle(1.0), fc.HTMP(0.5, 2.0), fc.InverseHTMP(0.5, 2.0), fc.KestenMcKay(3),
                fc.Wachter(0.6, 0.8), fc.FreeMeixner(0.0, 1.0, 0.5), fc.PointMass(1.0), 2.0 * mp, mp + 1.0,
                fc.FreePoisson(2.0), fc.FussCatalan(2), fc.FreeBessel(2, 0.5), fc.FreeStable(1.0, 0.0, 2.0)):
        law.pdf(x), law.cdf(x), law.stieltjes(x + 1j), law.stieltjes(x + 0.001j), law.ppf(np.array([0.1, 0.5]))
        law.pdf(1.0), law.cdf(1.0), law.ppf(0.5), law.stieltjes(1.0 + 1j)


def _operations() -> None:
    import numpy as np

    import freecalc as fc

    rng = np.random.default_rng(3)
    a = rng.standard_normal((300, 100))
    fc.fit(np.linalg.eigvalsh(a.T @ a / 300))
    x = np.linspace(-2.0, 4.0, 9)
    for method in (fc.Method.AUTO, fc.Method.NUMERIC):
        law = fc.free_add(fc.Semicircle(2.0), fc.MarchenkoPastur(0.5), method=method)
        law.pdf(x), law.cdf(x), law.stieltjes(x + 1j), law.ppf(0.5)
    law = fc.free_mul(fc.MarchenkoPastur(0.5), fc.MarchenkoPastur(0.25))
    law.pdf(x), law.cdf(x), law.stieltjes(x + 1j), law.ppf(0.5)


def main(part: int) -> None:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from conftest import _serialise_numba_cache_writes  # the two warm-up processes save into the same cache files

    _serialise_numba_cache_writes()
    (_laws, _operations)[part]()


if __name__ == "__main__":
    main(int(sys.argv[1]))
