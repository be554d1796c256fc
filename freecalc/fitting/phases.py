r"""The 5+1 phases of a weight matrix's ESD (Martin & Mahoney 2021, *JMLR* 22(165), §5; talk in shared/seeds/002).

Martin and Mahoney describe the ESD of :math:`W^TW` along training as

* **random-like** — a Marchenko–Pastur bulk, nothing outside it;
* **bleeding-out** — an MP bulk with eigenvalues emerging just past its edge;
* **bulk+spikes** — an MP bulk plus outliers well separated from it;
* **bulk-decay** — the bulk no longer MP-shaped and without a finite edge, but no power-law tail yet;
* **heavy-tailed** — a power-law upper tail (α small);
* **rank-collapse** (the "+1") — a large mass of zero eigenvalues: the matrix lost rank.

They give pictures, not thresholds. :func:`classify` makes the rules explicit (all thresholds in
:class:`~freecalc.fitting.options.PhaseOptions`), applied in this order:

1. *rank-collapse* if the fraction of eigenvalues within the atom tolerance of 0, beyond the zeros the matrix
   shape forces (M − N for an N×M weight matrix with M > N; none for a bare list of eigenvalues), exceeds
   ``rank_collapse_fraction`` (1 %).
2. The MP bulk fit is *good* when its KS distance on the bulk is at most ``ks_factor/√n_bulk`` (1/√n, the
   typical KS distance of n iid points; eigenvalues fluctuate less than iid points, so a matrix whose ESD is MP
   passes with a wide margin: 0.006 against 0.031 for an iid Gaussian 4096×1024 matrix).
3. If the MP bulk fit is *not* good: *heavy-tailed* when the tail exponent α ≤ ``alpha_heavy`` (6, WeightWatcher's
   boundary), otherwise *bulk-decay*.
4. If it is good: *random-like* with no spikes; with spikes, *bulk+spikes* when the farthest spike lies more
   than ``bleed_separation`` (10 %) of the bulk width λ₊ − λ₋ beyond the edge λ₊, else *bleeding-out*.

A missing α (fewer than ``min_tail`` positive eigenvalues) counts as +∞. The phase applies to spectra on
[0, ∞) (covariance-type matrices); for spectra with negative eigenvalues it is not defined (None).
"""
from __future__ import annotations

import enum
import math
from dataclasses import dataclass

from freecalc.fitting.options import PhaseOptions

__all__ = ["Phase", "PhaseEvidence", "classify"]


class Phase(enum.Enum):
    """The 5+1 phases of Martin & Mahoney."""

    RANDOM_LIKE = "random-like"
    BLEEDING_OUT = "bleeding-out"
    BULK_PLUS_SPIKES = "bulk+spikes"
    BULK_DECAY = "bulk-decay"
    HEAVY_TAILED = "heavy-tailed"
    RANK_COLLAPSE = "rank-collapse"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class PhaseEvidence:
    """The numbers a phase is decided from (kept in the result so the label can be audited)."""

    n: int
    excess_zeros: int
    mp_ks: float
    n_bulk: int
    alpha: float | None
    spikes: tuple[float, ...]
    edge: float
    lower_edge: float


def classify(ev: PhaseEvidence, options: PhaseOptions) -> tuple[Phase, str]:
    """The phase and a one-line reason (rules in the module docstring).

    Parameters
    ----------
    ev : PhaseEvidence
    options : PhaseOptions

    Returns
    -------
    tuple
        ``(Phase, reason)``.
    """
    if ev.n and ev.excess_zeros / ev.n > options.rank_collapse_fraction:
        return Phase.RANK_COLLAPSE, (f"{ev.excess_zeros} of {ev.n} eigenvalues are zero beyond what the shape "
                                     f"forces (> {options.rank_collapse_fraction:.0%})")
    crit = options.ks_factor / math.sqrt(max(ev.n_bulk, 1))
    good = ev.mp_ks <= crit
    alpha = math.inf if ev.alpha is None else ev.alpha
    if not good:
        if alpha <= options.alpha_heavy:
            return Phase.HEAVY_TAILED, (f"MP bulk fit poor (KS {ev.mp_ks:.3g} > {crit:.3g}) and power-law tail "
                                        f"alpha = {alpha:.3g} <= {options.alpha_heavy:g}")
        return Phase.BULK_DECAY, (f"MP bulk fit poor (KS {ev.mp_ks:.3g} > {crit:.3g}) and no power-law tail "
                                  f"(alpha = {alpha:.3g} > {options.alpha_heavy:g})")
    if not ev.spikes:
        return Phase.RANDOM_LIKE, f"MP bulk fit good (KS {ev.mp_ks:.3g} <= {crit:.3g}) and no spikes"
    width = ev.edge - ev.lower_edge
    gap = max(ev.spikes) - ev.edge
    if gap > options.bleed_separation * width:
        return Phase.BULK_PLUS_SPIKES, (f"MP bulk fit good; {len(ev.spikes)} spike(s), the farthest "
                                        f"{gap / width:.3g} bulk widths beyond the edge")
    return Phase.BLEEDING_OUT, (f"MP bulk fit good; {len(ev.spikes)} eigenvalue(s) just beyond the edge "
                                f"(within {options.bleed_separation:g} bulk widths)")
