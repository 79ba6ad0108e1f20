"""Export a sentence-transformers folder to ONNX once: <model>/onnx/model.onnx (encoder, pooling, normalise).

torch and sentence-transformers are imported for the export alone: a server that finds the file
never imports them.
"""

from __future__ import annotations

import json
import os
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ONNX_FILE = Path("onnx") / "model.onnx"
_POOLING_KEYS = {"pooling_mode_mean_tokens": "mean", "pooling_mode_cls_token": "cls"}


class NotExportable(Exception):
    """A folder the ONNX path would not reproduce exactly; the torch runtime serves it instead."""


def pooling_of(folder: Path) -> str:
    """"mean" or "cls", for a folder of Transformer → Pooling → Normalize with a fast tokenizer."""
    try:
        modules = [m["type"].rsplit(".", 1)[-1] for m in json.loads((folder / "modules.json").read_text())]
        pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
    except (OSError, ValueError, KeyError) as exc:
        raise NotExportable(f"{folder}: not a plain sentence-transformers folder ({exc})") from exc
    if modules != ["Transformer", "Pooling", "Normalize"]:
        raise NotExportable(f"{folder}: modules {modules}, not Transformer, Pooling, Normalize")
    chosen = [key for key, on in pooling.items() if key.startswith("pooling_mode") and on]
    if len(chosen) != 1 or chosen[0] not in _POOLING_KEYS:
        raise NotExportable(f"{folder}: pooling {chosen}, not one of {sorted(_POOLING_KEYS)}")
    if not (folder / "tokenizer.json").exists():
        raise NotExportable(f"{folder}: no tokenizer.json (a fast tokenizer)")
    return _POOLING_KEYS[chosen[0]]


def weights_stamp(folder: Path) -> str:
    """Size and time of the folder's weights: new weights in the same folder mean a new export."""
    for name in ("model.safetensors", "pytorch_model.bin"):
        if (folder / name).exists():
            info = (folder / name).stat()
            return f"{name}:{info.st_size}:{info.st_mtime_ns}"
    raise NotExportable(f"{folder}: no model.safetensors or pytorch_model.bin")


def onnx_model(folder: Path, precision: str, say: Callable[[str], None]) -> Path:
    """The file ONNX Runtime loads for ``precision``: the export, or its int8 quantisation."""
    exported = export_onnx(folder, say)
    if precision != "int8":
        return exported
    from index.embedding.onnx_int8 import quantise_int8

    return quantise_int8(exported, folder, say)


def export_onnx(folder: Path, say: Callable[[str], None]) -> Path:
    """The folder's ONNX file, exported on first use (written beside it, then renamed into place)."""
    target, stamp_file = folder / ONNX_FILE, folder / ONNX_FILE.with_suffix(".source")
    stamp = weights_stamp(folder)
    if target.exists() and stamp_file.exists() and stamp_file.read_text(encoding="utf-8") == stamp:
        return target
    pooling = pooling_of(folder)
    try:
        import onnx  # noqa: F401  (torch's exporter writes through it)
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise NotExportable(f"the ONNX export needs onnx, torch and sentence-transformers: {exc}") from exc
    say(f"Exporting {folder.name} to ONNX (one time, a few seconds)…")
    started = time.monotonic()
    encoder: Any = SentenceTransformer(str(folder), device="cpu")[0].auto_model
    encoder.eval()
    ids, mask = torch.tensor([[0, 5, 6, 2], [0, 7, 2, 1]]), torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]])
    target.parent.mkdir(exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer notes on branches that are constant for this model
            torch.onnx.export(
                _pooled(encoder, pooling),
                (ids, mask),
                str(partial),
                input_names=["input_ids", "attention_mask"],
                output_names=["embedding"],
                dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}},
                opset_version=17,
                dynamo=False,
            )
        partial.replace(target)
        stamp_file.write_text(stamp, encoding="utf-8")
    finally:
        partial.unlink(missing_ok=True)
    say(f"wrote {target} in {time.monotonic() - started:.0f} s")
    return target


def _pooled(encoder: Any, pooling: str) -> Any:
    """The encoder, then sentence-transformers' pooling and normalisation, as one module to trace."""
    import torch

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            if pooling == "cls":
                pooled = hidden[:, 0]
            else:
                weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    return Pooled().eval()
