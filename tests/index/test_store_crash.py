"""`assistant index add` killed (SIGKILL) while it writes: the live index is the one from before,
and the next change clears the half-written generation away."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from settings_support import make_settings, profiles
from store_support import collections_named

from index.embedding.hash_embedder import HashEmbedder
from index.store import Library
from index.store.reading import read_layout

CLI = Path(sys.executable).with_name("assistant")


def _env(tmp_path: Path) -> dict[str, str]:
    config = os.pathsep.join(str(p) for p in profiles("hash"))
    env = {k: v for k, v in os.environ.items() if k != "ASSISTANT_CORPUS"}
    return {**env, "ASSISTANT_CONFIG": config, "ASSISTANT_TEST_STATE": str(tmp_path / "state")}


def _big_report(path: Path, items: int = 4000) -> Path:
    """A long report (thousands of chunks), so the kill lands while it is being embedded and written."""
    lines = [f"{path.stem}：青禾县历年工作报告汇编（虚构文本，仅供测试）", ""]
    for n in range(items):
        code = n * 7919 % 100003
        lines += [f"第{n}项工作：全县新建高标准农田{n}万亩，粮食总产量达到{n % 97}亿斤，项目编号{code}。", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_a_killed_indexer_leaves_the_previous_index_live(tmp_path: Path) -> None:
    """In a library of ~1,500 chunks, where a change writes only its own report: killed midway, the
    previous generation stays live; the next small change writes its few chunks and clears the rest."""
    env = _env(tmp_path)
    subprocess.run([str(CLI), "index"], env=env, check=True, capture_output=True, timeout=120)
    archive = _big_report(tmp_path / "archive.txt", items=1500)
    subprocess.run([str(CLI), "index", "add", str(archive)], env=env, check=True, capture_output=True, timeout=300)
    settings = make_settings(tmp_path / "state")  # the state folder the indexer's config names
    library = Library(settings.store, HashEmbedder(settings.embedding))
    before = library.read()
    assert len(before.chunks) > 1500

    # `with` closes the stderr pipe: left open, it is a ResourceWarning (an error in this suite)
    with subprocess.Popen(
        [str(CLI), "index", "add", str(_big_report(tmp_path / "big.txt"))],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stderr is not None
        for line in proc.stderr:  # the new generation's collections exist once this is said
            if "chunks to embed" in line:
                break
        time.sleep(0.3)
        assert proc.poll() is None, "the indexer finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    after = Library(settings.store, HashEmbedder(settings.embedding)).read()
    assert after.generation == before.generation and after.chunks == before.chunks
    half_written = set(library.db.collection_names()) - collections_named(library, before.generation)
    assert half_written  # the half-written segment is there …

    small = tmp_path / "small.txt"
    small.write_text("青禾县2024年工作报告（虚构）\n\n全县地区生产总值增长6.2%。\n", encoding="utf-8")
    subprocess.run([str(CLI), "index", "add", str(small)], env=env, check=True, capture_output=True, timeout=120)
    names = set(library.db.collection_names())
    # … until the next change: the live generation and the one before remain, with the segments they name
    assert names == collections_named(library, library.generation(), before.generation) and not names & half_written
    # and that change wrote its own report's chunks, not the library's again
    layout = read_layout(library.db, library.generation())
    written = library.db.collection(library.db.segment(layout.placed["small"])[1]).count()
    assert written < 5 and len(library.read().chunks) == len(before.chunks) + written
