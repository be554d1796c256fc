r"""``fc.analyze``: the per-layer spectral table of a whole model (WeightWatcher-style), built on :func:`freecalc.fit`.

For each weight matrix W (N×M, N ≥ M; see :mod:`freecalc.analysis.layers` for which tensors qualify and how
convolution kernels are cut into slices) the eigenvalues of :math:`X = W^T W / N` are computed (the M×M Gram
matrix in float64 and ``eigvalsh``: the same eigenvalues as the squared singular values over N, at a third of the
cost of an SVD), then fitted with :func:`freecalc.fit`: the best of ``laws`` by BIC, and the Marchenko–Pastur
fit (reused when MP wins, else one extra MP fit) for the random-bulk reference.

Units. ``lambda_min``, ``lambda_max``, ``xmin``, ``mp_sigma2`` and ``mp_bulk_edge`` are in units of X = WᵀW/N
(so that ``mp_sigma2`` is the entry variance of W). The norm columns follow WeightWatcher's definitions on the
unnormalised W (Martin & Mahoney 2021, *Nat. Commun.* 12, 4122):

* ``log_norm`` = log₁₀ ‖W‖²_F = log₁₀ (N Σλ),
* ``log_spectral_norm`` = log₁₀ ‖W‖²₂ = log₁₀ (N λ_max),
* ``alpha_weighted`` = α · log_spectral_norm (WeightWatcher's "alpha_weighted", α̂ = α log₁₀ λ_max of WᵀW),
* ``stable_rank`` = ‖W‖²_F / ‖W‖²₂ = Σλ / λ_max (scale-free).

α (the Clauset–Shalizi–Newman tail exponent) is scale-free, so it is directly comparable with WeightWatcher's; for a
convolution kernel both use the union of the per-position slices' eigenvalues. By default xmin is chosen by
WeightWatcher 0.7.7's rule (:attr:`freecalc.fitting.XminRule.WEIGHTWATCHER`: one-sided KS statistic, tails down to
2 points), so that the α column matches WeightWatcher's table layer by layer; :func:`freecalc.fit` keeps the
Clauset rule (two-sided KS distance, tails of at least 10 points), the statistically sounder choice for a single
spectrum. Pass ``options=FitOptions(tails=TailOptions(xmin_rule=XminRule.CLAUSET))`` for that rule here.
"""
from __future__ import annotations

import math
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from freecalc.analysis.layers import WeightMatrix, select_matrices
from freecalc.analysis.sources import ModelSourceError, read_source

__all__ = ["analyze", "analysis_options", "layer_spectrum", "default_laws", "COLUMNS", "AnalysisWarning"]

#: the columns of the table, in order
COLUMNS = ("name", "kind", "shape", "N", "M", "aspect_ratio", "n_slices", "n_eigs", "lambda_min", "lambda_max",
           "law", "law_params", "law_ks", "mp_c", "mp_sigma2", "mp_ks", "mp_bulk_edge", "alpha", "alpha_sigma",
           "xmin", "n_tail", "num_spikes", "phase", "stable_rank", "log_spectral_norm", "log_norm",
           "alpha_weighted", "notes", "error")


#: rows of W converted to float64 at a time when forming WᵀW (bounds the extra memory to 4096·M·8 bytes)
_ROW_BLOCK = 4096


class AnalysisWarning(UserWarning):
    """Some layers could not be analysed (their row has ``error`` set and NaN metrics)."""


def default_laws() -> tuple:
    """The laws compared on every layer when ``laws=None``: Marchenko–Pastur (a random-like bulk) and
    InverseHTMP (the heavy-tailed HTMP family with a power-law tail; Hodgkinson, Wang & Mahoney 2025).

    Two families keep a layer's fit near a second (the other registered families — Wachter, Kesten–McKay, free
    Meixner, semicircle — describe spectra that trained weight matrices do not have, and cost up to 30× more:
    pass them in ``laws`` to compare them too).

    Returns
    -------
    tuple of type
        ``(MarchenkoPastur, InverseHTMP)``.
    """
    from freecalc.laws.inverse_htmp import InverseHTMP
    from freecalc.laws.marchenko_pastur import MarchenkoPastur

    return (MarchenkoPastur, InverseHTMP)


