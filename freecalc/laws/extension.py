r"""What a law class may declare beyond its measure: numeric kernels, names and fitting hints.

Every :class:`freecalc.Law` inherits :class:`ExtensionHooks`, so a law written in a user's own module declares its
parameters, a density (``_pdf``) and a support (``_support``), and gets everything else from these defaults: the
fitting layer builds its family from :attr:`ExtensionHooks.fit_hints` and :meth:`ExtensionHooks.fit_starts`, the
likelihood evaluates :attr:`ExtensionHooks.kernels` (or the law itself), the command line accepts the class name
and :attr:`ExtensionHooks.aliases`. A named law overrides the hooks next to its own class; nothing is listed
centrally.

Kernels follow the numba-stats convention: ``pdf(x, *params)`` with the law's declared parameters in declaration
order, broadcasting ``x`` against the parameters, so a likelihood evaluates a density ~1000 times without building
a law object each time.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

__all__ = ["Kernels", "FitHints", "ExtensionHooks", "KernelLaw", "spread_edges", "finite_starts", "affine_starts"]


def _no_atoms(*params: float) -> tuple[tuple[float, float], ...]:
    return ()


@dataclass(frozen=True)
class Kernels:
    """Vectorised numeric kernels of a law family, parameters as trailing arguments (numba-stats style).

    Parameters
    ----------
    pdf : callable
        ``pdf(x, *params) -> ndarray``: the density of the continuous part, 0 outside the support; ``x`` broadcasts
        against the parameters.
    support : callable
        ``support(*params) -> ((lo, hi), ...)``: the support intervals for scalar parameters.
    atoms : callable, optional
        ``atoms(*params) -> ((location, mass), ...)`` (default: no atoms).
    logpdf : callable, optional
        ``logpdf(x, *params)``, for densities whose tails leave the double range (default: ``log(pdf)``).
    check : callable, optional
        ``check(*params)``: raise ValueError for parameter values the declared domains admit but the law or the
        kernels do not (a constraint between parameters, a range where the kernel is too slow).
    """

    pdf: Callable[..., np.ndarray]
    support: Callable[..., tuple[tuple[float, float], ...]]
    atoms: Callable[..., tuple[tuple[float, float], ...]] = _no_atoms
    logpdf: Callable[..., np.ndarray] | None = None
    check: Callable[..., None] | None = None


@dataclass(frozen=True)
class FitHints:
    """How :func:`freecalc.fit` treats a law class (every field optional).

    Parameters
    ----------
    scale_param, loc_param : str or None
        The law's own parameter acting as its scale or location: held at its default when the scale (location)
        is not fitted, and no extra scale (location) is added when it is.
    auto_scale, auto_location : bool
        What :attr:`freecalc.ScaleOption.AUTO` means for the law: fit a scale (the own one, or an added ``scale``)
        and a location.
    nonnegative : bool
        The support lies in [0, ∞) for every parameter value: negative data beyond round-off are an error.
    finite_edge : bool
        The upper end of the support is a finite square-root edge (spikes and the Tracy–Widom scale apply).
    box : mapping, optional
        Search range ``name -> (lo, hi)`` of some parameters, narrower than their domains.
    candidate : bool
        Compared by ``fc.fit(x)`` when no law is given.
    """

    scale_param: str | None = None
    loc_param: str | None = None
    auto_scale: bool = False
    auto_location: bool = False
    nonnegative: bool = False
    finite_edge: bool = False
    box: Mapping[str, tuple[float, float]] | None = None
    candidate: bool = False


class KernelLaw:
    """A light stand-in for a law built from its class's :class:`Kernels`: ``pdf``, ``logpdf``, ``support``, ``atoms``.

    Parameters
    ----------
    law_class : type
        A Law subclass whose ``kernels`` is set.
    params : sequence of float
        Values of its declared parameters, in declaration order.

    Raises
    ------
    ValueError
        A value outside its declared domain (naming the parameter, value and domain), or rejected by the kernels'
        ``check``.
    """

    __slots__ = ("kernels", "params", "support", "atoms")

    def __init__(self, law_class: type, params: Sequence[float]) -> None:
        declared = law_class.parameters
        params = tuple(map(float, params))
        if len(params) != len(declared):
            raise TypeError(f"{law_class.__name__} takes {len(declared)} parameter(s), got {len(params)}")
        for p, v in zip(declared, params):
            if not p.domain.contains(v):
                raise ValueError(f"{law_class.__name__} parameter {p.name!r} = {v:g} is outside the allowed "
                                 f"domain {p.domain}")
        kernels = self.kernels = law_class.kernels
        self.params = params
        if kernels.check is not None:
            kernels.check(*params)
        self.support = kernels.support(*params)
        self.atoms = kernels.atoms(*params)

    def pdf(self, x: Any) -> np.ndarray:
        """Density of the continuous part at ``x``.

        Parameters
        ----------
        x : array_like

        Returns
        -------
        ndarray
        """
        return self.kernels.pdf(np.asarray(x, dtype=float), *self.params)

    def logpdf(self, x: Any) -> np.ndarray:
        """log density at ``x`` (−inf where the density is 0).

        Parameters
        ----------
        x : array_like

        Returns
        -------
        ndarray
        """
        if self.kernels.logpdf is not None:
            return self.kernels.logpdf(np.asarray(x, dtype=float), *self.params)
        with np.errstate(divide="ignore"):
            return np.log(self.pdf(x))


def spread_edges(x: np.ndarray, slack: float = 1e-3) -> tuple[float, float]:
    """(min, max) of sorted data pushed outwards by ``slack`` of the range, so every point is strictly inside.

    Parameters
    ----------
    x : ndarray
        Sorted data (at least one point).
    slack : float
        Fraction of the range (or of the largest magnitude) added on each side.

    Returns
    -------
    tuple of float
    """
    lo, hi = float(x[0]), float(x[-1])
    pad = slack * max(hi - lo, abs(hi), 1e-300)
    return lo - pad, hi + pad


def finite_starts(starts: Sequence[Mapping[str, Any]]) -> list[dict[str, float]]:
    """Starting points as ``name -> float`` dicts, dropping those with a non-finite or non-numeric value.

    Parameters
    ----------
    starts : sequence of mapping

    Returns
    -------
    list of dict
    """
    out = []
    for s in starts:
        try:
            st = {k: float(v) for k, v in s.items()}
        except (TypeError, ValueError):
            continue
        if all(math.isfinite(v) for v in st.values()):
            out.append(st)
    return out


def affine_starts(points: Sequence[Mapping[str, Any]], with_scale: bool, with_loc: bool, scale: float = 1.0,
                  loc: float = 0.0) -> list[dict[str, float]]:
    """Starting points with the added ``scale`` / ``loc`` set where they are fitted, non-finite ones dropped.

    Parameters
    ----------
    points : sequence of mapping
        Starts over the law's own parameters.
    with_scale, with_loc : bool
        Whether an added scale / location is fitted.
    scale, loc : float
        Their starting values.

    Returns
    -------
    list of dict
    """
    out = []
    for point in points:
        st = dict(point)
        if with_scale:
            st["scale"] = scale
        if with_loc:
            st["loc"] = loc
        out.append(st)
    return finite_starts(out)


class ExtensionHooks:
    """Class-level declarations every law inherits (defaults for a law that declares only a density and support).

    Override them on the law class: ``aliases`` (extra names on the command line and in ``fc.fit(law="...")``),
    ``in_expressions``, ``kernels`` (:class:`Kernels`), ``fit_hints`` (:class:`FitHints`), and the class methods
    :meth:`fit_starts`, :meth:`fit_boundary_note` and :meth:`fit_tail_exponent`.
    """

    #: Short names accepted besides the class name (in law expressions, ``fc.fit(law="...")`` and the command line).
    aliases: ClassVar[tuple[str, ...]] = ()
    #: Whether law expressions (:mod:`freecalc.expressions`) may construct the class when it is exported; None:
    #: when it declares parameters (a class built from other arguments, e.g. lists, sets True).
    in_expressions: ClassVar[bool | None] = None
    #: Vectorised kernels of the density for the likelihood, or None (the law itself is built per evaluation).
    kernels: ClassVar[Kernels | None] = None
    #: How :func:`freecalc.fit` treats the law.
    fit_hints: ClassVar[FitHints] = FitHints()

    @classmethod
    def kernel_law(cls, *params: float) -> Any:
        """The light :class:`KernelLaw` when the class declares ``kernels``, else the law itself.

        Parameters
        ----------
        *params : float
            Values of the declared parameters, in declaration order.

        Returns
        -------
        KernelLaw or Law

        Raises
        ------
        ValueError, TypeError
            Invalid parameter values.
        """
        if cls.kernels is None:
            return cls(*params)
        return KernelLaw(cls, params)

    @classmethod
    def fit_starts(cls, data: Any, with_scale: bool, with_loc: bool) -> list[dict[str, float]]:
        r"""Candidate starting points of a maximum-likelihood fit, best guesses first.

        The default tries each parameter's default (or the middle of its typical range), then all at the lower and
        all at the upper ends of the typical ranges. An added scale s and location ℓ (data = ℓ + sX) are matched to
        the data twice: by the first two moments (:math:`s = \mathrm{sd}_x/\mathrm{sd}_X`,
        :math:`\ell = \bar x - s\,E X`) and, for a compact support [a, b], by its ends
        (:math:`s = (x_{max} - x_{min})/(b - a)`, :math:`\ell = x_{min} - s a`, widened slightly so the data lie
        inside). Infeasible starts are moved by the optimiser.

        Parameters
        ----------
        data : DataSummary
            ``data.x``: the sorted data off the atom at 0 (see :class:`freecalc.fitting.families.DataSummary`).
        with_scale, with_loc : bool
            Whether an added ``scale`` / ``loc`` is fitted (include them in every start).

        Returns
        -------
        list of dict
            ``name -> value`` over the law's parameters (plus ``scale``/``loc`` when added).
        """
        params = cls.parameters
        points = [{p.name: float(p.default) if p.default is not None else 0.5 * sum(p.typical) for p in params},
                  {p.name: float(p.typical[0]) for p in params}, {p.name: float(p.typical[1]) for p in params}]
        x = np.asarray(data.x, dtype=float)
        out: list[dict[str, float]] = []
        for point in points:
            if not (with_scale or with_loc):
                out.append(point)
                continue
            try:
                law = cls(**point)
                mean, sd = law.mean(), law.std()
                support = law.support
            except (ValueError, TypeError, ArithmeticError, NotImplementedError):
                continue
            matches = []
            if math.isfinite(mean) and sd > 0 and math.isfinite(sd):
                s = float(np.std(x)) / sd if with_scale else 1.0
                matches.append((s, float(np.mean(x)) - s * mean))
            a, b = support[0][0], support[-1][1]
            if math.isfinite(a) and math.isfinite(b) and b > a:
                lo, hi = spread_edges(x, 0.01)
                s = (hi - lo) / (b - a) if with_scale else 1.0
                matches.append((s, lo - s * a))
            for s, loc in matches:
                st = dict(point)
                if with_scale:
                    st["scale"] = s
                if with_loc:
                    st["loc"] = loc
                out.append(st)
        return finite_starts(out)

    @classmethod
    def fit_boundary_note(cls, param: str, side: str, theta: Mapping[str, float]) -> str | None:
        """What the law tends to when the likelihood is largest on a limit of the search range (default: None).

        Parameters
        ----------
        param : str
            The parameter on its limit.
        side : {"lower", "upper"}
            Which limit.
        theta : mapping
            The estimate.

        Returns
        -------
        str or None
            A sentence appended to the generic boundary note, or None.
        """
        return None

    @classmethod
    def fit_tail_exponent(cls, theta: Mapping[str, float]) -> tuple[float, dict[str, float]] | None:
        r"""The power-law tail exponent α implied by fitted parameters, with its gradient (default: None).

        :func:`freecalc.fit` reports it as ``alpha_law`` with a delta-method standard error
        :math:`\sqrt{g^T \Sigma g}` from the gradient g and the parameters' joint covariance Σ.

        Parameters
        ----------
        theta : mapping
            Fitted parameters.

        Returns
        -------
        tuple or None
            ``(alpha, {name: dalpha/dname})`` or None when the law has no power-law tail.
        """
        return None
