"""Ahead-of-time compiled kernels: the fit's and the demo's numba kernels served from an extension built at install.

A fresh installation has an empty numba cache, so the first :func:`freecalc.fit` or ``freecalc demo`` would spend
seconds compiling its kernels. ``setup.py`` compiles the kernels listed in :data:`KERNELS` with ``numba.pycc``
(explicit signatures, the same Python source as the jitted kernels: ``dispatcher.py_func``) into the extension
module ``freecalc.kernels._aot_kernels``. A module calls such a kernel through :class:`Served`: on its first call
the extension is imported (never at ``import freecalc``) and its function is used when

* the extension imports (it is absent when the build skipped it, e.g. no C compiler);
* its digest of the kernel's code (:func:`kernel_digest`, stored in the extension at build time) equals the digest
  of the jitted kernel now: an editable install whose kernel source changed after the build falls back to the
  jitted kernel, never runs stale compiled code;
* ``FREECALC_DISABLE_AOT`` is unset or ``0``;

else the jitted kernel serves (it compiles on first use). The AOT functions are compiled for a generic CPU and give
bitwise the jitted kernels' results; a warm fit with them takes ~2 % longer than with the jitted ones (a few µs of
call overhead per call, ``benchmarks/results/cold_start.md``), less than compiling the jitted ones later would
cost, so they serve every call. Their arguments are checked before the call (:class:`ArgKind`): pycc's functions
read an array's memory as the declared dtype without checking it, so an array argument is converted to the declared
dtype (safe casts only) and made contiguous, a wrong rank raises, and an array the kernel writes in place must
already have the declared dtype, rank and layout (a converted copy would take the results). :func:`aot_kernels`
reports which kernels the extension serves.

Reference: numba documentation, "Compiling code ahead of time" (``numba.pycc``).
"""
from __future__ import annotations

import enum
import hashlib
import importlib
import os
import types
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

__all__ = ["ArgKind", "AotKernel", "KERNELS", "EXTENSION", "Source", "Served", "aot_kernels", "kernel_digest"]

#: Import name of the compiled extension (built by ``setup.py``).
EXTENSION = "freecalc.kernels._aot_kernels"
#: Environment variable: set to anything but ``0`` to serve every kernel by its jitted version.
DISABLE_ENV = "FREECALC_DISABLE_AOT"
#: Suffix of the exported function returning a kernel's digest at build time.
DIGEST_SUFFIX = "__digest"


class ArgKind(enum.Enum):
    """How an argument reaches an AOT function: a scalar (converted by the extension itself), an input array of the
    declared dtype and rank (checked and converted here), or an output array the kernel writes in place (checked
    here, never converted: the kernel would fill a copy)."""

    SCALAR = "scalar"
    F8_VECTOR = "float64[::1]"
    I8_VECTOR = "int64[::1]"
    C16_VECTOR = "complex128[::1]"
    F8_MATRIX = "float64[:, ::1]"
    C16_OUT = "complex128[::1], written"
    I8_OUT = "int64[::1], written"


# kind -> (dtype, rank)
_ARRAYS = {ArgKind.F8_VECTOR: (np.dtype(np.float64), 1), ArgKind.I8_VECTOR: (np.dtype(np.int64), 1),
           ArgKind.C16_VECTOR: (np.dtype(np.complex128), 1), ArgKind.F8_MATRIX: (np.dtype(np.float64), 2),
           ArgKind.C16_OUT: (np.dtype(np.complex128), 1), ArgKind.I8_OUT: (np.dtype(np.int64), 1)}
_OUTPUTS = frozenset({ArgKind.C16_OUT, ArgKind.I8_OUT})


@dataclass(frozen=True)
class AotKernel:
    """One ahead-of-time compiled kernel.

    Parameters
    ----------
    module, attr : str
        Where the jitted kernel (a numba dispatcher) is defined; ``setup.py`` compiles its ``py_func``.
    signature : str
        numba signature of the compiled function.
    args : tuple of ArgKind
        Kind of each positional argument.
    defaults : tuple
        Values of the trailing arguments the jitted kernel declares with defaults.
    """

    module: str
    attr: str
    signature: str
    args: tuple[ArgKind, ...]
    defaults: tuple = ()


_S, _F, _I, _Z = ArgKind.SCALAR, ArgKind.F8_VECTOR, ArgKind.I8_VECTOR, ArgKind.C16_VECTOR

