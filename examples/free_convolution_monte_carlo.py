"""Free convolution against Monte Carlo: ⊞ and ⊠ of named laws versus eigenvalues of random matrices.

    python examples/free_convolution_monte_carlo.py [--small] [--plot out.png] [--seed 0]

* ``Semicircle(2) ⊞ MarchenkoPastur(0.5)``: the spectrum of W + X, a GOE matrix plus an independent Wishart matrix
  (the GOE is orthogonally invariant, so the two are asymptotically free);
* ``MarchenkoPastur(0.5) ⊠ MarchenkoPastur(0.25)``: the spectrum of A^½ B A^½ for independent Wishart A, B.

For each: the exact law (an AlgebraicLaw from the polynomial method), its support and first moments, the moments
and the Kolmogorov–Smirnov distance of the Monte Carlo eigenvalues, and (``--plot``) a histogram against the density.
"""
from __future__ import annotations

import argparse
import time

import numpy as np

import freecalc as fc
from freecalc.testing.conformance import ks_distance


def sqrtm_psd(A: np.ndarray) -> np.ndarray:
    w, V = np.linalg.eigh(A)
    return (V * np.sqrt(np.clip(w, 0.0, None))) @ V.T


def monte_carlo(kind: str, a: fc.Law, b: fc.Law, n: int, draws: int, rng: np.random.Generator) -> np.ndarray:
    eigs = []
    for _ in range(draws):
        A, B = a.matrix(n, rng), b.matrix(n, rng)
        if kind == "add":
            eigs.append(np.linalg.eigvalsh(A + B))
        else:
            half = sqrtm_psd(A)
            eigs.append(np.linalg.eigvalsh(half @ B @ half))
    return np.concatenate(eigs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="small matrices (a quick smoke run)")
    parser.add_argument("--plot", default=None, help="write a figure to this file")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    n, draws = (200, 2) if args.small else (1500, 4)
    rng = np.random.default_rng(args.seed)
    cases = [
        ("add", "Semicircle(2) ⊞ MarchenkoPastur(0.5)", fc.Semicircle(2.0), fc.MarchenkoPastur(0.5)),
        ("mul", "MarchenkoPastur(0.5) ⊠ MarchenkoPastur(0.25)", fc.MarchenkoPastur(0.5), fc.MarchenkoPastur(0.25)),
    ]
    results = []
    for kind, title, a, b in cases:
        t0 = time.perf_counter()
        law = fc.free_add(a, b) if kind == "add" else fc.free_mul(a, b)
        t_law = time.perf_counter() - t0
        eigs = monte_carlo(kind, a, b, n, draws, rng)
        ks = ks_distance(eigs, law)
        print(f"{title}")
        print(f"  exact law     {law!r}  ({t_law:.2f} s)")
        print(f"  equation      {law.sym.equation()} = 0")
        print(f"  support       {law.support}   atoms {law.atoms or 'none'}")
        print(f"  moments 1..3  law {np.round(law.moments(3), 5)}   Monte Carlo "
              f"{np.round([np.mean(eigs ** k) for k in (1, 2, 3)], 5)}")
        print(f"  KS distance   {ks:.4f} ({draws} matrices of size {n})")
        # eigenvalues of invariant ensembles are rigid: the KS distance is O(log n / n), far below 0.1
        assert ks < 0.1, f"Monte Carlo disagrees with {law!r}: KS = {ks}"
        results.append((title, law, eigs, (a, b)))
    if args.plot:
        import matplotlib.pyplot as plt

        from freecalc import plotting

        fig, axes = plt.subplots(1, 2, figsize=(12, 4.2))
        for ax, (title, law, eigs, ops) in zip(axes, results):
            plotting.plot_free_convolution(law, eigs, ax, operands=ops, label="exact")
            ax.set_title(title)
        fig.tight_layout()
        fig.savefig(args.plot, dpi=110)
        print(f"wrote {args.plot}")


if __name__ == "__main__":
    main()
