r"""``fc.fit``: fit a spectral law to eigenvalues or a matrix, with tail, spikes and phase diagnostics.

The fit is a pipeline of stages, each a function here: **data** (:func:`freecalc.fitting.data.spectrum_from`) →
**reference bulk** (:func:`_reference_fit`: Marchenko–Pastur or semicircle, spike-robust) → **candidates**
(:func:`_fit_single` / :func:`_fit_candidates`, all on the same points) → **selection** (the criterion) → **refit**
(:func:`_refit_winner`) → **diagnostics** (:func:`_finish`: standard errors, boundary notes, KS, bootstrap, tail,
phase). What differs between laws comes from the law class's declarations through its :class:`Family` (hints,
starting values, kernels, boundary note, implied tail exponent); no stage tests a law's name.
"""
from __future__ import annotations

import importlib
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from freecalc.fitting.data import Spectrum, spectrum_from
from freecalc.fitting.families import Family, family_named, family_of, registered
from freecalc.fitting.gof import bootstrap_pvalue, ks_affine
from freecalc.fitting.likelihood import Likelihood, Model
from freecalc.fitting.mle import ON_BOUND, covariance, maximize
from freecalc.fitting.options import FitOptions, ScaleOption
from freecalc.fitting.phases import PhaseEvidence, classify
from freecalc.fitting.result import FitResult, RankEntry
from freecalc.fitting.spikes import BulkFit, edge_and_tw_scale, plain_fit, robust_bulk_fit, summary_starts_for
from freecalc.fitting.tails import fit_power_law_tail

__all__ = ["fit"]

ERROR_BOOTSTRAP = 40
"""Refits behind a bootstrap standard error (used when the information matrix is not positive definite): the
relative standard error of a standard deviation from B draws is about 1/sqrt(2(B − 1)), 11 % here — enough to
state the size of an error, at B fits' cost."""


