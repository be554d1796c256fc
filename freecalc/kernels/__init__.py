"""numba kernels: floats and arrays in, floats and arrays out (callable from user ``@njit`` code).

The kernels of the default fit are also compiled ahead of time at install; :func:`aot_kernels` says which of them
the compiled extension serves in this installation (``freecalc/kernels/_aot.py``).
"""
from freecalc.kernels._aot import aot_kernels

__all__ = ["aot_kernels"]
