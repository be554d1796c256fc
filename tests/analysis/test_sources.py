"""Reading weight tensors: safetensors (f16, bf16, f32, f64), npz, mappings, model directories, PyTorch files, and
the errors for bad input. Expected values come from the arrays written, never from the reader itself."""
from __future__ import annotations

import json
import struct

import numpy as np
import pytest
from safetensors.numpy import save_file

from freecalc.analysis.sources import READERS, ModelSourceError, bf16_to_float32, read_source, register_reader


def _as_dict(refs):
    return {r.name: r for r in refs}


def _write_bf16_safetensors(path, name, values_f32):
    """A safetensors file holding one BF16 tensor, written by hand (numpy has no bfloat16): the upper 16 bits of
    each float32 (the values are chosen exactly representable, so the expected read-back is exact)."""
    bits = (values_f32.astype(np.float32).view(np.uint32) >> 16).astype("<u2")
    data = bits.tobytes()
    header = json.dumps({name: {"dtype": "BF16", "shape": list(values_f32.shape),
                                "data_offsets": [0, len(data)]}}).encode()
    header += b" " * (-len(header) % 8)
    path.write_bytes(struct.pack("<Q", len(header)) + header + data)


def test_safetensors_float_dtypes_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    arrays = {"f16": rng.standard_normal((5, 4)).astype(np.float16),
              "f32": rng.standard_normal((5, 4)).astype(np.float32),
              "f64": rng.standard_normal((5, 4))}
    save_file(arrays, str(tmp_path / "m.safetensors"))
    refs = _as_dict(read_source(tmp_path / "m.safetensors"))
    assert {k: refs[k].dtype for k in arrays} == {"f16": "float16", "f32": "float32", "f64": "float64"}
    for k, a in arrays.items():
        assert refs[k].shape == a.shape
        np.testing.assert_array_equal(refs[k].load(), a)  # exact: no conversion besides the file format


def test_safetensors_bfloat16_from_raw_bytes(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((6, 3)).astype(np.float32)
    x = (x.view(np.uint32) & np.uint32(0xFFFF0000)).view(np.float32)  # exactly representable in bfloat16
    _write_bf16_safetensors(tmp_path / "b.safetensors", "w", x)
    (ref,) = read_source(tmp_path / "b.safetensors")
    assert (ref.name, ref.dtype, ref.shape) == ("w", "bfloat16", (6, 3))
    got = ref.load()
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, x)


def test_bf16_conversion_known_values():
    # 0x3F80 = 1.0, 0xC000 = -2.0, 0x3EAA ≈ 0.33203125 (bfloat16 of 1/3), 0x0000 = 0
    bits = np.array([0x3F80, 0xC000, 0x3EAA, 0x0000], dtype=np.uint16)
    np.testing.assert_array_equal(bf16_to_float32(bits), np.array([1.0, -2.0, 0.33203125, 0.0], dtype=np.float32))


def test_npz_and_mapping_agree(tmp_path):
    rng = np.random.default_rng(2)
    arrays = {"a.weight": rng.standard_normal((7, 3)), "a.bias": np.zeros(3)}
    np.savez(tmp_path / "m.npz", **arrays)
    from_npz = _as_dict(read_source(tmp_path / "m.npz"))
    from_map = _as_dict(read_source(arrays))
    assert set(from_npz) == set(from_map) == set(arrays)
    for k in arrays:
        np.testing.assert_array_equal(from_npz[k].load(), arrays[k])
        np.testing.assert_array_equal(from_map[k].load(), arrays[k])


def test_nested_mapping_is_flattened_and_scalars_ignored():
    refs = _as_dict(read_source({"state_dict": {"layer": {"weight": np.ones((3, 3))}}, "epoch": 3}))
    assert list(refs) == ["state_dict.layer.weight"]