def fit(data, law=None, *, scale: ScaleOption = ScaleOption.AUTO, fixed: Mapping[str, float] | None = None,
        bootstrap: int = 0, rng=None, subsample: int | None = None, options: FitOptions | None = None) -> FitResult:
    r"""Fit a spectral law to eigenvalues (or to a matrix's spectrum) by maximum likelihood.

    Parameters
    ----------
    data : array_like
        1-D: eigenvalues. 2-D symmetric (to 1e-10 relative): its eigenvalues. 2-D otherwise, W of shape N×M:
        the eigenvalues of the M×M matrix WᵀW/N, whose ESD for iid entries of variance σ² is
        ``MarchenkoPastur(c=M/N, sigma2=σ²)`` (with M − N exact zeros, the atom, when M > N).
    law : Law class, Law instance, law name, sequence of these, or None
        The family to fit (an instance only supplies starting values; a name is a class name in any case or an
        alias declared by the class such as ``"mp"``). None: compare every registered family
        applicable to the data (or ``options.candidates``) and keep the best by ``options.criterion`` (BIC by
        default: consistent, and its log n penalty keeps a 3-parameter family from beating a 2-parameter one
        it nests; see :class:`Criterion`), all fitted to the same points.
    scale : ScaleOption
        Fit the scale (and location): AUTO (the family's default), FIT, FIT_WITH_LOCATION or NONE.
    fixed : mapping, optional
        Parameters held at given values (law parameter names, or ``scale``/``loc``); their stderr is 0.
    bootstrap : int
        Parametric-bootstrap replicates for the KS p-value (each refitted); 0 leaves ``pvalue`` None.
    rng : optional
        Anything :func:`numpy.random.default_rng` accepts (subsampling and bootstrap).
    subsample : int, optional
        Use a random principal submatrix of this size (matrices only; the fitted law is then that of the
        submatrix: ``result.law.decompress(M)`` returns to full size).
    options : FitOptions, optional
        Optimiser, tail, spike and phase settings.

    Returns
    -------
    FitResult

    Notes
    -----
    *Likelihood.* Exact zeros (within ``atom_factor·n·eps·max|x|``) are counted against the law's atom at 0,
    never through log ρ(0) (see :mod:`freecalc.fitting.likelihood`). Tiny negative round-off within that
    tolerance is clipped to 0 for laws on [0, ∞); anything more negative is an error for those laws.

    *Spikes.* For laws with a finite square-root upper edge the fit is made on the bulk after setting aside
    eigenvalues beyond the edge plus a Tracy–Widom quantile (:mod:`freecalc.fitting.spikes`). When no single law
    is given, spikes are found against a Marchenko–Pastur bulk (a semicircle for spectra with negative values)
    and every candidate is fitted to the remaining points; the winner, if it has a finite edge, then gets its own
    spike analysis. Laws without a finite edge (HTMP, InverseHTMP) given alone are fitted to all the data.

    When the winner has no finite edge (HTMP, InverseHTMP) it is ranked on the common points and then refitted to
    all the data: the points set aside as spikes of the reference bulk are the far end of its tail.

    *Boundary maxima.* When the likelihood is largest on a limit of a parameter's search range (HTMP and
    InverseHTMP on spectra they can only approach as γ → 0, where they tend to a Gamma / inverse-gamma law; or as
    κ → ∞, Marchenko–Pastur), the estimate is put exactly on that limit, listed in ``result.boundary``, announced
    in the summary and explained in ``notes`` (with the limiting law); its standard error is NaN, the others' are
    conditional on it. Such a fit is the supremum over the family, never reported as an interior estimate.

    *Tail and phase.* α is the Clauset–Shalizi–Newman power-law exponent of the upper tail of all the data
    (:mod:`freecalc.fitting.tails`); the phase follows the rules of :mod:`freecalc.fitting.phases`.

    Raises
    ------
    ValueError
        NaN/inf data, fewer points than 2 + free parameters, all values equal, negative values for a law on
        [0, ∞), or no parameters whose support contains the data.
    TypeError
        A law that is not a fittable Law class, bad option types.
    """
    options = FitOptions() if options is None else options
    if not isinstance(options, FitOptions):
        raise TypeError(f"fit: options must be a FitOptions, got {options!r}")
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, numbers.Integral) or bootstrap < 0:
        raise ValueError(f"fit: bootstrap must be a non-negative integer, got {bootstrap!r}")
    if not isinstance(scale, ScaleOption):
        raise TypeError(f"fit: scale must be a ScaleOption member (e.g. ScaleOption.FIT), got {scale!r}")
    gen = np.random.default_rng(rng)
    spec = spectrum_from(data, subsample=subsample, rng=gen, atom_factor=options.atom_factor)
    x = spec.values
    if x.size < 3:
        raise ValueError(f"fit: {x.size} eigenvalue(s) are too few to fit a law (need at least 3)")
    if x[-1] - x[0] <= spec.zero_tol:
        raise ValueError(f"fit: all {x.size} eigenvalues are equal ({x[0]:.6g}): that is a point mass, not a "
                         f"continuous spectral law")
    nonneg = bool(x[0] >= -spec.zero_tol)
    # positive-semidefinite data: a Gram matrix WᵀW/N, or non-negative values reaching 0 (a rank-deficient
    # spectrum); every candidate is then held to laws on [0, ∞) (Model.floor), whatever its family allows
    floor = 0.0 if nonneg and (spec.shape is not None or spec.n_zeros > 0) else None
    families, single, start_law = _families(law, options, nonneg)
    notes: list[str] = []
    # the pipeline: data (above) → reference bulk → candidates → selection → refit → diagnostics
    reference = _reference_fit(spec, nonneg, options, notes)
    if single:
        model, bulk, ranking = _fit_single(families[0], spec, scale, fixed, floor, start_law, reference, options)
    else:
        ranking, fits = _fit_candidates(families, spec, scale, fixed, floor, nonneg, reference, options, notes)
        model, res, lik, xf = fits[ranking[0].law]  # selection: the best criterion (ranking is sorted)
        bulk = _refit_winner(model, res, lik, xf, spec, reference, options, notes)
        failed = [r for r in ranking if r.error is not None]
        if failed:
            notes.append("could not fit: " + ", ".join(r.law for r in failed) + " (see ranking)")
    return _finish(spec, model, bulk, ranking, reference, nonneg, options, bootstrap, gen, notes)


