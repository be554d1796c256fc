r"""``freecalc demo``: the README's main job in one command.

A short, checked report: a few named laws (support, atoms, moments, m(z)), an exact free convolution checked
against its free cumulants and a Monte Carlo matrix, the exact decompression MP(0.5, size=1000) → 32000 checked
against the free-cumulant rule :math:`\kappa_k \mapsto f^{k-1}\kappa_k`, and a numeric decompression of the
eigenvalues of a sampled submatrix checked against the exact answer. Used by :mod:`freecalc.cli`; compute code never imports it.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["DemoReport", "run", "figure"]


@dataclass
class DemoReport:
    """Text sections, a JSON-able summary and the objects the figure needs.

    Parameters
    ----------
    sections : list of (str, list of str)
        Titled text sections, in order.
    data : dict
        JSON-able summary (``freecalc demo --json``).
    objects : dict
        Laws and samples the figure draws.
    """

    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)

    def add(self, title: str, lines: list[str]) -> None:
        """Append a titled section.

        Parameters
        ----------
        title : str
            Section title.
        lines : list of str
            Its lines.
        """
        self.sections.append((title, lines))

    def text(self) -> str:
        """The report as plain text (sections indented, with the run time).

        Returns
        -------
        str
        """
        out = []
        seconds = self.data.get("seconds")
        for title, lines in self.sections:
            out.append(title)
            out.extend(f"  {line}" for line in lines)
            out.append("")
        if seconds is not None:
            out.append(f"(done in {seconds:.1f} s)")
        return "\n".join(out).rstrip()

    def as_dict(self) -> dict[str, Any]:
        """A copy of the JSON-able summary.

        Returns
        -------
        dict
        """
        return dict(self.data)


def _f(v: Any, d: int = 6) -> str:
    from freecalc._frontend import _fmt

    return _fmt(v, d)


def _laws_section(report: DemoReport) -> None:
    import freecalc as fc
    from freecalc._frontend import _fmt_atoms, _fmt_intervals, describe_law

    # HTMP is left out: compiling its kernels on a fresh machine takes longer than the whole demo may
    laws = [fc.Semicircle(2.0), fc.MarchenkoPastur(0.5), fc.MarchenkoPastur(2.0), fc.KestenMcKay(3),
            fc.Wachter(2, 3)]
    lines, infos = [], []
    for law in laws:
        info = describe_law(law, z=1j)
        infos.append(info)
        lines.append(f"{info['law']}")
        lines.append(f"  support {_fmt_intervals(info['support'])};  atoms {_fmt_atoms(info['atoms'])}")
        mom = ", ".join(_f(v, 5) for v in info["moments"]) if info["moments"] else "n/a"
        lines.append(f"  moments m1..m4 = {mom};  m(i) = {_f(info['stieltjes'])}")
    report.add("1. Named laws (m(z) = ∫ρ(x)/(x−z)dx, support, atoms, moments)", lines)
    report.data["laws"] = infos
    report.objects["laws"] = laws


def _convolution_section(report: DemoReport, seed: int) -> None:
    import freecalc as fc

    from freecalc._frontend import _fmt_atoms, _fmt_intervals

    a, b = fc.Semicircle(2.0), fc.MarchenkoPastur(0.5)
    law = fc.free_add(a, b)
    k_sum = law.free_cumulants(4)
    k_ops = a.free_cumulants(4) + b.free_cumulants(4)
    # Monte Carlo: a GOE matrix is orthogonally invariant, so A + B is a sample of the free sum for large n
    rng = np.random.default_rng(seed)
    n = 500
    eigs = np.concatenate([np.linalg.eigvalsh(a.matrix(n, rng) + b.matrix(n, rng)) for _ in range(2)])
    from freecalc.laws.distances import ks_distance

    ks = ks_distance(eigs, law)
    lines = [
        f"{law!r}",
        f"support {_fmt_intervals(law.support)};  atoms {_fmt_atoms(law.atoms)}",
        "free cumulants κ1..κ4 of the result: " + ", ".join(_f(v, 6) for v in k_sum),
        "sum of the operands' free cumulants:  " + ", ".join(_f(v, 6) for v in k_ops),
        f"max difference {np.max(np.abs(k_sum - k_ops)):.2e};  "
        f"KS distance to {eigs.size} Monte Carlo eigenvalues (2 × n = {n}): {ks:.3f}",
    ]
    report.add("2. Exact free convolution  Semicircle(2) ⊞ MarchenkoPastur(0.5)", lines)
    report.data["free_add"] = {"law": repr(law), "support": law.support, "atoms": law.atoms,
                               "free_cumulants": k_sum, "operand_cumulant_sum": k_ops, "ks_monte_carlo": ks}
    report.objects.update(conv=law, conv_ops=(a, b), conv_samples=eigs)


def _exact_decompression_section(report: DemoReport) -> None:
    import freecalc as fc
    from freecalc._frontend import _fmt_atoms, _fmt_intervals

    src = fc.MarchenkoPastur(0.5, size=1000)
    tgt = src.decompress(32000)
    f = 32000 / 1000
    k_src, k_tgt = src.free_cumulants(4), tgt.free_cumulants(4)
    rule = np.array([f ** k * v for k, v in enumerate(k_src)])
    lines = [
        f"{src!r}.decompress(32000) = {tgt!r}",
        f"support {_fmt_intervals(tgt.support)};  atoms {_fmt_atoms(tgt.atoms)}",
        "free cumulants: f^(k−1) κ_k(source) = " + ", ".join(_f(v, 6) for v in rule),
        "                κ_k(result)         = " + ", ".join(_f(v, 6) for v in k_tgt),
    ]
    report.add("3. Exact free decompression (R_n(w) = R_s(f w), f = n/n_s = 32)", lines)
    report.data["exact_decompression"] = {"source": repr(src), "result": repr(tgt), "support": tgt.support,
                                          "atoms": tgt.atoms, "max_cumulant_error": float(np.max(np.abs(rule - k_tgt)))}
    report.objects.update(dec_src=src, dec_tgt=tgt)


def _wishart_submatrix_eigenvalues(n_s: int, d: int, rng: np.random.Generator) -> np.ndarray:
    r"""Eigenvalues of an n_s×n_s principal submatrix of the Wishart matrix :math:`XX^T/d` (X of size n×d).

    The submatrix is :math:`X_SX_S^T/d` with :math:`X_S` the n_s sampled rows: an n_s×d Wishart matrix, whose
    eigenvalues are exactly those of :math:`BB^T/d` for the Dumitriu–Edelman bidiagonal B (β = 1): diagonal
    :math:`\chi_{d-i+1}`, subdiagonal :math:`\chi_{n_s-i}`. O(n_s²) work instead of O(n_s² d).
    """
    i = np.arange(1, n_s + 1)
    B = np.diag(np.sqrt(rng.chisquare(d - i + 1)))
    B[i[:-1], i[:-1] - 1] = np.sqrt(rng.chisquare(n_s - i[:-1]))
    return np.sort(np.linalg.svd(B, compute_uv=False) ** 2 / d)


def _numeric_decompression_section(report: DemoReport, seed: int) -> None:
    import freecalc as fc
    from freecalc import functionals as F

    title = "4. Numeric free decompression of sampled eigenvalues"
    n, n_s, c = 4000, 500, 0.5
    d = int(n / c)
    truth = fc.MarchenkoPastur(c, size=n)
    eigs = _wishart_submatrix_eigenvalues(n_s, d, np.random.default_rng(seed))
    t0 = time.perf_counter()
    law = fc.Empirical(eigs, size=n_s).decompress(n)
    elapsed = time.perf_counter() - t0
    est, exact = F.logdet(law, n), F.logdet(truth, n)
    (lo, hi), (tlo, thi) = law.support[0], truth.support[0]
    x = np.linspace(tlo, thi, 2001)
    l1 = float(np.trapezoid(np.abs(law.pdf(x) - truth.pdf(x)), x))
    lines = [
        f"eigenvalues of a random {n_s}×{n_s} principal submatrix of a {n}×{n} Wishart matrix XXᵀ/d (d = {d}), "
        f"whose spectrum is {truth!r}",
        f"Empirical(eigenvalues, size={n_s}).decompress({n}) in {elapsed:.2f} s: support [{_f(lo, 5)}, {_f(hi, 5)}] "
        f"(exact [{_f(tlo, 5)}, {_f(thi, 5)}])",
        f"log|det| estimate {_f(est, 6)}  (exact {_f(exact, 6)}, relative error {abs(est - exact) / abs(exact):.2%})",
        f"L1 distance between the decompressed and the exact density: {l1:.3f}",
    ]
    report.add(title, lines)
    report.data["numeric_decompression"] = {"n": n, "sample": n_s, "support": law.support, "exact_support":
                                            truth.support, "logdet": float(est), "exact_logdet": float(exact),
                                            "l1_density_error": l1, "seconds": elapsed}
    report.objects.update(num_law=law, num_truth=truth, num_eigs=eigs)


def run(seed: int = 0) -> DemoReport:
    """Build the demo report (``seed`` fixes the random sampling).

    Parameters
    ----------
    seed : int
        Seed of the Monte Carlo matrices and the sampled submatrix.

    Returns
    -------
    DemoReport
    """
    report = DemoReport()
    t0 = time.perf_counter()
    _laws_section(report)
    _convolution_section(report, seed)
    _exact_decompression_section(report)
    _numeric_decompression_section(report, seed)
    report.data["seconds"] = time.perf_counter() - t0
    return report


def figure(report: DemoReport) -> Any:
    """A 2×2 figure of the demo: laws, the free convolution vs Monte Carlo, the two decompressions.

    Parameters
    ----------
    report : DemoReport
        A report from :func:`run`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from freecalc import plotting

    fig, axes = plt.subplots(2, 2, figsize=(12, 8))
    ax = axes[0, 0]
    for law in report.objects["laws"][:3]:
        plotting.plot_density(law, ax)
    ax.set_title("named laws (atoms: stems of height = mass)")
    ax.legend(fontsize="small")
    ax = axes[0, 1]
    plotting.plot_free_convolution(report.objects["conv"], report.objects["conv_samples"], ax,
                                   operands=report.objects["conv_ops"])
    ax.set_title("Semicircle(2) ⊞ MP(0.5) vs Monte Carlo")
    ax = axes[1, 0]
    plotting.plot_density(report.objects["dec_src"], ax, label="MP(0.5), n = 1000", color="C0")
    # the decompressed law keeps 1/16 of its mass in the continuous part: its own axis on the right
    twin = ax.twinx()
    plotting.plot_density(report.objects["dec_tgt"], twin, label="decompressed, n = 32000 (right axis)",
                          color="C1", atoms=False)
    atoms = report.objects["dec_tgt"].atoms
    ax.set_title(f"exact decompression 1000 → 32000 (atom {atoms[0][1]:g} at 0 not drawn)" if atoms else
                 "exact decompression 1000 → 32000")
    lines = ax.get_legend_handles_labels()
    more = twin.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], fontsize="small")
    ax = axes[1, 1]
    plotting.plot_decompression(report.objects["num_law"], source=report.objects["num_eigs"], ax=ax,
                                exact=report.objects["num_truth"])
    ax.set_title("numeric decompression of sampled eigenvalues")
    fig.tight_layout()
    return fig
