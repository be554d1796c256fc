r"""Numeric free decompression of data (and of laws without an exact rule).

Pipeline (Ameli, van der Heide, Hodgkinson & Mahoney 2025, arXiv:2506.11994, reorganised):

1. **fit** — eigenvalues (:class:`~freecalc.laws.empirical.Empirical`) are smoothed into a
   :class:`~freecalc.laws.empirical.FittedSpectrum`: outliers split off as atoms, the bulk's Cauchy transform a
   rational function of the Joukowski variable of fitted square-root edges (:mod:`freecalc.continuation.pade`).
   Any other law with one compact support interval is fitted the same way from its quadrature rule, with its
   support given.
2. **continue** — the rational model *is* the analytic continuation: its second sheet is :math:`u \mapsto 1/u`.
3. **characteristics** — the target density on the curve :math:`\Im Z(u) = 0`,
   :math:`Z(u) = z_0(u) + (f-1)/G_0(u)` (:mod:`freecalc.kernels.characteristics`, :class:`Solver`).

Outliers (atoms of mass 1/n_s, e.g. the top eigenvalues of a kernel matrix). A rank-k additive spike
:math:`\theta vv^T` with delocalised v on a bulk A produces an outlier at the solution of
:math:`G_A(x) = 1/\theta` (Benaych-Georges & Nadakuditi 2011). In a random :math:`n_s`-principal submatrix the spike
becomes :math:`\theta\,v_S v_S^T` with :math:`\|v_S\|^2 \approx n_s/n`, i.e. strength :math:`\theta/f`, so the
submatrix outlier :math:`x_s` solves :math:`G_s(x_s) = f/\theta`. Along the characteristic through :math:`x_s`
(real, outside the support), :math:`x = x_s + (f-1)/G_s(x_s)` has :math:`G_n(x) = G_s(x_s)/f = 1/\theta` — the
full matrix's outlier. Hence **each outlier moves along its characteristic**,
:math:`x_n = x_s + (f - 1)/G_{s}(x_s)` (:math:`G_s` of the source bulk), which for :math:`x_s` far from the bulk
is the dilation about the bulk mean, :math:`x_n - \mu \approx f\,(x_s - \mu)`; its mass goes from
:math:`1/n_s` to :math:`1/n`. (Tested on a spiked Wishart in ``tests/operations/test_numeric_decompression.py``.)
The bulk, of :math:`n_s - k` eigenvalues, is decompressed to :math:`n - k` by the factor
:math:`f_b = (f - W)/(1 - W)`, W = the outliers' source mass.

Trace. The normalised trace :math:`\kappa_1` is invariant under free decompression (:func:`_keep_trace`). The
fitted bulk's mean differs from the data bulk's by the fit's O(1/n) error: the target bulk is moved to the data
bulk's mean (translated; dilated about the floor when there is one). An outlier's characteristic is only
approximately the dilation about the bulk mean that would keep the trace: the outliers, the least certain part
(a spike's strength in a submatrix fluctuates by ~√(2/n_s)), absorb the difference by a common dilation about the
bulk mean (the bulk instead when that would push one below the floor). Measured: the result's mean equals tr/n_s
to 1e-15 relative on the tests' spiked and kernel-like spectra (before: errors 4e-4 and 1.5e-3), and the integrated
density reproduces it to ~1e-9 (quadrature). On ``examples/decompress_kernel_matrix.py`` (default sizes) the
log-determinant error is +0.042 (before +0.045) and the KS distance 0.019 (unchanged); moving the bulk instead of
the outliers made them −0.098 and 0.034.

Floor. A PSD source decompresses to a law on [0, ∞); a ridge σ (``floor=σ``) is handled by decompressing the
source translated by −σ and translating the result back. Candidate fits whose decompression reaches below the
floor (bulk or moved outliers) are rejected and the next candidate is tried (:func:`_fit_and_decompress`).

Unbounded supports (HTMP, InverseHTMP) are refused (``NotImplementedError``): the continuation is a rational
model with square-root edges, which neither a hard edge at 0 nor a power-law tail is.

Uncertainty: pass several laws (e.g. the ESDs of independent random submatrices) or ``matrix=A, repeats=R`` to
draw them with :func:`freecalc.sampling.random_principal_submatrix`; the result is their equal-weight mixture, with
per-repeat laws in ``.repeats`` and pointwise density bands from ``.pdf_band``.
"""
from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from freecalc.continuation.pade import fit_rational
from freecalc.kernels import characteristics as K
from freecalc.laws.base import Law
from freecalc.laws.decompressed import DecompressedLaw, DecompressedPiece, Solver
from freecalc.laws.empirical import Empirical, FittedSpectrum
from freecalc.operations.decompression_checks import NUMERIC_DATA_OPTIONS, resolve_floor
from freecalc.operations.decompression_core import DecompressionError, DecompressionWarning
from freecalc._options import coerce_enum

