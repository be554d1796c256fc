"""The test session's own set-up (tests/conftest.py): BLAS runs on one thread in every test process."""
from threadpoolctl import threadpool_info


def test_blas_is_pinned_to_one_thread():
    # multi-threaded OpenBLAS is erratic on the 2-core CI machines (a 500×500 eigh took 13 s under load instead of
    # 0.2 s); the environment variables alone come too late when a plugin (zarr's) has loaded numpy first
    blas = [d for d in threadpool_info() if d["user_api"] == "blas"]
    assert blas, "no BLAS library loaded"
    assert all(d["num_threads"] == 1 for d in blas), blas
