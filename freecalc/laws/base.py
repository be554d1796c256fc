r"""The :class:`Law` base class: one measure, a numeric face and a symbolic face.

A law is an immutable object with declared parameters (:class:`freecalc._params.Parameter`). Subclasses implement a
few underscore hooks (``_pdf``, ``_stieltjes``, ``_support``, ...); the public, vectorised methods and the generic
fall-backs (quadrature, bisection) live here once; the R- and S-transforms come from the mixin
:class:`freecalc.laws.transform_series.TransformSeries`.

Conventions: :math:`m(z) = \int \rho(x)/(x - z)\,dx` with :math:`\Im m > 0` for :math:`\Im z > 0`,
:math:`m(z) \sim -1/z`; on the real axis the boundary value :math:`m(x + i0)` is returned.
Voiculescu's :math:`R` satisfies :math:`R(G(z)) + 1/G(z) = z` with :math:`G = -m`.

Operations defined in higher layers (shift/scale pushforwards, decompression) attach through
:func:`register_operation`, so this module imports nothing above the law layer.
"""
from __future__ import annotations

import copy
import math
from collections.abc import Callable
from functools import cached_property
from typing import Any, ClassVar

import numpy as np

from freecalc._lazy import is_sympy, lazy_module
from freecalc._params import Parameter, SymbolicParameterError, check_count, is_symbolic_value
from freecalc.numerics.quadrature import IntervalRule, bisect_increasing
from freecalc.laws.extension import ExtensionHooks
from freecalc.laws.hook_calls import flat_call, scalar_out
from freecalc.laws.stats_vocabulary import StatsVocabulary
from freecalc.laws.symbolic_face import SymbolicFace, check_order as _check_order
from freecalc.laws.transform_series import TransformSeries

sp = lazy_module("sympy")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["Law", "SymbolicFace", "register_operation", "dispatch", "exact_value"]

_OPERATIONS: dict[str, Callable[..., Any]] = {}