__all__ = ["decompress_numeric", "Solver", "fit_law", "NEGATIVE_DENSITY_TOL", "MASS_TOL", "FLOOR_RTOL"]

MASS_TOL = 0.02
"""The traced target density must carry the bulk's mass to within this (trapezoid on 512 curve points, accurate to
~1e-4 for square-root edges); otherwise the curve found is not the preimage of the support (no valid law)."""

NEGATIVE_DENSITY_TOL = 1e-6
"""The decompressed density may dip below 0 by this fraction of its maximum (rounding, fit noise) before the
result is declared not a probability measure (DecompressionError)."""


def _as_solver(solver: Any) -> Solver:
    return coerce_enum(solver, Solver, "solver", hint="use freecalc.operations.numeric_decompression.Solver")


def _check_factor(factor: Any) -> float:
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real):
        raise TypeError(f"factor must be a real number >= 1 (n / n_s), got {factor!r}")
    f = float(factor)
    if not math.isfinite(f) or f < 1:
        raise ValueError(f"factor must be a finite number >= 1 (n / n_s), got {factor!r}; a factor below 1 is "
                         f"compression (fc.compress)")
    return f


def fit_law(law: Law, *, shift: float = 0.0, **smooth_options: Any) -> FittedSpectrum:
    """The :class:`FittedSpectrum` used as the source of numeric decompression for ``law`` translated by ``shift``.

    Empirical laws are smoothed (``smooth_options`` go to :meth:`Empirical.smooth`); a FittedSpectrum is used as is
    (translated when its model is in the eigenvalue variable); any other law with a single compact support interval
    and no atoms is fitted to its own quadrature rule on its known support (noise level of 10⁶ samples).

    Parameters
    ----------
    law : Law
        The source.
    shift : float
        Translation applied first (−floor: decompression commutes with translations).
    **smooth_options
        Options of :meth:`Empirical.smooth`.

    Returns
    -------
    FittedSpectrum
    """
    shift = float(shift)
    if isinstance(law, FittedSpectrum):
        if smooth_options:
            raise TypeError(f"smooth options {sorted(smooth_options)} do not apply: the law is already fitted")
        if shift == 0.0:
            return law
        if not isinstance(law.model, RationalCauchy):
            raise TypeError(f"{law!r} was fitted in log λ, which a translation does not preserve: decompress the "
                            f"Empirical eigenvalues with floor= instead")
        m = law.model
        return FittedSpectrum(RationalCauchy(m.a + shift, m.b + shift, m.p, m.q), law.report,
                              atoms=tuple((a + shift, w) for a, w in law.atoms), bulk_mass=law.bulk_mass,
                              size=law.size)
    if isinstance(law, Empirical):
        src = law if shift == 0.0 else Empirical(law.eigenvalues + shift, size=law.size)
        return src.smooth(**smooth_options)
    if not isinstance(law, Law):
        raise TypeError(f"decompress_numeric needs a freecalc Law (e.g. fc.Empirical(eigenvalues)), got "
                        f"{type(law).__name__}")
    if law.atoms:
        raise NotImplementedError(f"numeric decompression of {law!r}: laws with atoms are only supported as "
                                  f"Empirical data (outliers); use the exact route")
    sup = law.support
    if len(sup) != 1:
        raise NotImplementedError(f"numeric decompression of {law!r} needs one support interval, got {sup}")
    if not all(math.isfinite(v) for v in sup[0]):
        # Not supported: tried, representing the law by 4000 quantiles fitted like eigenvalues (tail quantiles as
        # atoms, bulk in log λ). HTMP(0.5, 2) has a hard edge at 0 (finite density there, m₀ → ∞ logarithmically),
        # which no square-root-edged model in λ or log λ represents (every candidate failed), and for
        # InverseHTMP(0.5, 2) (power-law tail) compressing the result back by 1/4 missed the source cdf by 0.20.
        raise NotImplementedError(
            f"numeric decompression of {law!r}: its support {sup[0]} is unbounded. The numeric route needs a compact "
            f"support with square-root edges (its continuation is a rational model in the Joukowski variable); "
            f"a hard edge at 0 or a power-law tail is not represented. HTMP (kappa > 2 gamma/(1 - gamma) or "
            f"kappa <= gamma/(1 - gamma)) and InverseHTMP have an exact route (route=Route.EXACT, the default); "
            f"otherwise decompress eigenvalues "
            f"(fc.Empirical(eigenvalues, size=n_s)), whose largest ones are carried as outliers")
    x, w = law.continuous_rule()
    opts = dict(smooth_options)
    model, report = fit_rational(x + shift, weights=w / w.sum(), support=(sup[0][0] + shift, sup[0][1] + shift),
                                 n_eff=opts.pop("n_eff", 1e6), **opts)
    return FittedSpectrum(model, report, size=law.size)


