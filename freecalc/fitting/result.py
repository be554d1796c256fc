"""The immutable result of :func:`freecalc.fit`."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from freecalc.fitting.phases import Phase

__all__ = ["FitResult", "RankEntry"]


@dataclass(frozen=True)
class RankEntry:
    """One candidate of a comparison: its criterion value (smaller is better) or why it could not be fitted."""

    law: str
    criterion: float
    loglik: float
    k: int
    error: str | None = None


def _frozen(d) -> MappingProxyType:
    return MappingProxyType(dict(d))


@dataclass(frozen=True)
class FitResult:
    """Fitted law, parameters with standard errors, goodness of fit, tail exponent, spikes and phase.

    Attributes
    ----------
    law : Law
        The fitted law, a normal freecalc law (includes an added scale/location; ``size`` = number of
        eigenvalues, so ``law.decompress(n)`` works).
    params, stderr : Mapping[str, float]
        Parameter name → estimate / standard error, with the law's own names plus ``scale`` (and ``loc``) when
        added. Fixed parameters have standard error 0; NaN when the observed information was not positive
        definite (see ``notes``).
    loglik : float
        Maximised log-likelihood on the ``n_fit`` points fitted (the bulk, when spikes were set aside).
    aic, bic : float
        Information criteria of the fit on those points.
    ks : float
        KS distance between the fitted points and the fitted cdf.
    pvalue : float or None
        Parametric-bootstrap p-value of ``ks`` (None unless ``bootstrap > 0``).
    alpha, alpha_sigma, xmin, n_tail : float, float, float, int or None
        Power-law exponent of the upper tail, its standard error, the tail start and size (None if no tail).
    alpha_law : float or None
        The exponent implied by the fitted law when it has a power-law tail (InverseHTMP: 1 + κ(1−γ)/(2γ)).
    alpha_law_sigma : float or None
        Its standard error (delta method on the joint covariance of γ, κ; NaN when γ is on the boundary).
    num_spikes, spikes : int, tuple of float
        Eigenvalues beyond the bulk edge + Tracy–Widom threshold, largest first.
    bulk_edge, tw_scale : float
        Upper edge of the bulk law the spikes refer to and its Tracy–Widom scale (nan when not applicable).
    phase : Phase or None
        The 5+1 phase (None for spectra with negative eigenvalues); ``phase_reason`` says why.
    ranking : tuple of RankEntry
        Candidates compared (best first) when no single law was asked for, else the one fitted.
    criterion : str
        Name of the criterion in ``ranking``.
    n, n_fit : int
        Eigenvalues in the data; points used by the law's fit.
    converged : bool
        Whether the optimiser reported convergence.
    notes : tuple of str
        Anything the user should know (failed candidates, tail-like outliers, bootstrap failures, ...).
    boundary : tuple of str
        Free parameters whose maximum-likelihood estimate lies on a limit of the search range (the likelihood
        rises towards the edge of the family, e.g. HTMP fitted to data it can only approach as γ → 0): the fit is
        then the supremum over the family, not an interior maximum; those parameters have standard error NaN and
        ``notes`` says why and what the family tends to there. Empty for an interior fit.
    """

    law: Any
    params: MappingProxyType
    stderr: MappingProxyType
    loglik: float
    aic: float
    bic: float
    ks: float
    pvalue: float | None
    alpha: float | None
    alpha_sigma: float | None
    xmin: float | None
    n_tail: int | None
    alpha_law: float | None
    num_spikes: int
    spikes: tuple
    bulk_edge: float
    tw_scale: float
    phase: Phase | None
    phase_reason: str
    ranking: tuple
    criterion: str
    n: int
    n_fit: int
    converged: bool
    notes: tuple = field(default=())
    boundary: tuple = field(default=())
    alpha_law_sigma: float | None = None

    def __post_init__(self):
        object.__setattr__(self, "params", _frozen(self.params))
        object.__setattr__(self, "stderr", _frozen(self.stderr))
        object.__setattr__(self, "spikes", tuple(float(s) for s in self.spikes))
        object.__setattr__(self, "ranking", tuple(self.ranking))
        object.__setattr__(self, "notes", tuple(self.notes))
        object.__setattr__(self, "boundary", tuple(str(b) for b in self.boundary))

    @property
    def at_boundary(self) -> bool:
        """True when some parameter's estimate lies on a limit of the search range (see ``boundary``)."""
        return bool(self.boundary)

    @property
    def law_name(self) -> str:
        return self.ranking[0].law if self.ranking else type(self.law).__name__

    def to_dict(self) -> dict:
        """Plain Python types only (JSON-serialisable): the law as its name, parameters and size.

        Returns
        -------
        dict
        """
        return {
            "law": self.law_name,
            "params": dict(self.params),
            "stderr": dict(self.stderr),
            "size": getattr(self.law, "size", None),
            "loglik": self.loglik,
            "aic": self.aic,
            "bic": self.bic,
            "ks": self.ks,
            "pvalue": self.pvalue,
            "alpha": self.alpha,
            "alpha_sigma": self.alpha_sigma,
            "xmin": self.xmin,
            "n_tail": self.n_tail,
            "alpha_law": self.alpha_law,
            "alpha_law_sigma": self.alpha_law_sigma,
            "num_spikes": self.num_spikes,
            "spikes": list(self.spikes),
            "bulk_edge": self.bulk_edge,
            "tw_scale": self.tw_scale,
            "phase": None if self.phase is None else self.phase.value,
            "phase_reason": self.phase_reason,
            "criterion": self.criterion,
            "ranking": [
                {"law": r.law, "criterion": r.criterion, "loglik": r.loglik, "k": r.k, "error": r.error}
                for r in self.ranking
            ],
            "n": self.n,
            "n_fit": self.n_fit,
            "converged": self.converged,
            "notes": list(self.notes),
            "boundary": list(self.boundary),
        }

    def __str__(self) -> str:
        lines = [f"FitResult: {self.law_name} fitted to {self.n_fit} of {self.n} eigenvalues"]
        if self.boundary:
            lines.append(f"  WARNING: maximum likelihood on the boundary of the family ({', '.join(self.boundary)} "
                         f"at the search limit): not an interior fit, see the notes")
        width = max((len(k) for k in self.params), default=0)
        for k, v in self.params.items():
            se = self.stderr.get(k, math.nan)
            flag = "   (on the boundary)" if k in self.boundary else ""
            lines.append(f"  {k:<{width}} = {v:.6g} ± {se:.2g}{flag}")
        lines.append(f"  log L = {self.loglik:.6g}   AIC = {self.aic:.6g}   BIC = {self.bic:.6g}")
        p = "not computed (bootstrap=0)" if self.pvalue is None else f"{self.pvalue:.3g}"
        lines.append(f"  KS = {self.ks:.4g}   p-value = {p}")
        if self.alpha is not None:
            lines.append(f"  tail: alpha = {self.alpha:.4g} ± {self.alpha_sigma:.2g} "
                         f"(xmin = {self.xmin:.4g}, {self.n_tail} points)")
        if self.alpha_law is not None:
            se = "" if self.alpha_law_sigma is None else f" ± {self.alpha_law_sigma:.2g}"
            lines.append(f"  alpha implied by the law = {self.alpha_law:.4g}{se}")
        sp = ", ".join(f"{s:.4g}" for s in self.spikes[:5]) + (" ..." if len(self.spikes) > 5 else "")
        edge = "" if not math.isfinite(self.bulk_edge) else f" beyond edge {self.bulk_edge:.4g}"
        lines.append(f"  spikes: {self.num_spikes}{edge}" + (f" [{sp}]" if self.spikes else ""))
        if self.phase is not None:
            lines.append(f"  phase: {self.phase.value} ({self.phase_reason})")
        if len(self.ranking) > 1:
            lines.append(f"  ranking by {self.criterion}:")
            for r in self.ranking:
                val = f"{r.criterion:.6g}" if r.error is None else f"failed: {r.error}"
                lines.append(f"    {r.law:<16} {val}")
        for note in self.notes:
            lines.append(f"  note: {note}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v:.4g}" for k, v in self.params.items())
        return f"FitResult({self.law_name}({params}), ks={self.ks:.3g}, phase={self.phase})"
