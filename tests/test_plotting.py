"""freecalc.plotting with the Agg backend: each function returns Axes holding the expected artists and data."""
from __future__ import annotations

import sys

import numpy as np
import pytest

import matplotlib  # the test extra installs it
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.container import StemContainer  # noqa: E402

import freecalc as fc  # noqa: E402
from freecalc import plotting  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _bar_heights(ax) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    bars = [p for p in ax.patches if p.get_width() > 0]
    left = np.array([p.get_x() for p in bars])
    width = np.array([p.get_width() for p in bars])
    height = np.array([p.get_height() for p in bars])
    return left, width, height


def test_density_with_atoms() -> None:
    law = fc.MarchenkoPastur(2.0)
    ax = plotting.plot_density(law)
    assert ax.figure is not None
    line = ax.lines[0]  # the stem markers and baseline are Line2D objects too
    x, y = line.get_data()
    assert np.allclose(y, law.pdf(x))
    lo, hi = law.support[0]
    assert lo in x and hi in x  # the edges are on the grid
    stems = [c for c in ax.containers if isinstance(c, StemContainer)]
    assert len(stems) == 1
    sx, sy = stems[0].markerline.get_data()
    assert list(sx) == [0.0] and list(sy) == [0.5]  # the atom (1 - 1/c) at 0


def test_density_draws_into_given_axes_without_atoms() -> None:
    fig, ax = plt.subplots()
    out = plotting.plot_density(fc.Semicircle(1.0), ax, label="sc")
    assert out is ax
    assert not ax.containers
    assert ax.lines[0].get_label() == "sc"


def test_esd_histogram_against_law() -> None:
    law = fc.MarchenkoPastur(0.5)
    eigs = np.linalg.eigvalsh(law.matrix(300, np.random.default_rng(0)))
    ax = plotting.plot_esd(eigs, law, bins=30)
    left, width, height = _bar_heights(ax)
    assert left.size == 30
    # normalised by the total count: the histogram integrates to 1 exactly (all eigenvalues are in the bins)
    assert np.sum(width * height) == pytest.approx(1.0, rel=1e-12)
    assert any(np.allclose(ln.get_ydata(), law.pdf(ln.get_xdata())) for ln in ax.lines)
    assert ax.get_legend() is not None


def test_decompression_band_and_source() -> None:
    law = fc.MarchenkoPastur(0.5, size=4000)
    reps = [fc.MarchenkoPastur(c, size=4000) for c in (0.45, 0.55, 0.5)]
    src = fc.MarchenkoPastur(0.5 / 8).rvs(500, rng=1)
    ax = plotting.plot_decompression(law, source=src, replicates=reps, exact=fc.MarchenkoPastur(0.5))
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 1
    verts = bands[0].get_paths()[0].vertices
    assert np.all(np.isfinite(verts)) and np.all(verts[:, 1] >= 0)
    labels = [ln.get_label() for ln in ax.lines]
    assert any(lbl.startswith("decompressed") for lbl in labels)
    assert any(lbl.startswith("exact") for lbl in labels)
    assert _bar_heights(ax)[0].size > 0  # the source histogram
    # the band is the pointwise 5–95 % quantile of the four curves, so it contains the main curve
    main = next(ln for ln in ax.lines if ln.get_label().startswith("decompressed"))
    x, y = main.get_data()
    from freecalc.operations.estimation import density_band

    lo, hi = density_band(law, x, replicates=reps, level=0.9)
    assert np.all(lo <= y + 1e-12) and np.all(y <= hi + 1e-12)


def test_decompression_with_law_source_and_no_band() -> None:
    ax = plotting.plot_decompression(fc.Semicircle(2.0, size=400), source=fc.Semicircle(1.0, size=100))
    assert not [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(ax.lines) == 2


def test_decompression_band_from_the_law_own_repeats() -> None:
    rng = np.random.default_rng(5)
    srcs = []
    for _ in range(3):
        x = rng.standard_normal((150, 1200))  # 150 rows of X (600×1200): submatrices of XXᵀ/1200 ~ MP(1/2)
        srcs.append(fc.Empirical(np.linalg.eigvalsh(x @ x.T / 1200), size=150))
    law = fc.decompress_numeric(srcs, 4.0)
    ax = plotting.plot_decompression(law)
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 1 and "3 estimates" in bands[0].get_label()


def test_esd_accepts_a_fit_result() -> None:
    eigs = np.linalg.eigvalsh(fc.MarchenkoPastur(0.5).matrix(200, np.random.default_rng(6)))
    res = fc.fit(eigs, law=fc.MarchenkoPastur)
    ax = plotting.plot_esd(eigs, res)
    assert any(np.allclose(ln.get_ydata(), res.law.pdf(ln.get_xdata())) for ln in ax.lines)


def test_tail_line_has_slope_one_minus_alpha() -> None:
    rng = np.random.default_rng(2)
    x = (1 - rng.random(3000)) ** (-1 / 2.0)  # Pareto: density ∝ x^-3 on [1, ∞), alpha = 3
    ax = plotting.plot_tail(x, alpha=3.0, xmin=1.0)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    fit_line = ax.lines[1]
    fx, fy = fit_line.get_data()
    slope = np.polyfit(np.log(fx), np.log(fy), 1)[0]
    assert slope == pytest.approx(-2.0, rel=1e-12)
    # the fitted tail is estimated here when alpha is not given; 3000 Pareto points pin alpha to ±0.1
    ax2 = plotting.plot_tail(x)
    label = ax2.lines[1].get_label()
    alpha = float(label.split("α = ")[1].split()[0])
    assert alpha == pytest.approx(3.0, abs=0.15)


def test_free_convolution_against_monte_carlo() -> None:
    a, b = fc.Semicircle(2.0), fc.MarchenkoPastur(0.5)
    rng = np.random.default_rng(3)
    samples = np.linalg.eigvalsh(a.matrix(300, rng) + b.matrix(300, rng))
    law = fc.free_add(a, b)
    ax = plotting.plot_free_convolution(law, samples, operands=(a, b))
    assert len(ax.lines) == 3
    assert ax.lines[-1].get_linewidth() == 2
    assert _bar_heights(ax)[0].size > 0


def test_plot_range_of_unbounded_law_uses_quantiles() -> None:
    law = fc.HTMP(0.5, 2.0)
    lo, hi = plotting.plot_range(law)
    assert np.isfinite(hi) and hi > float(law.ppf(0.99))


def test_missing_matplotlib_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"freecalc\[plot\]"):
        plotting.plot_density(fc.Semicircle(1.0))


def test_compute_code_never_imports_plotting() -> None:
    import subprocess

    code = "import sys, freecalc; assert 'freecalc.plotting' not in sys.modules and 'matplotlib' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], timeout=300).returncode == 0
