r"""Purely atomic laws: ``PointMass(loc)`` and ``Atoms(locations, weights)``.

:math:`\mu = \sum_i w_i \delta_{a_i}` has :math:`m(z) = \sum_i w_i/(a_i - z)`, so it is algebraic:
:math:`P(m, z) = \prod_i (a_i - z)\, m - \sum_i w_i \prod_{j \ne i}(a_j - z)`. It is the law of a diagonal matrix
(the population spectrum of a covariance, a "spike" configuration, ...), and the typical partner in
:math:`\mu \boxplus \nu` models (information-plus-noise, signal + Wigner).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from freecalc._lazy import is_sympy, lazy_module
from freecalc._params import LOCATION, LOCATION_MAX, Parameter
from freecalc.laws.base import Law, SymbolicFace, exact_value

sp = lazy_module("sympy")
A = lazy_module("freecalc.symbolic.algebraic")
T = lazy_module("freecalc.symbolic.transforms")

__all__ = ["PointMass", "Atoms"]


class _DiscreteBase(Law):
    """Shared numeric and symbolic face of finitely many atoms (subclasses provide ``_locs``/``_weights``)."""

    is_algebraic = True

    def _pairs(self) -> tuple[tuple[Any, Any], ...]:
        raise NotImplementedError

    def _exact_pairs(self) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        pairs = [(exact_value(a), exact_value(w)) for a, w in self._pairs()]
        total = sp.Add(*[w for _, w in pairs])
        if not total.free_symbols and total != 1:
            # float weights sum to 1 only to ~1e-16 (checked to 1e-12): renormalise exactly so that the exact
            # face describes a probability measure (m ~ -1/z)
            pairs = [(a, w / total) for a, w in pairs]
        return tuple(pairs)

    @property
    def _float_pairs(self) -> tuple[tuple[float, float], ...]:
        return tuple((float(a), float(w)) for a, w in self._pairs())

    def _support(self) -> tuple[tuple[float, float], ...]:
        return ()

    def _atoms(self) -> tuple[tuple[float, float], ...]:
        return self._float_pairs

    def _pdf(self, x: np.ndarray) -> np.ndarray:
        return np.zeros(np.shape(x))

    def continuous_rule(self, panels: int = 64, order: int = 16) -> tuple[np.ndarray, np.ndarray]:
        """The empty rule: a discrete law has no continuous part.

        Parameters
        ----------
        panels, order : int
            Ignored (kept for the common signature).

        Returns
        -------
        x, w : numpy.ndarray
            Empty arrays.
        """
        return np.zeros(0), np.zeros(0)

    def _stieltjes(self, z: np.ndarray) -> np.ndarray:
        out = np.zeros(np.shape(z), dtype=complex)
        with np.errstate(divide="ignore", invalid="ignore"):
            for a, w in self._float_pairs:
                out = out + w / (a - z)
        return out

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        out = np.zeros(np.shape(x))
        for a, w in self._float_pairs:
            out = out + w * (x >= a)
        return out

    def _ppf(self, q: np.ndarray) -> np.ndarray:
        locs = np.array([a for a, _ in self._float_pairs])
        cum = np.cumsum([w for _, w in self._float_pairs])
        cum[-1] = 1.0  # rounding: the last atom takes everything that is left
        idx = np.searchsorted(cum, q - 1e-15, side="left")
        return locs[np.clip(idx, 0, len(locs) - 1)]

    def _moment(self, k: int) -> float:
        # numpy powers: a moment beyond the double range is ±inf (Python's float ** raises OverflowError)
        locs = np.array([a for a, _ in self._float_pairs], dtype=float)
        ws = np.array([w for _, w in self._float_pairs], dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):
            return float(np.sum(ws * locs ** k))

    def _rvs(self, size: Any, rng: np.random.Generator) -> Any:
        locs = np.array([a for a, _ in self._float_pairs])
        p = np.array([w for _, w in self._float_pairs])
        return rng.choice(locs, size=size, p=p / p.sum())

    def _matrix(self, n: int, rng: np.random.Generator) -> np.ndarray:
        # diagonal matrix whose eigenvalue counts are n*w rounded by largest remainders (ESD -> this law)
        locs = np.array([a for a, _ in self._float_pairs])
        p = np.array([w for _, w in self._float_pairs])
        raw = n * p
        counts = np.floor(raw).astype(int)
        rest = n - counts.sum()
        counts[np.argsort(raw - counts)[::-1][:rest]] += 1
        return np.diag(np.repeat(locs, counts))

    def _r_transform(self, w: np.ndarray) -> np.ndarray:
        if len(self._float_pairs) == 1:
            return np.full(np.shape(w), self._float_pairs[0][0], dtype=complex)
        return super()._r_transform(w)


class DiscreteSymbolicFace(SymbolicFace):
    """Exact face of an atomic law: m(z) = Σ w_i/(a_i − z), its polynomial equation, moments.

    Parameters
    ----------
    law : PointMass or Atoms
        The law (the face is obtained as ``law.sym``).
    """

    def stieltjes(self, z: Any = None) -> sp.Expr:
        z = T.z if z is None else z
        return sp.Add(*[w / (a - z) for a, w in self.law._exact_pairs()])

    def density(self, x: Any = None) -> sp.Expr:
        return sp.Integer(0)

    def cdf(self, x: Any = None) -> sp.Expr:
        # right-continuous: Heaviside(0) = 1 counts an atom at x itself
        x = T.x if x is None else x
        return sp.Add(*[w * sp.Heaviside(x - a, 1) for a, w in self.law._exact_pairs()])

    def equation(self, m: Any = None, z: Any = None) -> sp.Expr:
        m = T.m if m is None else m
        z = T.z if z is None else z
        locs, weights = zip(*self.law._exact_pairs())
        return A.atoms_equation(locs, weights, m, z)

    def r_transform(self, w: Any = None) -> sp.Expr:
        pairs = self.law._exact_pairs()
        if len(pairs) == 1:
            return sp.sympify(pairs[0][0])
        raise NotImplementedError("the R-transform of several atoms has no closed form in general; "
                                  "use AlgebraicLaw(...).sym.r_equation()")

    def _moment_list(self, K: int) -> list[sp.Expr]:
        return [sp.simplify(sp.Add(*[w * a ** k for a, w in self.law._exact_pairs()])) for k in range(1, K + 1)]

    @property
    def support(self) -> tuple:
        """Empty: a discrete law has no continuous part."""
        return ()

    @property
    def atoms(self) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        """The atoms ``(location, mass)`` as exact values."""
        return tuple(self.law._exact_pairs())


_DiscreteBase.symbolic_face_class = DiscreteSymbolicFace


class PointMass(_DiscreteBase):
    r"""The Dirac law :math:`\delta_{loc}` (the spectrum of ``loc * I``).

    Parameters
    ----------
    loc : float
        Location of the atom.
    size : int, optional
        Matrix dimension n.
    """

    parameters = (Parameter("loc", "a", LOCATION, typical=(-2.0, 2.0)),)
    latex_name = r"\delta"

    def _pairs(self) -> tuple[tuple[Any, Any], ...]:
        return ((self._exact[0], sp.Integer(1)),)

    @property
    def _float_pairs(self) -> tuple[tuple[float, float], ...]:
        # the numeric face reads the float value directly: the exact pair would import sympy
        return ((float(self._values[0]), 1.0),)

    def _matrix(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return self.loc * np.eye(n)


def _as_value(v: Any, what: str) -> Any:
    if is_sympy(v):
        if v.is_real is False:
            raise ValueError(f"Atoms: {what} must be real, got {v}")
        return v if v.free_symbols else (sp.nsimplify(v) if v.is_Float else v)
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise TypeError(f"Atoms: {what} must be a real number, got {v!r}")
    f = float(v)
    if not np.isfinite(f):
        raise ValueError(f"Atoms: {what} must be finite, got {v!r}")
    if abs(f) > LOCATION_MAX:
        # the representable range of freecalc._params: the second moment Σ w a² must stay finite
        raise ValueError(f"Atoms: {what} = {f:g} is outside the representable range "
                         f"[{-LOCATION_MAX:g}, {LOCATION_MAX:g}]")
    return f


class Atoms(_DiscreteBase):
    r"""A finite mixture of atoms :math:`\sum_i w_i \delta_{a_i}` (the ESD of a diagonal matrix).

    Parameters
    ----------
    locations : sequence of float
        Atom locations (duplicates are merged).
    weights : sequence of float, optional
        Positive masses summing to 1 (default: equal weights).
    size : int, optional
        Matrix dimension n.
    """

    in_expressions = True  # built from lists of locations and weights, which law expressions can write

    def __init__(self, locations: Sequence[Any], weights: Sequence[Any] | None = None, *, size: Any = None) -> None:
        if isinstance(locations, (str, bytes)) or not hasattr(locations, "__len__"):
            raise TypeError(f"Atoms: locations must be a sequence of numbers, got {locations!r}")
        locs = [_as_value(a, "location") for a in locations]
        if not locs:
            raise ValueError("Atoms: locations must not be empty")
        if weights is None:
            exact = any(is_sympy(a) for a in locs)
            weights = [sp.Rational(1, len(locs)) if exact else 1.0 / len(locs)] * len(locs)
        if len(weights) != len(locs):
            raise ValueError(f"Atoms: got {len(locs)} locations but {len(weights)} weights")
        ws = [_as_value(w, "weight") for w in weights]
        for w in ws:
            if not is_sympy(w) or not w.free_symbols:
                if not float(w) > 0:
                    raise ValueError(f"Atoms: weights must be > 0, got {w}")
        total = sp.Add(*[sp.sympify(w) for w in ws]) if any(is_sympy(w) for w in ws) else sum(ws)
        if is_sympy(total):
            if not total.free_symbols and sp.simplify(total - 1) != 0:
                raise ValueError(f"Atoms: weights must sum to 1, got {total}")
        elif abs(total - 1.0) > 1e-12:
            raise ValueError(f"Atoms: weights must sum to 1, got {total!r}")
        merged: dict[Any, Any] = {}
        for a, w in zip(locs, ws):
            merged[a] = merged.get(a, 0) + w
        pairs = tuple(sorted(merged.items(), key=lambda p: float(p[0]) if not (
            is_sympy(p[0]) and p[0].free_symbols) else 0.0))
        super().__init__(size=size)
        self._set("_atom_pairs", pairs)

    def _pairs(self) -> tuple[tuple[Any, Any], ...]:
        return self._atom_pairs

    @property
    def is_symbolic(self) -> bool:
        """Whether a location or weight contains a free symbol."""
        return any(is_sympy(v) and v.free_symbols for p in self._atom_pairs for v in p)

    @property
    def locations(self) -> tuple[Any, ...]:
        """Atom locations, in the order given (numbers or sympy expressions)."""
        return tuple(a for a, _ in self._atom_pairs)

    @property
    def weights(self) -> tuple[Any, ...]:
        """Atom masses, in the order of :attr:`locations` (summing to 1)."""
        return tuple(w for _, w in self._atom_pairs)

    def _identity(self) -> tuple[Any, ...]:
        return tuple((exact_value(a), exact_value(w)) for a, w in self._atom_pairs)

    def replace(self, **changes: Any) -> Atoms:
        """A copy with other locations, weights or size.

        Parameters
        ----------
        **changes
            Any of ``locations``, ``weights`` (validated as in the constructor) and ``size``.

        Returns
        -------
        Atoms

        Raises
        ------
        TypeError
            If another name is given.
        """
        allowed = {"locations", "weights", "size"}
        if set(changes) - allowed:
            raise TypeError(f"Atoms.replace accepts {sorted(allowed)}, got {sorted(changes)}")
        return Atoms(changes.get("locations", self.locations), changes.get("weights", self.weights),
                     size=changes.get("size", self.size))

    def __repr__(self) -> str:
        body = ", ".join(f"{a}: {w}" if is_sympy(a) or is_sympy(w) else f"{a:g}: {w:g}"
                         for a, w in self._atom_pairs)
        size = f", size={self.size}" if self.size is not None else ""
        return f"Atoms({{{body}}}{size})"
