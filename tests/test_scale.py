"""Scale-out paths of ``decompress_matrix``: out-of-core sources, repeats on a process pool and on a Dask cluster.

Parallel runs must equal the serial run for the same seed (all randomness is drawn on the driver), also when a Dask
worker dies in the middle of a task and the task is run again elsewhere. Sizes are small (n <= 1500, sample 120):
these tests check plumbing and determinism, not accuracy.
"""
from __future__ import annotations

import concurrent.futures
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import zarr
from dask.distributed import Client, LocalCluster

import freecalc as fc
from freecalc.sampling import random_principal_submatrix

# These tests compare runs with each other; whether a sample of 120 decompresses accurately is not their subject.
pytestmark = pytest.mark.filterwarnings("ignore::freecalc.ModelCheckWarning",
                                        "ignore::freecalc.operations.decompression.DecompressionWarning")

N, SAMPLE, REPEATS, SEED = 1200, 120, 3, 2026
# Every repeat is computed by the same code on the same inputs, in another process: results agree to rounding
# (BLAS may block differently per process), far below 1e-9 relative.
RTOL = 1e-9


@pytest.fixture(scope="module")
def wigner_zarr(tmp_path_factory):
    g = np.random.default_rng(7).standard_normal((N, N))
    z = zarr.open_array(str(tmp_path_factory.mktemp("scale") / "w.zarr"), mode="w", shape=(N, N),
                        chunks=(200, 200), dtype="f8")
    z[:] = (g + g.T) / np.sqrt(2 * N)
    return z


@pytest.fixture(scope="module")
def kernel_matrix():
    return fc.KernelMatrix(np.random.default_rng(8).standard_normal((1500, 3)), "rbf", gamma=0.5)


@pytest.fixture(scope="module")
def dask_client():
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def process_pool():
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        yield pool


def _run(A, client, **kw):
    return fc.decompress_matrix(A, SAMPLE, repeats=REPEATS, rng=SEED, client=client, **kw)


def _grid(laws):
    ends = [e for lw in laws for ab in lw.support for e in ab] + [a for lw in laws for a, _ in lw.atoms]
    return np.linspace(min(ends) - 0.1, max(ends) + 0.1, 97)


def _assert_same(law, ref):
    a, b = law.decompression_report, ref.decompression_report
    assert len(a.repeats) == len(b.repeats) == REPEATS
    assert a.model_check.route == b.model_check.route
    np.testing.assert_allclose(a.model_check.statistic, b.model_check.statistic, rtol=RTOL)
    x = _grid(b.repeats)
    for la, lb in zip(a.repeats, b.repeats):
        np.testing.assert_allclose(la.cdf(x), lb.cdf(x), rtol=RTOL, atol=RTOL)
    np.testing.assert_allclose(law.cdf(x), ref.cdf(x), rtol=RTOL, atol=RTOL)


CASES = {"zarr": ({}, "wigner_zarr"), "kernel": ({"route": "operator"}, "kernel_matrix")}


@pytest.mark.parametrize("case", list(CASES))
# the Dask cases start a two-process LocalCluster (~5-10 s)
@pytest.mark.parametrize("executor", ["process_pool", pytest.param("dask_client", marks=pytest.mark.slow)])
def test_parallel_equals_serial(case, executor, request):
    kw, source = CASES[case]
    A = request.getfixturevalue(source)
    serial = _run(A, None, **kw)
    parallel = _run(A, request.getfixturevalue(executor), **kw)
    _assert_same(parallel, serial)
    # and the seed matters: another seed samples other submatrices
    other = fc.decompress_matrix(A, SAMPLE, repeats=1, rng=SEED + 1, **kw)
    x = _grid([other, serial])
    assert np.max(np.abs(other.cdf(x) - serial.cdf(x))) > 1e-3


@pytest.mark.slow  # a fresh interpreter starting its own Dask cluster and killing a worker: ~20 s
def test_killed_worker_task_is_rerun_with_the_same_result():
    # In its own interpreter: there the killing callable is shipped to the workers by value (a class of this test
    # module, imported by path, cannot be unpickled by the workers, and the computation never completes). The
    # scheduler reruns the tasks of a dead worker elsewhere (distributed's allowed-failures, default 3); the rerun
    # draws nothing new because every task receives its generator from the driver. The timeout bounds a hang.
    script = Path(__file__).with_name("scale_scripts") / "killed_worker.py"
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    assert proc.stdout.strip().splitlines()[-1] == "SAME", proc.stdout[-2000:]


def test_memmap_read_keeps_pages_unmapped(tmp_path):
    """Reading a principal submatrix of a memory map leaves O(n_s^2 + block) resident, not the n_s rows read."""
    n, n_s = 4096, 2048  # 64 MiB file; the sampled rows span nearly all of it
    A = np.lib.format.open_memmap(tmp_path / "a.npy", mode="w+", dtype=np.float32, shape=(n, n))
    for i in range(0, n, 512):
        A[i:i + 512] = 1.0
    A.flush()
    del A
    A = np.load(tmp_path / "a.npy", mmap_mode="r")

    def rss_file_mib():
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("RssFile:"):
                return int(line.split()[1]) / 1024
        pytest.fail("no RssFile in /proc/self/status")

    before = rss_file_mib()
    sub = random_principal_submatrix(A, n_s, rng=0, block_bytes=2**20)
    after = rss_file_mib()
    assert sub.matrix.shape == (n_s, n_s) and np.all(sub.matrix == 1.0)
    # without releasing, the 2048 rows read (32 MiB) stay mapped; with it, at most one 1 MiB block plus readahead
    assert after - before < 8, (before, after)