def test_model_directory_reads_all_shards(tmp_path):
    save_file({"a": np.ones((4, 4), np.float32)}, str(tmp_path / "model-00001-of-00002.safetensors"))
    save_file({"b": np.ones((5, 4), np.float32)}, str(tmp_path / "model-00002-of-00002.safetensors"))
    (tmp_path / "config.json").write_text("{}")
    assert sorted(r.name for r in read_source(tmp_path)) == ["a", "b"]


def test_model_directory_duplicate_tensor_is_an_error(tmp_path):
    save_file({"a": np.ones((4, 4), np.float32)}, str(tmp_path / "x1.safetensors"))
    save_file({"a": np.ones((4, 4), np.float32)}, str(tmp_path / "x2.safetensors"))
    with pytest.raises(ModelSourceError, match="'a' is in both"):
        read_source(tmp_path)


def test_torch_checkpoint(tmp_path):
    try:
        import torch
    except ImportError:
        torch = None
    path = tmp_path / "pytorch_model.bin"
    if torch is None:  # no torch: a clear message, not a traceback from a pickle reader
        path.write_bytes(b"PK\x03\x04 not really")
        with pytest.raises(ModelSourceError, match="needs torch"):
            read_source(path)
        return
    w = torch.arange(12, dtype=torch.bfloat16).reshape(4, 3)
    torch.save({"w": w, "b": torch.zeros(3)}, path)
    refs = _as_dict(read_source(path))
    assert refs["w"].dtype == "bfloat16"
    np.testing.assert_array_equal(refs["w"].load(), np.arange(12, dtype=np.float32).reshape(4, 3))


@pytest.mark.parametrize("content, match", [
    (b"not a model at all", "not a safetensors file"),
    (struct.pack("<Q", 4) + b"[1] ", "header is not a JSON object"),
    (b"\x01", "shorter than its 8-byte header"),
])
def test_bad_safetensors_files(tmp_path, content, match):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(content)
    with pytest.raises(ModelSourceError, match=match):
        read_source(path)


def test_bad_sources(tmp_path):
    with pytest.raises(ModelSourceError, match="no such file"):
        read_source(tmp_path / "missing.safetensors")
    (tmp_path / "weights.txt").write_text("1 2 3")
    with pytest.raises(ModelSourceError, match="unknown model file type '.txt'"):
        read_source(tmp_path / "weights.txt")
    (tmp_path / "empty.npz").write_bytes(b"")
    with pytest.raises(ModelSourceError, match="empty file"):
        read_source(tmp_path / "empty.npz")
    (tmp_path / "junk.npz").write_bytes(b"junk junk junk")
    with pytest.raises(ModelSourceError, match="cannot read .*junk.npz"):
        read_source(tmp_path / "junk.npz")
    (tmp_path / "d").mkdir()
    with pytest.raises(ModelSourceError, match="holds no model weights"):
        read_source(tmp_path / "d")
    with pytest.raises(ModelSourceError, match="cannot read a model from a int"):
        read_source(3)
    with pytest.raises(ModelSourceError, match="'x' .* not a numeric array"):
        read_source({"x": [object(), object()]})


def test_registry_is_extensible(tmp_path):
    assert {".safetensors", ".npz", ".bin", ".pt", ".pth"} <= set(READERS)
    calls = []

    def reader(path):
        calls.append(path)
        return read_source({"w": np.eye(3)})

    register_reader(".fake", reader)
    try:
        (tmp_path / "m.fake").write_text("x")
        assert [r.name for r in read_source(tmp_path / "m.fake")] == ["w"]
        assert calls == [tmp_path / "m.fake"]
    finally:
        READERS.pop(".fake")
    with pytest.raises(ValueError, match="must start with a dot"):
        register_reader("fake", reader)


def test_safetensors_names_in_natural_order(tmp_path):
    names = ["h.10.w", "h.2.w", "h.1.w", "emb"]
    save_file({n: np.ones((2, 2), np.float32) for n in names}, str(tmp_path / "m.safetensors"))
    assert [r.name for r in read_source(tmp_path / "m.safetensors")] == ["emb", "h.1.w", "h.2.w", "h.10.w"]
