"""Run every benchmark in this folder: ``python benchmarks/run_all.py [--quick] [names...]``.

Each ``bench_*.py`` runs in its own process with BLAS and numba pinned to one thread (multi-threaded OpenBLAS is
erratic on the 2-core machines this project targets), writes its table to ``benchmarks/results/<name>.md`` and
prints it. Peers (freealg, rmtool, weightwatcher) live in their own virtual environments under
``benchmarks/.venv-<peer>`` (see ``benchmarks/requirements-<peer>.txt``); a benchmark whose peer is missing reports
our side only and says so. ``benchmarks/.venv-data`` (``requirements-data.txt``) supplies the real data set of
``bench_real_matrices.py``. Every ``bench_*.py`` here is run (registered by its name).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PINNED = {"OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmark names (e.g. laws algebra); default: all")
    parser.add_argument("--quick", action="store_true", help="pass --quick to every benchmark (fewer cases)")
    args = parser.parse_args(argv)
    scripts = sorted(HERE.glob("bench_*.py"))
    if args.names:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in args.names]
    env = {**os.environ, **PINNED}
    failures = []
    for script in scripts:
        print(f"=== {script.stem} (BLAS/numba threads pinned to 1)", flush=True)
        t0 = time.perf_counter()
        cmd = [sys.executable, str(script)] + (["--quick"] if args.quick else [])
        rc = subprocess.call(cmd, env=env, cwd=HERE.parent)
        print(f"=== {script.stem}: exit {rc} in {time.perf_counter() - t0:.1f} s", flush=True)
        if rc:
            failures.append(script.stem)
    if failures:
        print("failed:", ", ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
