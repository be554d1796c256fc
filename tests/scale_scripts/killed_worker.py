"""A Dask worker killed in the middle of a repeat: the scheduler reruns the task elsewhere and decompress_matrix
returns exactly the serial result (run by tests/test_scale.py in its own interpreter, where the callable below is
shipped to the workers by value; prints SAME on success)."""
import os
import signal
import sys
import tempfile

import numpy as np
from dask.distributed import Client, LocalCluster

import freecalc as fc

N, SAMPLE, REPEATS, SEED = 1200, 120, 3, 2026


class KillFirstAttempt:
    """Entries of ``source``; the first call anywhere SIGKILLs its own process (a marker file shared by all workers
    records it), later calls read the entries."""

    def __init__(self, marker: str, source: np.ndarray) -> None:
        self.marker, self.source = marker, source

    def __call__(self, rows, cols):
        try:
            fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            pass
        else:
            os.close(fd)
            os.kill(os.getpid(), signal.SIGKILL)
        return self.source[np.ix_(rows, cols)]


def main() -> int:
    g = np.random.default_rng(7).standard_normal((N, N))
    W = (g + g.T) / np.sqrt(2 * N)
    marker = os.path.join(tempfile.mkdtemp(), "killed-once")
    A = fc.ImplicitMatrix(N, KillFirstAttempt(marker, W))
    open(marker, "w").close()  # the serial reference must not kill this process
    serial = fc.decompress_matrix(A, SAMPLE, repeats=REPEATS, rng=SEED)
    os.remove(marker)
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        parallel = fc.decompress_matrix(A, SAMPLE, repeats=REPEATS, rng=SEED, client=client)
    if not os.path.exists(marker):
        print("NO KILL: no task ran on a worker")
        return 1
    x = np.linspace(-1.5, 1.5, 97)
    diffs = [np.max(np.abs(a.cdf(x) - b.cdf(x))) for a, b in zip(parallel.decompression_report.repeats,
                                                                   serial.decompression_report.repeats)]
    diffs.append(np.max(np.abs(parallel.cdf(x) - serial.cdf(x))))
    print("SAME" if max(diffs) <= 1e-9 else f"DIFFERENT {max(diffs):.3g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
