r"""Fittable families: how a Law class is fitted, read from what the class declares.

A :class:`Family` is derived from a Law class (:func:`family_of`): its :class:`~freecalc.laws.extension.FitHints`
(which parameter is a scale or a location, what :attr:`ScaleOption.AUTO` means, whether the support lies in
[0, ∞) and has a finite square-root upper edge, a search box), its starting-value hook ``fit_starts``, its numeric
kernels (evaluated by the likelihood instead of building a law per evaluation), its boundary-note and tail-exponent
hooks. Any Law subclass with parameters is fittable, a user's own included; the laws whose hints say
``candidate=True`` are the ones ``fc.fit(x)`` compares when no law is given. There is no table of laws here.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from freecalc.fitting.options import ScaleOption
from freecalc.fitting.tails import fit_power_law_tail
from freecalc.laws.base import Law
from freecalc.laws.extension import FitHints

__all__ = ["Family", "family_of", "family_named", "registered", "law_classes", "DataSummary"]


@dataclass(frozen=True)
class DataSummary:
    """What starting-value hooks may look at: the continuous (non-atom) data and the atom count at 0.

    Parameters
    ----------
    x : ndarray
        Sorted data, excluding points within the atom tolerance of 0 when the family is non-negative.
    n_zero : int
        Number of points set aside at 0.
    n_total : int
        Number of points including those.
    """

    x: np.ndarray
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

    def tail_exponent(self) -> float | None:
        """Clauset–Shalizi–Newman power-law exponent α of the upper tail of ``x``, or None when none is found.

        Returns
        -------
        float or None
        """
        tail = fit_power_law_tail(self.x)
        return None if tail is None else tail.alpha


@dataclass(frozen=True)
class Family:
    """How to fit one Law class (built by :func:`family_of` from the class's declarations).

    Parameters
    ----------
    law : type
        The Law subclass.
    """

    law: type

    @property
    def name(self) -> str:
        """The class name."""
        return self.law.__name__

    @property
    def hints(self) -> FitHints:
        """The class's :class:`~freecalc.laws.extension.FitHints`."""
        return self.law.fit_hints

    @property
    def scale_param(self) -> str | None:
        """The law's own parameter acting as a scale, or None."""
        return self.hints.scale_param

    @property
    def loc_param(self) -> str | None:
        """The law's own parameter acting as a location, or None."""
        return self.hints.loc_param

    @property
    def auto(self) -> ScaleOption:
        """What :attr:`ScaleOption.AUTO` means for this family."""
        if self.hints.auto_location:
            return ScaleOption.FIT_WITH_LOCATION
        return ScaleOption.FIT if self.hints.auto_scale else ScaleOption.NONE

    @property
    def nonnegative(self) -> bool:
        """Support in [0, ∞) for every parameter value."""
        return self.hints.nonnegative

    @property
    def finite_edge(self) -> bool:
        """Finite square-root upper edge (spikes and Tracy–Widom apply)."""
        return self.hints.finite_edge

    @property
    def box(self) -> Mapping[str, tuple[float, float]] | None:
        """Search range of some parameters, narrower than their domains."""
        return self.hints.box

    @property
    def starts(self) -> Callable[[DataSummary, bool, bool], list]:
        """The class's ``fit_starts(summary, with_scale, with_loc)`` hook."""
        return self.law.fit_starts

    def kernel_law(self, params: Mapping[str, float]):
        """The light stand-in evaluated by the likelihood (``pdf``/``logpdf``, ``support``, ``atoms``).

        Parameters
        ----------
        params : mapping
            The law's parameters by name.

        Returns
        -------
        KernelLaw or Law

        Raises
        ------
        ValueError, TypeError
            Invalid parameter values.
        """
        return self.law.kernel_law(*(params[p.name] for p in self.law.parameters))

    def boundary_note(self, param: str, side: str, theta: Mapping[str, float]) -> str | None:
        """The class's ``fit_boundary_note`` hook.

        Parameters
        ----------
        param : str
        side : {"lower", "upper"}
        theta : mapping

        Returns
        -------
        str or None
        """
        return self.law.fit_boundary_note(param, side, theta)

    def tail_exponent(self, theta: Mapping[str, float]) -> tuple[float, dict[str, float]] | None:
        """The class's ``fit_tail_exponent`` hook.

        Parameters
        ----------
        theta : mapping

        Returns
        -------
        tuple or None
            ``(alpha, gradient)``.
        """
        return self.law.fit_tail_exponent(theta)


_FAMILIES: dict[type, Family] = {}


def _subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_subclasses(sub))
    return out


