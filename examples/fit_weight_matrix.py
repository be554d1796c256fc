"""Fit spectral laws to the empirical spectral density of a weight matrix, as in heavy-tailed self-regularisation.

    python examples/fit_weight_matrix.py [--small] [--plot out.png] [--seed 0]

Two N×M "weight matrices": one with Gaussian entries (a random, untrained layer) and one with heavy-tailed
Student-t entries (ν = 2.5, the kind of correlations training builds up). For each, ``fc.fit(W)`` fits the laws to
the eigenvalues of WᵀW/N — Marchenko–Pastur for the random one; for the heavy-tailed one, the power-law tail
exponent α (Clauset–Shalizi–Newman) and the phase label. Then the inverse HTMP law, whose power-law tail exponent
α = 1 + κ(1−γ)/(2γ) is implied by its parameters, is fitted back to draws from itself (an interior fit with its
standard errors).
"""
from __future__ import annotations

import argparse
import time

import numpy as np

import freecalc as fc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a small matrix (a quick smoke run)")
    parser.add_argument("--plot", default=None, help="write a figure to this file")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    N, M = (240, 120) if args.small else (2000, 1000)
    rng = np.random.default_rng(args.seed)
    gaussian = rng.standard_normal((N, M))
    heavy = rng.standard_t(2.5, size=(N, M))

    t0 = time.perf_counter()
    random_fit = fc.fit(gaussian, rng=rng)
    print(f"Gaussian W ({N}×{M}): best law by BIC {random_fit.law!r} ({time.perf_counter() - t0:.1f} s)")
    print(random_fit)
    # iid unit-variance entries: WᵀW/N has the MP law with c = M/N and sigma2 = 1
    assert isinstance(random_fit.law, fc.MarchenkoPastur), random_fit.law
    assert abs(random_fit.params["c"] - M / N) < 0.1 and abs(random_fit.params["sigma2"] - 1) < 0.1

    t0 = time.perf_counter()
    heavy_fit = fc.fit(heavy, rng=rng)
    print(f"\nStudent-t(2.5) W ({N}×{M}): best law by BIC {heavy_fit.law!r} ({time.perf_counter() - t0:.1f} s)")
    print(heavy_fit)
    # The inverse HTMP family ties its tail to its bulk (α = 1 + κ(1−γ)/(2γ)); a Student-t spectrum has an MP-like
    # bulk AND a heavy tail, which the family cannot have at once (its likelihood then runs to the γ → 0 boundary,
    # which fc.fit flags). Shown here on a spectrum the family does describe: the inverse eigenvalues of its own
    # β-Laguerre matrix model, fitted back.
    truth = fc.InverseHTMP(0.3, 2.0)
    sample = truth.rvs(M, rng=rng)
    t0 = time.perf_counter()
    inv = fc.fit(sample, law=fc.InverseHTMP, rng=rng)
    print(f"\ninverse HTMP fitted to {M} draws from {truth!r} ({time.perf_counter() - t0:.1f} s):")
    print(inv)
    assert not inv.at_boundary, inv.boundary
    for name in ("gamma", "kappa"):
        z = (inv.params[name] - truth.params[name]) / inv.stderr[name]
        print(f"  {name}: estimate {inv.params[name]:.3g} vs true {truth.params[name]:.3g} ({z:+.2f} standard errors)")
    if heavy_fit.alpha is not None:
        print(f"\nStudent-t tail exponent: power-law fit α = {heavy_fit.alpha:.3g} ± {heavy_fit.alpha_sigma:.2g}")

    if args.plot:
        import matplotlib.pyplot as plt

        from freecalc import plotting

        eig_random = np.linalg.eigvalsh(gaussian.T @ gaussian / N)
        eig_heavy = np.linalg.eigvalsh(heavy.T @ heavy / N)
        fig, axes = plt.subplots(1, 3, figsize=(16, 4.2))
        plotting.plot_esd(eig_random, random_fit.law, axes[0], law_label=f"fit {random_fit.law!r}")
        axes[0].set_title("Gaussian W: ESD of WᵀW/N")
        plotting.plot_esd(eig_heavy[eig_heavy < np.quantile(eig_heavy, 0.98)], heavy_fit.law, axes[1],
                          law_label=f"fit {heavy_fit.law!r}")
        axes[1].set_title("Student-t W: bulk (98 % of eigenvalues)")
        plotting.plot_tail(eig_heavy, heavy_fit.alpha, heavy_fit.xmin, axes[2])
        axes[2].set_title("Student-t W: upper tail")
        fig.tight_layout()
        fig.savefig(args.plot, dpi=110)
        print(f"wrote {args.plot}")


if __name__ == "__main__":
    main()
