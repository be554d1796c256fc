r"""Reading weight tensors from a model source: a file, a Hugging Face model directory, or a mapping.

A source becomes a list of :class:`TensorRef` — name, shape, dtype and a loader — so a large checkpoint is read one
tensor at a time (safetensors files are memory-mapped by the ``safetensors`` package; nothing is unpickled).

Readers live in a registry keyed by file suffix (:data:`READERS`, :func:`register_reader`):

=====================  =========================================================================================
``.safetensors``       ``safetensors.safe_open(framework="np")``; bfloat16 from the raw bytes (numpy has no
                       bfloat16: the 16 bits are the upper half of a float32, so they are shifted into one)
``.npz``               :func:`numpy.load` with ``allow_pickle=False``
``.bin``, ``.pt``,     ``torch.load(weights_only=True)`` — PyTorch's restricted unpickler, which only rebuilds
``.pth``               tensors and plain containers and refuses arbitrary objects; needs torch
directory              a Hugging Face model directory: its ``*.safetensors`` shards, else ``pytorch_model*.bin``
=====================  =========================================================================================

A mapping name → array (numpy arrays, or torch tensors), or an object with a ``state_dict()`` method (a
``torch.nn.Module``), is read directly. Nested mappings (``{"state_dict": {...}}``) are flattened with dotted names.

Accepted dtypes of weight matrices are float16, bfloat16, float32 and float64 (converted to float64 for the
eigenvalues); :func:`check_dtype` raises a :class:`ModelSourceError` naming the tensor and its dtype otherwise.
"""
from __future__ import annotations

import json
import os
import re
import struct
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["ModelSourceError", "TensorRef", "READERS", "register_reader", "read_source", "check_dtype",
           "FLOAT_DTYPES"]

#: dtypes a weight matrix may have (canonical names, as numpy / torch spell them)
FLOAT_DTYPES = frozenset({"float16", "bfloat16", "float32", "float64"})

# safetensors' dtype codes → canonical names (the format's specification lists these)
_ST_DTYPES = {"F16": "float16", "BF16": "bfloat16", "F32": "float32", "F64": "float64", "I8": "int8",
              "U8": "uint8", "I16": "int16", "U16": "uint16", "I32": "int32", "U32": "uint32", "I64": "int64",
              "U64": "uint64", "BOOL": "bool", "F8_E4M3": "float8_e4m3fn", "F8_E5M2": "float8_e5m2"}


class ModelSourceError(ValueError):
    """A model source that cannot be read: missing or unreadable file, unknown format, unsupported dtype, no
    weight matrices. The message is one line naming the file or tensor."""


@dataclass(frozen=True)
class TensorRef:
    """One tensor of a source: its name, shape and dtype are known without reading its data.

    Parameters
    ----------
    name : str
        Name in the source (e.g. ``model.layers.3.mlp.up_proj.weight``).
    shape : tuple of int
        Its shape.
    dtype : str
        Canonical dtype name (``float32``, ``bfloat16``, ``int64``, ...).
    load : callable
        Returns the tensor as a numpy array of a float dtype (float16/32/64; bfloat16 becomes float32).
    """

    name: str
    shape: tuple
    dtype: str
    load: Callable[[], np.ndarray]


def check_dtype(ref: TensorRef) -> None:
    """Raise :class:`ModelSourceError` unless ``ref`` has one of :data:`FLOAT_DTYPES`.

    Parameters
    ----------
    ref : TensorRef
        The tensor.

    Raises
    ------
    ModelSourceError
        Naming the tensor, its shape and dtype.
    """
    if ref.dtype not in FLOAT_DTYPES:
        raise ModelSourceError(f"tensor {ref.name!r} of shape {tuple(ref.shape)} has dtype {ref.dtype}: weight "
                               f"matrices must be one of {', '.join(sorted(FLOAT_DTYPES))} (a quantized model must "
                               f"be dequantized first)")


# -- the registry ---------------------------------------------------------------------------------------------------

Reader = Callable[[Path], list]
#: file suffix (lower case, with the dot) → reader returning a list of TensorRef
READERS: dict[str, Reader] = {}


def register_reader(suffix: str, reader: Reader) -> Reader:
    """Register ``reader(path) -> list[TensorRef]`` for files ending in ``suffix`` (e.g. ``".safetensors"``).

    Parameters
    ----------
    suffix : str
        File suffix, starting with a dot (matched case-insensitively).
    reader : callable
        ``reader(path) -> list[TensorRef]``.

    Returns
    -------
    callable
        ``reader`` (so this can be used as a decorator body).

    Raises
    ------
    ValueError
        If ``suffix`` does not start with a dot.
    """
    if not suffix.startswith("."):
        raise ValueError(f"register_reader: suffix must start with a dot, got {suffix!r}")
    READERS[suffix.lower()] = reader
    return reader