def _target_mean(law: Law) -> float | None:
    """The normalised trace the decompressed law must keep (κ₁ is invariant under free decompression)."""
    if isinstance(law, Empirical):
        return float(np.mean(law.eigenvalues))
    if not isinstance(law, Law):
        return None  # fit_law reports the bad source
    try:
        mean = float(law.mean())
    except (ValueError, ArithmeticError, NotImplementedError, TypeError):
        return None
    return mean if math.isfinite(mean) else None


def _keep_trace(piece: DecompressedPiece, src: FittedSpectrum, total: float, shift: float,
                floor: float | None) -> None:
    """Make the decompressed law's mean the source's, ``total`` (κ₁ is invariant under free decompression).

    Two errors are removed. (1) The fitted bulk's mean differs from the data bulk's by the fit's O(1/n) error: the
    target bulk is mapped to the data bulk's mean — translated without a floor, dilated about the floor otherwise
    (free decompression commutes with both maps, and the dilation keeps the bulk above the floor). (2) Each outlier
    moves along its characteristic, which is only approximately the dilation about the bulk mean that would keep
    the trace; the outliers, whose positions are the least certain part (a spike's strength in a submatrix
    fluctuates by ~√(2/n_s)), absorb the difference by a common dilation about the bulk mean. When that would
    reverse them or push one below the floor, the bulk absorbs it instead (as the n − k bulk eigenvalues of a
    spiked matrix carry tr A minus the outliers).
    """
    src_atoms = [(a + shift, w) for a, w in src.atoms]
    W = sum(w for _, w in src_atoms)
    mu_data = (total - sum(a * w for a, w in src_atoms)) / (1.0 - W)  # the data bulk's mean
    xq, wq = src.model.quadrature(256)
    mu_b = float(np.sum(wq * xq) / np.sum(wq)) + shift  # the decompressed bulk's mean (kept by decompression)

    def map_bulk(target: float) -> None:
        if floor is None:
            piece.translate(target - mu_b)
        elif mu_b > floor and target > floor:
            piece.dilate((target - floor) / (mu_b - floor), floor)

    atoms = piece.atoms
    moment = sum(m * (a - mu_data) for a, m in atoms)
    if atoms and moment != 0.0:
        scale = (total - mu_data) / moment
        moved = tuple((mu_data + scale * (a - mu_data), m) for a, m in atoms)
        if scale > 0 and (floor is None or min(a for a, _ in moved) >= floor):
            map_bulk(mu_data)
            piece.atoms = tuple(sorted(moved))
            return
    map_bulk((total - sum(a * m for a, m in atoms)) / piece.w)