#: The kernels compiled ahead of time (name in the extension -> definition): those the default fit and
#: ``freecalc demo`` compile.
KERNELS: dict[str, AotKernel] = {
    "htmp_params": AotKernel("freecalc.kernels.htmp_ode", "htmp_params", "UniTuple(f8, 3)(f8, f8)", (_S, _S)),
    "htmp_real_anchor": AotKernel("freecalc.kernels.htmp", "htmp_real_anchor",
                                  "Tuple((f8, c16, c16))(f8, f8, f8)", (_S, _S, _S)),
    "htmp_logpdf_sorted": AotKernel("freecalc.kernels.htmp", "_logpdf_sorted",
                                    "f8[::1](f8, f8, f8, f8, c16, c16, f8[::1])", (_S,) * 6 + (_F,)),
    "quadratic_pdf": AotKernel("freecalc.kernels.quadratic", "quadratic_pdf_kernel",
                               "f8[::1](f8[::1], f8, f8, f8, f8, f8, f8)", (_F,) + (_S,) * 6),
    "quadratic_stieltjes": AotKernel("freecalc.kernels.quadratic", "quadratic_stieltjes_kernel",
                                     "c16[::1](c16[::1], f8, f8, f8, f8, f8, f8, f8, f8)", (_Z,) + (_S,) * 8),
    "stieltjes_branch_status": AotKernel("freecalc.kernels.branches", "stieltjes_branch_status_kernel",
                                         "void(f8[:, ::1], f8[::1], f8[::1], f8, f8[::1], c16[::1], i8[::1])",
                                         (ArgKind.F8_MATRIX, _F, _F, _S, _F, ArgKind.C16_OUT, ArgKind.I8_OUT)),
    # a fitting-layer kernel: only its name is known here (kernels never import the fitting layer)
    "powerlaw_scan": AotKernel("freecalc.fitting.kernels", "powerlaw_scan_kernel",
                               "Tuple((f8[::1], f8[::1]))(f8[::1], i8[::1], b1)", (_F, _I, _S), (False,)),
}


class Source(enum.Enum):
    """Which implementation serves a kernel (and, for the jitted one, why)."""

    AOT = "aot"
    JIT_DISABLED = f"jit: {DISABLE_ENV} is set"
    JIT_NOT_BUILT = "jit: the extension is not built"
    JIT_STALE = "jit: the kernel's code changed after the extension was built"


# ------------------------------------------------------------------------------------------------------- digest
def _code_parts(code: types.CodeType, skip_doc: str | None, names: set[str], out: list[bytes]) -> None:
    out.append(code.co_code)
    out.append(repr(code.co_names).encode())
    names.update(code.co_names)
    for i, c in enumerate(code.co_consts):
        if isinstance(c, types.CodeType):
            _code_parts(c, None, names, out)
        elif not (i == 0 and skip_doc is not None and c == skip_doc):  # docstrings do not change the code
            out.append(repr(c).encode())


def kernel_digest(dispatcher: Any) -> int:
    """A 63-bit digest of a jitted kernel's code and of every jitted kernel and constant it uses.

    The bytecode, names and constants of ``dispatcher.py_func`` (docstring excluded), then recursively of each
    numba dispatcher among its globals, plus the values of the numeric globals it reads (module-level constants,
    which numba freezes at compile time) and the dispatchers' compile options. Independent of module names, line
    numbers and comments; changes with the Python version (bytecode), which the extension's file name pins too.

    Parameters
    ----------
    dispatcher : numba dispatcher
        A ``@njit`` kernel.

    Returns
    -------
    int
        First 8 bytes of the SHA-256 of those parts, as a signed 64-bit integer (what the extension stores).
    """
    parts: list[bytes] = []
    seen: set[int] = set()
    stack = [dispatcher]
    while stack:
        d = stack.pop()
        f = d.py_func
        if id(f) in seen:
            continue
        seen.add(id(f))
        names: set[str] = set()
        parts.append(b"\x00function")
        _code_parts(f.__code__, f.__doc__, names, parts)
        opts = {k: v for k, v in d.targetoptions.items() if k != "cache"}
        parts.append(repr(sorted(opts.items())).encode())
        for name in sorted(names):
            g = f.__globals__.get(name)
            if hasattr(g, "py_func") and hasattr(g, "targetoptions"):
                stack.append(g)
            elif isinstance(g, (bool, int, float, complex, str)):
                parts.append(f"{name}={g!r}".encode())
    h = hashlib.sha256(b"\n".join(parts)).digest()
    return int.from_bytes(h[:8], "little", signed=True)


# ----------------------------------------------------------------------------------------------------- dispatch
_extension: list[Any] = []  # [module or None] once imported


def _load_extension() -> Any:
    if not _extension:
        try:
            _extension.append(importlib.import_module(EXTENSION))
        except ImportError:  # not built (no compiler at install), or built for another numpy ABI
            _extension.append(None)
    return _extension[0]


