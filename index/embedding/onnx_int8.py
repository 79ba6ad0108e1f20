"""The ONNX export quantised to int8 once: <model>/onnx/model.int8.onnx, beside the float32 file.

ONNX Runtime's dynamic quantisation (weights int8 per output channel, activations quantised per run):
the MatMuls and the token-embedding table (Gather). On these CPUs (AVX-512 VNNI) it embeds about twice
as fast and the file is a quarter of the size (118 MB, not 470), which is most of a server's model memory;
the vectors keep a cosine of about 0.997 to the float32 ones. ``bench/bench_quantization.py`` measures
that, and retrieval and answers on the question sets: not within 0.01 of float32 on every set, so
float32 stays the default (``embedding.precision``).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

INT8_FILE = Path("onnx") / "model.int8.onnx"
# Changing the recipe changes the stamp, so an older file is quantised again.
_RECIPE = "dynamic:QInt8:per_channel:MatMul,Gather"


def quantise_int8(source: Path, folder: Path, say: Callable[[str], None]) -> Path:
    """The int8 file for the float32 export ``source`` (written beside it, then renamed into place)."""
    target, stamp_file = folder / INT8_FILE, folder / INT8_FILE.with_suffix(".source")
    info = source.stat()
    stamp = f"{_RECIPE}:{info.st_size}:{info.st_mtime_ns}"
    if target.exists() and stamp_file.exists() and stamp_file.read_text(encoding="utf-8") == stamp:
        return target
    from onnxruntime.quantization import QuantType, quantize_dynamic

    say(f"Quantising {folder.name} to int8 (one time, about 20 s)…")
    started = time.monotonic()
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    quiet = _Without("pre-processing")  # its advice for image models, logged on the root logger
    logging.getLogger().addFilter(quiet)
    try:
        quantize_dynamic(
            source,
            partial,
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul", "Gather"],
        )
        partial.replace(target)
        stamp_file.write_text(stamp, encoding="utf-8")
    finally:
        logging.getLogger().removeFilter(quiet)
        partial.unlink(missing_ok=True)
    say(f"wrote {target} in {time.monotonic() - started:.0f} s")
    return target


class _Without(logging.Filter):
    def __init__(self, words: str) -> None:
        super().__init__()
        self.words = words

    def filter(self, record: logging.LogRecord) -> bool:
        return self.words not in record.getMessage()
