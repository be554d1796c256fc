"""Reading a data file for the command line: ``.npy`` (optionally memory-mapped), ``.txt`` or ``.csv`` into a float
array, with every defect of the file (missing, empty, lying ``.npy`` header, wrong dtype or rank, non-finite values)
reported as a one-line :class:`freecalc._frontend.CLIError`. Used by :mod:`freecalc.cli`."""
from __future__ import annotations

import math
import os
import warnings
from pathlib import Path

import numpy as np

from freecalc._frontend import CLIError, _first_line

__all__ = ["load_array"]


def load_array(path: str | os.PathLike[str], *, mmap: bool = False) -> np.ndarray:
    """Read a ``.npy`` (memory-mapped when ``mmap``), ``.txt`` or ``.csv`` file into a float array.

    A ``.npy`` header is checked before any data is read or mapped: a real numeric dtype, 1 or 2 positive
    dimensions, and a file exactly as long as the header says (a header declaring more data than the file holds
    would otherwise be turned into a huge allocation or an overflowing memory map). Data read into memory must be
    finite (a memory-mapped matrix is only sampled, so its entries are checked where they are used).

    Parameters
    ----------
    path : str or os.PathLike
        A ``.npy``, ``.txt`` or ``.csv`` file.
    mmap : bool
        Memory-map a ``.npy`` file instead of reading it.

    Returns
    -------
    ndarray
        1-D or 2-D, float.

    Raises
    ------
    CLIError
        With a one-line message for a missing or unreadable file, an unknown extension, a malformed or lying
        header, non-numeric or non-finite content, or an array that is not 1-D or 2-D.
    """
    p = Path(path)
    if not p.exists():
        raise CLIError(f"no such file: {str(p)!r}")
    if p.is_dir():
        raise CLIError(f"{str(p)!r} is a directory, not a data file")
    suffix = p.suffix.lower()
    if suffix not in (".npy", ".txt", ".csv", ".dat"):
        raise CLIError(f"cannot read {str(p)!r}: expected a .npy, .txt or .csv file")
    if p.stat().st_size == 0:
        raise CLIError(f"{str(p)!r} is an empty file")
    try:
        if suffix == ".npy":
            _check_npy_header(p)
            arr = np.load(p, mmap_mode="r" if mmap else None, allow_pickle=False)
        else:
            with warnings.catch_warnings():
                # numpy warns (instead of raising) on a file with no data rows; the size check below reports it
                warnings.simplefilter("ignore", UserWarning)
                arr = np.loadtxt(p, delimiter="," if suffix == ".csv" else None, dtype=float, ndmin=1)
    except CLIError:
        raise
    except (ValueError, OSError, EOFError, OverflowError, MemoryError) as err:
        raise CLIError(f"cannot read {str(p)!r}: {_first_line(err)}") from None
    if arr.dtype.kind not in "biuf":
        raise CLIError(f"{str(p)!r} holds {arr.dtype} data; a real numeric array is needed")
    if arr.ndim not in (1, 2):
        raise CLIError(f"{str(p)!r} holds a {arr.ndim}-D array; expected eigenvalues (1-D) or a matrix (2-D)")
    if arr.size == 0:
        raise CLIError(f"{str(p)!r} is empty")
    if not mmap:
        finite = np.isfinite(arr)
        if not finite.all():
            first = tuple(int(i) for i in np.argwhere(~finite)[0])
            raise CLIError(f"{str(p)!r} holds {int((~finite).sum())} non-finite value(s) (NaN or ±inf), the first "
                           f"at index {first if len(first) > 1 else first[0]}; remove them before fitting")
    return arr


def _check_npy_header(p: Path) -> None:
    """Validate a ``.npy`` header against the file: dtype, shape, and data length (see :func:`load_array`)."""
    from numpy.lib import format as npy_format

    name = str(p)
    with open(p, "rb") as fh:
        try:
            version = npy_format.read_magic(fh)
        except ValueError:
            raise CLIError(f"cannot read {name!r}: not a .npy file (no numpy magic header)") from None
        try:
            if version == (1, 0):
                shape, _, dtype = npy_format.read_array_header_1_0(fh)
            elif version == (2, 0):
                shape, _, dtype = npy_format.read_array_header_2_0(fh)
            else:
                raise CLIError(f"cannot read {name!r}: unsupported .npy format version {version}")
        except CLIError:
            raise
        except Exception as err:  # noqa: BLE001 - numpy's header parser raises tokenizer, syntax, value errors...
            raise CLIError(f"cannot read {name!r}: malformed .npy header ({type(err).__name__}: "
                           f"{_first_line(err)})") from None
        offset = fh.tell()
    if dtype.hasobject or dtype.fields is not None or dtype.kind not in "biuf":
        raise CLIError(f"{name!r} holds {dtype} data; a real numeric array is needed")
    if len(shape) not in (1, 2):
        raise CLIError(f"{name!r} holds a {len(shape)}-D array; expected eigenvalues (1-D) or a matrix (2-D)")
    if any(int(d) < 1 for d in shape):
        raise CLIError(f"{name!r} is empty (shape {tuple(shape)})")
    expected = math.prod(int(d) for d in shape) * dtype.itemsize  # Python integers: no overflow
    actual = p.stat().st_size - offset
    if actual != expected:
        dims = "×".join(str(int(d)) for d in shape)
        raise CLIError(f"{name!r} is corrupt: its header declares a {dims} {dtype} array ({expected} bytes of "
                       f"data) but the file holds {actual} bytes after the header")