def read_source(source: Any) -> list[TensorRef]:
    """The tensors of ``source``: a path (file or model directory), a mapping name → array, or a module.

    Parameters
    ----------
    source : str, os.PathLike, mapping or module
        A ``.safetensors``/``.npz``/``.bin``/``.pt``/``.pth`` file (or a suffix added with
        :func:`register_reader`), a Hugging Face model directory, a mapping name → array, or a torch module
        (its ``state_dict``).

    Returns
    -------
    list of TensorRef
        In the natural order of their names; no tensor data is read.

    Raises
    ------
    ModelSourceError
        A missing path, an unknown suffix, a file its reader cannot parse, a directory with no weight files, or a
        mapping whose values are not arrays.
    """
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.exists():
            raise ModelSourceError(f"no such file or directory: {str(path)!r}")
        if path.is_dir():
            return _read_directory(path)
        return _read_file(path)
    state_dict = getattr(source, "state_dict", None)
    if callable(state_dict) and not isinstance(source, Mapping):
        source = state_dict()
    if isinstance(source, Mapping):
        return _read_mapping(source)
    raise ModelSourceError(f"cannot read a model from a {type(source).__name__}: give a path (.safetensors, .npz, "
                           f".bin/.pt, or a model directory), a mapping name → array, or a torch module")


def _read_file(path: Path) -> list[TensorRef]:
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ModelSourceError(f"cannot read {str(path)!r}: unknown model file type {path.suffix or '(none)'!r}; "
                               f"known: {', '.join(sorted(READERS))}, or a model directory")
    if path.stat().st_size == 0:
        raise ModelSourceError(f"{str(path)!r} is an empty file")
    try:
        return reader(path)
    except ModelSourceError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure is the file's fault: one line naming it
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelSourceError(f"cannot read {str(path)!r} as a {path.suffix} model file: {first}") from exc


def _read_directory(path: Path) -> list[TensorRef]:
    """A Hugging Face model directory: every ``*.safetensors`` shard, else every ``pytorch_model*.bin``."""
    files = sorted(path.glob("*.safetensors")) or sorted(path.glob("pytorch_model*.bin"))
    if not files:
        raise ModelSourceError(f"{str(path)!r} holds no model weights (no *.safetensors or pytorch_model*.bin)")
    refs: list[TensorRef] = []
    seen: dict[str, Path] = {}
    for f in files:
        for ref in _read_file(f):
            if ref.name in seen:
                raise ModelSourceError(f"tensor {ref.name!r} is in both {seen[ref.name].name} and {f.name}")
            seen[ref.name] = f
            refs.append(ref)
    return refs


# -- safetensors ----------------------------------------------------------------------------------------------------

def _read_safetensors(path: Path) -> list[TensorRef]:
    try:
        from safetensors import safe_open
    except ImportError:
        raise ModelSourceError("reading .safetensors needs the safetensors package: pip install "
                               "'freecalc[models]'") from None
    header = _safetensors_header(path)
    refs = []
    with safe_open(str(path), framework="np") as f:
        # the format keeps no order (names come back sorted as strings): natural order puts layer.2 before layer.10
        names = sorted(f.keys(), key=natural_key)
    for name in names:
        info = header[name]
        dtype = _ST_DTYPES.get(info["dtype"], info["dtype"].lower())
        shape = tuple(int(s) for s in info["shape"])
        if dtype == "bfloat16":
            loader = _bf16_loader(path, header["__data_start__"], info["data_offsets"], shape)
        else:
            loader = _st_loader(path, name)
        refs.append(TensorRef(name, shape, dtype, loader))
    return refs