def _piece(src: FittedSpectrum, f: float, solver: Solver, target_mean: float | None = None,
           shift: float = 0.0, floor: float | None = None) -> DecompressedPiece:
    W = 1.0 - src.bulk_mass
    f_b = (f - W) / (1.0 - W)
    model = src.model
    atoms = []
    args = model.kernel_args()
    for loc, mass in src.atoms:
        u = complex(model.u_first(np.array([loc + 0j]))[0].real, 0.0)  # real, |u| < 1: outside the support
        x_t = K.char_map(*args, f_b, u)[0].real
        atoms.append((float(x_t), mass / f))
    w_t = 1.0 - W / f
    atoms = [(a + shift, m) for a, m in atoms]
    try:
        piece = DecompressedPiece(model, f_b, bulk_mass=w_t, atoms=tuple(atoms), solver=solver, offset=shift)
    except (ValueError, ZeroDivisionError) as exc:
        # no target edge / no preimage curve: the characteristics do not produce a probability measure
        raise DecompressionError(f"decompressing {src!r} by factor {f:g} gives no probability measure: {exc}",
                                 math.nan) from None
    if target_mean is not None:
        _keep_trace(piece, src, target_mean + shift, shift, floor)
    peak = float(np.max(piece.tab_rho))
    bad_mass = abs(piece.table_mass - 1.0) > MASS_TOL
    if piece.min_density < -NEGATIVE_DENSITY_TOL * peak or not piece.monotone or bad_mass:
        why = ("the density along the preimage curve turns negative" if piece.min_density < 0
               else "the preimage curve folds back (x(θ) is not monotone)" if not piece.monotone
               else f"the density on the preimage curve carries mass {piece.table_mass:.3g}, not 1")
        raise DecompressionError(
            f"decompressing {src!r} by factor {f:g} gives no probability measure: {why}. The factor is probably "
            f"beyond the largest valid factor of the fitted law", math.nan)
    return piece


FLOOR_RTOL = 1e-9
"""A candidate respects the floor when its lowest point is ≥ floor − FLOOR_RTOL·(width of its support)."""


def _below_floor(pc: DecompressedPiece, floor: float | None) -> str | None:
    """Why a candidate violates the floor (None when it does not)."""
    if floor is None:
        return None
    lo, hi = pc.support
    low = min([lo] + [a for a, _ in pc.atoms])
    if low < floor - FLOOR_RTOL * (hi - lo):
        return f"target support reaches {low:.4g} < floor {floor:g}"
    return None


def _fit_and_decompress(law: Law, f: float, solver: Solver, smooth_options: dict[str, Any],
                        floor: float | None = None, shift: float = 0.0
                        ) -> tuple[FittedSpectrum, DecompressedPiece]:
    """Fit ``law`` translated by ``shift`` and decompress; the result is translated back, so it must respect
    ``floor`` (None: no floor). For Empirical data with the automatic type, fall back through the other candidate
    types (:data:`freecalc.continuation.pade.DEFAULT_TYPES`, in both variables for a positive spectrum unless
    ``variable`` is given; best Akaike score first) when the automatic choice does not decompress to a valid law
    (negative density, folded curve, or eigenvalues below the floor: a PSD source giving negative eigenvalues)."""
    target = _target_mean(law)
    target = None if target is None else target + shift
    src = fit_law(law, shift=shift, **smooth_options)
    errors: list[str] = []
    try:
        pc = _piece(src, f, solver, target, -shift, floor)
        why = _below_floor(pc, floor)
        if why is None:
            return src, pc
        errors.append(f"{src.report.degree if src.report else '?'}: {why}")
    except ValueError as exc:  # DecompressionError is a ValueError
        errors.append(f"{src.report.degree if src.report else '?'}: {exc}")
        if not isinstance(law, Empirical) or "degree" in smooth_options:
            raise
    if not isinstance(law, Empirical) or "degree" in smooth_options:
        raise DecompressionError(f"decompressing {law!r} by {f:g}: " + "; ".join(errors) + " (the source is "
                                 f"bounded below by the floor, so its decompression must be too)", math.nan)
    from freecalc.continuation.pade import DEFAULT_TYPES

    data = law if shift == 0.0 else Empirical(law.eigenvalues + shift)
    positive = data.eigenvalues[0] > 0
    # the admissible candidate fits, best Akaike score first (a simple type with a huge residual is a bad source)
    current = "log" if src.model.kind == K.LOG else "linear"
    given = smooth_options.get("variable", "auto")
    if getattr(given, "value", given) != "auto":
        variables = [given]
    else:
        # a positive spectrum may be fitted in either variable: try the other one too
        variables = [current] + ([{"log": "linear", "linear": "log"}[current]] if positive else [])
    opts = {k: v for k, v in smooth_options.items() if k != "variable"}
    cands = []
    for var in variables:
        for typ in DEFAULT_TYPES:
            if src.report is not None and typ == src.report.degree and var == current:
                continue
            try:
                cand = data.smooth(degree=typ, variable=var, **opts)
            except (ValueError, ZeroDivisionError) as exc:
                errors.append(f"{var} {typ}: {str(exc)[:80]}")
                continue
            cands.append((cand.report.residual + 2.0 * (sum(typ) + 2), cand))
    for _, cand in sorted(cands, key=lambda sc: sc[0]):
        try:
            pc = _piece(cand, f, solver, target, -shift, floor)
        except ValueError as exc:
            errors.append(f"{cand.report.degree}: {str(exc)[:80]}")
            continue
        why = _below_floor(pc, floor)
        if why is None:
            return cand, pc
        errors.append(f"{cand.report.degree}: {why}")
    raise DecompressionError(f"no fitted model of {law!r} decompresses by {f:g} to a probability measure"
                             + ("" if floor is None else f" bounded below by the floor {floor:g}") + ": "
                             + "; ".join(errors), math.nan)