# -- pipeline stages -------------------------------------------------------------------------------------------

def _fit_single(fam: Family, spec: Spectrum, scale: ScaleOption, fixed, floor, start_law, reference,
                options: FitOptions) -> tuple[Model, BulkFit, list[RankEntry]]:
    """One given law: a spike-robust bulk fit when it has a finite edge (the family's ``finite_edge`` hint), else a
    plain fit to all the data."""
    x = spec.values
    model = replace(Model.build(fam, scale, fixed), floor=floor)
    xf = _data_for(fam, x, spec)
    _check_count(model, xf)
    extra = _starts_from_instance(start_law, model)
    if fam.finite_edge and options.spikes.enabled:
        if reference is not None and _same_model(model, reference[0]):
            bulk = reference[1]
        else:
            bulk = robust_bulk_fit(model, xf, spec.zero_tol, x.size, summary_starts_for(model, spec.zero_tol),
                                   options.spikes, options.optimizer)
    else:
        res, lik = plain_fit(model, xf, spec.zero_tol, summary_starts_for(model, spec.zero_tol),
                             options.optimizer, extra_starts=extra)
        bulk = _as_bulk(model, res, lik, xf, x.size, reference)
    val = options.criterion.value_of(bulk.mle.loglik, model.k, bulk.bulk.size)
    return model, bulk, [RankEntry(fam.name, val, bulk.mle.loglik, model.k)]


def _fit_candidates(families: list[Family], spec: Spectrum, scale: ScaleOption, fixed, floor, nonneg: bool,
                    reference, options: FitOptions, notes: list) -> tuple[list[RankEntry], dict]:
    """Every candidate fitted to the same points (the reference bulk's spikes set aside), ranked by the criterion
    (sorted, failures last); the fits by name."""
    x = spec.values
    common = x
    if reference is not None and reference[1].spikes.size and not reference[1].tail_like:
        common = reference[1].bulk if nonneg else x[: x.size - reference[1].spikes.size]
    ranking, fits = [], {}
    for fam in families:
        try:
            model = replace(Model.build(fam, scale, fixed if fixed else None), floor=floor)
            xf = _data_for(fam, common, spec)
            _check_count(model, xf)
            if reference is not None and _same_model(model, reference[0]) and xf.size == reference[1].bulk.size:
                res, lik = reference[1].mle, reference[1].likelihood
            else:
                res, lik = plain_fit(model, xf, spec.zero_tol, summary_starts_for(model, spec.zero_tol),
                                     options.optimizer)
        except (ValueError, TypeError) as exc:
            ranking.append(RankEntry(fam.name, math.inf, -math.inf, 0, str(exc)))
            continue
        val = options.criterion.value_of(res.loglik, model.k, xf.size)
        ranking.append(RankEntry(fam.name, val, res.loglik, model.k))
        fits[fam.name] = (model, res, lik, xf)
        edge_params = boundary_parameters(model, res.phi)
        if edge_params:
            notes.append(f"candidate {fam.name}: maximum likelihood on the boundary of the family ("
                         + ", ".join(f"{n} at its {side} search limit {res.theta[n]:.4g}" for n, side in edge_params)
                         + "): its ranking entry is the supremum over the family, not an interior fit")
    ranking.sort(key=lambda r: (r.error is not None, r.criterion))
    if not fits:
        raise ValueError("fit: no candidate law could be fitted: "
                         + "; ".join(f"{r.law}: {r.error}" for r in ranking))
    return ranking, fits