def analyze(model: Any, *, laws: Any = None, plot_dir: str | Path | None = None, progress: bool = True,
            include_embeddings: bool = False, min_evals: int = 10, options: Any = None):
    r"""Spectral analysis of every weight matrix of a model: one row per matrix.

    Parameters
    ----------
    model : path, mapping or module
        A ``.safetensors``, ``.npz`` or PyTorch ``.bin``/``.pt``/``.pth`` file (PyTorch files need torch and are
        read with ``weights_only=True``), a Hugging Face model directory (its ``*.safetensors`` shards, else its
        ``pytorch_model*.bin``), a mapping name → array, or an object with ``state_dict()`` (a torch module).
    laws : Law class or sequence of Law classes, optional
        Families compared by BIC on each layer; default :func:`default_laws` (MarchenkoPastur, InverseHTMP). An
        empty sequence fits no law: only the eigenvalues, the power-law tail α and the norms (WeightWatcher's
        default analysis, at a fraction of the cost); the law, MP, spike and phase columns are then empty.
    plot_dir : path, optional
        Write one PNG per layer there (ESD with the fitted law, and the log–log tail with α); needs matplotlib.
        Created if missing.
    progress : bool
        Show a progress bar over the layers (tqdm, on stderr, hidden when stderr is not a terminal).
    include_embeddings : bool
        Also analyse embedding tables (recognised by name: see :mod:`freecalc.analysis.layers`).
    min_evals : int
        Skip matrices with fewer eigenvalues (default 10: the tail fit needs 10 points).
    options : FitOptions, optional
        Passed to :func:`freecalc.fit`; default :func:`analysis_options` (``fc.fit``'s defaults with
        WeightWatcher's xmin rule). Given options are used as they are (their ``tails.xmin_rule`` included).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS` (see the module notes for their units). ``df.attrs["skipped"]`` lists the
        (name, reason) of tensors not analysed, ``df.attrs["source"]`` the source.

    Raises
    ------
    ModelSourceError (a ValueError)
        Unreadable or non-model file, a weight matrix of unsupported dtype (the tensor and dtype are named), or a
        model with no weight matrices.
    TypeError
        ``laws`` not Law classes.
    ImportError
        pandas (or, for ``plot_dir``, matplotlib) is missing: ``pip install 'freecalc[models]'``.

    Warns
    -----
    AnalysisWarning
        When some layers could not be fitted (non-finite weights, a degenerate spectrum): their ``error`` column
        says why and their metrics are NaN, never invented.

    Notes
    -----
    Per layer: eigenvalues of :math:`W^TW/N` (per-position slices for convolution kernels), ``fc.fit`` over
    ``laws`` (BIC), the Marchenko–Pastur fit, the power-law tail α of the eigenvalues (Clauset, Shalizi & Newman
    2009; WeightWatcher's estimator), spikes beyond the MP edge + Tracy–Widom margin, the 5+1 phase (Martin &
    Mahoney 2021, *JMLR* 22(165)), and WeightWatcher's norm metrics.
    """
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("fc.analyze returns a pandas DataFrame: pip install 'freecalc[models]'") from None
    law_seq = _check_laws(laws)
    options = analysis_options() if options is None else options
    from freecalc.fitting import FitOptions

    if not isinstance(options, FitOptions):
        raise TypeError(f"analyze: options must be a FitOptions, got {options!r}")
    if isinstance(min_evals, bool) or not isinstance(min_evals, (int, np.integer)) or min_evals < 3:
        raise ValueError(f"analyze: min_evals must be an integer >= 3, got {min_evals!r}")
    plot_path = _prepare_plot_dir(plot_dir)
    refs = read_source(model)
    matrices, skipped = select_matrices(refs, include_embeddings=include_embeddings, min_evals=int(min_evals))
    if not matrices:
        reasons = "; ".join(f"{n}: {r}" for n, r in skipped[:5]) + (" ..." if len(skipped) > 5 else "")
        raise ModelSourceError(f"{_describe(model)}: no weight matrices to analyse among {len(refs)} tensor(s)"
                               + (f" ({reasons})" if reasons else ""))
    from tqdm.auto import tqdm

    rows = []
    bar = tqdm(matrices, desc="analyze", unit="layer", disable=None if progress else True, leave=False)
    for i, wm in enumerate(bar):
        bar.set_postfix_str(wm.ref.name[-40:], refresh=False)
        row, eigs, fit, mp = _analyze_one(wm, law_seq, options)
        rows.append(row)
        if plot_path is not None and eigs is not None:
            from freecalc.analysis.figures import save_layer_figure

            save_layer_figure(plot_path / f"{i:03d}_{_safe(wm.ref.name)}.png", wm.ref.name, eigs, fit, mp,
                              alpha=row["alpha"], xmin=row["xmin"])
    failed = [r["name"] for r in rows if r["error"]]
    if failed:
        warnings.warn(f"analyze: {len(failed)} layer(s) could not be analysed (see the 'error' column): "
                      + ", ".join(failed[:5]) + (" ..." if len(failed) > 5 else ""), AnalysisWarning, stacklevel=2)
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    df.attrs["skipped"] = list(skipped)
    df.attrs["source"] = _describe(model)
    return df