def register_operation(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the implementation of a law operation (``shift``, ``scale``, ``decompress``, ...)."""

    def deco(func: Callable[..., Any]) -> Callable[..., Any]:
        _OPERATIONS[name] = func
        return func

    return deco


def dispatch(name: str, *args: Any, **kwargs: Any) -> Any:
    """Call a registered operation, with a clear error when none is registered."""
    if name not in _OPERATIONS:
        # the implementations live in the operations layer and register themselves when it is imported; the root
        # package imports it on the first operation, so a law used on its own never loads that layer
        import freecalc

        freecalc._load_operations()
    try:
        func = _OPERATIONS[name]
    except KeyError:
        raise NotImplementedError(f"the operation {name!r} is not available (no implementation registered)") from None
    return func(*args, **kwargs)


def exact_value(value: Any) -> sp.Expr:
    """A sympy number for a parameter value: a float becomes the rational with exactly its shortest decimal form
    (0.1 → 1/10, 1.00000001 → 100000001/100000000), so the symbolic face describes the same law as the numeric
    one; sympy numbers pass through unchanged."""
    if is_sympy(value):
        return value
    if float(value).is_integer():
        return sp.Integer(int(value))
    return sp.Rational(repr(float(value)))


def _format_value(v: Any) -> str:
    if is_sympy(v):
        return str(v)
    text = repr(float(v))
    return text[:-2] if text.endswith(".0") else text


def _validate_size(size: Any) -> int | None:
    """``None`` (a size-free limit law) or a matrix dimension checked by :func:`freecalc._params.check_count`."""
    return None if size is None else check_count("size", size)


def _as_real_array(x: Any, name: str = "x") -> np.ndarray:
    arr = np.asarray(x)
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real; use stieltjes() for complex arguments")
    return arr.astype(float, copy=False)


class Law(StatsVocabulary, ExtensionHooks, TransformSeries):
    """A probability measure on the real line: the limiting spectral law of a family of matrices.

    Subclasses declare ``parameters`` and implement ``_support`` and at least one of ``_pdf``/``_stieltjes``.
    Instances are immutable: use :meth:`replace` to change a parameter or the size.

    Parameters
    ----------
    *args, **kwargs
        Values of the declared parameters (numbers, or sympy expressions for symbolic work).
    size : int, optional
        Dimension n of the matrix whose spectrum this law describes (``None`` for a size-free limit law).
    """

    parameters: ClassVar[tuple[Parameter, ...]] = ()
    latex_name: ClassVar[str] = ""
    is_algebraic: ClassVar[bool] = False

    def __init__(self, *args: Any, size: Any = None, **kwargs: Any) -> None:
        values, given = self._bind(args, kwargs)
        object.__setattr__(self, "_values", tuple(values))
        # exact sympy numbers the user gave (e.g. Rational(1, 3)) are kept for the symbolic face
        object.__setattr__(self, "_given_exact", tuple(g if is_sympy(g) else None for g in given))
        object.__setattr__(self, "_size", _validate_size(size))
        self._check_params()

    # -- construction helpers ---------------------------------------------------------------------------------
    def _bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[list[Any], list[Any]]:
        cls = type(self).__name__
        params = self.parameters
        if len(args) > len(params):
            raise TypeError(f"{cls} takes {len(params)} parameter(s) "
                            f"({', '.join(p.name for p in params)}), got {len(args)} positional arguments")
        raw: dict[str, Any] = {p.name: a for p, a in zip(params, args)}
        for key, value in kwargs.items():
            if key not in {p.name for p in params}:
                raise TypeError(f"{cls} got an unexpected parameter {key!r}; "
                                f"its parameters are {', '.join(p.name for p in params) or 'none'} and size")
            if key in raw:
                raise TypeError(f"{cls} got parameter {key!r} twice")
            raw[key] = value
        values = []
        for p in params:
            if p.name not in raw:
                if p.required:
                    raise TypeError(f"{cls} needs parameter {p.name!r} (allowed domain {p.domain})")
                raw[p.name] = p.default
            values.append(p.validate(raw[p.name], cls))
        return values, [raw[p.name] for p in params]

    @cached_property
    def _exact(self) -> tuple[Any, ...]:
        # Lazy: numeric work such as a likelihood that builds thousands of laws never pays for sympy numbers;
        # equality, hashing, LaTeX and the symbolic face do, once.
        given = self.__dict__.get("_given_exact") or (None,) * len(self._values)
        return tuple(exact_value(g if g is not None else v) for v, g in zip(self._values, given))

    def _check_params(self) -> None:
        """Hook for constraints involving several parameters (raise ValueError naming them)."""

    def _set(self, name: str, value: Any) -> None:
        """Set an attribute during construction (subclasses with extra state use this)."""
        object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable; use .replace({name}=...) to get a new law")

    def __getattr__(self, name: str) -> Any:
        # only called when normal lookup fails: expose declared parameters as attributes
        if name.startswith("_"):
            raise AttributeError(name)
        for p, v in zip(type(self).parameters, self.__dict__.get("_values", ())):
            if p.name == name:
                return v
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    @property
    def params(self) -> dict[str, Any]:
        """Parameter name → value (float, or sympy expression when symbolic)."""
        return {p.name: v for p, v in zip(self.parameters, self._values)}

    @property
    def size(self) -> int | None:
        """Dimension n of the matrix whose ESD this law describes, or None."""
        return self._size

    @property
    def is_symbolic(self) -> bool:
        """Whether any parameter is a sympy expression with free symbols."""
        return any(is_symbolic_value(v) for v in self._values)

    def replace(self, **changes: Any) -> Law:
        """A new law with some parameters (or ``size``) changed."""
        kwargs = {**self.params, "size": self.size}
        kwargs.update(changes)
        return type(self)(**kwargs)

    def with_size(self, size: int | None) -> Law:
        """The same law describing matrices of dimension ``size``."""
        return self.replace(size=size)

    def with_report(self, report: Any) -> Law:
        """A copy of this law carrying ``report`` as ``law.decompression_report`` (this law is left unchanged).

        Operations build their report first and attach it to a fresh copy, so no published law is ever modified.

        Parameters
        ----------
        report : DecompressionReport
            The report of the operation that produced this law.

        Returns
        -------
        Law
            An equal law (same type, parameters, size and extra state) with the report attached.
        """
        out = copy.copy(self)
        object.__setattr__(out, "decompression_report", report)
        return out

    def _identity(self) -> tuple[Any, ...]:
        """Extra state that distinguishes laws with equal parameters (data-backed laws override)."""
        return ()

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return (self._exact, self._size, self._identity()) == (other._exact, other._size, other._identity())

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._exact, self._size, self._identity()))

    def __repr__(self) -> str:
        parts = [f"{k}={_format_value(v)}" for k, v in self.params.items()]
        if self.size is not None:
            parts.append(f"size={self.size}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def _latex(self, printer: Any = None) -> str:
        name = self.latex_name or rf"\mathrm{{{type(self).__name__}}}"
        args = ", ".join(rf"{p.latex} = {sp.latex(e)}" for p, e in zip(self.parameters, self._exact))
        return rf"{name}\left({args}\right)" if args else name

    def _repr_latex_(self) -> str:
        return f"${self._latex()}$"

    # -- operations defined in higher layers --------------------------------------------------------------------
    def decompress(self, n: int | None = None, *, factor: float | None = None, **options: Any) -> Law:
        """Law of the n×n matrix whose random n_s×n_s principal submatrices have this law (free decompression).

        ``n`` is the target size (``self.size`` must be known), or give ``factor = n / n_s`` instead.
        """
        return dispatch("decompress", self, n, factor=factor, **options)

    def __add__(self, other: Any) -> Law:
        if isinstance(other, Law):
            raise TypeError("law + law is ambiguous: use fc.free_add(a, b) for the free additive convolution ⊞ "
                            "(the law of A + B for large free matrices A, B)")
        return dispatch("shift", self, other)

    __radd__ = __add__

    def __sub__(self, other: Any) -> Law:
        if isinstance(other, Law):
            raise TypeError("law - law is ambiguous: use fc.free_add(a, -1 * b) for the free additive convolution")
        return dispatch("shift", self, -other)

    def __rsub__(self, other: Any) -> Law:
        return dispatch("shift", dispatch("scale", self, -1), other)

    def __mul__(self, other: Any) -> Law:
        if isinstance(other, Law):
            raise TypeError("law * law is ambiguous: use fc.free_mul(a, b) for the free multiplicative "
                            "convolution ⊠ (the law of A^½ B A^½ for large free matrices A, B)")
        return dispatch("scale", self, other)

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Law:
        if isinstance(other, Law):
            raise TypeError("law / law is not defined; see fc.free_mul and fc.inverse")
        if other == 0:
            raise ZeroDivisionError("cannot scale a law by 1/0")
        return dispatch("scale", self, 1 / other)

    def __neg__(self) -> Law:
        return dispatch("scale", self, -1)

    # -- numeric face: public API ---------------------------------------------------------------------------
    def _require_numeric(self, what: str) -> None:
        if self.is_symbolic:
            raise SymbolicParameterError(
                f"{what} of {self!r} needs numeric parameters; substitute numbers for the symbols "
                f"{sorted(str(s) for v in self._values if is_sympy(v) for s in v.free_symbols)} "
                f"(e.g. law.replace(...)) or use the symbolic face law.sym")

    @property
    def support(self) -> tuple[tuple[float, float], ...]:
        """Intervals (a, b) carrying the continuous part, sorted; empty when the law is purely atomic."""
        self._require_numeric("support")
        return tuple((float(a), float(b)) for a, b in self._support())

    @property
    def atoms(self) -> tuple[tuple[float, float], ...]:
        """Atoms as (location, mass) pairs, sorted by location."""
        self._require_numeric("atoms")
        return tuple(sorted((float(a), float(w)) for a, w in self._atoms()))

    @property
    def continuous_mass(self) -> float:
        """Mass of the continuous part, 1 − Σ atom masses."""
        return 1.0 - sum(w for _, w in self.atoms)

    def pdf(self, x: Any) -> Any:
        """Density of the continuous part (0 outside the support; atoms are reported by :attr:`atoms`)."""
        self._require_numeric("pdf")
        xa = _as_real_array(x)
        return scalar_out(x, flat_call(self._pdf, xa, float))

    def cdf(self, x: Any) -> Any:
        """Cumulative distribution function (atoms included, right-continuous)."""
        self._require_numeric("cdf")
        xa = _as_real_array(x)
        return scalar_out(x, np.clip(flat_call(self._cdf, xa, float), 0.0, 1.0))

    def ppf(self, q: Any) -> Any:
        """Quantile function: inf{x : cdf(x) ≥ q} for q in [0, 1]."""
        self._require_numeric("ppf")
        qa = _as_real_array(q, "q")
        if np.any(~np.isfinite(qa)) or np.any((qa < 0) | (qa > 1)):
            raise ValueError("ppf: q must lie in [0, 1]")
        return scalar_out(q, flat_call(self._ppf, qa, float))

    def stieltjes(self, z: Any) -> Any:
        """Stieltjes transform m(z) = ∫ρ(x)/(x − z)dx; on the real axis the boundary value m(x + i0)."""
        self._require_numeric("stieltjes")
        za = np.asarray(z, dtype=complex)
        if np.any(~np.isfinite(za)):
            raise ValueError("stieltjes: z must be finite")
        lower = za.imag < 0
        zu = np.where(lower, np.conj(za), za)
        out = flat_call(self._stieltjes, zu, complex)
        out = np.where(lower, np.conj(out), out)
        return scalar_out(z, out)

    def cauchy(self, z: Any) -> Any:
        """Cauchy transform G(z) = −m(z)."""
        return -self.stieltjes(z)

    def moment(self, k: int) -> float:
        """k-th moment ∫x^k dμ (atoms included)."""
        self._require_numeric("moment")
        k = _check_order(k)
        return float(self._moment(k)) if k else 1.0

    def mean(self) -> float:
        """First moment."""
        return self.moment(1)

    def var(self) -> float:
        """Variance (+inf when the second moment is infinite, also with an infinite mean: not ∞ − ∞ = NaN)."""
        m2 = self.moment(2)
        if m2 == math.inf:
            return math.inf
        return m2 - self.moment(1) ** 2

    def std(self) -> float:
        """Standard deviation."""
        return math.sqrt(max(self.var(), 0.0))

    def moments(self, K: int) -> np.ndarray:
        """Moments m_1..m_K."""
        return np.array([self.moment(k) for k in range(1, _check_order(K) + 1)])

    def free_cumulants(self, K: int) -> np.ndarray:
        """Free cumulants κ_1..κ_K (from the moments; exact relation, floating-point arithmetic)."""
        return np.array([float(v) for v in T.free_cumulants_from_moments(list(self.moments(K)))])

    def free_cumulant(self, k: int) -> float:
        """k-th free cumulant κ_k."""
        return float(self.free_cumulants(_check_order(k))[-1])

    def rvs(self, size: Any = None, rng: Any = None) -> Any:
        """Independent samples from the law (not eigenvalues of one matrix: see :meth:`matrix`)."""
        self._require_numeric("rvs")
        gen = np.random.default_rng(rng)
        return self._rvs(size, gen)

    def matrix(self, n: int, rng: Any = None) -> np.ndarray:
        """A random n×n symmetric matrix from a classical model whose ESD converges to this law."""
        self._require_numeric("matrix")
        n = check_count("n", n)
        return self._matrix(n, np.random.default_rng(rng))

    @cached_property
    def sym(self) -> SymbolicFace:
        """The symbolic face: sympy expressions for the transforms, density, moments, cumulants."""
        return self.symbolic_face_class(self)

    # -- hooks with generic defaults -------------------------------------------------------------------------
    symbolic_face_class: ClassVar[type[SymbolicFace]]

    def _support(self) -> tuple[tuple[float, float], ...]:
        raise NotImplementedError(f"{type(self).__name__} must define _support")

    def _atoms(self) -> tuple[tuple[float, float], ...]:
        return ()

    def _pdf(self, x: np.ndarray) -> np.ndarray:
        inside = self._inside(x)
        out = np.zeros(x.shape)
        if np.any(inside):
            out[inside] = np.maximum(self._stieltjes(x[inside] + 0j).imag / np.pi, 0.0)
        return out

    def _inside(self, x: np.ndarray) -> np.ndarray:
        mask = np.zeros(x.shape, dtype=bool)
        for a, b in self.support:
            mask |= (x > a) & (x < b)
        return mask

    def continuous_rule(self, panels: int = 64, order: int = 16) -> tuple[np.ndarray, np.ndarray]:
        """Nodes x_j and weights w_j with Σ w_j g(x_j) ≈ ∫ g(x) ρ(x) dx over the continuous part.

        The default handles compact support intervals with square-root-type edges (θ-substitution, composite
        Gauss–Legendre); laws with unbounded support override this.
        """
        xs, ws = [], []
        for a, b in self.support:
            if not (math.isfinite(a) and math.isfinite(b)):
                raise NotImplementedError(f"{type(self).__name__} has unbounded support and must override "
                                          f"continuous_rule")
            xn, wn = self._interval_rule(a, b, panels, order).nodes_weights()
            xs.append(xn)
            ws.append(wn * self._pdf(xn))
        if not xs:
            return np.zeros(0), np.zeros(0)
        return np.concatenate(xs), np.concatenate(ws)

    def _stieltjes(self, z: np.ndarray) -> np.ndarray:
        return stieltjes_by_quadrature(self, z)

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        out = np.zeros(x.shape)
        for a, b in self.support:
            if not (math.isfinite(a) and math.isfinite(b)):
                raise NotImplementedError(f"{type(self).__name__} has unbounded support and must override _cdf")
            rule = self._cdf_rule(a, b)
            inside = (x > a) & (x < b)
            out[x >= b] += rule.integrate(self._pdf)
            if np.any(inside):
                out[inside] += rule.cumulative(self._pdf, x[inside])
        for loc, mass in self.atoms:
            out[x >= loc] += mass
        return out

    def _interval_rule(self, a: float, b: float, panels: int = 64, order: int = 16) -> IntervalRule:
        """The quadrature rule for one support interval (laws with nearby density poles grade it deeper)."""
        return IntervalRule(a, b, panels, order)

    def _cdf_rule(self, a: float, b: float) -> IntervalRule:
        cache = self.__dict__.setdefault("_rules", {})
        key = (a, b)
        if key not in cache:
            cache[key] = self._interval_rule(a, b, panels=128, order=16)
        return cache[key]

    def _bracket(self) -> tuple[float, float]:
        ends = [e for ab in self.support for e in ab] + [loc for loc, _ in self.atoms]
        lo, hi = min(ends), max(ends)
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise NotImplementedError(f"{type(self).__name__} has unbounded support and must override _ppf")
        return lo, hi

    def _ppf(self, q: np.ndarray) -> np.ndarray:
        lo, hi = self._bracket()
        out = bisect_increasing(self._cdf, q, lo, hi)
        return np.where(q <= 0, lo, out)

    def _moment(self, k: int) -> float:
        xs, ws = self.continuous_rule()
        return float(np.sum(ws * xs ** k) + sum(w * a ** k for a, w in self.atoms))

    def _rvs(self, size: Any, rng: np.random.Generator) -> Any:
        return self.ppf(rng.random(size))

    def _matrix(self, n: int, rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} has no random matrix model")


def stieltjes_by_quadrature(law: Law, z: np.ndarray) -> np.ndarray:
    r"""m(z) by quadrature of the density plus the atoms' terms.

    Accurate for z at a distance from the support comparable to the node spacing or more; it is the generic
    fall-back and the independent route used by the conformance suite, not a substitute for a closed form on
    the real axis.
    """
    xs, ws = law.continuous_rule()
    zf = np.asarray(z, dtype=complex)
    out = (ws[None, :] / (xs[None, :] - zf.reshape(-1, 1))).sum(axis=1) if xs.size else np.zeros(zf.size, complex)
    for loc, mass in law.atoms:
        out = out + mass / (loc - zf.reshape(-1))
    return out.reshape(zf.shape)


Law.symbolic_face_class = SymbolicFace