def _refit_winner(model: Model, res, lik: Likelihood, xf: np.ndarray, spec: Spectrum, reference,
                  options: FitOptions, notes: list) -> BulkFit:
    """The selected law refitted as its family's hints say: its own spike analysis when it has a finite edge, all
    the data when it has none."""
    x = spec.values
    fam = model.family
    if fam.finite_edge and options.spikes.enabled and not (
            reference is not None and _same_model(model, reference[0])):
        return robust_bulk_fit(model, _data_for(fam, x, spec), spec.zero_tol, x.size,
                               summary_starts_for(model, spec.zero_tol), options.spikes, options.optimizer,
                               extra_starts=[dict(res.theta)])
    if reference is not None and _same_model(model, reference[0]):
        return reference[1]
    if not fam.finite_edge and xf.size < x.size:
        # a law without a finite edge (HTMP, InverseHTMP: a power-law tail) has no spikes: it was ranked on the
        # common bulk, and is now refitted to every eigenvalue, since the points set aside as spikes of the
        # reference bulk are the far end of its tail (dropping them biased InverseHTMP's implied alpha from
        # 4.0 to 5.2 on inverse-gamma data)
        xa = _data_for(fam, x, spec)
        res, lik = plain_fit(model, xa, spec.zero_tol, summary_starts_for(model, spec.zero_tol),
                             options.optimizer, extra_starts=[dict(res.theta)])
        notes.append(f"{fam.name} was ranked on the {xf.size} points every candidate was fitted to (the "
                     f"{x.size - xf.size} beyond the reference bulk edge set aside), then refitted to all "
                     f"{x.size}: it has no finite edge, so those points belong to its tail")
        return _as_bulk(model, res, lik, xa, x.size, reference)
    return _as_bulk(model, res, lik, xf, x.size, reference)


# -- helpers ---------------------------------------------------------------------------------------------------

def _families(law, options: FitOptions, nonneg: bool) -> tuple[list[Family], bool, object]:
    from freecalc.laws.base import Law

    if law is None:
        pool = [family_of(c) for c in options.candidates] if options.candidates else list(registered())
        fams = [f for f in pool if nonneg or not f.nonnegative]
        if not fams:
            raise ValueError("fit: none of the candidate laws allows negative eigenvalues, and the data have some")
        return fams, len(fams) == 1, None
    if isinstance(law, str):
        return [family_named(law)], True, None
    if isinstance(law, Law):
        return [family_of(type(law))], True, law
    if isinstance(law, type):
        return [family_of(law)], True, None
    if isinstance(law, Sequence) and not isinstance(law, (str, bytes)):
        fams = [family_named(c) if isinstance(c, str) else family_of(c) for c in law]
        if not fams:
            raise ValueError("fit: law must not be an empty sequence")
        return fams, len(fams) == 1, None
    raise TypeError(f"fit: law must be a Law class, a Law instance, a law name such as 'mp', a sequence of these "
                    f"or None; got {law!r}")


def _data_for(fam: Family, x: np.ndarray, spec: Spectrum) -> np.ndarray:
    """Data for one family: non-negative families get round-off clipped at 0, and an error for real negatives."""
    if not fam.nonnegative:
        return x
    if x[0] < -spec.zero_tol:
        neg = int(np.count_nonzero(x < -spec.zero_tol))
        raise ValueError(f"fit: {fam.name} lives on [0, ∞) but {neg} eigenvalue(s) are negative (smallest "
                         f"{x[0]:.6g}, beyond the round-off tolerance {spec.zero_tol:.3g})")
    # only round-off negatives are moved (to 0): tiny positive values stay as they are, since a law with a density
    # diverging at 0 (HTMP with A < 0, whose samples reach 1e-18) needs them, and the atom of a law that has one
    # counts every point within zero_tol of it anyway (Likelihood, ks_distance)
    return np.where((x < 0.0) & (x >= -spec.zero_tol), 0.0, x)


def _check_count(model: Model, x: np.ndarray) -> None:
    if x.size < model.k + 2:
        raise ValueError(f"fit: {x.size} points are too few for {model.family.name} with {model.k} free "
                         f"parameter(s) (need at least {model.k + 2})")


def _same_model(a: Model, b: Model) -> bool:
    return a.family is b.family and a.free == b.free and dict(a.fixed) == dict(b.fixed)


