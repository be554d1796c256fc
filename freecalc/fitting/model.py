r"""The statistical model of a fit: which parameters of a family are free, which fixed, whether a scale and location
are added, and the unconstrained coordinates the optimiser works in.

Free parameters are optimised in unconstrained coordinates φ: :math:`\theta = lo + e^\varphi` on (lo, ∞),
:math:`hi - e^\varphi` on (−∞, hi), :math:`lo + (hi-lo)/(1+e^{-\varphi})` on (lo, hi), θ = φ on ℝ; |φ| ≤ 40 (a
parameter 1e17 times its unit is not a fit), and within the family's search box where it declares one. The
log-likelihood under a model is :class:`freecalc.fitting.likelihood.Likelihood`.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from freecalc.fitting.families import Family
from freecalc.fitting.options import ScaleOption

__all__ = ["Model", "PHI_BOUND", "SCALE", "LOC"]

PHI_BOUND = 40.0

SCALE = "scale"
LOC = "loc"


@dataclass(frozen=True)
class _Transform:
    """θ ↔ φ for a parameter with domain (lo, hi); the search is confined to [box_lo, box_hi] ⊂ domain."""

    lo: float
    hi: float
    box_lo: float = -math.inf
    box_hi: float = math.inf

    def phi_bounds(self) -> tuple[float, float]:
        """φ-interval of the search box, within ±PHI_BOUND."""
        a = self.to_phi(self.box_lo) if self.box_lo > self.lo else -PHI_BOUND
        b = self.to_phi(self.box_hi) if self.box_hi < self.hi else PHI_BOUND
        return max(a, -PHI_BOUND), min(b, PHI_BOUND)

    def to_theta(self, phi: float) -> float:
        lo, hi = self.lo, self.hi
        if math.isfinite(lo) and math.isfinite(hi):
            return lo + (hi - lo) / (1.0 + math.exp(-phi))
        if math.isfinite(lo):
            return lo + math.exp(phi)
        if math.isfinite(hi):
            return hi - math.exp(phi)
        return phi

    def to_phi(self, theta: float) -> float:
        lo, hi = self.lo, self.hi
        if math.isfinite(lo) and math.isfinite(hi):
            u = (theta - lo) / (hi - lo)
            u = min(max(u, 1e-15), 1 - 1e-15)
            return math.log(u / (1.0 - u))
        if math.isfinite(lo):
            return math.log(max(theta - lo, 1e-300))
        if math.isfinite(hi):
            return math.log(max(hi - theta, 1e-300))
        return theta

    def derivative(self, phi: float) -> float:
        """dθ/dφ."""
        lo, hi = self.lo, self.hi
        if math.isfinite(lo) and math.isfinite(hi):
            e = 1.0 / (1.0 + math.exp(-phi))
            return (hi - lo) * e * (1.0 - e)
        if math.isfinite(lo) or math.isfinite(hi):
            return math.exp(phi)
        return 1.0


#: Domain limits at or beyond this size are representability guards of the law (a scale in (1e-100, 1e100]), not
#: modelling limits: the search treats them as ±∞ (a logistic map over (1e-100, 1e100) would put every sensible
#: value at the clipped end of its range, φ = −34.5).
_UNBOUNDED = 1e50


def _open_ended(lo: float, hi: float) -> tuple[float, float]:
    return (-math.inf if lo <= -_UNBOUNDED else lo), (math.inf if hi >= _UNBOUNDED else hi)


@dataclass(frozen=True)
class Model:
    """Which parameters of a family are free, which fixed, and whether a scale/location is added.

    Build with :meth:`Model.build`. ``free`` lists the optimised natural parameters (law parameters first, then
    ``scale`` and ``loc`` when added); ``fixed`` maps the others to their values.
    """

    family: Family
    free: tuple[str, ...]
    fixed: Mapping[str, float]
    add_scale: bool
    add_loc: bool
    transforms: tuple[_Transform, ...] = field(repr=False)
    #: Lowest point (data units) the fitted law may reach, or None. :func:`freecalc.fit` sets 0 for
    #: positive-semidefinite data (a Gram matrix, or non-negative data touching 0): a law with support or
    #: atoms below 0 cannot have produced them.
    floor: float | None = None

    @classmethod
    def build(cls, family: Family, scale: ScaleOption, fixed: Mapping[str, float] | None) -> Model:
        """The model of ``family`` for a scale option and held parameters.

        Parameters
        ----------
        family : Family
            The law class's family.
        scale : ScaleOption
            AUTO (the family's default), FIT, FIT_WITH_LOCATION or NONE.
        fixed : mapping or None
            Parameters held at given values (law parameter names, ``scale``, ``loc``).

        Returns
        -------
        Model

        Raises
        ------
        TypeError
            ``scale`` not a ScaleOption, an unknown name in ``fixed``, an integer-valued parameter left free.
        ValueError
            A non-finite held value, a held scale ≤ 0, a held own scale/location without a default.
        """
        if not isinstance(scale, ScaleOption):
            raise TypeError(f"fit: scale must be a ScaleOption member (e.g. ScaleOption.FIT), got {scale!r}")
        option = family.auto if scale is ScaleOption.AUTO else scale
        fit_scale = option in (ScaleOption.FIT, ScaleOption.FIT_WITH_LOCATION)
        fit_loc = option is ScaleOption.FIT_WITH_LOCATION
        add_scale = fit_scale and family.scale_param is None
        add_loc = fit_loc and family.loc_param is None
        held: dict[str, float] = {}
        params = family.law.parameters
        for p in params:
            if (p.name == family.scale_param and not fit_scale) or (p.name == family.loc_param and not fit_loc):
                if p.default is None:
                    raise ValueError(f"fit: {family.name}.{p.name} has no default to hold it at; give it in fixed=")
                held[p.name] = float(p.default)
        allowed = [p.name for p in params] + ([SCALE] if add_scale else []) + ([LOC] if add_loc else [])
        for key, value in dict(fixed or {}).items():
            if key not in allowed:
                raise TypeError(f"fit: fixed has unknown parameter {key!r} for {family.name}; "
                                f"its fittable parameters here are {', '.join(allowed)}")
            if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
                    or not math.isfinite(float(value)):
                raise ValueError(f"fit: fixed[{key!r}] must be a finite real number, got {value!r}")
            if key == SCALE and float(value) <= 0:
                raise ValueError(f"fit: fixed['scale'] must be > 0, got {value!r}")
            held[key] = float(value)
        free, transforms = [], []
        box = dict(family.box or {})
        for p in params:
            if p.name in held:
                continue
            if p.domain.integer:
                raise TypeError(f"fit: {family.name}.{p.name} takes integer values only and cannot be optimised "
                                f"continuously; give it in fixed=")
            free.append(p.name)
            dlo, dhi = _open_ended(p.domain.lo, p.domain.hi)
            lo, hi = _open_ended(*box.get(p.name, (p.domain.lo, p.domain.hi)))
            transforms.append(_Transform(dlo, dhi, lo, hi))
        if add_scale and SCALE not in held:
            free.append(SCALE)
            transforms.append(_Transform(0.0, math.inf))
        if add_loc and LOC not in held:
            free.append(LOC)
            transforms.append(_Transform(-math.inf, math.inf))
        return cls(family, tuple(free), dict(held), add_scale, add_loc, tuple(transforms))

    @cached_property
    def bounds(self) -> tuple[tuple[float, float], ...]:
        """φ-bounds of the free parameters (the search box)."""
        return tuple(t.phi_bounds() for t in self.transforms)

    # -- coordinates ---------------------------------------------------------------------------------------------
    @property
    def k(self) -> int:
        """Number of free parameters."""
        return len(self.free)

    def theta(self, phi) -> dict[str, float]:
        """All natural parameters (free from φ, plus the fixed ones).

        Parameters
        ----------
        phi : sequence of float
            Unconstrained coordinates of the free parameters.

        Returns
        -------
        dict
        """
        out = dict(self.fixed)
        for name, t, v in zip(self.free, self.transforms, phi):
            out[name] = t.to_theta(float(v))
        return out

    def phi(self, theta: Mapping[str, float]) -> np.ndarray:
        """Unconstrained coordinates of the free parameters.

        Parameters
        ----------
        theta : mapping
            Natural parameters (at least the free ones).

        Returns
        -------
        ndarray
        """
        return np.array([t.to_phi(float(theta[name])) for name, t in zip(self.free, self.transforms)])

    def jacobian(self, phi) -> np.ndarray:
        """dθ/dφ for the free parameters (the diagonal of the Jacobian).

        Parameters
        ----------
        phi : sequence of float

        Returns
        -------
        ndarray
        """
        return np.array([t.derivative(float(v)) for t, v in zip(self.transforms, phi)])

    @cached_property
    def _law_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.family.law.parameters)

    def law_params(self, theta: Mapping[str, float]) -> dict[str, float]:
        """The law's own parameters out of ``theta`` (without ``scale``/``loc``).

        Parameters
        ----------
        theta : mapping

        Returns
        -------
        dict
        """
        return {p.name: theta[p.name] for p in self.family.law.parameters}

    def make_law(self, theta: Mapping[str, float]):
        """The (unscaled, unshifted) law.

        Parameters
        ----------
        theta : mapping

        Returns
        -------
        Law

        Raises
        ------
        ValueError, TypeError
            Invalid parameters.
        """
        return self.family.law(**self.law_params(theta))

    def make_kernel_law(self, theta: Mapping[str, float]):
        """What the likelihood evaluates: the law class's kernels (same pdf, atoms, support), or the Law itself.

        Parameters
        ----------
        theta : mapping
            Natural parameters (at least the law's).

        Returns
        -------
        KernelLaw or Law

        Raises
        ------
        ValueError, TypeError
            Invalid parameters.
        """
        return self.family.law.kernel_law(*[theta[name] for name in self._law_names])

    def affine(self, theta: Mapping[str, float]) -> tuple[float, float]:
        """(scale, loc) of the added affine map (1, 0 when not added).

        Parameters
        ----------
        theta : mapping

        Returns
        -------
        tuple of float
        """
        # only the added ones: a law's own parameter may carry the same name (FreeStable's scale)
        return (float(theta.get(SCALE, 1.0)) if self.add_scale else 1.0,
                float(theta.get(LOC, 0.0)) if self.add_loc else 0.0)

    def param_names(self) -> tuple[str, ...]:
        """Law parameters then the added scale/loc, in reporting order.

        Returns
        -------
        tuple of str
        """
        names = [p.name for p in self.family.law.parameters]
        if self.add_scale:
            names.append(SCALE)
        if self.add_loc:
            names.append(LOC)
        return tuple(names)