def law_classes() -> tuple[type, ...]:
    """Every Law subclass defined so far (imported modules only), sorted by name.

    Returns
    -------
    tuple of type
    """
    # the package's own laws load on first use (freecalc/__init__.py): the candidates must all be defined here
    import freecalc

    freecalc._load_laws()
    # dict.fromkeys, not set: keeps definition order among equal sort keys (a class redefined in a session)
    return tuple(sorted(dict.fromkeys(_subclasses(Law)), key=lambda c: (c.__name__, c.__module__)))


def family_of(law) -> Family:
    """The family of a Law class or instance.

    Parameters
    ----------
    law : type or Law

    Returns
    -------
    Family

    Raises
    ------
    TypeError
        Not a Law class or instance, a law without declared parameters, or one without a continuous part
        (nothing to fit).
    """
    cls = law if isinstance(law, type) else type(law)
    fam = _FAMILIES.get(cls)
    if fam is not None:
        return fam
    if not (isinstance(cls, type) and issubclass(cls, Law)):
        raise TypeError(f"fit: {getattr(cls, '__name__', cls)!r} is not a Law class; fittable laws are Law "
                        f"subclasses with declared parameters, e.g. {', '.join(f.name for f in registered())}")
    if not cls.parameters:
        raise TypeError(f"fit: {cls.__name__} declares no parameters: there is nothing to fit (fittable laws: "
                        f"{', '.join(f.name for f in registered())}, or any Law subclass with parameters)")
    _check_has_density(cls)
    fam = _FAMILIES[cls] = Family(cls)
    return fam


def _check_has_density(cls: type) -> None:
    """TypeError when the law at its typical parameters has no continuous part (atoms only): the likelihood is a
    density, so such a law cannot be fitted to a spectrum."""
    try:
        law = cls(**{p.name: p.default if p.default is not None else 0.5 * sum(p.typical) for p in cls.parameters})
        support = law.support
    except (ValueError, TypeError, ArithmeticError, NotImplementedError):
        return  # cannot tell without data: the fit itself reports what fails
    if not support:
        raise TypeError(f"fit: {cls.__name__} has no continuous part (atoms only): there is no density to fit "
                        f"by maximum likelihood")


def registered() -> tuple[Family, ...]:
    """The families ``fc.fit(x)`` compares when no law is given: laws whose hints say ``candidate=True``.

    Returns
    -------
    tuple of Family
        Sorted by class name.
    """
    return tuple(family_of(c) for c in law_classes() if "fit_hints" in vars(c) and c.fit_hints.candidate)


def _key(name: str) -> str:
    return name.lower().replace("-", "").replace("_", "")


def family_named(name: str) -> Family:
    """The family called ``name``: a class name (any case) or one of its declared ``aliases`` (``"mp"``).

    The candidates (:func:`registered`) are searched first, then every other Law subclass defined so far (a user's
    own law included, once its module is imported). A class defined again under the same module and qualified
    name (a re-run notebook cell) replaces its earlier definition.

    Parameters
    ----------
    name : str

    Returns
    -------
    Family

    Raises
    ------
    ValueError
        An unknown name (the message lists the candidates' names), or one that several classes carry.
    """
    key = _key(name)
    for pool in ([f.law for f in registered()], [c for c in law_classes() if c.parameters]):
        hits = [c for c in pool if key in {_key(n) for n in (c.__name__, *c.aliases)}]
        # a class defined again under the same qualified name (a notebook cell or module re-run) replaces the
        # earlier definition: the last one wins; different qualified names stay ambiguous
        latest = {f"{c.__module__}.{c.__qualname__}": c for c in hits}
        hits = list(latest.values())
        if len(hits) == 1:
            return family_of(hits[0])
        if len(hits) > 1:
            raise ValueError(f"fit: the law name {name!r} is ambiguous: "
                             f"{', '.join(f'{c.__module__}.{c.__qualname__}' for c in hits)}; pass the class")
    names = sorted({f.name for f in registered()} | {a for f in registered() for a in f.law.aliases})
    raise ValueError(f"fit: unknown law {name!r}; choose from {', '.join(names)} (or pass a Law class)")
