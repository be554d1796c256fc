"""fc.analyze: the per-layer table. Spectra checked against an SVD (independent route), norms against numpy's
matrix norms, fits against the laws the matrices were drawn from, and every source type against the others."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from safetensors.numpy import save_file

import freecalc as fc
from freecalc.analysis import COLUMNS, AnalysisWarning, ModelSourceError, layer_spectrum, read_source, select_matrices


def _model(seed=0):
    rng = np.random.default_rng(seed)
    return {
        "gauss.weight": rng.standard_normal((600, 150)),          # iid: Marchenko–Pastur(c = 1/4, σ² = 1)
        "gauss.bias": np.zeros(600),
        "heavy.weight": rng.standard_t(2.0, size=(150, 600)),     # heavy-tailed entries, stored wide (in > out)
        "conv.weight": rng.standard_normal((24, 12, 3, 3)),       # 9 slices 24×12
        "embeddings.word_embeddings.weight": rng.standard_normal((200, 16)),
    }


@pytest.fixture(scope="module")
def table():
    return fc.analyze(_model(), progress=False)


def test_spectrum_matches_the_svd():
    model = _model()
    chosen, _ = select_matrices(read_source(model))
    by_name = {w.ref.name: w for w in chosen}
    for name in ("gauss.weight", "heavy.weight"):
        w = model[name]
        n = max(w.shape)
        expected = np.sort(np.linalg.svd(w, compute_uv=False) ** 2 / n)
        # Gram + eigvalsh vs SVD: agree to ~1e-12 relative to λ_max (float64 round-off of the Gram product)
        np.testing.assert_allclose(layer_spectrum(by_name[name]), expected, rtol=0, atol=1e-10 * expected[-1])
    k = model["conv.weight"]
    slices = np.concatenate([np.linalg.svd(k[:, :, i, j], compute_uv=False) ** 2 / 24
                             for i in range(3) for j in range(3)])
    got = layer_spectrum(by_name["conv.weight"])
    assert got.size == 9 * 12
    np.testing.assert_allclose(got, np.sort(slices), rtol=0, atol=1e-10 * slices.max())


def test_table_shape_and_skips(table):
    assert list(table.columns) == list(COLUMNS)
    assert list(table["name"]) == ["gauss.weight", "heavy.weight", "conv.weight"]
    assert list(table["kind"]) == ["dense", "dense", "conv2d"]
    assert list(table["shape"]) == ["600x150", "150x600", "24x12x3x3"]
    assert list(table["N"]) == [600, 600, 24] and list(table["M"]) == [150, 150, 12]
    assert list(table["aspect_ratio"]) == [4.0, 4.0, 2.0]
    assert list(table["n_eigs"]) == [150, 150, 108]
    skipped = dict(table.attrs["skipped"])
    assert set(skipped) == {"gauss.bias", "embeddings.word_embeddings.weight"}
    assert (table["error"] == "").all()


def test_norm_metrics_follow_weightwatcher_definitions(table):
    model = _model()
    for name in ("gauss.weight", "heavy.weight"):
        w = model[name]
        row = table.set_index("name").loc[name]
        fro2, spec2 = np.linalg.norm(w, "fro") ** 2, np.linalg.norm(w, 2) ** 2
        assert row["log_norm"] == pytest.approx(math.log10(fro2), rel=1e-12)
        assert row["log_spectral_norm"] == pytest.approx(math.log10(spec2), rel=1e-10)
        assert row["stable_rank"] == pytest.approx(fro2 / spec2, rel=1e-10)
        assert row["alpha_weighted"] == pytest.approx(row["alpha"] * row["log_spectral_norm"], rel=1e-14)
        assert row["lambda_max"] == pytest.approx(spec2 / 600, rel=1e-10)
    conv = table.set_index("name").loc["conv.weight"]
    assert conv["log_norm"] == pytest.approx(math.log10(np.sum(model["conv.weight"] ** 2)), rel=1e-12)


def test_fits_recognise_random_and_heavy_tailed_layers(table):
    rows = table.set_index("name")
    g = rows.loc["gauss.weight"]
    # iid Gaussian: Marchenko–Pastur wins, c and σ² within ~4 standard errors of 1/4 and 1 at 150 eigenvalues
    assert g["law"] == "MarchenkoPastur"
    assert 0.19 < g["mp_c"] < 0.31 and 0.9 < g["mp_sigma2"] < 1.1
    assert g["mp_ks"] < 0.1 and g["phase"] == "random-like" and g["num_spikes"] == 0
    assert g["mp_bulk_edge"] == pytest.approx((1 + 0.5) ** 2, rel=0.1)  # σ²(1 + √c)²
    h = rows.loc["heavy.weight"]
    # Student-t(2) entries: a power-law tail with α well below the Gaussian's steep edge (WeightWatcher's reading:
    # α < 4 heavy-tailed; iid Gaussian α ≫ 6)
    assert 1.5 < h["alpha"] < 4.0 < 6.0 < g["alpha"]
    assert h["phase"] != "random-like"
    assert h["alpha_sigma"] == pytest.approx((h["alpha"] - 1) / math.sqrt(h["n_tail"]), rel=1e-12)


def test_sources_give_the_same_table(tmp_path, table):
    model = _model()
    save_file({k: v for k, v in model.items()}, str(tmp_path / "m.safetensors"))
    np.savez(tmp_path / "m.npz", **model)
    numeric = ["lambda_min", "lambda_max", "alpha", "xmin", "log_norm", "stable_rank", "mp_c"]
    for source in (tmp_path / "m.safetensors", tmp_path / "m.npz", str(tmp_path / "m.safetensors")):
        df = fc.analyze(source, progress=False)
        df = df.set_index("name").loc[list(table["name"])].reset_index()  # safetensors stores names sorted
        assert list(df["law"]) == list(table["law"])
        pd.testing.assert_frame_equal(df[numeric], table[numeric], rtol=1e-12)
        assert df.attrs["source"] == str(source)


def test_half_precision_weights(tmp_path):
    rng = np.random.default_rng(3)
    w16 = rng.standard_normal((120, 40)).astype(np.float16)
    save_file({"h.weight": w16}, str(tmp_path / "h.safetensors"))
    df = fc.analyze(tmp_path / "h.safetensors", progress=False)
    expected = np.sort(np.linalg.svd(w16.astype(np.float64), compute_uv=False) ** 2 / 120)
    assert df.loc[0, "lambda_max"] == pytest.approx(expected[-1], rel=1e-10)
    assert df.loc[0, "lambda_min"] == pytest.approx(expected[0], rel=1e-8)


def test_bfloat16_weights(tmp_path):
    import json
    import struct

    rng = np.random.default_rng(4)
    x = rng.standard_normal((120, 40)).astype(np.float32)
    bits = (x.view(np.uint32) >> 16).astype("<u2")
    exact = (bits.astype(np.uint32) << 16).view(np.float32).astype(np.float64)
    header = json.dumps({"b.weight": {"dtype": "BF16", "shape": [120, 40],
                                      "data_offsets": [0, bits.nbytes]}}).encode()
    (tmp_path / "b.safetensors").write_bytes(struct.pack("<Q", len(header)) + header + bits.tobytes())
    df = fc.analyze(tmp_path / "b.safetensors", progress=False)
    expected = np.linalg.svd(exact, compute_uv=False) ** 2 / 120
    assert df.loc[0, "lambda_max"] == pytest.approx(expected.max(), rel=1e-10)


def test_embeddings_on_request():
    df = fc.analyze(_model(), include_embeddings=True, laws=fc.MarchenkoPastur, progress=False)
    row = df.set_index("name").loc["embeddings.word_embeddings.weight"]
    assert row["kind"] == "embedding" and row["n_eigs"] == 16
    assert set(df["law"]) == {"MarchenkoPastur"}  # a single law asked for


def test_failed_layer_is_flagged_not_invented():
    rng = np.random.default_rng(5)
    bad = rng.standard_normal((60, 20))
    bad[3, 4] = np.nan
    with pytest.warns(AnalysisWarning, match="2 layer.* bad.weight, zero.weight"):
        df = fc.analyze({"ok.weight": rng.standard_normal((60, 20)), "bad.weight": bad,
                         "zero.weight": np.zeros((60, 20))}, progress=False)
    rows = df.set_index("name")
    assert rows.loc["ok.weight", "error"] == ""
    assert rows.loc["bad.weight", "error"] == "1 non-finite weight(s) (NaN or inf)"
    assert math.isnan(rows.loc["bad.weight", "alpha"]) and pd.isna(rows.loc["bad.weight", "law"])
    assert rows.loc["zero.weight", "error"].startswith("all eigenvalues are zero")


def test_bad_input(tmp_path):
    with pytest.raises(ModelSourceError, match="no weight matrices to analyse among 2 tensor"):
        fc.analyze({"b": np.zeros(5), "c": np.ones((1, 9))}, progress=False)
    with pytest.raises(ModelSourceError, match="'q' .* has dtype int64"):
        fc.analyze({"q": np.ones((20, 20), dtype=np.int64)}, progress=False)
    with pytest.raises(TypeError, match="laws must"):
        fc.analyze(_model(), laws="mp", progress=False)
    with pytest.raises(TypeError, match="laws must contain Law classes"):
        fc.analyze(_model(), laws=[fc.MarchenkoPastur(0.5)], progress=False)
    with pytest.raises(ValueError, match="min_evals must be an integer >= 3"):
        fc.analyze(_model(), min_evals=1, progress=False)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="plot_dir .* is not a directory"):
        fc.analyze(_model(), plot_dir=tmp_path / "file", progress=False)


def test_plot_dir_writes_one_figure_per_layer(tmp_path):
    rng = np.random.default_rng(6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # matplotlib's Agg backend notes
        df = fc.analyze({"a.weight": rng.standard_normal((80, 20)), "b.weight": rng.standard_t(2.5, size=(80, 20))},
                        plot_dir=tmp_path / "figs", progress=False)
        fc.analyze({"c.weight": rng.standard_normal((80, 20))}, laws=(), plot_dir=tmp_path / "tail", progress=False)
    files = sorted(p.name for p in (tmp_path / "figs").iterdir())
    assert files == ["000_a.weight.png", "001_b.weight.png"] and len(df) == 2
    assert [p.name for p in (tmp_path / "tail").iterdir()] == ["000_c.weight.png"]
    assert all((tmp_path / "figs" / f).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for f in files)


def test_tail_only_gives_the_same_alpha_without_fits(table):
    df = fc.analyze(_model(), laws=(), progress=False)
    same = ["alpha", "alpha_sigma", "xmin", "lambda_max", "log_norm", "log_spectral_norm", "alpha_weighted"]
    pd.testing.assert_frame_equal(df[same], table[same], rtol=1e-12)
    assert df["law"].isna().all() and df["mp_c"].isna().all() and df["phase"].isna().all()
    assert (df["error"] == "").all() and df["notes"].str.startswith("laws=(): no law fitted").all()


def test_gram_accumulated_over_row_blocks():
    import importlib

    analyze_module = importlib.import_module("freecalc.analysis.analyze")  # the module, not the function

    rng = np.random.default_rng(7)
    w = rng.standard_normal((2 * analyze_module._ROW_BLOCK + 100, 12)).astype(np.float32)  # three row blocks
    (wm,), _ = select_matrices(read_source({"tall.weight": w}))
    expected = np.sort(np.linalg.svd(w.astype(np.float64), compute_uv=False) ** 2 / w.shape[0])
    np.testing.assert_allclose(layer_spectrum(wm), expected, rtol=1e-10)  # float64 accumulation: round-off only
    w[-1, 0] = np.inf
    w[5, 3] = np.nan
    with pytest.raises(ValueError, match="^2 non-finite weight"):
        layer_spectrum(select_matrices(read_source({"tall.weight": w}))[0][0])


def test_alpha_uses_weightwatchers_xmin_rule_by_default(table):
    from freecalc.fitting import FitOptions, TailOptions, XminRule
    from freecalc.fitting.tails import fit_power_law_tail

    chosen, _ = select_matrices(read_source(_model()))
    for i, wm in enumerate(chosen):
        lam = layer_spectrum(wm)
        ww = fit_power_law_tail(lam, TailOptions(xmin_rule=XminRule.WEIGHTWATCHER))
        # the same scan on the same eigenvalues: equal up to round-off
        assert table.loc[i, "alpha"] == pytest.approx(ww.alpha, rel=1e-12)
        assert table.loc[i, "n_tail"] == ww.n_tail
    clauset = fc.analyze(_model(), laws=(), progress=False,
                         options=FitOptions(tails=TailOptions(xmin_rule=XminRule.CLAUSET)))
    for i, wm in enumerate(chosen):
        assert clauset.loc[i, "alpha"] == pytest.approx(fit_power_law_tail(layer_spectrum(wm)).alpha, rel=1e-12)
    with pytest.raises(TypeError, match="options"):
        fc.analyze(_model(), laws=(), progress=False, options="clauset")
