r"""Figures of laws and results (matplotlib is optional: ``pip install 'freecalc[plot]'``).

Every function takes laws, eigenvalues or results, draws into the given ``ax`` (a new figure when ``ax`` is None)
and returns the :class:`matplotlib.axes.Axes` (its figure is ``ax.figure``). Matplotlib is imported only when a
function draws, so ``import freecalc.plotting`` works without it; compute code never imports this module.

* :func:`plot_density` — density of the continuous part, atoms as stems (height = mass);
* :func:`plot_esd` — histogram of eigenvalues against a (fitted) law;
* :func:`plot_decompression` — a decompressed density with its uncertainty band and the source spectrum;
* :func:`plot_tail` — log–log complementary CDF of the upper tail with the fitted power law of exponent α;
* :func:`plot_free_convolution` — a ⊞/⊠ result against a Monte Carlo eigenvalue histogram.

Histograms are normalised by the *total* number of eigenvalues, so off the atoms their height estimates the
density of the continuous part, the quantity drawn for the law.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["plot_range", "plot_density", "plot_esd", "plot_decompression", "plot_tail", "plot_free_convolution"]

_PAD = 0.08  # fraction of the plotted range added on each side


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - exercised only without matplotlib
        raise ImportError("freecalc.plotting needs matplotlib: pip install 'freecalc[plot]'") from None
    return plt


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    _, ax = _pyplot().subplots(figsize=(6.4, 4.0))
    return ax


def plot_range(law: Any, pad: float = _PAD) -> tuple[float, float]:
    """An x range showing the whole law: support and atoms (0.5 %–99.5 % quantiles for unbounded sides).

    Pure numpy: the command line uses it for density tables without importing matplotlib.

    Parameters
    ----------
    law : Law
        A numeric law.
    pad : float
        Fraction of the range added on each side.

    Returns
    -------
    (lo, hi) : tuple of float

    Raises
    ------
    ValueError
        If the law has neither support nor atoms.
    """
    ends: list[float] = [loc for loc, _ in law.atoms]
    for a, b in law.support:
        ends.append(a if math.isfinite(a) else float(law.ppf(0.005)))
        ends.append(b if math.isfinite(b) else float(law.ppf(0.995)))
    if not ends:
        raise ValueError(f"{law!r} has neither support nor atoms to plot")
    lo, hi = min(ends), max(ends)
    width = hi - lo if hi > lo else max(1.0, abs(lo))
    return lo - pad * width, hi + pad * width


def _grid(law: Any, points: int, x: Any = None) -> np.ndarray:
    if x is not None:
        return np.asarray(x, dtype=float)
    lo, hi = plot_range(law)
    grid = np.linspace(lo, hi, points)
    # include the edges themselves so square-root edges are drawn down to 0
    edges = [e for ab in law.support for e in ab if math.isfinite(e) and lo <= e <= hi]
    return np.unique(np.concatenate([grid, edges]))


def plot_density(law: Any, ax: Any = None, *, points: int = 600, x: Any = None, label: str | None = None,
                 color: Any = None, atoms: bool = True, log_x: bool = False, **line_kw: Any) -> Any:
    """Density of the continuous part of ``law`` (a line) and its atoms (stems of height equal to the mass).

    Parameters
    ----------
    law : Law
        A numeric law.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    points : int
        Grid size when ``x`` is not given (the support edges are added to the grid).
    x : array-like, optional
        Explicit grid.
    label, color, **line_kw
        Passed to :meth:`~matplotlib.axes.Axes.plot`.
    atoms : bool
        Draw the atoms.
    log_x : bool
        A logarithmic x axis for spectra over several decades: the curve is then x·ρ(x), the density of log x,
        so that equal areas are equal masses on the log axis (x must be positive).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    xs = _grid(law, points, x)
    label = repr(law) if label is None else label
    dens = np.asarray(law.pdf(xs), dtype=float)
    (line,) = ax.plot(xs, xs * dens if log_x else dens, label=label, color=color, **line_kw)
    if atoms and law.atoms:
        locs = [a for a, _ in law.atoms]
        masses = [w for _, w in law.atoms]
        stems = ax.stem(locs, masses, linefmt="-", markerfmt="o", basefmt=" ",
                        label=f"atoms of {label}" if label else "atoms")
        for artist in (stems.markerline, stems.stemlines):
            artist.set_color(line.get_color())
    if log_x:
        ax.set_xscale("log")
    ax.set_xlabel("x")
    what = "density of log x, x·ρ(x)" if log_x else "density"
    ax.set_ylabel(f"{what} (atoms: mass)" if atoms and law.atoms else what)
    return ax


