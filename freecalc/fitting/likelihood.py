r"""The log-likelihood of a fit under its statistical model (:mod:`freecalc.fitting.model`).

For data :math:`x_1..x_n`, a law :math:`\mu_\theta` with continuous density :math:`\rho_\theta` and atoms
:math:`(a_j, w_j)`, an added scale :math:`s` and location :math:`\ell` (the data are modelled as
:math:`\ell + sX`, :math:`X \sim \mu_\theta`),

.. math:: \log L = \sum_{j} k_j \log w_j
          + \sum_{i \notin \text{atoms}} \bigl[\log\rho_\theta((x_i-\ell)/s) - \log s\bigr]
          \;+\; k_c \log\bigl(1 - F_\theta((x_c - \ell)/s)\bigr),

where :math:`k_j` counts the data within the atom tolerance of :math:`\ell + s a_j` (the likelihood of a mixed law
with respect to Lebesgue measure plus counting measure on the atoms: exact zeros of a rank-deficient matrix belong
to the atom of Marchenko–Pastur with c > 1 and never reach :math:`\log \rho(0)`), and the last term appears only in
the spike-robust first pass, where the :math:`k_c` largest points are right-censored at :math:`x_c`.

The model (free parameters and their unconstrained coordinates) is :class:`freecalc.fitting.model.Model`. Anything
invalid — a parameter the law rejects, data outside the support, an atom the law does not have, an atom of negative
mass, two or more exact zeros off an atom, support below the model's ``floor`` — gives log L = −∞, never NaN.
"""
from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from numpy.polynomial.legendre import leggauss

from freecalc.fitting.model import PHI_BOUND, Model
from freecalc.laws.extension import KernelLaw

# Model and PHI_BOUND are re-exported: callers build a Likelihood from a Model imported from here
__all__ = ["Model", "Likelihood", "tail_mass", "PHI_BOUND", "BIN_THRESHOLD"]

#: Above this many points (and when no data sit on an atom) the log-likelihood is binned: log ρ is evaluated at
#: ~BIN_NODES fixed nodes (data quantiles, a geometric grid, the extreme data points — so the support must still
#: contain all the data) and Σ_i log ρ(x_i) is replaced by the sum of its piecewise-linear interpolant at the data,
#: Σ_k W_k log ρ(t_k) with hat-function weights W_k precomputed once: O(nodes) per evaluation instead of O(n).
#: The interpolation error is measured at the optimum by :func:`freecalc.fit` (exact log L there) and reported. The
#: right-censored term of the spike-robust first pass (see :class:`Likelihood`) stays exact.
BIN_THRESHOLD = 50_000
BIN_NODES = 4096
#: The coarse stage of the optimisation (the simplex, before Newton's polish on the exact log-likelihood: see
#: :mod:`freecalc.fitting.mle`) uses the same binned log-likelihood with ~COARSE_NODES quantile nodes (plus half as
#: many geometric ones) when the data have at least COARSE_MIN_POINTS points: it only has to land inside Newton's
#: basin, and costs a fraction of an exact evaluation.
COARSE_NODES = 32
COARSE_MIN_POINTS = 256


_GL_T, _GL_W = leggauss(48)
_GL_T = 0.5 * (_GL_T + 1.0)
_GL_W = 0.5 * _GL_W


def tail_mass(law, u: float) -> float:
    """Mass of ``law`` strictly above ``u`` (continuous part by quadrature, plus atoms above u).

    On a finite interval (a, b) with b > u the substitution x = b − (b − u')t², u' = max(a, u), removes the
    square-root singularity of the density at the edge b, so 48 Gauss–Legendre nodes give ~1e-12.

    Parameters
    ----------
    law : Law or KernelLaw
        Needs ``support``, ``atoms``, ``pdf`` (and ``cdf`` for an unbounded support).
    u : float

    Returns
    -------
    float
    """
    total = 0.0
    for a, b in law.support:
        if b <= u:
            continue
        if not math.isfinite(b):
            return float(max(0.0, 1.0 - law.cdf(u)) + 0.0)  # unbounded support: the law's own cdf
        lo = max(a, u)
        width = b - lo
        x = b - width * _GL_T ** 2
        total += float(np.sum(_GL_W * 2.0 * width * _GL_T * law.pdf(x)))
    total += sum(w for loc, w in law.atoms if loc > u)
    return total


def _log_density(law, y: np.ndarray):
    """log ρ at ``y`` (float64 array): a :class:`KernelLaw`'s kernels are called directly (what its ``logpdf`` does,
    without the method's array conversion and second error-state context: the caller ignores floating-point
    errors), a law's own ``logpdf`` where it has one (tails beyond double range), else log of its pdf."""
    if type(law) is KernelLaw:
        kernels = law.kernels
        if kernels.logpdf is not None:
            return kernels.logpdf(y, *law.params)
        return np.log(kernels.pdf(y, *law.params))
    logpdf = getattr(law, "logpdf", None)
    return logpdf(y) if logpdf is not None else np.log(law.pdf(y))