def _array(a: Any, kind: ArgKind, name: str, i: int) -> np.ndarray:
    """Argument ``i`` of kernel ``name`` as the compiled function reads it: converted (safe casts only, contiguous)
    for an input; an output must already be a writeable array of the declared dtype and rank."""
    dtype, ndim = _ARRAYS[kind]
    if kind in _OUTPUTS:
        if not (isinstance(a, np.ndarray) and a.dtype == dtype and a.ndim == ndim and a.flags.c_contiguous
                and a.flags.writeable):
            got = f"{a.dtype}, shape {a.shape}" if isinstance(a, np.ndarray) else type(a).__name__
            raise ValueError(f"{name}: argument {i} is written in place and must be a C-contiguous writeable "
                             f"{dtype} array of {ndim} dimension(s), got {got}")
        return a
    a = np.asarray(a)
    if a.ndim != ndim:
        raise ValueError(f"{name}: argument {i} must be a {ndim}-d array, got shape {a.shape}")
    if a.dtype != dtype:
        a = a.astype(dtype, casting="safe")
    return np.ascontiguousarray(a)


def _guarded(fn: Callable, name: str, spec: AotKernel) -> Callable:
    """``fn`` with its array arguments checked (and, off the fast path, converted); ``fn`` itself when it takes
    scalars only (the extension converts those, raising TypeError on a non-number) and declares no defaults."""
    arrays = tuple((i, k, *_ARRAYS[k]) for i, k in enumerate(spec.args) if k is not ArgKind.SCALAR)
    nargs, defaults = len(spec.args), spec.defaults
    if not arrays and not defaults:
        return fn

    def call(*args: Any) -> Any:
        if len(args) != nargs:
            if nargs - len(defaults) <= len(args) < nargs:
                args = args + defaults[len(defaults) - (nargs - len(args)):]
            else:
                raise TypeError(f"{name}() takes {nargs} arguments, got {len(args)}")
        for i, kind, dt, ndim in arrays:
            a = args[i]
            # fast path (a few attribute reads: the fit calls these thousands of times), else convert or raise
            if not (type(a) is np.ndarray and a.dtype is dt and a.ndim == ndim and a.flags.c_contiguous
                    and (kind not in _OUTPUTS or a.flags.writeable)):
                args = args[:i] + (_array(a, kind, name, i),) + args[i + 1:]
        return fn(*args)

    call.__name__ = name
    return call


_SERVED: dict[str, "Served"] = {}


class Served:
    """A kernel of :data:`KERNELS` as Python code calls it: the AOT function when it is current, else the jitted one.

    The choice is made on the first call (:class:`Source`); keyword arguments always go to the jitted kernel.

    Parameters
    ----------
    name : str
        Key in :data:`KERNELS`.
    jitted : numba dispatcher
        The jitted kernel (the fallback, and the code the extension's digest is checked against).

    Raises
    ------
    KeyError
        ``name`` is not in :data:`KERNELS`.
    """

    __slots__ = ("name", "jitted", "source", "_call")

    def __init__(self, name: str, jitted: Any) -> None:
        if name not in KERNELS:
            raise KeyError(f"name={name!r} is not one of the AOT kernels {sorted(KERNELS)}")
        self.name = name
        self.jitted = jitted
        self.source: Source | None = None
        self._call: Callable | None = None
        _SERVED[name] = self

    def _resolve(self) -> Callable:
        call: Callable = self.jitted
        if os.environ.get(DISABLE_ENV, "0") != "0":
            self.source = Source.JIT_DISABLED
        else:
            ext = _load_extension()
            fn = getattr(ext, self.name, None)
            digest = getattr(ext, self.name + DIGEST_SUFFIX, None)
            if fn is None or digest is None:
                self.source = Source.JIT_NOT_BUILT
            elif digest() != kernel_digest(self.jitted):
                self.source = Source.JIT_STALE
            else:
                self.source = Source.AOT
                call = _guarded(fn, self.name, KERNELS[self.name])
        self._call = call
        return call

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs:
            return self.jitted(*args, **kwargs)
        call = self._call
        if call is None:
            call = self._resolve()
        return call(*args)


def aot_kernels() -> dict[str, str]:
    """Which implementation serves each kernel of :data:`KERNELS`.

    Returns
    -------
    dict
        Kernel name -> :class:`Source` value (``"aot"`` when the extension serves it); ``"not loaded"`` for a kernel
        whose module has not been imported yet (import it, e.g. run a fit, to decide).
    """
    out = {}
    for name in KERNELS:
        served = _SERVED.get(name)
        if served is None:
            out[name] = "not loaded"
        else:
            if served._call is None:
                served._resolve()
            out[name] = served.source.value
    return out
