"""Test-session set-up.

BLAS is pinned to one thread before numpy is imported: multi-threaded OpenBLAS is erratic on the 2-core machines
CI uses (a dense eigvalsh took 18 s unpinned vs 0.06 s pinned under load). Tests never time anything.
"""
import os

for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

# Hypothesis profiles (docs/dev/contributing.md). No profile has a deadline: tests never time anything, and
# Hypothesis' default 200 ms deadline made a cheap property fail under load (DeadlineExceeded / Flaky) and pass on
# rerun. Every run is derandomised (the same examples each time) unless random exploration is asked for:
# * "dev" (default) and "ci" (loaded when the CI variable is set): derandomised, no deadline;
# * "thorough": random, 10x the examples of every property (tests/properties scale their counts by
#   max_examples / 100), for a long local hunt: HYPOTHESIS_PROFILE=thorough python -m pytest tests/properties.
#   FREECALC_THOROUGH_EXAMPLES=N sets its max_examples (default 1000, i.e. 10x; 5600 gives ~10,000 property
#   examples in tests/properties, about an hour on one core).
# HYPOTHESIS_PROFILE, when set, wins over CI.
from hypothesis import settings  # noqa: E402

settings.register_profile("dev", derandomize=True, deadline=None)
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("thorough", max_examples=int(os.environ.get("FREECALC_THOROUGH_EXAMPLES", "1000")),
                          deadline=None)
# an unknown name raises InvalidArgument listing the registered profiles
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))
