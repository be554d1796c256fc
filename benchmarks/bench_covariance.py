"""Covariance shrinkage and population-spectrum estimation against nonlinshrink, scikit-learn's LedoitWolf and the
finite-sample oracle.

PRIAL (Frobenius) = 1 - E||Σ̂ - Σ||² / E||S - Σ||² (S: sample covariance, centred, n - 1 dof), minimum-variance loss
(Ledoit & Wolf 2017): tr(Σ̂⁻¹ΣΣ̂⁻¹)/p / (tr(Σ̂⁻¹)/p)² - 1/(tr(Σ⁻¹)/p), time per estimate. Oracle: eigenvectors of S
with eigenvalues uᵢᵀΣuᵢ. Population spectrum: Wasserstein-1 between fc.population_spectrum and the true H.

BLAS, OpenMP and numba are pinned to one thread (set before numpy is imported). Peers (requirements-covariance.txt)
run in this process; a missing peer is reported as such.
"""
from __future__ import annotations

import os

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_v] = "1"

import argparse  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from scipy.stats import gamma as gamma_dist  # noqa: E402
from scipy.stats import wasserstein_distance  # noqa: E402

import freecalc as fc  # noqa: E402

try:
    import nonlinshrink
except ImportError:  # pragma: no cover - benchmark-only peer
    nonlinshrink = None
try:
    from sklearn.covariance import LedoitWolf
except ImportError:  # pragma: no cover
    LedoitWolf = None

RESULTS = Path(__file__).parent / "results" / "covariance.md"


def population(name: str, p: int) -> np.ndarray:
    u = (np.arange(p) + 0.5) / p
    if name == "two-point":
        return np.where(u < 0.5, 1.0, 3.0)
    if name == "power-law":
        return u ** -0.5 / np.mean(u ** -0.5)  # τ ∝ u^(-1/2): heavy upper tail, mean 1
    if name == "gamma":
        return gamma_dist.ppf(u, a=2.0, scale=0.5)  # quantiles of Gamma(shape 2, mean 1)
    if name == "spikes":
        tau = np.ones(p)
        tau[-4:] = [5.0, 10.0, 15.0, 20.0]
        return tau
    raise ValueError(name)


def mv_loss(E: np.ndarray, tau: np.ndarray) -> float:
    Ei = np.linalg.inv(E)
    p = tau.size
    return float(np.trace(Ei * tau[None, :] @ Ei) / p / (np.trace(Ei) / p) ** 2 - 1.0 / np.mean(1.0 / tau))


def run(p: int, draws: int, cs, pops) -> list[str]:
    methods = ["oracle", "freecalc analytic", "freecalc population"]
    if nonlinshrink is not None:
        methods.append("nonlinshrink")
    if LedoitWolf is not None:
        methods.append("sklearn LedoitWolf")
    rows = ["| population | c | n | method | PRIAL | MV loss | time (s) |", "|---|---|---|---|---|---|---|"]
    for pop in pops:
        tau = population(pop, p)
        Sig = np.diag(tau)
        for c in cs:
            n = int(round(p / c))
            base, loss, mv, tm = 0.0, {m: 0.0 for m in methods}, {m: 0.0 for m in methods + ["sample"]}, \
                {m: 0.0 for m in methods}
            for d in range(draws):
                rng = np.random.default_rng(1000 * d + 7)
                X = rng.standard_normal((n, p)) * np.sqrt(tau)
                Xc = X - X.mean(axis=0)
                S = Xc.T @ Xc / (n - 1)
                base += np.linalg.norm(S - Sig) ** 2
                for m in methods:
                    t0 = time.perf_counter()
                    if m == "oracle":
                        lam, U = np.linalg.eigh(S)
                        E = (U * np.einsum("ij,i,ij->j", U, tau, U)) @ U.T
                    elif m == "freecalc analytic":
                        E = fc.shrink_covariance(X)
                    elif m == "freecalc population":
                        E = fc.shrink_covariance(X, method="population")
                    elif m == "nonlinshrink":
                        E = nonlinshrink.shrink_cov(X)
                    else:
                        E = LedoitWolf().fit(X).covariance_
                    tm[m] += time.perf_counter() - t0
                    loss[m] += np.linalg.norm(E - Sig) ** 2
                    mv[m] += mv_loss(E, tau)
            for m in methods:
                rows.append(f"| {pop} | {c} | {n} | {m} | {1 - loss[m] / base:.3f} | {mv[m] / draws:.4f} | "
                            f"{tm[m] / draws:.3f} |")
            print(rows[-len(methods):], flush=True)
    return rows