def analysis_options():
    """The :class:`~freecalc.fitting.FitOptions` of :func:`analyze` by default: those of :func:`freecalc.fit` with
    WeightWatcher 0.7.7's xmin rule for the tail (:attr:`~freecalc.fitting.XminRule.WEIGHTWATCHER`), so that the
    α column is comparable with WeightWatcher's, layer by layer.

    Returns
    -------
    FitOptions
    """
    from freecalc.fitting import FitOptions, TailOptions, XminRule

    return FitOptions(tails=TailOptions(xmin_rule=XminRule.WEIGHTWATCHER))


def layer_spectrum(wm: WeightMatrix) -> np.ndarray:
    r"""Sorted eigenvalues of :math:`X = W^T W / N` for one weight matrix (the union over a kernel's slices).

    Computed as ``eigvalsh`` of the M×M Gram matrix, accumulated in float64 over blocks of rows of W (so a large
    float16/float32 matrix, e.g. a 128k-row output projection, is never copied whole to float64); round-off
    negatives are set to 0 (a Gram matrix is positive semi-definite).

    Parameters
    ----------
    wm : WeightMatrix
        The selected tensor.

    Returns
    -------
    numpy.ndarray
        ``m · n_slices`` eigenvalues, increasing, ≥ 0.

    Raises
    ------
    ValueError
        Non-finite weights.
    """
    out = []
    for a in wm.matrices():
        n, m = a.shape
        g = np.zeros((m, m))
        bad = 0
        for start in range(0, n, _ROW_BLOCK):
            b = np.asarray(a[start:start + _ROW_BLOCK], dtype=np.float64)
            finite = np.isfinite(b)
            if not finite.all():
                bad += int(b.size - np.count_nonzero(finite))
                continue
            g += b.T @ b
        if bad:
            raise ValueError(f"{bad} non-finite weight(s) (NaN or inf)")
        g /= n
        out.append(np.linalg.eigvalsh(g))
    lam = np.concatenate(out)
    np.maximum(lam, 0.0, out=lam)
    lam.sort()
    return lam


# -- helpers --------------------------------------------------------------------------------------------------------

