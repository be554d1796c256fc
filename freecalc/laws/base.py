r"""The :class:`Law` base class: one measure, a numeric face and a symbolic face.

A law is an immutable object with declared parameters (:class:`freecalc._params.Parameter`). Subclasses implement a
few underscore hooks (``_pdf``, ``_stieltjes``, ``_support``, ...); the public, vectorised methods and the generic
fall-backs (quadrature, bisection, Newton inversion of the Cauchy transform) live here once.

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
from freecalc.numerics.series import horner, s_series_from_moments
from freecalc.numerics.solvers import handle_failures, newton_fd
from freecalc.laws.extension import ExtensionHooks
from freecalc.laws.stats_vocabulary import StatsVocabulary
from freecalc.laws.symbolic_face import SymbolicFace, check_order as _check_order

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


def _guarded(compute: Callable[[], Any]) -> Any:
    """``compute()``, or None when the law cannot provide it (no moments, unbounded, overflow): the transform then
    falls back to its closed or iterative form, as without a series."""
    try:
        return compute()
    except (NotImplementedError, ArithmeticError):
        return None


def _as_transform_arg(w: Any, where: str) -> np.ndarray:
    arr = np.asarray(w)
    if arr.dtype.kind not in "biufc" or arr.dtype.kind == "b":
        raise TypeError(f"{where}: w must be a real or complex number or array, got {w!r}")
    wa = arr.astype(complex)
    if np.any(~np.isfinite(wa)):
        raise ValueError(f"{where}: w must be finite")
    return wa


def _as_real_array(x: Any, name: str = "x") -> np.ndarray:
    arr = np.asarray(x)
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real; use stieltjes() for complex arguments")
    return arr.astype(float, copy=False)


def _scalar_out(like: Any, out: np.ndarray) -> Any:
    return out[()] if np.ndim(like) == 0 else out


def _flat_call(hook: Callable[[np.ndarray], Any], arr: np.ndarray, dtype: Any) -> np.ndarray:
    """Call a hook on a 1-d contiguous copy of ``arr`` and give the result ``arr``'s shape back.

    Hooks therefore only ever see 1-d arrays: a 0-d array (a Python scalar) would turn into a numpy scalar under
    arithmetic and break item assignment inside the hook, and n-d arrays would break hooks that index by position.
    """
    flat = np.ascontiguousarray(arr, dtype=dtype).reshape(-1)
    return np.asarray(hook(flat), dtype=dtype).reshape(np.shape(arr))


def _real_if_real(like: Any, out: np.ndarray) -> np.ndarray:
    """``out.real`` when the argument was real and every value is real to rounding, else ``out`` (complex)."""
    if np.iscomplexobj(np.asarray(like)) or out.size == 0:
        return out
    if np.all(np.abs(out.imag) <= 1e-13 * np.maximum(np.abs(out.real), np.finfo(float).tiny)):
        return out.real.copy()
    return out


# Series of R and S at w = 0. R(w) = Σ κ_{n+1} wⁿ; for a law whose support lies within distance M of its mean,
# |κ_n| ≤ (16 M)ⁿ (Nica & Speicher 2006, Prop. 13.15, applied to the centred variable; κ_n for n ≥ 2 do not see
# the shift), so at |w| ≤ δ/(16 M) the tail after _SERIES_TERMS terms is ≤ 16 M δ^K/(1 − δ) ≈ 1.6e-19 M. There the
# closed or iterative forms, which compute G⁻¹(w) ≈ 1/w and subtract 1/w, have lost log10(1/(|w| M)) digits.
_SERIES_TERMS = 10
_SERIES_DELTA = 1e-2
# For S no such bound is at hand: the radius is estimated from the growth of the computed coefficients and the
# series is used only a factor 1e-3 inside it (the neglected terms are then ≲ |s_0| 1e-3^K).
_S_SERIES_DELTA = 1e-3
_EPS = float(np.finfo(float).eps)


class Law(StatsVocabulary, ExtensionHooks):
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
        return _scalar_out(x, _flat_call(self._pdf, xa, float))

    def cdf(self, x: Any) -> Any:
        """Cumulative distribution function (atoms included, right-continuous)."""
        self._require_numeric("cdf")
        xa = _as_real_array(x)
        return _scalar_out(x, np.clip(_flat_call(self._cdf, xa, float), 0.0, 1.0))

    def ppf(self, q: Any) -> Any:
        """Quantile function: inf{x : cdf(x) ≥ q} for q in [0, 1]."""
        self._require_numeric("ppf")
        qa = _as_real_array(q, "q")
        if np.any(~np.isfinite(qa)) or np.any((qa < 0) | (qa > 1)):
            raise ValueError("ppf: q must lie in [0, 1]")
        return _scalar_out(q, _flat_call(self._ppf, qa, float))

    def stieltjes(self, z: Any) -> Any:
        """Stieltjes transform m(z) = ∫ρ(x)/(x − z)dx; on the real axis the boundary value m(x + i0)."""
        self._require_numeric("stieltjes")
        za = np.asarray(z, dtype=complex)
        if np.any(~np.isfinite(za)):
            raise ValueError("stieltjes: z must be finite")
        lower = za.imag < 0
        zu = np.where(lower, np.conj(za), za)
        out = _flat_call(self._stieltjes, zu, complex)
        out = np.where(lower, np.conj(out), out)
        return _scalar_out(z, out)

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

    def r_transform(self, w: Any) -> Any:
        """Voiculescu's R-transform, R(G(z)) + 1/G(z) = z, on its domain near w = 0.

        Next to w = 0 (where G⁻¹(w) − 1/w cancels) the free-cumulant series Σ κ_{n+1} wⁿ is used, so R(0) = κ₁
        exactly. The result has the shape of ``w``; it is real for real ``w`` where R is real, complex otherwise.
        """
        self._require_numeric("r_transform")
        wa = _as_transform_arg(w, "r_transform")
        out = _flat_call(lambda f: self._near_zero(f, self._r_transform, self._r_series), wa, complex)
        return _scalar_out(w, _real_if_real(w, out))

    def s_transform(self, w: Any) -> Any:
        """S-transform S(w) = χ(w)(1 + w)/w (needs a non-zero mean); S(0) = 1/m₁.

        Next to w = 0 its power series (from the moments) is used; shape and real/complex output as for
        :meth:`r_transform`.
        """
        self._require_numeric("s_transform")
        if self.mean() == 0:
            raise ValueError(f"the S-transform of {self!r} is undefined: its mean is 0")
        wa = _as_transform_arg(w, "s_transform")
        out = _flat_call(lambda f: self._near_zero(f, self._s_transform, self._s_series), wa, complex)
        return _scalar_out(w, _real_if_real(w, out))

    def _near_zero(self, w: np.ndarray, hook: Callable[[np.ndarray], Any],
                   series: Callable[[], tuple[np.ndarray, float] | None]) -> np.ndarray:
        """A transform at 1-d ``w``: its series (coefficients, radius of use) next to 0, the hook elsewhere.

        Without a series (unbounded support, infinite moments) only the value at w = 0 is taken from it: the
        constant term, R(0) = m₁ or S(0) = 1/m₁, known whenever the mean is finite.
        """
        out = np.empty(w.shape, dtype=complex)
        ser = series() if w.size else None
        if ser is not None:
            coefs, radius = ser
            near = np.abs(w) <= radius
        else:
            coefs, near = self._constant_term(hook), w == 0
            if coefs is None:
                near = np.zeros(w.shape, dtype=bool)
        if np.any(near):
            out[near] = horner(coefs, w[near])
        far = ~near
        if np.any(far):
            out[far] = np.asarray(hook(w[far]), dtype=complex)
        return out

    def _constant_term(self, hook: Callable[[np.ndarray], Any]) -> list[float] | None:
        m1 = self.mean()
        if not math.isfinite(m1):
            return None
        return [m1] if hook == self._r_transform else [1.0 / m1]

    def _series_ends(self) -> list[float]:
        """Points whose hull contains the law (support ends and atoms); laws that know a cheaper bracket override."""
        return [e for ab in self.support for e in ab] + [loc for loc, _ in self.atoms]

    def _centred_radius(self) -> float | None:
        """max |x − mean| over :meth:`_series_ends`, or None when the law is not known to be bounded."""
        ends = self._series_ends()
        if not ends or not all(math.isfinite(e) for e in ends):
            return None
        m1 = self.mean()
        if not math.isfinite(m1):
            return None
        return max(abs(e - m1) for e in ends)

    def _r_series(self) -> tuple[np.ndarray, float] | None:
        """Free cumulants κ₁..κ_K as R-series coefficients and the radius where the series is used (cached)."""
        cache = self.__dict__.setdefault("_transform_series", {})
        if "r" not in cache:
            cache["r"] = _guarded(self._compute_r_series)
        return cache["r"]

    def _compute_r_series(self) -> tuple[np.ndarray, float] | None:
        radius = self._centred_radius()
        if radius is None:
            return self._short_series(lambda: self.free_cumulants(4), lambda c: 1.0)
        with np.errstate(all="ignore"):
            kap = np.asarray(self.free_cumulants(_SERIES_TERMS), dtype=float)
        if not np.all(np.isfinite(kap)):
            return None
        return kap, math.inf if radius == 0 else _SERIES_DELTA / (16.0 * radius)

    def _short_series(self, four: Callable[[], Any], cancel: Callable[[np.ndarray], float]
                      ) -> tuple[np.ndarray, float] | None:
        """Three terms of an asymptotic series, for an unbounded law with four finite moments.

        Without a bound on the support the series need not converge, but it is asymptotic as w → 0 with error
        ≈ |c₃||w|³, while the closed or iterative form loses ≈ eps·C/|w| to cancellation (C = ``cancel(c)``);
        the series is used where the first is the smaller, |w|⁴ ≤ eps·C/|c₃|.
        """
        if not all(math.isfinite(self.moment(k)) for k in range(1, 5)):
            return None
        with np.errstate(all="ignore"):
            c = np.asarray(four(), dtype=float)
        if not np.all(np.isfinite(c)):
            return None
        if c[3] == 0:
            return c[:3], math.inf
        return c[:3], (_EPS * cancel(c) / abs(c[3])) ** 0.25

    def _s_series(self) -> tuple[np.ndarray, float] | None:
        """S-series coefficients s₀..s_{K−1} and the radius where the series is used (cached)."""
        cache = self.__dict__.setdefault("_transform_series", {})
        if "s" not in cache:
            cache["s"] = _guarded(self._compute_s_series)
        return cache["s"]

    def _compute_s_series(self) -> tuple[np.ndarray, float] | None:
        if self._centred_radius() is None:
            return self._short_series(lambda: s_series_from_moments(self.moments(4)),
                                      lambda c: abs(c[0] / self.mean()))
        moms = self.moments(_SERIES_TERMS + 1)
        if not np.all(np.isfinite(moms)):
            return None
        with np.errstate(all="ignore"):
            coefs = np.asarray(s_series_from_moments(moms), dtype=float)
        if not np.all(np.isfinite(coefs)):
            return None
        growth = max(abs(c / coefs[0]) ** (1.0 / k) for k, c in enumerate(coefs) if k)
        return coefs, math.inf if growth == 0 else _S_SERIES_DELTA / growth

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

    def _r_transform(self, w: np.ndarray) -> np.ndarray:
        # Newton on m(z) = −w starting from the cumulant series z ≈ 1/w + κ1 + κ2 w (valid for small |w|)
        k1, k2 = self.moment(1), self.var()
        if not (math.isfinite(k1) and math.isfinite(k2)):
            raise NotImplementedError(f"the R-transform of {self!r} is found by Newton from the start 1/w + κ1 + κ2 w, "
                                      f"and this law has no finite {'mean' if not math.isfinite(k1) else 'variance'}")
        zc, status = newton_fd(lambda u: self._stieltjes_any(u) + w, 1.0 / w + k1 + k2 * w)
        handle_failures(status, f"R-transform of {self!r} (Newton inversion of m)", points=w, stacklevel=5)
        return zc - 1.0 / w

    def _stieltjes_any(self, z: np.ndarray) -> np.ndarray:
        lower = z.imag < 0
        zu = np.where(lower, np.conj(z), z)
        out = self._stieltjes(zu)
        return np.where(lower, np.conj(out), out)

    def _s_transform(self, w: np.ndarray) -> np.ndarray:
        # ψ(u) = −m(1/u)/u − 1; solve ψ(χ) = w by Newton from χ ≈ w/m1, then S = χ(1 + w)/w
        m1 = self.moment(1)
        chi = w / m1
        psi = lambda u: -self._stieltjes_any(1.0 / u) / u - 1.0  # noqa: E731
        # scale floor 1e-3: χ ≈ w/m1 is small near w = 0, where an absolute step of 1e-14 would be too loose
        chi, status = newton_fd(lambda u: psi(u) - w, chi, scale_floor=1e-3)
        handle_failures(status, f"S-transform of {self!r} (Newton inversion of ψ)", points=w, stacklevel=5)
        return chi * (1 + w) / w

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
