r"""Which tensors of a model are weight matrices, and how a tensor becomes the matrices whose spectrum is analysed.

Rules (the same as WeightWatcher 0.7.7's where it has one):

* **2-D** tensors with both dimensions ≥ 2 are dense weight matrices. W of shape N×M is analysed with
  N ≥ M (transposed if needed): the M eigenvalues of :math:`X = W^T W / N`.
* **4-D** tensors are convolution kernels. PyTorch stores (out, in, kh, kw), Keras/TensorFlow (kh, kw, in, out);
  as in WeightWatcher (``conv2D_Wmats``) the layout is taken to be channels-first when out + in ≥ kh + kw. The
  kernel is cut into its kh·kw **per-position slices** W[:, :, i, j] (each an out×in matrix: the linear map of one
  kernel tap), and the spectrum of the layer is the union of the slices' eigenvalues (kh·kw·min(out, in) of them).
  Why slices rather than flattening to out × (in·kh·kw): it is what WeightWatcher does, so α is comparable with
  its published values; and each slice is a map between the same two channel spaces, so at initialisation (iid
  entries) every slice has the same Marchenko–Pastur law with c = min/max(out, in), and so has their union, whose
  MP fit keeps the meaning of a single layer's. The aspect ratio reported is that of one slice.
* **Embeddings** (token, position, type embeddings) are 2-D tables, not linear maps between layers; they are left
  out unless asked for. They are recognised by name: a dotted component containing ``embed`` (``embeddings``,
  ``embed_tokens``, ``word_embeddings``, ``tok_embeddings``), or equal to ``wte``/``wpe`` (GPT-2) or ``shared``
  (T5). A tied output projection (``lm_head``) shares the token table's values but is not recognised by name.
* Buffers are skipped: boolean tensors (masks), and tensors of 2 or more dimensions whose name ends in ``bias`` or
  ``masked_bias`` (GPT-2 stores its causal mask as ``h.N.attn.bias``, shape (1, 1, 1024, 1024)).
* Everything else is skipped with a reason: 1-D tensors (biases, norm scales), scalars, 2-D tensors with a
  dimension < 2 (``position_ids`` buffers), 3-D and higher-than-4-D tensors (stacked heads or experts, Conv1d and
  Conv3d kernels: their layout is not identifiable from the shape), and matrices with fewer than ``min_evals``
  eigenvalues.
"""
from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from freecalc.analysis.sources import TensorRef, check_dtype

__all__ = ["LayerKind", "WeightMatrix", "select_matrices", "is_embedding_name", "conv_slices"]

_EMBED_PARTS = re.compile(r"embed", re.I)
_EMBED_EXACT = frozenset({"wte", "wpe", "shared"})
# multi-dimensional tensors with these names are buffers, not weights (GPT-2 checkpoints store the causal mask as
# "h.N.attn.bias" of shape (1, 1, 1024, 1024): by shape alone it would pass for a 1×1 convolution kernel)
_BUFFER_NAMES = frozenset({"bias", "masked_bias"})


class LayerKind(enum.Enum):
    """What a weight tensor is: a dense matrix, a 2-D convolution kernel, or an embedding table."""

    DENSE = "dense"
    CONV2D = "conv2d"
    EMBEDDING = "embedding"


@dataclass(frozen=True)
class WeightMatrix:
    """A tensor selected for analysis.

    Parameters
    ----------
    ref : TensorRef
        The tensor.
    kind : LayerKind
        Dense matrix, convolution kernel or embedding table.
    n, m : int
        Dimensions of the analysed matrix (or of each slice), n ≥ m.
    n_slices : int
        1 for dense matrices and embeddings, kh·kw for a convolution kernel.
    """

    ref: TensorRef
    kind: LayerKind
    n: int
    m: int
    n_slices: int

    @property
    def n_eigs(self) -> int:
        """Number of eigenvalues of the layer's spectrum, m per slice."""
        return self.m * self.n_slices

    def matrices(self) -> list[np.ndarray]:
        """The matrices (n×m with n ≥ m, possibly transposed views, in the stored float dtype: a float64 copy of a
        large float16/float32 tensor is never made whole) whose eigenvalues form the layer's spectrum.

        Returns
        -------
        list of numpy.ndarray
            One matrix, or kh·kw slices for a convolution kernel.
        """
        w = np.asarray(self.ref.load())
        mats = conv_slices(w) if self.kind is LayerKind.CONV2D else [w]
        return [a if a.shape[0] >= a.shape[1] else a.T for a in mats]