def _starts_from_instance(law, model: Model) -> list:
    if law is None:
        return []
    st = {k: float(v) for k, v in law.params.items()}
    if model.add_scale:
        st["scale"] = 1.0
    if model.add_loc:
        st["loc"] = 0.0
    return [st]


def _reference_fit(spec: Spectrum, nonneg: bool, options: FitOptions, notes: list):
    """(model, BulkFit) of the reference bulk law: MP for spectra on [0, ∞), semicircle otherwise."""
    if not options.spikes.enabled:
        return None
    from freecalc.laws.marchenko_pastur import MarchenkoPastur
    from freecalc.laws.semicircle import Semicircle

    fam = family_of(MarchenkoPastur if nonneg else Semicircle)
    model = Model.build(fam, ScaleOption.AUTO, None)
    xf = _data_for(fam, spec.values, spec)
    if xf.size - int(np.count_nonzero(xf == 0.0)) < model.k + 2:
        notes.append("too few non-zero eigenvalues for the reference bulk fit: no spike or phase analysis")
        return None
    try:
        bulk = robust_bulk_fit(model, xf, spec.zero_tol, spec.n, summary_starts_for(model, spec.zero_tol),
                               options.spikes, options.optimizer)
    except ValueError as exc:
        notes.append(f"reference {fam.name} bulk fit failed ({exc}): no spike or phase analysis")
        return None
    if bulk.tail_like:
        notes.append(f"{bulk.n_beyond} eigenvalues ({bulk.n_beyond / spec.n:.1%}) lie beyond the "
                     f"{fam.name} edge: a tail rather than spikes, so the bulk is fitted to all the data")
    return model, bulk


def _as_bulk(model: Model, res, lik: Likelihood, xf: np.ndarray, n: int, reference) -> BulkFit:
    """Wrap a plain fit as a BulkFit; spikes are those of the reference bulk (or of the law's own edge)."""
    if model.family.finite_edge:
        edge, _, tw = edge_and_tw_scale(model, res.theta, n)
    else:
        edge, tw = math.inf, math.nan
    spikes = np.zeros(0)
    if reference is not None and not model.family.finite_edge:
        spikes = reference[1].spikes
        edge, tw = reference[1].edge, reference[1].tw_scale
    return BulkFit(res, lik, xf, spikes, edge, tw, edge, False, int(spikes.size), 0)


def _fitted_law(model: Model, theta: Mapping[str, float], size: int):
    """The fitted law as a normal freecalc Law; an added scale/location goes through the registered pushforwards
    (``s * law + loc``, freecalc.operations.pushforward)."""
    law = model.make_law(theta)
    if model.add_scale or model.add_loc:
        try:
            importlib.import_module("freecalc.operations.pushforward")  # registers 'scale' and 'shift'
        except ImportError:
            pass
    s, loc = model.affine(theta)
    try:
        law = law.with_size(size)
    except (TypeError, ValueError, NotImplementedError):
        pass
    if model.add_scale and s != 1.0:
        law = s * law
    if model.add_loc and loc != 0.0:
        law = law + loc
    return law