def natural_key(name: str) -> list:
    """Sort key comparing the digit runs of a name as numbers (``h.2.w`` < ``h.10.w``).

    Parameters
    ----------
    name : str
        Tensor name.

    Returns
    -------
    list
        Comparable key.
    """
    return [(0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", name)]


def _safetensors_header(path: Path) -> dict:
    """The JSON header (name → dtype, shape, data_offsets), plus where the data start in the file."""
    with open(path, "rb") as fh:
        raw = fh.read(8)
        if len(raw) < 8:
            raise ModelSourceError(f"{str(path)!r} is not a safetensors file (shorter than its 8-byte header length)")
        (n,) = struct.unpack("<Q", raw)
        if n > path.stat().st_size - 8:
            raise ModelSourceError(f"{str(path)!r} is not a safetensors file (header length {n} exceeds the file)")
        header = json.loads(fh.read(n))
    if not isinstance(header, dict):
        raise ModelSourceError(f"{str(path)!r} is not a safetensors file (its header is not a JSON object)")
    header.pop("__metadata__", None)
    header["__data_start__"] = 8 + n
    return header


def _st_loader(path: Path, name: str) -> Callable[[], np.ndarray]:
    def load() -> np.ndarray:
        from safetensors import safe_open

        with safe_open(str(path), framework="np") as f:
            return f.get_tensor(name)

    return load


def _bf16_loader(path: Path, start: int, offsets: list, shape: tuple) -> Callable[[], np.ndarray]:
    def load() -> np.ndarray:
        begin, end = (int(o) for o in offsets)
        raw = np.memmap(path, dtype="<u2", mode="r", offset=start + begin, shape=((end - begin) // 2,))
        return bf16_to_float32(raw).reshape(shape)

    return load


def bf16_to_float32(bits: np.ndarray) -> np.ndarray:
    """bfloat16 bit patterns (uint16) → float32: a bfloat16 is the upper 16 bits of the float32 it rounds.

    Parameters
    ----------
    bits : array_like of uint16
        bfloat16 bit patterns.

    Returns
    -------
    numpy.ndarray of float32
        Same shape.
    """
    return (np.asarray(bits, dtype=np.uint32) << 16).view(np.float32)


# -- numpy .npz -----------------------------------------------------------------------------------------------------

def _read_npz(path: Path) -> list[TensorRef]:
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    return _read_mapping(arrays)


# -- PyTorch --------------------------------------------------------------------------------------------------------

def _read_torch(path: Path) -> list[TensorRef]:
    try:
        import torch
    except ImportError:
        raise ModelSourceError(f"reading {str(path)!r} needs torch (PyTorch checkpoints are torch pickles); "
                               f"convert it to .safetensors, or install torch") from None
    try:
        obj = torch.load(str(path), map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelSourceError(f"cannot read {str(path)!r} as a PyTorch checkpoint with weights_only=True (only "
                               f"tensors and plain containers are loaded, never arbitrary objects): {first}") from exc
    if not isinstance(obj, Mapping):
        raise ModelSourceError(f"{str(path)!r} holds a {type(obj).__name__}, not a state dict (name → tensor)")
    return _read_mapping(obj)


# -- mappings -------------------------------------------------------------------------------------------------------

def _flatten(mapping: Mapping, prefix: str = "") -> Iterable[tuple[str, Any]]:
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from _flatten(value, name + ".")
        else:
            yield name, value


def _read_mapping(mapping: Mapping) -> list[TensorRef]:
    refs = []
    for name, value in _flatten(mapping):
        if _is_torch_tensor(value):
            dtype = str(value.dtype).removeprefix("torch.")
            refs.append(TensorRef(name, tuple(int(s) for s in value.shape), dtype, _torch_loader(value)))
            continue
        if isinstance(value, (int, float, str, bytes, bool)) or value is None:
            continue  # scalars and metadata stored beside the tensors (e.g. an epoch counter) are not weights
        try:
            arr = np.asarray(value)
        except Exception as exc:  # noqa: BLE001
            raise ModelSourceError(f"entry {name!r} ({type(value).__name__}) is not an array: {exc}") from exc
        if arr.dtype == object:
            raise ModelSourceError(f"entry {name!r} ({type(value).__name__}) is not a numeric array")
        refs.append(TensorRef(name, tuple(arr.shape), _numpy_dtype_name(arr.dtype), _const(arr)))
    return refs


def _numpy_dtype_name(dtype: np.dtype) -> str:
    # ml_dtypes' bfloat16 (used by JAX) is a numpy extension type named "bfloat16"
    return str(dtype.name)


def _const(arr: np.ndarray) -> Callable[[], np.ndarray]:
    def load() -> np.ndarray:
        if arr.dtype.name == "bfloat16":
            return arr.astype(np.float32)
        return arr

    return load


def _is_torch_tensor(value: Any) -> bool:
    return type(value).__module__.startswith("torch") and hasattr(value, "detach") and hasattr(value, "dtype")


def _torch_loader(tensor: Any) -> Callable[[], np.ndarray]:
    def load() -> np.ndarray:
        t = tensor.detach().cpu()
        if str(t.dtype) == "torch.bfloat16":
            t = t.float()
        return t.numpy()

    return load


for _suffix, _reader in ((".safetensors", _read_safetensors), (".npz", _read_npz), (".bin", _read_torch),
                         (".pt", _read_torch), (".pth", _read_torch)):
    register_reader(_suffix, _reader)