STIELTJES_FIT_TOL = 0.015
"""Largest relative error of the fitted model's Stieltjes transform against the data's, at the points
:math:`w_k = q_k + \\tfrac12 s\\,i` (data quantiles q_k at 5 %, 15 %, …, 95 %, s the data's standard deviation),
before a numeric decompression is flagged. Along the characteristics :math:`f\\,m_f(z(w)) = m_{\\rm model}(w)`
exactly, so this is the decompression's own error at those points. Measured (500 → 2000, Haar-rotated HTMP and
InverseHTMP spectra and the example covariance/time-series matrices, 14 runs): KS to the truth ≤ 0.026 where it
was ≤ 0.0081; KS 0.059 at 0.042, KS 0.47 at 0.24 (a heavy-tailed fit that was silently wrong), KS 0.20–0.27 at
0.019–0.050 (time-series data, where free compression fails)."""

STIELTJES_FIT_NOISE = 6.0
"""The smooth fit cannot follow the sample's own O(1/n) fluctuations: the tolerance is
``max(STIELTJES_FIT_TOL, STIELTJES_FIT_NOISE / n)`` for n eigenvalues. Measured on Marchenko–Pastur(0.25) samples,
four seeds: 0.017–0.021 at n = 200, 0.005–0.009 at n = 500 (≈ 4/n)."""


def stieltjes_fit_error(eigenvalues: np.ndarray, fitted: Law) -> float:
    r"""Largest relative error of ``fitted``'s Stieltjes transform against the data's, off the real axis.

    Parameters
    ----------
    eigenvalues : numpy.ndarray
        The data the model was fitted to (in the model's variable: translated like it).
    fitted : Law
        The fitted source law.

    Returns
    -------
    float
        :math:`\max_k |m_{\rm fit}(w_k) - m_{\rm data}(w_k)| / |m_{\rm data}(w_k)|` at
        :math:`w_k = q_k + \tfrac12 s\,i` (see :data:`STIELTJES_FIT_TOL`), with
        :math:`m_{\rm data}(w) = \frac1n\sum_j 1/(\lambda_j - w)`.
    """
    x = np.asarray(eigenvalues, dtype=float)
    sd = float(np.std(x))
    if not sd > 0:
        return 0.0
    w = np.quantile(x, np.linspace(0.05, 0.95, 10)) + 0.5j * sd
    m_data = np.mean(1.0 / (x[None, :] - w[:, None]), axis=1)
    m_fit = np.asarray(fitted.stieltjes(w), dtype=complex)
    return float(np.max(np.abs(m_fit - m_data) / np.abs(m_data)))


