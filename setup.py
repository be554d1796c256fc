"""Build step beside pyproject.toml: the ahead-of-time compiled kernels, ``freecalc.kernels._aot_kernels``.

Every other setting is in pyproject.toml. The extension holds the kernels of ``freecalc.kernels._aot.KERNELS``,
compiled by ``numba.pycc`` from the jitted kernels' own Python source (``dispatcher.py_func``) with the registry's
explicit signatures, and for each one ``<name>__digest()``, the digest of the code it was compiled from (the run time
serves the compiled function only while that digest matches). It is optional: where it cannot be built (no C
compiler, a numba without ``pycc``) the install goes on and the kernels compile on first use, as before.
"""
from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
AOT_MODULE = "freecalc.kernels._aot_kernels"


def _load(module: str):
    """The module from this source tree by file path (a fitting module's package ``__init__`` would import scipy,
    which the isolated build environment does not have)."""
    if module in sys.modules:
        return sys.modules[module]
    spec = importlib.util.spec_from_file_location(module, HERE / (module.replace(".", "/") + ".py"))
    mod = importlib.util.module_from_spec(spec)
    sys.modules[module] = mod
    spec.loader.exec_module(mod)
    return mod


def _constant(value: int):
    def digest():
        return value

    return digest


def compile_aot(output: Path) -> None:
    """Compile the registry's kernels into the extension file ``output``."""
    sys.path.insert(0, str(HERE))  # the package being built, not an installed copy
    # callees compiled on the way must not leave numba cache files in the source tree
    os.environ["NUMBA_CACHE_DIR"] = tempfile.mkdtemp(prefix="freecalc-aot-cache-")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numba.pycc is deprecated (still shipped and working)
        from numba.pycc import CC

        aot = _load("freecalc.kernels._aot")
        cc = CC(AOT_MODULE.rsplit(".", 1)[1])
        cc.output_dir = str(output.parent)
        cc.output_file = output.name
        cc.verbose = False
        for name, kernel in aot.KERNELS.items():
            dispatcher = getattr(_load(kernel.module), kernel.attr)
            # numba's defaults (None) and nopython are what pycc compiles with
            options = [k for k, v in dispatcher.targetoptions.items()
                       if v is not None and k not in ("nopython", "cache")]
            if options:  # pycc compiles with numba's default flags: other options would change the results
                raise RuntimeError(f"{kernel.module}.{kernel.attr}: options {sorted(options)} cannot be compiled "
                                   "ahead of time")
            cc.export(name, kernel.signature)(dispatcher.py_func)
            cc.export(name + aot.DIGEST_SUFFIX, "i8()")(_constant(aot.kernel_digest(dispatcher)))
        cc.compile()


class BuildExt(build_ext):
    """``build_ext`` that builds the AOT extension with numba instead of a C compiler call."""

    def build_extension(self, ext: Extension) -> None:
        if ext.name != AOT_MODULE:
            super().build_extension(ext)
            return
        output = Path(self.get_ext_fullpath(ext.name))
        output.parent.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        try:
            compile_aot(output)
        except Exception as exc:  # optional extension: the jitted kernels serve instead
            print(f"freecalc: ahead-of-time kernels not built ({type(exc).__name__}: {exc}); they compile on first "
                  "use instead", file=sys.stderr)
            return
        print(f"freecalc: ahead-of-time kernels compiled in {time.perf_counter() - t:.1f} s into {output}",
              file=sys.stderr)


setup(ext_modules=[Extension(AOT_MODULE, sources=[], optional=True)], cmdclass={"build_ext": BuildExt})