def _analyze_one(wm: WeightMatrix, laws: tuple, options: Any) -> tuple[dict, Any, Any, Any]:
    from freecalc.fitting import fit as fit_law
    from freecalc.laws.marchenko_pastur import MarchenkoPastur

    ref = wm.ref
    row: dict[str, Any] = {c: math.nan for c in COLUMNS}
    row.update(name=ref.name, kind=wm.kind.value, shape="x".join(str(s) for s in ref.shape), N=wm.n, M=wm.m,
               aspect_ratio=wm.n / wm.m, n_slices=wm.n_slices, n_eigs=wm.n_eigs, law=None, law_params=None,
               phase=None, notes="", error="", num_spikes=None, n_tail=None)
    try:
        lam = layer_spectrum(wm)
        if lam[-1] <= 0.0:
            raise ValueError("all eigenvalues are zero (a zero matrix)")
        if not laws:
            return _tail_only(wm, lam, row, options), lam, None, None
        law_arg = laws[0] if len(laws) == 1 else list(laws)
        fit = fit_law(lam, law_arg, options=options)
    except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
        row["error"] = str(exc).splitlines()[0]
        return row, None, None, None
    mp = fit if fit.law_name == MarchenkoPastur.__name__ else None
    notes = list(fit.notes)
    if mp is None:
        try:
            mp = fit_law(lam, MarchenkoPastur, options=options)
        except (ValueError, ArithmeticError) as exc:
            notes.append(f"Marchenko–Pastur fit failed: {str(exc).splitlines()[0]}")
    lam_max = float(lam[-1])
    total = float(lam.sum())
    log_spectral = math.log10(wm.n * lam_max)
    row.update(lambda_min=float(lam[0]), lambda_max=lam_max, law=fit.law_name, law_params=dict(fit.params),
               law_ks=fit.ks, stable_rank=total / lam_max, log_spectral_norm=log_spectral,
               log_norm=math.log10(wm.n * total), num_spikes=fit.num_spikes,
               phase=None if fit.phase is None else fit.phase.value, notes="; ".join(notes))
    if mp is not None:
        row.update(mp_c=mp.params.get("c", math.nan), mp_sigma2=mp.params.get("sigma2", math.nan), mp_ks=mp.ks,
                   mp_bulk_edge=mp.bulk_edge)
    if fit.alpha is not None:
        row.update(alpha=fit.alpha, alpha_sigma=fit.alpha_sigma, xmin=fit.xmin, n_tail=fit.n_tail,
                   alpha_weighted=fit.alpha * log_spectral)
    return row, lam, fit, mp


def _tail_only(wm: WeightMatrix, lam: np.ndarray, row: dict, options: Any) -> dict:
    """``laws=()``: the power-law tail and the norms only (WeightWatcher's default analysis), no law fitted."""
    from freecalc.fitting.tails import fit_power_law_tail

    tail = fit_power_law_tail(lam, options.tails)
    lam_max, total = float(lam[-1]), float(lam.sum())
    log_spectral = math.log10(wm.n * lam_max)
    row.update(lambda_min=float(lam[0]), lambda_max=lam_max, stable_rank=total / lam_max,
               log_spectral_norm=log_spectral, log_norm=math.log10(wm.n * total),
               notes="laws=(): no law fitted (tail exponent and norms only; no MP fit, spikes or phase)")
    if tail is not None:
        row.update(alpha=tail.alpha, alpha_sigma=tail.alpha_sigma, xmin=tail.xmin, n_tail=tail.n_tail,
                   alpha_weighted=tail.alpha * log_spectral)
    return row


def _check_laws(laws: Any) -> tuple:
    from freecalc.fitting.families import family_of

    if laws is None:
        return default_laws()
    seq = (laws,) if isinstance(laws, type) else laws
    if not isinstance(seq, Sequence) or isinstance(seq, (str, bytes)):
        raise TypeError(f"analyze: laws must be a Law class or a sequence of Law classes (empty: no law fitted), "
                        f"got {laws!r}")
    for law in seq:
        if not isinstance(law, type):
            raise TypeError(f"analyze: laws must contain Law classes (e.g. fc.MarchenkoPastur), got {law!r}")
        family_of(law)  # TypeError for a class that is not a fittable law
    return tuple(seq)


def _prepare_plot_dir(plot_dir: Any) -> Path | None:
    if plot_dir is None:
        return None
    path = Path(plot_dir)
    if path.exists() and not path.is_dir():
        raise ValueError(f"analyze: plot_dir {str(path)!r} exists and is not a directory")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ImportError("analyze: plot_dir needs matplotlib: pip install 'freecalc[plot]'") from None
    path.mkdir(parents=True, exist_ok=True)
    return path


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:120]


def _describe(model: Any) -> str:
    if isinstance(model, (str, Path)):
        return str(model)
    return f"<{type(model).__name__}>"