def _finish(spec: Spectrum, model: Model, bulk: BulkFit, ranking, reference, nonneg: bool, options: FitOptions,
            bootstrap: int, gen, notes: list) -> FitResult:
    res, lik = bulk.mle, bulk.likelihood
    theta = res.theta
    on_bound = boundary_parameters(model, res.phi)
    hold = [model.free.index(name) for name, _ in on_bound]
    cov, ok = covariance(lik, res.phi, options.optimizer.hessian_step, options.optimizer.errors, hold=hold)
    with np.errstate(invalid="ignore"):
        se_free = {n: float(v) for n, v in zip(model.free, np.sqrt(np.diag(cov)))} if model.k else {}
    for name, side in on_bound:
        what = model.family.boundary_note(name, side, theta)
        notes.append(f"MLE ON THE BOUNDARY: {name} = {theta[name]:.6g} is the {side} limit of the search range and "
                     f"the likelihood is largest there (standard error NaN: there is no interior maximum to take "
                     f"a curvature at"
                     + (f"; the other standard errors are conditional on {name} held there" if len(hold) < model.k
                        else "") + ")"
                     + ("" if what is None else f". {what}"))
    names = model.param_names()
    params = {k: float(theta[k]) for k in names}
    base = model.make_law(theta)
    s, loc = model.affine(theta)
    if not ok:
        # no positive-definite information at the optimum: a non-regular likelihood (Arcsine's r and loc set edges
        # where the density is unbounded, so log L grows without bound as an edge meets an extreme point and the
        # optimum is where the search stops). The quadratic approximation says nothing; the spread of the estimator
        # is measured instead by refitting samples drawn from the fitted law (for a scale/location family the
        # estimation errors are pivotal, so this reproduces their sampling distribution up to Monte Carlo error).
        held = {name for name, _ in on_bound}
        free = [k for k in model.free if k not in held]
        draws = []
        for _ in range(ERROR_BOOTSTRAP):
            try:
                sample = np.sort(loc + s * np.asarray(base.rvs(int(lik.x.size), rng=gen), dtype=float))
                rl = Likelihood(model, sample, spec.zero_tol)
                # the data's own starts only, as in the fit itself: from θ̂ the search would stop next to it
                starts = list(summary_starts_for(model, spec.zero_tol)(sample))
                draws.append([float(maximize(rl, starts, options.optimizer).theta[k]) for k in free])
            except (ValueError, ArithmeticError):
                continue
        if free and len(draws) >= ERROR_BOOTSTRAP // 2:
            se_free.update(zip(free, (float(v) for v in np.std(np.asarray(draws), axis=0, ddof=1))))
            notes.append(f"standard errors by parametric bootstrap: the standard deviation of {len(draws)} refits of "
                         f"samples drawn from the fitted law (the information matrix is not positive definite at "
                         f"the optimum: a non-regular likelihood, e.g. a parameter that sets a hard edge)")
        else:
            notes.append(f"information matrix not positive definite at the optimum and only {len(draws)} of "
                         f"{ERROR_BOOTSTRAP} bootstrap refits succeeded: standard errors are NaN")
    stderr = {k: (0.0 if k in model.fixed else float(se_free.get(k, math.nan))) for k in names}
    try:
        ks = ks_affine(base, s, loc, lik.x, spec.zero_tol)
    except (ArithmeticError, ValueError) as exc:  # a law's cdf failing at these parameters: say so, no number
        ks = math.nan
        notes.append(f"the fitted law's cdf could not be evaluated ({type(exc).__name__}: {exc}): KS is NaN")
    n_fit = int(lik.x.size)
    loglik = float(res.loglik)
    if getattr(lik, "binned", False):
        exact = lik.exact().loglik_theta(theta)
        notes.append(f"{n_fit} points: the optimisation used the binned log-likelihood (log ρ interpolated between "
                     f"{lik._bins[0].size} nodes); at the optimum it differs from the exact one by "
                     f"{abs(exact - loglik):.3g} (log L, AIC and BIC below are exact; the ranking used the binned "
                     f"value)")
        loglik = float(exact)
    aic = 2 * model.k - 2 * loglik
    bic = model.k * math.log(n_fit) - 2 * loglik

    pvalue = None
    if bootstrap:
        def replicate(g):
            try:
                sample = np.sort(loc + s * np.asarray(base.rvs(n_fit, rng=g), dtype=float))
                rl = Likelihood(model, sample, spec.zero_tol)
                starts = [dict(theta)] + list(summary_starts_for(model, spec.zero_tol)(sample))
                rr = maximize(rl, starts, options.optimizer)
                b = model.make_law(rr.theta)
                bs, bl = model.affine(rr.theta)
                return ks_affine(b, bs, bl, sample, spec.zero_tol)
            except (ValueError, ArithmeticError):
                return None

        pvalue, failed = bootstrap_pvalue(ks, replicate, bootstrap, gen)
        if failed:
            notes.append(f"{failed} of {bootstrap} bootstrap refits failed and were skipped")

    tail = fit_power_law_tail(spec.values, options.tails) if options.tails.enabled else None
    alpha_law = alpha_law_sigma = None
    implied = model.family.tail_exponent(theta)
    if implied is not None:
        alpha_law, gradient = implied
        alpha_law_sigma = _delta_sigma(model, gradient, cov)

    phase, reason = None, "not defined for spectra with negative eigenvalues"
    if not nonneg:
        pass
    elif reference is None:
        reason = "no reference bulk fit (see notes)"
    else:
        rmodel, rbulk = reference
        rlaw = rmodel.make_law(rbulk.mle.theta)
        rs, rl = rmodel.affine(rbulk.mle.theta)
        mp_ks = ks_affine(rlaw, rs, rl, rbulk.likelihood.x, spec.zero_tol)
        _, lower, _ = edge_and_tw_scale(rmodel, rbulk.mle.theta, spec.n)
        ev = PhaseEvidence(n=spec.n, excess_zeros=max(0, spec.n_zeros - spec.structural_zeros), mp_ks=mp_ks,
                           n_bulk=int(rbulk.likelihood.x.size), alpha=None if tail is None else tail.alpha,
                           spikes=tuple(float(v) for v in rbulk.spikes), edge=rbulk.edge, lower_edge=lower)
        phase, reason = classify(ev, options.phases)
        if not _same_model(model, rmodel):
            # the phase rules read the Marchenko–Pastur reference fit, not the returned law: say so
            reason = (f"from the {rmodel.family.name} reference fit of the bulk, not the returned "
                      f"{model.family.name} law: {reason}")

    law = _fitted_law(model, theta, spec.n)
    return FitResult(
        law=law, params=params, stderr=stderr, loglik=loglik, aic=float(aic), bic=float(bic),
        ks=float(ks), pvalue=pvalue,
        alpha=None if tail is None else tail.alpha, alpha_sigma=None if tail is None else tail.alpha_sigma,
        xmin=None if tail is None else tail.xmin, n_tail=None if tail is None else tail.n_tail,
        alpha_law=alpha_law, alpha_law_sigma=alpha_law_sigma, num_spikes=int(bulk.spikes.size),
        spikes=tuple(bulk.spikes),
        bulk_edge=float(bulk.edge), tw_scale=float(bulk.tw_scale), phase=phase, phase_reason=reason,
        ranking=tuple(ranking), criterion=options.criterion.name, n=spec.n, n_fit=n_fit,
        converged=bool(res.converged), notes=tuple(notes), boundary=tuple(name for name, _ in on_bound),
    )


