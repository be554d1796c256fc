"""Test-session set-up.

BLAS is pinned to one thread before numpy is imported: multi-threaded OpenBLAS is erratic on the 2-core machines
CI uses (a dense eigvalsh took 18 s unpinned vs 0.06 s pinned under load). Tests never time anything.
"""
import os

for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

# Hypothesis: a fixed, derandomised search in CI (reproducible runs); random exploration on developers' machines.
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")
