r"""Fittable families: how each named law is fitted (scale, location, support, starting values).

A :class:`Family` says, for one Law class, which of its parameters is a scale or a location, what
:attr:`ScaleOption.AUTO` means for it, whether its support lies in [0, ∞) and has a finite square-root upper edge
(Tracy–Widom spikes make sense), and how to get starting values from the data. Families are kept in a registry
keyed by the Law class; :func:`registered` imports the laws lazily, so a law module that is absent is skipped
rather than breaking the fitting layer.

+-------------------+-----------------+--------------------------+------------+----------------------------------+
| law               | own scale / loc | AUTO fits                | support    | starting values                  |
+===================+=================+==========================+============+==================================+
| MarchenkoPastur   | sigma2 / –      | c, sigma2                | [0, ∞)     | moments; edges                   |
| Semicircle        | r / center      | r, center                | ℝ          | moments; edges                   |
| KestenMcKay       | – / –           | d, scale, loc            | ℝ          | kurtosis; edges                  |
| Wachter           | – / –           | a, b (lives on [0, 1])   | [0, 1]     | atoms; mean; grid over a + b     |
| FreeMeixner       | b / –           | a, b, c, loc             | ℝ          | edges and variance               |
| HTMP              | – / –           | gamma, kappa, scale      | (0, ∞)     | mean 1, variance γ(1+2/κ); κ grid|
| InverseHTMP       | – / –           | gamma, kappa, scale      | (0, ∞)     | moments of 1/x; tail α           |
+-------------------+-----------------+--------------------------+------------+----------------------------------+
"""
from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from freecalc.fitting.options import ScaleOption

__all__ = ["Family", "register_family", "family_of", "registered", "DataSummary"]


@dataclass(frozen=True)
class DataSummary:
    """What starting-value rules may look at: the continuous (non-atom) data and the atom count at 0."""

    x: np.ndarray  # sorted data excluding points within zero_tol of 0 when the family is non-negative
    n_zero: int
    n_total: int

    @property
    def mean_all(self) -> float:
        """Mean including the zeros."""
        return float(self.x.sum() / self.n_total)

    @property
    def var_all(self) -> float:
        """Variance including the zeros."""
        m1 = self.mean_all
        return float((self.x ** 2).sum() / self.n_total - m1 * m1)


StartRule = Callable[[DataSummary, bool, bool], list]


@dataclass(frozen=True)
class Family:
    """How to fit one Law class.

    Attributes
    ----------
    law : type
        The Law subclass.
    scale_param, loc_param : str or None
        The law's own parameter acting as a scale (multiplies the variable) or as a location (shifts it).
    auto : ScaleOption
        What :attr:`ScaleOption.AUTO` means for this family (FIT, FIT_WITH_LOCATION or NONE).
    nonnegative : bool
        Support in [0, ∞) for every parameter value: negative data beyond round-off are an error.
    finite_edge : bool
        The upper end of the support is a finite square-root edge (spikes and Tracy–Widom scale apply).
    starts : callable
        ``starts(summary, with_scale, with_loc) -> list[dict]``: candidate starting points (natural parameters,
        including ``scale``/``loc`` when those are added), best guesses first.
    fast_law : callable or None
        ``fast_law(**law_params)`` returning a light object with the same ``pdf``, ``atoms`` and ``support`` as the
        Law (ValueError for invalid parameters), used inside the likelihood, where building a full Law for each of
        ~1000 evaluations dominated the run time. The tests check it agrees with the Law.
    box : mapping or None
        Search range of some parameters, narrower than their domain.
    boundary_note : callable or None
        ``boundary_note(name, side, theta)`` (side ``"lower"``/``"upper"``): what the family tends to when the
        maximum likelihood lies on that limit of the search range (e.g. HTMP → a Gamma law as γ → 0), or None for
        the generic message.
    """

    law: type
    scale_param: str | None
    loc_param: str | None
    auto: ScaleOption
    nonnegative: bool
    finite_edge: bool
    starts: StartRule
    fast_law: Callable | None = None
    box: Mapping[str, tuple[float, float]] | None = None
    boundary_note: Callable[[str, str, Mapping[str, float]], str | None] | None = None

    @property
    def name(self) -> str:
        return self.law.__name__


_REGISTRY: dict[type, Family] = {}
_loaded = False


def register_family(family: Family) -> Family:
    """Add (or replace) the fitting recipe of a Law class."""
    _REGISTRY[family.law] = family
    return family


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    importlib.import_module("freecalc.fitting.recipes")  # registers the recipes of the laws that exist


def registered() -> tuple[Family, ...]:
    """All registered families, in registration order."""
    _load()
    return tuple(_REGISTRY.values())


#: Short names accepted for fittable laws besides their class names (matching ignores case, '-' and '_').
ALIASES = {"mp": "MarchenkoPastur", "sc": "Semicircle", "km": "KestenMcKay", "fm": "FreeMeixner",
           "invhtmp": "InverseHTMP"}


def _key(name: str) -> str:
    return name.lower().replace("-", "").replace("_", "")


def family_named(name: str) -> Family:
    """The registered family called ``name``: a class name (``"MarchenkoPastur"``, any case) or an alias of
    :data:`ALIASES` (``"mp"``); ValueError listing the accepted names otherwise."""
    _load()
    by_key = {_key(f.name): f for f in _REGISTRY.values()}
    key = _key(name)
    key = _key(ALIASES.get(key, key))
    if key not in by_key:
        names = sorted({f.name for f in _REGISTRY.values()} | set(ALIASES))
        raise ValueError(f"fit: unknown law {name!r}; choose from {', '.join(names)}")
    return by_key[key]


def family_of(law) -> Family:
    """The family of a Law class or instance; TypeError for anything else or an unregistered law."""
    _load()
    cls = law if isinstance(law, type) else type(law)
    fam = _REGISTRY.get(cls)
    if fam is None:
        names = ", ".join(f.name for f in _REGISTRY.values())
        raise TypeError(f"fit: no fitting recipe for {getattr(cls, '__name__', cls)!r}; fittable laws: {names}")
    return fam


# -- helpers for start rules ---------------------------------------------------------------------------------------

def spread_edges(x: np.ndarray, slack: float = 1e-3) -> tuple[float, float]:
    """(min, max) of x pushed outwards by ``slack`` of the range, so every point is strictly inside."""
    lo, hi = float(x[0]), float(x[-1])
    pad = slack * max(hi - lo, abs(hi), 1e-300)
    return lo - pad, hi + pad


def finite_starts(starts: Sequence[dict]) -> list[dict]:
    """Drop starts with non-finite values."""
    return [s for s in starts if all(isinstance(v, float) and math.isfinite(v) for v in s.values())]