def is_embedding_name(name: str) -> bool:
    """Whether a tensor name denotes an embedding table (see the module notes for the rule).

    Parameters
    ----------
    name : str
        Tensor name.

    Returns
    -------
    bool
    """
    parts = name.split(".")
    return any(_EMBED_PARTS.search(p) or p.lower() in _EMBED_EXACT for p in parts)


def _conv_layout(shape: Sequence[int]) -> bool:
    """True for channels-first (out, in, kh, kw), WeightWatcher's rule: out + in ≥ kh + kw."""
    return shape[0] + shape[1] >= shape[2] + shape[3]


def conv_slices(w: np.ndarray) -> list[np.ndarray]:
    """The kh·kw per-position slices (out×in matrices) of a 4-D convolution kernel, either layout.

    Parameters
    ----------
    w : numpy.ndarray
        4-D kernel, (out, in, kh, kw) or (kh, kw, in, out).

    Returns
    -------
    list of numpy.ndarray

    Raises
    ------
    ValueError
        If ``w`` is not 4-D.
    """
    if w.ndim != 4:
        raise ValueError(f"conv_slices: expected a 4-D kernel, got shape {w.shape}")
    if _conv_layout(w.shape):
        return [w[:, :, i, j] for i in range(w.shape[2]) for j in range(w.shape[3])]
    return [w[i, j, :, :] for i in range(w.shape[0]) for j in range(w.shape[1])]


def select_matrices(refs: Sequence[TensorRef], *, include_embeddings: bool = False,
                    min_evals: int = 10) -> tuple[list[WeightMatrix], list[tuple[str, str]]]:
    """Split the tensors of a source into weight matrices to analyse and (name, reason) pairs skipped.

    Parameters
    ----------
    refs : sequence of TensorRef
    include_embeddings : bool
        Analyse embedding tables too (recognised by name, see the module notes).
    min_evals : int
        Matrices with fewer eigenvalues are skipped (a tail fit needs ten points at least).

    Returns
    -------
    (list of WeightMatrix, list of (name, reason))

    Raises
    ------
    ModelSourceError
        A tensor that would be analysed has a dtype other than float16/bfloat16/float32/float64.
    """
    chosen: list[WeightMatrix] = []
    skipped: list[tuple[str, str]] = []
    for ref in refs:
        shape = tuple(ref.shape)
        last = ref.name.rsplit(".", 1)[-1].lower()
        if len(shape) >= 2 and last in _BUFFER_NAMES:
            skipped.append((ref.name, f"{len(shape)}-D tensor named {last!r}: a mask or bias buffer"))
            continue
        if ref.dtype == "bool":
            skipped.append((ref.name, "boolean tensor (a mask)"))
            continue
        if len(shape) == 2 and min(shape) >= 2:
            embedding = is_embedding_name(ref.name)
            if embedding and not include_embeddings:
                skipped.append((ref.name, "embedding (include_embeddings=False)"))
                continue
            kind, (n, m), slices = (LayerKind.EMBEDDING if embedding else LayerKind.DENSE), sorted(shape)[::-1], 1
        elif len(shape) == 4 and min(shape) >= 1:
            out, inp = (shape[0], shape[1]) if _conv_layout(shape) else (shape[3], shape[2])
            if min(out, inp) < 2:
                skipped.append((ref.name, f"{len(shape)}-D kernel with a single input or output channel"))
                continue
            kind, (n, m), slices = LayerKind.CONV2D, (max(out, inp), min(out, inp)), (
                shape[2] * shape[3] if _conv_layout(shape) else shape[0] * shape[1])
        else:
            why = {0: "scalar", 1: "1-D (bias or norm)", 2: "2-D with a dimension < 2",
                   3: "3-D (stacked matrices or a Conv1d kernel: layout not identifiable)"}
            skipped.append((ref.name, why.get(len(shape), f"{len(shape)}-D tensor")))
            continue
        if m * slices < min_evals:
            skipped.append((ref.name, f"{m * slices} eigenvalues < min_evals = {min_evals}"))
            continue
        check_dtype(ref)
        chosen.append(WeightMatrix(ref, kind, int(n), int(m), int(slices)))
    return chosen, skipped
