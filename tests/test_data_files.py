"""Reading a data file for the command line (freecalc/_data_files.py): the values come back unchanged, and every
defect of the file is one CLIError naming it. The hostile-file corpus runs end to end in test_cli_fuzz.py."""
from pathlib import Path

import numpy as np
import pytest
from numpy.lib import format as npy_format

from freecalc._data_files import load_array
from freecalc._frontend import CLIError


@pytest.mark.parametrize("suffix", [".npy", ".txt", ".csv"])
def test_values_round_trip(tmp_path: Path, suffix: str) -> None:
    data = np.random.default_rng(0).standard_normal((3, 4))
    path = tmp_path / f"d{suffix}"
    if suffix == ".npy":
        np.save(path, data)
    else:
        np.savetxt(path, data, delimiter="," if suffix == ".csv" else " ", fmt="%.17g")
    np.testing.assert_array_equal(load_array(path), data)  # %.17g round-trips a double exactly


def test_memory_map_is_read_only_view(tmp_path: Path) -> None:
    path = tmp_path / "m.npy"
    np.save(path, np.eye(3))
    arr = load_array(path, mmap=True)
    assert isinstance(arr, np.memmap) and not arr.flags.writeable
    np.testing.assert_array_equal(arr, np.eye(3))


def test_lying_header_is_refused_before_mapping(tmp_path: Path) -> None:
    path = tmp_path / "lie.npy"
    with open(path, "wb") as fh:
        npy_format.write_array_header_1_0(fh, {"descr": "<f8", "fortran_order": False, "shape": (10 ** 6, 10 ** 6)})
        fh.write(np.zeros(4).tobytes())
    with pytest.raises(CLIError, match=r"corrupt.*1000000×1000000.*32 bytes"):
        load_array(path, mmap=True)


@pytest.mark.parametrize("make, fragment", [
    (lambda p: np.save(p, np.array([0.5, np.nan])), "non-finite value.*index 1"),
    (lambda p: np.save(p, np.zeros((2, 2, 2))), "3-D array"),
    (lambda p: np.save(p, np.ones(2, dtype=complex)), "real numeric array"),
    (lambda p: p.write_bytes(b""), "empty file"),
    (lambda p: p.mkdir(), "directory"),
    (lambda p: None, "no such file"),
])
def test_defects_are_one_error_naming_the_file(tmp_path: Path, make, fragment: str) -> None:
    path = tmp_path / "bad.npy"
    make(path)
    with pytest.raises(CLIError, match=fragment) as info:
        load_array(path)
    assert "bad.npy" in str(info.value) and "\n" not in str(info.value)