def decompress_numeric(law: Law | Sequence[Law], factor: float, *, grid: Any = None, solver: Solver | str =
                       Solver.NEWTON, repeats: int | None = None, matrix: Any = None, rng: Any = None,
                       floor: float | None = None, **smooth_options: Any) -> DecompressedLaw:
    r"""Numeric free decompression by ``factor`` = n / n_s (module docstring for the method).

    Parameters
    ----------
    law : Law or sequence of Law
        Source: an :class:`~freecalc.laws.empirical.Empirical` (smoothed first), a
        :class:`~freecalc.laws.empirical.FittedSpectrum`, another single-interval law — or a list of them (one per
        independent random submatrix) for uncertainty bands.
    factor : float
        f = n / n_s ≥ 1.
    grid : int, optional
        Points of the convergence check grid per repeat (default 512): ``result.converged`` reports on it.
    solver : Solver
        ``Solver.NEWTON`` (default) or ``Solver.TRACE``.
    repeats : int, optional
        With ``matrix``: draw this many independent random principal submatrices of size ``law.size`` from
        ``matrix`` (:func:`freecalc.sampling.random_principal_submatrix`) and decompress each (``law`` only
        supplies n_s then).
    matrix : array-like, optional
        The full matrix to sample submatrices from (numpy, memmap, h5py, zarr, Dask).
    rng : optional
        Seed/generator for the submatrix draws.
    floor : float, optional
        Lower bound of the spectrum (:func:`freecalc.operations.decompression.resolve_floor`): None (default) is
        0 for a PSD source and no bound otherwise, ``-inf`` no bound. With a finite floor σ the source translated
        by −σ is decompressed and the result translated back, and candidates reaching below σ are rejected.
    **smooth_options
        Passed to :meth:`Empirical.smooth` (``degree``, ``support``, ``outliers``, ``n_eff``).

    Returns
    -------
    DecompressedLaw
        With ``size`` = round(f · n_s) when the source size is known.

    Raises
    ------
    DecompressionError
        The decompressed density is not a probability measure (factor beyond the valid range of the fit), or no
        candidate fit stays above the floor.
    ValueError, TypeError
        Bad factor, bad sources, repeats without a matrix, inconsistent sizes.
    """
    f = _check_factor(factor)
    solver = _as_solver(solver)
    unknown = sorted(set(smooth_options) - set(NUMERIC_DATA_OPTIONS))
    if unknown:
        raise TypeError(f"decompress_numeric got unexpected option(s) {', '.join(map(repr, unknown))}; valid options: "
                        f"{', '.join(NUMERIC_DATA_OPTIONS)}, floor")
    if matrix is not None:
        if repeats is None or isinstance(repeats, bool) or not isinstance(repeats, numbers.Integral) or repeats < 1:
            raise ValueError(f"with matrix=..., give repeats=R >= 1 submatrices to draw, got repeats={repeats!r}")
        n_s = law if isinstance(law, numbers.Integral) else getattr(law, "size", None)
        if n_s is None:
            raise ValueError("with matrix=..., the submatrix size n_s comes from law.size (or pass law=n_s)")
        from freecalc.sampling import random_principal_submatrix

        n_full = int(np.shape(matrix)[0])
        if n_s > n_full:
            raise ValueError(f"submatrix size n_s = {n_s} exceeds the matrix size n = {n_full}")
        gen = np.random.default_rng(rng)
        sources: list[Law] = [Empirical.from_matrix(random_principal_submatrix(matrix, int(n_s), gen).matrix)
                              for _ in range(int(repeats))]
    elif repeats is not None:
        raise ValueError("repeats=R needs matrix=A to draw submatrices from; or pass a list of laws instead")
    elif isinstance(law, Law):
        sources = [law]
    elif isinstance(law, Sequence) and not isinstance(law, (str, bytes)) and len(law) > 0:
        sources = list(law)
    else:
        raise TypeError(f"law must be a freecalc Law or a non-empty sequence of laws, got {type(law).__name__}")
    sizes = {s.size for s in sources if isinstance(s, Law)}
    if len(sizes) > 1:
        raise ValueError(f"all repeats must come from submatrices of one size, got sizes {sorted(map(str, sizes))}")
    fitted, pieces_l = [], []
    for s in sources:
        lower = resolve_floor(s, floor)
        # translate only for an explicit floor (an automatic PSD floor is 0: nothing to translate)
        shift = -lower if (floor is not None and lower is not None) else 0.0
        src, pc = _fit_and_decompress(s, f, solver, smooth_options, lower, shift)
        fitted.append(src)
        pieces_l.append(pc)
        if isinstance(s, Empirical):
            err = stieltjes_fit_error(s.eigenvalues + shift, src)
            tol = max(STIELTJES_FIT_TOL, STIELTJES_FIT_NOISE / s.eigenvalues.size)
            if err > tol:
                warnings.warn(DecompressionWarning(
                    f"the fitted Stieltjes transform of {s!r} misses the data's by {err:.3g} (relative) off the real "
                    f"axis (tolerance {tol:.3g}): the decompression by {f:g} follows that error along "
                    "its characteristics and may be far off (seen: KS 0.06-0.47 at 0.02-0.24). Check it with "
                    "fc.decompress_matrix(A, ...)'s model check, more eigenvalues, or another route"), stacklevel=2)
    pieces = tuple(pieces_l)
    n_s = fitted[0].size
    size = int(round(f * n_s)) if n_s is not None else None
    check = 512 if grid is None else int(grid)
    if check < 16:
        raise ValueError(f"grid must be an integer >= 16, got {grid!r}")
    return DecompressedLaw(pieces, factor=f, size=size, sources=tuple(fitted), check_points=check)