class Likelihood:
    """log L(θ) of sorted data under a :class:`Model` (see the module docstring).

    Parameters
    ----------
    model : Model
    x : ndarray
        Sorted data used in the fit (already validated; clipped at 0 for non-negative families).
    zero_tol : float
        Absolute atom tolerance.
    censor : int
        Number of largest points right-censored (0: none).
    """

    def __init__(self, model: Model, x: np.ndarray, zero_tol: float, censor: int = 0):
        self.model = model
        self.zero_tol = float(zero_tol)
        x = np.asarray(x, dtype=float)
        if censor:
            self.x = x[: x.size - censor]
            self.x_c = float(x[x.size - censor - 1]) if x.size > censor else -math.inf
        else:
            self.x = x
            self.x_c = math.nan
        self.censor = int(censor)
        self.evaluations = 0
        # exact ties at 0 (the M − N structural zeros of a wide matrix, round-off negatives clipped to 0): a law
        # without an atom there gives them probability 0, so they must fall on an atom (see _atom_hits)
        z0 = int(np.searchsorted(self.x, 0.0, side="left"))
        z1 = int(np.searchsorted(self.x, 0.0, side="right"))
        self._ties0 = (z0, z1) if z1 - z0 >= 2 else None
        self._bins = self._hat_bins(BIN_NODES) if self.x.size > BIN_THRESHOLD else None
        self._coarse = None  # built on first use (coarse())

    def _hat_bins(self, n_nodes: int):
        """(nodes, weights) of the binned log-likelihood (see :data:`BIN_THRESHOLD`)."""
        x = self.x
        if x[0] <= 0.0:
            return None
        # quantiles of the sorted data (numpy's default 'linear' rule, without numpy.quantile's sort of a copy)
        pos = np.linspace(0.0, x.size - 1.0, n_nodes)
        i = np.minimum(pos.astype(np.int64), x.size - 2) if x.size > 1 else np.zeros(n_nodes, dtype=np.int64)
        frac = pos - i
        q = x[i] * (1.0 - frac) + x[np.minimum(i + 1, x.size - 1)] * frac
        g = np.geomspace(x[0], x[-1], n_nodes // 2)
        nodes = np.unique(np.concatenate([q, g, [x[0], x[-1]]]))
        k = np.clip(np.searchsorted(nodes, x, side="right") - 1, 0, nodes.size - 2)
        lam = (x - nodes[k]) / (nodes[k + 1] - nodes[k])
        w = np.bincount(k, weights=1.0 - lam, minlength=nodes.size) + np.bincount(k + 1, weights=lam,
                                                                                  minlength=nodes.size)
        return nodes, w

    def coarse(self) -> Likelihood | None:
        """The binned log-likelihood on ~:data:`COARSE_NODES` nodes, for the coarse stage of the optimisation (also
        of a likelihood already binned on :data:`BIN_NODES` nodes: the polish then runs on that one; a censored
        likelihood keeps its censored term, exact); None when it does not apply (fewer than
        :data:`COARSE_MIN_POINTS` points, data at or below 0 — they may sit on an atom, which the binned form does
        not handle).

        Returns
        -------
        Likelihood or None
        """
        if self.x.size < COARSE_MIN_POINTS or not self.x[0] > 0.0:
            return None
        if self._coarse is None:
            out = Likelihood.__new__(Likelihood)
            out.__dict__.update(self.__dict__)
            out._bins = self._hat_bins(COARSE_NODES)
            out.evaluations = 0
            self._coarse = out if out._bins is not None else False
        return self._coarse or None

    @property
    def binned(self) -> bool:
        """True when log L is the binned approximation (see :data:`BIN_THRESHOLD`)."""
        return self._bins is not None

    def exact(self) -> Likelihood:
        """The same likelihood without binning.

        Returns
        -------
        Likelihood
        """
        out = Likelihood.__new__(Likelihood)
        out.__dict__.update(self.__dict__)
        out._bins = None
        out.evaluations = 0
        return out

    @property
    def n(self) -> int:
        """Number of observations (censored ones included)."""
        return int(self.x.size + self.censor)

    def loglik_theta(self, theta: Mapping[str, float]) -> float:
        """log L at natural parameters (−inf where invalid, never NaN).

        Parameters
        ----------
        theta : mapping
            Natural parameters (free and fixed).

        Returns
        -------
        float
        """
        self.evaluations += 1
        model = self.model
        try:
            law = model.make_kernel_law(theta)
            law.atoms  # noqa: B018  (invalid parameters raise here)
        except (ValueError, TypeError, ArithmeticError):
            return -math.inf
        s, loc = model.affine(theta)
        if not (s > 0 and math.isfinite(s) and math.isfinite(loc)):
            return -math.inf
        x = self.x
        hits = self._atom_hits(law, s, loc)
        if hits is None:
            return -math.inf
        binned = self._bins is not None and not hits
        if binned:
            ll = self._binned_loglik(law, s, loc)
            rest = x[:0]
        elif hits:
            ll = sum((i1 - i0) * math.log(w) for i0, i1, w in hits)
            keep = np.ones(x.size, dtype=bool)
            for i0, i1, _ in hits:
                keep[i0:i1] = False
            rest = x[keep] if not keep.all() else x
        else:
            ll, rest = 0.0, x
        if rest.size:
            y = rest if (s == 1.0 and loc == 0.0) else (rest - loc if s == 1.0 else (rest - loc) / s)
            with np.errstate(all="ignore"):
                try:
                    lp = _log_density(law, y)
                except (ValueError, ArithmeticError, ZeroDivisionError):
                    return -math.inf
            # a sum of finite terms of size ≲ 1e3 is finite, and any ±inf or NaN term makes it non-finite: one
            # test on the sum is the test on every term (np.add.reduce is ndarray.sum without its Python wrapper:
            # the same pairwise summation)
            total = float(np.add.reduce(lp)) if isinstance(lp, np.ndarray) else float(np.sum(lp))
            if not math.isfinite(total):
                return -math.inf
            ll += total - rest.size * math.log(s)
        if self.censor:
            try:
                m = tail_mass(law, (self.x_c - loc) / s)
            except (ValueError, ArithmeticError, NotImplementedError):
                return -math.inf
            if not m > 0:
                return -math.inf
            ll += self.censor * math.log(m)
        return ll if math.isfinite(ll) else -math.inf

    def _binned_loglik(self, law, s: float, loc: float) -> float:
        nodes, w = self._bins
        y = (nodes - loc) / s if (s != 1.0 or loc != 0.0) else nodes
        with np.errstate(all="ignore"):
            try:
                lp = _log_density(law, y)
            except (ValueError, ArithmeticError, ZeroDivisionError):
                return -math.inf
        if not np.all(np.isfinite(lp)):
            return -math.inf
        ll = float(np.dot(w, lp)) - self.x.size * math.log(s)
        return ll if math.isfinite(ll) else -math.inf

    def _atom_hits(self, law, s: float, loc: float) -> list[tuple[int, int, float]] | None:
        """Index ranges [i0, i1) of the sorted data sitting on each atom (within zero_tol), with the atom's mass.

        None (log L = −∞) when the parameters do not give a law that could have produced the data: an atom of
        negative mass (not a probability law: FreeMeixner's formulas give −2e-8 just past a threshold), data on an
        atom of mass 0, two or more exact zeros not on an atom (a law whose continuous part peaks at 0 would
        otherwise collect log ρ(0) from each: the 300 structural zeros of a 300×600 matrix let a FreeMeixner with
        a near-singular peak there beat Marchenko–Pastur with KS 0.5), or support or atoms below the model's floor.
        """
        x = self.x
        hits = []
        floor = self.model.floor
        if floor is not None:
            lowest = min([loc + s * iv[0] for iv in law.support] + [loc + s * a for a, _ in law.atoms])
            if lowest < floor - self.zero_tol:
                return None
        for a, w in law.atoms:
            if w < 0:
                return None
            at = loc + s * a
            i0 = int(np.searchsorted(x, at - self.zero_tol, side="left"))
            i1 = int(np.searchsorted(x, at + self.zero_tol, side="right"))
            if i1 > i0:
                if not w > 0:
                    return None
                hits.append((i0, i1, w))
        if self._ties0 is not None:
            z0, z1 = self._ties0
            if not any(i0 <= z0 and z1 <= i1 for i0, i1, _ in hits):
                return None
        return hits

    def contributions(self, theta: Mapping[str, float]) -> np.ndarray | None:
        """Per-point log-likelihood terms (atom points: log of the atom's mass), or None where invalid.

        Used for the outer-product-of-scores standard errors; censored points are not included.

        Parameters
        ----------
        theta : mapping

        Returns
        -------
        ndarray or None
        """
        model = self.model
        try:
            law = model.make_kernel_law(theta)
            law.atoms  # noqa: B018  (invalid parameters raise here)
        except (ValueError, TypeError, ArithmeticError):
            return None
        s, loc = model.affine(theta)
        x = self.x
        hits = self._atom_hits(law, s, loc)
        if hits is None:
            return None
        out = np.empty(x.size)
        keep = np.ones(x.size, dtype=bool)
        for i0, i1, w in hits:
            out[i0:i1] = math.log(w)
            keep[i0:i1] = False
        y = (x[keep] - loc) / s
        with np.errstate(all="ignore"):
            try:
                lp = _log_density(law, y)
            except (ValueError, ArithmeticError, ZeroDivisionError):
                return None
        out[keep] = lp - math.log(s)
        return out if np.all(np.isfinite(out)) else None

    def nll_phi(self, phi) -> float:
        """Negative log-likelihood in the transformed coordinates (+inf where invalid or |φ| > PHI_BOUND).

        Parameters
        ----------
        phi : sequence of float

        Returns
        -------
        float
        """
        vals = np.asarray(phi, dtype=float).tolist()  # Python floats: cheaper to compare and map than numpy scalars
        # the bounds are finite (within ±PHI_BOUND): a NaN or infinite coordinate fails this test too
        for v, (a, b) in zip(vals, self.model.bounds):
            if not a <= v <= b:
                return math.inf
        try:
            theta = self.model.theta(vals)
        except OverflowError:
            return math.inf
        return -self.loglik_theta(theta)