def population_w1(cases) -> list[str]:
    rows = ["| population | p | n | W1(estimate, H) | W1(sample ESD, H) | atoms | time (s) |", "|---|---|---|---|---|---|---|"]
    for pop, p, n in cases:
        tau = population(pop, p)
        rng = np.random.default_rng(11)
        X = rng.standard_normal((n, p)) * np.sqrt(tau)
        lam = np.linalg.eigvalsh(X.T @ X / n)
        t0 = time.perf_counter()
        est = fc.population_spectrum(lam, c=p / n)
        dt = time.perf_counter() - t0
        t, w = np.array(est.law.locations, float), np.array(est.law.weights, float)
        rows.append(f"| {pop} | {p} | {n} | {wasserstein_distance(t, tau, w):.4f} | "
                    f"{wasserstein_distance(lam, tau):.4f} | {t.size} | {dt:.3f} |")
        print(rows[-1], flush=True)
    return rows


def family_calibration(seeds: int, bootstrap: int) -> list[str]:
    """Coverage of the parametric-bootstrap standard errors of the FAMILY fit (MarchenkoPastur(0.3, 2) population)."""
    true = fc.MarchenkoPastur(0.3, 2.0)
    p, n = 300, 600
    tau = np.asarray(true.ppf((np.arange(p) + 0.5) / p), float)
    z = []
    for seed in range(seeds):
        X = np.random.default_rng(100 + seed).standard_normal((n, p)) * np.sqrt(tau)
        est = fc.population_spectrum(np.linalg.eigvalsh(X.T @ X / n), c=p / n, family=fc.MarchenkoPastur,
                                     bootstrap=bootstrap, rng=seed)
        z.append((np.array(est.params) - [0.3, 2.0]) / np.array(est.stderr))
    z = np.array(z)
    rows = ["| parameter | true | mean z | sd z | coverage of ±1.96 se |", "|---|---|---|---|---|"]
    for i, (name, val) in enumerate([("shape c_H", 0.3), ("scale σ²_H", 2.0)]):
        rows.append(f"| {name} | {val} | {z[:, i].mean():+.2f} | {z[:, i].std(ddof=1):.2f} | "
                    f"{np.mean(np.abs(z[:, i]) < 1.96):.2f} |")
    print("\n".join(rows), flush=True)
    return [f"{seeds} seeds, p = {p}, n = {n}, {bootstrap} bootstrap refits each; z = (θ̂ - θ)/se.", "", *rows]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    p, draws = (100, 2) if args.quick else (400, 4)
    fc.shrink_covariance(np.random.default_rng(0).standard_normal((50, 20)))  # warm-up outside the timings
    rows = run(p, draws, [0.1, 0.5, 2.0], ["two-point", "power-law", "gamma", "spikes"])
    pw = population_w1([("two-point", 1000, 2000), ("two-point", 400, 4000), ("two-point", 400, 200),
                        ("gamma", 1000, 2000), ("spikes", 1000, 2000)] if not args.quick else
                       [("two-point", 200, 400)])
    cal = family_calibration(*((4, 5) if args.quick else (30, 30)))
    text = ["# Covariance shrinkage and population spectrum", "",
            f"`python benchmarks/bench_covariance.py`; one thread (BLAS/OpenMP/numba pinned); p = {p}, "
            f"{draws} draws per cell (seeded), centred Gaussian data, S with n - 1 dof. "
            f"Peers: nonlinshrink {'present' if nonlinshrink else 'MISSING'}, scikit-learn LedoitWolf "
            f"{'present' if LedoitWolf else 'MISSING'} (same process, same data).", "",
            "PRIAL = 1 - Σ‖Σ̂ - Σ‖²_F / Σ‖S - Σ‖²_F over the draws; MV loss: minimum-variance loss "
            "(Ledoit & Wolf 2017), mean over draws; time per estimate (includes the eigendecomposition).", "",
            *rows, "", "## Population spectrum (GRID, El Karoui 2008)", "",
            "W1 between the estimated atoms and the true population eigenvalues; the sample ESD's W1 for scale.", "",
            *pw, "", "## Family fit (moments of H(θ) ⊠ MP(c)), bootstrap standard errors", "", *cal, ""]
    if not args.quick:
        RESULTS.write_text("\n".join(text), encoding="utf-8")
    print("\n".join(text))


if __name__ == "__main__":
    main()
