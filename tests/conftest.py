"""Test-session set-up.

BLAS is pinned to one thread before numpy is imported: multi-threaded OpenBLAS is erratic on the 2-core machines
CI uses (a dense eigvalsh took 18 s unpinned vs 0.06 s pinned under load). Tests never time anything.

The default run leaves out the ``slow`` set and runs on two pytest-xdist workers (``addopts`` in pyproject.toml);
``.ci/run`` runs ``python -m pytest -q -m slow`` as its second step (docs/dev/contributing.md, "Running the tests").
"""
import os

for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

# The variables act only if numpy is not loaded yet, and a plugin may load it first (zarr's pytest plugin does, before
# any conftest): without this a `-n 0` run kept 2 OpenBLAS threads (a 500×500 eigh took 13 s under load, 0.2 s pinned)
from threadpoolctl import threadpool_limits  # noqa: E402

_BLAS_LIMIT = threadpool_limits(limits=int(os.environ["OPENBLAS_NUM_THREADS"]), user_api="blas")

# Hypothesis profiles (docs/dev/contributing.md). No profile has a deadline or the too_slow health check: tests
# never time anything, and Hypothesis' default 200 ms deadline made a cheap property fail under load
# (DeadlineExceeded / Flaky) and pass on rerun; too_slow (data generation over ~1 s) is the same clock. A test whose
# own settings list suppress_health_check replaces this list, so it must name too_slow as well.
# Every run is derandomised (the same examples each time, no example database) unless random exploration is asked for:
# * "dev" (default) and "ci" (loaded when the CI variable is set): derandomised, no deadline;
# * "thorough": random, 10x the examples of every property (tests/properties scale their counts by
#   max_examples / 100), for a long local hunt: HYPOTHESIS_PROFILE=thorough python -m pytest tests/properties.
#   FREECALC_THOROUGH_EXAMPLES=N sets its max_examples (default 1000, i.e. 10x; 5600 gives ~10,000 property
#   examples in tests/properties, about an hour on one core).
# HYPOTHESIS_PROFILE, when set, wins over CI.
from hypothesis import HealthCheck, settings  # noqa: E402

_UNTIMED = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", derandomize=True, **_UNTIMED)
settings.register_profile("ci", derandomize=True, **_UNTIMED)
settings.register_profile("thorough", max_examples=int(os.environ.get("FREECALC_THOROUGH_EXAMPLES", "1000")),
                          **_UNTIMED)
# an unknown name raises InvalidArgument listing the registered profiles
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