def _hist(ax: Any, values: np.ndarray, bins: Any, label: str, *, log_x: bool = False, **kw: Any) -> None:
    values = np.asarray(values, dtype=float).ravel()
    values = values[np.isfinite(values)]
    if values.size == 0:
        raise ValueError("no finite eigenvalues to plot")
    if log_x:  # histogram of log x (non-positive values are left out of the log axis), drawn on the x scale
        total = values.size
        logs = np.log(values[values > 0])
        edges = np.exp(np.histogram_bin_edges(logs, bins=bins))
        counts, edges = np.histogram(values, bins=edges)
        heights = counts / (total * np.diff(np.log(edges)))
    else:
        edges = np.histogram_bin_edges(values, bins=bins)
        counts, edges = np.histogram(values, bins=edges)
        heights = counts / (values.size * np.diff(edges))
    ax.bar(edges[:-1], heights, width=np.diff(edges), align="edge", alpha=0.35, label=label, **kw)


def plot_esd(eigenvalues: Any, law: Any = None, ax: Any = None, *, bins: Any = "auto",
             label: str = "eigenvalues", law_label: str | None = None) -> Any:
    """Histogram of eigenvalues (normalised by their total count) against the density of ``law``.

    Parameters
    ----------
    eigenvalues : array-like
        The empirical spectrum.
    law : Law or FitResult, optional
        Law to overlay (e.g. ``fit(...)`` or its ``.law``), with its atoms as stems.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    bins : int, sequence or str
        Passed to :func:`numpy.histogram_bin_edges`.
    label, law_label : str, optional
        Legend entries of the histogram and of the law (default: the law's repr).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    _hist(ax, eigenvalues, bins, label)
    law = getattr(law, "law", law)  # a FitResult stands for its fitted law
    if law is not None:
        lo, hi = ax.get_xlim()
        plo, phi = plot_range(law)
        plot_density(law, ax, x=np.linspace(min(lo, plo), max(hi, phi), 600), label=law_label, color="C3")
    ax.legend(loc="best", fontsize="small")
    return ax




#: Decades of the 1 % quantile to the top of the range above which decompression plots use a log axis.
DECADES_FOR_LOG = 2.0


def _spans_decades(law: Any, hi: float) -> bool:
    edges = [a for a, _ in law.support] + [loc for loc, _ in law.atoms]
    if not edges or min(edges) < 0 or hi <= 0:
        return False
    q01 = float(law.ppf(0.01))
    return q01 > 0 and math.log10(hi / q01) > DECADES_FOR_LOG


def _lowest_positive(laws: Sequence[Any], source: Any) -> float:
    """The left end of a log grid: the smallest 0.1 % quantile of the laws (and the smallest positive source
    eigenvalue), so that a mass at 0 does not stretch the axis to 1e-300."""
    lows = [float(lw.ppf(0.001)) for lw in laws]
    if isinstance(source, (np.ndarray, list, tuple)):
        src = np.asarray(source, dtype=float)
        lows.append(float(np.min(src[src > 0])) if np.any(src > 0) else math.inf)
    lows = [v for v in lows if v > 0 and math.isfinite(v)]
    return min(lows) if lows else 1e-12


def plot_decompression(law: Any, source: Any = None, ax: Any = None, *, replicates: Sequence[Any] | None = None,
                       exact: Any = None, band: tuple[float, float] = (0.05, 0.95), points: int = 600,
                       log_x: bool | None = None) -> Any:
    """A decompressed density with its uncertainty band, the source spectrum and (optionally) the exact answer.

    Parameters
    ----------
    law : Law
        The decompressed law (e.g. ``Empirical(eigs, size=n_s).decompress(n)``).
    source : array-like or Law, optional
        The submatrix spectrum: eigenvalues (drawn as a histogram) or a law (drawn as a dashed density).
    replicates : sequence of Law, optional
        Other estimates (other submatrices, bootstrap): the band is the pointwise ``band`` quantiles of ``law`` and
        these. By default, the per-repeat laws the law carries (``law.repeats`` of a numeric decompression of
        several submatrices), if any.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    exact : Law, optional
        The true law, when known (a dotted line).
    band : (float, float)
        Lower and upper pointwise quantile levels of the band.
    points : int
        Grid size.
    log_x : bool, optional
        Logarithmic x axis with every curve drawn as x·ρ(x) (the density of log x). Default: when the decompressed
        law lives on [0, ∞) and its 1 %–100 % quantile range spans more than :data:`DECADES_FOR_LOG` decades (a
        linear axis then draws the bulk as a spike near 0).

    Returns
    -------
    matplotlib.axes.Axes
    """
    from freecalc.operations.estimation import density_band  # the one band rule (estimation over repeats)

    ax = _axes(ax)
    report = getattr(law, "decompression_report", None)
    if replicates is not None:
        curves = [law, *replicates]
    else:  # a law that carries its own repeated estimates (decompress_matrix, or decompress_numeric's repeats)
        own = getattr(report, "repeats", None) or getattr(law, "repeats", None) or ()
        curves = list(own)
    reps = curves[1:] if replicates is not None else [r for r in curves if r is not law]
    laws = [law] + reps + ([exact] if exact is not None else [])
    if source is not None and not isinstance(source, (np.ndarray, list, tuple)):
        laws.append(source)
    ranges = [plot_range(lw) for lw in laws]
    if isinstance(source, (np.ndarray, list, tuple)):
        src = np.asarray(source, dtype=float)
        ranges.append((float(src.min()), float(src.max())))
    lo, hi = min(r[0] for r in ranges), max(r[1] for r in ranges)
    log_x = _spans_decades(law, hi) if log_x is None else bool(log_x)
    if log_x:
        lowest = _lowest_positive(laws, source)
        x = np.geomspace(lowest, hi, points)
    else:
        x = np.linspace(lo, hi, points)
    if source is not None:
        if isinstance(source, (np.ndarray, list, tuple)):
            _hist(ax, source, "auto", f"source spectrum (n = {np.size(source)})", color="0.5", log_x=log_x)
        else:
            plot_density(source, ax, x=x, label=f"source {source!r}", color="0.45", linestyle="--", log_x=log_x)
    checked = getattr(getattr(report, "model_check", None), "passed", None) is not None
    if len(curves) >= 2 or checked:
        band_lo, band_hi = density_band(law, x, replicates=replicates, level=band[1] - band[0])
        weight = x if log_x else 1.0  # on a log axis every curve is x·ρ(x)
        what = f"{len(curves)} estimates" + (" + model error" if checked else "")
        ax.fill_between(x, weight * band_lo, weight * band_hi, alpha=0.3, color="C0",
                        label=f"{100 * band[0]:g}–{100 * band[1]:g} % band ({what})")
    plot_density(law, ax, x=x, label=f"decompressed (n = {law.size})" if law.size else "decompressed",
                 color="C0", log_x=log_x)
    if exact is not None:
        plot_density(exact, ax, x=x, label=f"exact {exact!r}", color="C3", linestyle=":", log_x=log_x)
    ax.legend(loc="best", fontsize="small")
    return ax


def plot_tail(eigenvalues: Any, alpha: float | None = None, xmin: float | None = None, ax: Any = None, *,
              fit: Any = None) -> Any:
    r"""Log–log complementary CDF of the positive eigenvalues with the fitted power-law tail.

    A density :math:`\rho(x) \propto x^{-\alpha}` for :math:`x \ge x_{\min}` has
    :math:`P(X > x) = P(X > x_{\min})\,(x/x_{\min})^{1-\alpha}`: a straight line of slope :math:`1 - \alpha`.

    Parameters
    ----------
    eigenvalues : array-like
        The spectrum; non-positive and non-finite values are left out.
    alpha, xmin : float, optional
        The tail exponent and where the tail starts. Taken from ``fit`` (a fit result with a ``tail``, or a
        :class:`freecalc.fitting.tails.TailFit`) when given, else fitted here with
        :func:`freecalc.fitting.tails.fit_power_law_tail`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    fit : FitResult or TailFit, optional
        Source of ``alpha`` and ``xmin``.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If fewer than two eigenvalues are positive.

    References
    ----------
    Clauset, Shalizi & Newman (2009), *Power-law distributions in empirical data*, SIAM Review 51.
    """
    x = np.sort(np.asarray(eigenvalues, dtype=float).ravel())
    x = x[np.isfinite(x) & (x > 0)]
    if x.size < 2:
        raise ValueError("plot_tail needs at least two positive eigenvalues")
    tail = getattr(fit, "tail", fit)
    if alpha is None and tail is not None:
        alpha, xmin = tail.alpha, tail.xmin
    if alpha is None:
        from freecalc.fitting.tails import fit_power_law_tail

        found = fit_power_law_tail(x)
        if found is not None:
            alpha, xmin = found.alpha, found.xmin
    ax = _axes(ax)
    ccdf = 1.0 - np.arange(x.size) / x.size  # P(X >= x_(i))
    ax.loglog(x, ccdf, marker=".", linestyle="none", markersize=3, label="empirical P(X ≥ x)")
    if alpha is not None and xmin is not None:
        xmin = float(xmin)
        p_xmin = float(np.mean(x >= xmin))
        xt = np.geomspace(xmin, x[-1], 50)
        ax.loglog(xt, p_xmin * (xt / xmin) ** (1.0 - alpha), color="C3",
                  label=f"power law α = {alpha:.3g} (x ≥ {xmin:.3g})")
        ax.axvline(xmin, color="0.6", linestyle=":", linewidth=1)
    ax.set_xlabel("eigenvalue x")
    ax.set_ylabel("P(X ≥ x)")
    ax.legend(loc="best", fontsize="small")
    return ax


def plot_free_convolution(law: Any, samples: Any, ax: Any = None, *, operands: Sequence[Any] = (),
                          bins: Any = "auto", label: str | None = None) -> Any:
    """A free convolution (or any law) against a Monte Carlo eigenvalue histogram of its matrix model.

    Parameters
    ----------
    law : Law
        E.g. ``fc.free_add(a, b)``.
    samples : array-like
        Eigenvalues of random matrices from the model (e.g. of ``A + Q B Qᵀ`` with Q Haar), pooled.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    operands : sequence of Law
        The convolved laws, drawn thin and dashed for reference.
    bins : int, sequence or str
        Passed to :func:`numpy.histogram_bin_edges`.
    label : str, optional
        Legend entry of ``law`` (default: its repr).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    _hist(ax, samples, bins, f"Monte Carlo ({np.size(samples)} eigenvalues)")
    lo, hi = ax.get_xlim()
    for i, op in enumerate(operands):
        plo, phi = plot_range(op)
        lo, hi = min(lo, plo), max(hi, phi)
    x = np.linspace(lo, hi, 600)
    for i, op in enumerate(operands):
        plot_density(op, ax, x=x, color=f"C{i + 1}", linestyle="--", linewidth=1, label=repr(op))
    plot_density(law, ax, x=x, color="C3", label=repr(law) if label is None else label, linewidth=2)
    ax.legend(loc="best", fontsize="small")
    return ax
