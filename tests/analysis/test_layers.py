"""Which tensors are weight matrices: 2-D kept, 1-D/buffers skipped, 4-D kernels cut per position (both layouts),
embeddings recognised by name, unsupported dtypes refused with the tensor's name."""
from __future__ import annotations

import numpy as np
import pytest

from freecalc.analysis.layers import LayerKind, conv_slices, is_embedding_name, select_matrices
from freecalc.analysis.sources import ModelSourceError, read_source


def test_selection_and_skips():
    rng = np.random.default_rng(0)
    model = {
        "fc.weight": rng.standard_normal((30, 12)),
        "fc.bias": np.zeros(30),
        "norm.weight": np.ones(12),
        "position_ids": np.arange(40).reshape(1, 40),
        "heads": rng.standard_normal((2, 12, 12)),
        "tiny.weight": rng.standard_normal((30, 4)),
        "conv.weight": rng.standard_normal((16, 8, 3, 3)),
        "embeddings.word_embeddings.weight": rng.standard_normal((100, 12)),
    }
    chosen, skipped = select_matrices(read_source(model), min_evals=10)
    assert [(w.ref.name, w.kind, w.n, w.m, w.n_slices) for w in chosen] == [
        ("fc.weight", LayerKind.DENSE, 30, 12, 1), ("conv.weight", LayerKind.CONV2D, 16, 8, 9)]
    reasons = dict(skipped)
    assert reasons["fc.bias"].startswith("1-D") and reasons["norm.weight"].startswith("1-D")
    assert reasons["position_ids"] == "2-D with a dimension < 2"
    assert reasons["heads"].startswith("3-D")
    assert reasons["tiny.weight"] == "4 eigenvalues < min_evals = 10"
    assert reasons["embeddings.word_embeddings.weight"].startswith("embedding")
    chosen, _ = select_matrices(read_source(model), include_embeddings=True)
    assert [w.kind for w in chosen if w.ref.name.startswith("embeddings")] == [LayerKind.EMBEDDING]


@pytest.mark.parametrize("name, expected", [
    ("embeddings.word_embeddings.weight", True), ("model.embed_tokens.weight", True), ("transformer.wte.weight", True),
    ("transformer.wpe.weight", True), ("shared.weight", True), ("encoder.layer.0.attention.self.query.weight", False),
    ("lm_head.weight", False), ("transformer.h.0.mlp.c_fc.weight", False)])
def test_embedding_names(name, expected):
    assert is_embedding_name(name) is expected


def test_conv_slices_both_layouts_give_the_same_matrices():
    rng = np.random.default_rng(1)
    torch_layout = rng.standard_normal((16, 8, 3, 3))          # (out, in, kh, kw)
    keras_layout = np.transpose(torch_layout, (2, 3, 1, 0))     # (kh, kw, in, out)
    a = conv_slices(torch_layout)
    b = conv_slices(keras_layout)
    assert len(a) == len(b) == 9
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y.T)  # the same tap, as out×in and in×out
    np.testing.assert_array_equal(a[4], torch_layout[:, :, 1, 1])
    chosen, _ = select_matrices(read_source({"k": keras_layout}))
    assert (chosen[0].kind, chosen[0].n, chosen[0].m, chosen[0].n_slices) == (LayerKind.CONV2D, 16, 8, 9)
    assert all(m.shape == (16, 8) for m in chosen[0].matrices())


def test_buffers_are_skipped():
    model = {"h.0.attn.bias": np.tril(np.ones((1, 1, 64, 64), dtype=np.float32)),   # GPT-2's causal mask
             "h.0.attn.masked_bias": np.full((1, 1, 64, 64), -1e4, dtype=np.float32),
             "mask": np.ones((20, 20), dtype=bool),
             "h.0.mlp.weight": np.ones((20, 20))}
    chosen, skipped = select_matrices(read_source(model))
    assert [w.ref.name for w in chosen] == ["h.0.mlp.weight"]
    assert dict(skipped) == {"h.0.attn.bias": "4-D tensor named 'bias': a mask or bias buffer",
                             "h.0.attn.masked_bias": "4-D tensor named 'masked_bias': a mask or bias buffer",
                             "mask": "boolean tensor (a mask)"}


@pytest.mark.parametrize("dtype", [np.int32, np.int8, np.complex64, np.uint8])
def test_unsupported_dtype_names_the_tensor(dtype):
    model = {"ok.weight": np.ones((20, 20)), "q.weight": np.ones((20, 20), dtype=dtype)}
    with pytest.raises(ModelSourceError, match=r"tensor 'q.weight' of shape \(20, 20\) has dtype "
                       + np.dtype(dtype).name):
        select_matrices(read_source(model))