def _delta_sigma(model: Model, gradient: Mapping[str, float], cov: np.ndarray) -> float:
    r"""Standard error of a function of the parameters by the delta method, :math:`\sqrt{g^T \Sigma g}`, from its
    gradient g and the joint covariance Σ of the free parameters (InverseHTMP's γ and κ are strongly correlated
    along the ridge of constant α, so the diagonal alone would overstate it). Fixed parameters contribute nothing;
    NaN when a free one has no error (boundary, flat optimum)."""
    idx = [model.free.index(n) for n in gradient if n in model.free]
    if not idx:
        return 0.0
    v = np.array([gradient[model.free[i]] for i in idx])
    var = float(v @ cov[np.ix_(idx, idx)] @ v)
    return math.sqrt(var) if var >= 0 and math.isfinite(var) else math.nan


def boundary_parameters(model: Model, phi) -> list:
    """(name, "lower"/"upper") of the free parameters whose estimate lies on a limit of the search range.

    Parameters
    ----------
    model : Model
    phi : sequence of float
        The estimate in unconstrained coordinates.

    Returns
    -------
    list of tuple
    """
    out = []
    for name, v, (a, b) in zip(model.free, phi, model.bounds):
        if v - a < ON_BOUND:
            out.append((name, "lower"))
        elif b - v < ON_BOUND:
            out.append((name, "upper"))
    return out
