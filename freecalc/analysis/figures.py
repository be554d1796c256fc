"""One figure per analysed layer (``fc.analyze(..., plot_dir=...)``), drawn with :mod:`freecalc.plotting`.

This is the plotting side of :mod:`freecalc.analysis`: the computation (``analyze.py``) never imports matplotlib.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from freecalc import plotting

__all__ = ["save_layer_figure"]


def save_layer_figure(path: Path, name: str, eigenvalues: np.ndarray, fit: Any, mp: Any, *, alpha: float,
                      xmin: float) -> None:
    """Write a PNG: left, the ESD with the best law (and the Marchenko–Pastur fit when another law won; no law when
    ``fit`` is None); right, the log–log tail with the power-law fit of exponent α (omitted when α is NaN).

    Parameters
    ----------
    path : pathlib.Path
        Output file.
    name : str
        Layer name (the title).
    eigenvalues : numpy.ndarray
        The layer's spectrum.
    fit : FitResult or None
        The best fit.
    mp : FitResult or None
        The Marchenko–Pastur fit.
    alpha, xmin : float
        Power-law tail exponent and where the tail starts (NaN: no tail panel line).
    """
    import matplotlib.pyplot as plt

    has_tail = alpha is not None and np.isfinite(alpha)
    fig, axes = plt.subplots(1, 2 if has_tail else 1, figsize=(12 if has_tail else 6.4, 4.2), squeeze=False)
    try:
        ax = plotting.plot_esd(eigenvalues, None if fit is None else fit.law, axes[0, 0],
                               law_label=None if fit is None else f"best: {fit.law_name}")
        if mp is not None and mp is not fit:
            plotting.plot_density(mp.law, ax, label="Marchenko–Pastur fit", color="C2", linestyle="--")
            ax.legend(loc="best", fontsize="small")
        ax.set_title(name, fontsize="small")
        if has_tail:
            plotting.plot_tail(eigenvalues, alpha, xmin, axes[0, 1])
        fig.tight_layout()
        fig.savefig(path, dpi=90)
    finally:
        plt.close(fig)