def _serialise_numba_cache_writes() -> None:
    """Make numba's on-disk cache safe for the concurrent processes of a test run.

    The two xdist workers (and forked process-pool workers) compile the same ``cache=True`` kernels into the same
    ``__pycache__``. numba writes each file atomically, but ``IndexDataCacheFile.save``
    reads the index, picks the first free data-file number and writes both back without a lock: two processes
    saving *different* signatures of one kernel at the same moment can both pick ``<kernel>.1.nbc``, and the index
    then maps one signature to the other's machine code. An exclusive ``flock`` on a per-kernel lock file around
    the read-modify-write removes the race; loads need no lock (both files are replaced atomically).
    """
    try:
        import fcntl
    except ImportError:  # not POSIX: no flock; numba's unlocked writes as they are
        return
    from numba.core import caching

    save = caching.IndexDataCacheFile.save
    if getattr(save, "_freecalc_locked", False):
        return

    def locked_save(self, key, data):
        with open(self._index_path + ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                save(self, key, data)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    locked_save._freecalc_locked = True
    caching.IndexDataCacheFile.save = locked_save


_serialise_numba_cache_writes()


# ---------------------------------------------------------------------------------------------------------------------
# Shared laws: built once per test process (each xdist worker) instead of once per test. Only for tests that use the
# law as a fixed input; a regression test about a fresh law's first call (cdf on a scalar before any grid exists,
# warnings raised once) must keep building its own.
# ---------------------------------------------------------------------------------------------------------------------
import pytest  # noqa: E402


@pytest.fixture(scope="session")
def sc_plus_mp():
    """Semicircle(2) ⊞ MarchenkoPastur(0.5): an AlgebraicLaw from an exact free convolution (cubic equation)."""
    import freecalc as fc

    return fc.free_add(fc.Semicircle(2), fc.MarchenkoPastur(0.5))


@pytest.fixture(scope="session")
def mp_times_mp():
    """MarchenkoPastur(0.5) ⊠ MarchenkoPastur(0.25): an AlgebraicLaw from an exact free multiplication."""
    import freecalc as fc

    return fc.free_mul(fc.MarchenkoPastur(0.5), fc.MarchenkoPastur(0.25))


# ---------------------------------------------------------------------------------------------------------------------
# Example counts of the property tests (freecalc/testing/counting.py). A property body decorated with ``counted``
# counts each example it runs under the running test's node id; the count travels with the test's report (user
# properties reach the xdist controller), and the session summary prints examples per test family and the total.
# ``--example-counts=PATH`` also writes them (per test, per family, total, failed tests) to a JSON file.
# ---------------------------------------------------------------------------------------------------------------------
_EXAMPLE_COUNTS: dict[str, tuple[int, str]] = {}


def pytest_addoption(parser):
    parser.addoption("--example-counts", metavar="PATH", default=None,
                     help="write the examples run by each property test (and per family, total) to a JSON file")


_EXAMPLE_COUNTS_PATH: list = [None]


def pytest_configure(config):
    # the xdist controller collects the counts of every worker and writes them; a worker writes nothing
    if not hasattr(config, "workerinput"):
        _EXAMPLE_COUNTS_PATH[0] = config.getoption("--example-counts")
        _warm_numba_cache(config)


def _warm_numba_cache(config) -> None:
    """Fill an empty numba cache once, in two processes side by side, before the xdist workers start.

    From a clean clone (CI) both workers would otherwise compile the same ``cache=True`` kernels, and so would every
    test that starts a fresh interpreter: compilation was most of a cold run (docs/dev/testing.md, "Suite time").
    Only for a run over whole directories (the README's command) on ≥ 2 workers with no kernel cached yet; a warm-up
    that fails is reported as a warning and changes nothing else (kernels then compile on first use, as without it).
    """
    import glob
    import importlib.util
    import subprocess
    import sys

    n = config.getoption("numprocesses", None)
    if not (isinstance(n, int) and n >= 2 or n in ("auto", "logical")):
        return
    if not config.args or not all(os.path.isdir(a) for a in config.args):
        return
    spec = importlib.util.find_spec("freecalc")
    if spec is None or not spec.submodule_search_locations:
        return
    package = spec.submodule_search_locations[0]
    if glob.glob(os.path.join(package, "kernels", "__pycache__", "*.nbi")):
        return
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_warm_kernels.py")
    procs = [subprocess.Popen([sys.executable, script, str(part)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True) for part in (0, 1)]
    for part, proc in enumerate(procs):
        _, err = proc.communicate()
        if proc.returncode != 0:
            tail = (err.strip().splitlines() or ["(no output)"])[-1]
            config.issue_config_time_warning(pytest.PytestWarning(
                f"numba cache warm-up part {part} failed (exit {proc.returncode}): {tail}"), stacklevel=2)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    from freecalc.testing.counting import counting_for, examples_run

    before = examples_run(item.nodeid)
    with counting_for(item.nodeid):
        yield
    n = examples_run(item.nodeid) - before
    if n:
        item.user_properties.append(("freecalc_examples", n))


def pytest_runtest_logreport(report):
    if report.when != "call":
        return
    for name, value in report.user_properties:
        if name == "freecalc_examples":
            _EXAMPLE_COUNTS[report.nodeid] = (int(value), report.outcome)
            _write_example_counts()


def _write_example_counts() -> None:
    # rewritten after every test, so a long run that is stopped early still leaves its counts so far
    import json

    path = _EXAMPLE_COUNTS_PATH[0]
    if path:
        with open(path, "w") as fh:
            json.dump(example_count_summary(_EXAMPLE_COUNTS), fh, indent=1)


def example_count_summary(counts: dict[str, tuple[int, str]]) -> dict:
    """Examples per test, per family (file::function) and in total, and the tests that failed."""
    from freecalc.testing.counting import family_of

    families: dict[str, int] = {}
    for nodeid, (n, _) in counts.items():
        families[family_of(nodeid)] = families.get(family_of(nodeid), 0) + n
    return {"tests": {k: n for k, (n, _) in sorted(counts.items())},
            "families": dict(sorted(families.items())),
            "total": sum(n for n, _ in counts.values()),
            "failed": sorted(k for k, (_, outcome) in counts.items() if outcome == "failed")}


def pytest_terminal_summary(terminalreporter, config):
    if not _EXAMPLE_COUNTS or hasattr(config, "workerinput"):
        return
    summary = example_count_summary(_EXAMPLE_COUNTS)
    tr = terminalreporter
    tr.section("property examples run")
    for family, n in summary["families"].items():
        tr.write_line(f"{n:8d}  {family}")
    tr.write_line(f"{summary['total']:8d}  in total, {len(summary['tests'])} tests, "
                  f"{len(summary['failed'])} failed")
