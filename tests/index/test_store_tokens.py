"""The keyword tokens kept with the chunks: opening the library reads them instead of running jieba,
and an index from before they were kept still opens (tokenised once, said in the log) until a sync
stores them."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from core.settings import Settings
from index.library import add_files, sync_corpus
from index.search import live_view
from index.search.live_view import read_view, search_text
from index.store import Library
from index.store.packs import CHUNKS_SUFFIX
from index.store.tokens import TOKENIZER_KEY, TOKENS_KEY, tokenizer
from index.text import tokens

COUNTY = "青禾县2024年工作报告（虚构）\n\n全县地区生产总值增长6.2%，新建高标准农田12万亩。\n"


def _strip_tokens(library: Library) -> None:
    """Make the live generation look like one written before the tokens were kept (and before the
    chunks were also kept as one pack per report)."""
    snapshot = library.read()
    (chunks,) = snapshot.vectors.collections
    [segment] = snapshot.vectors.parts
    library.db.collection(library.db.segment(segment.segment)[0]).delete(
        ids=[d + CHUNKS_SUFFIX for d in snapshot.documents]
    )
    rows = chunks.get(include=["metadatas", "documents", "embeddings"])
    metadatas = [{k: v for k, v in (meta or {}).items() if k != TOKENS_KEY} for meta in rows["metadatas"]]
    chunks.delete(ids=rows["ids"])  # chromadb's update merges metadata keys: re-add without the tokens
    chunks.add(ids=rows["ids"], embeddings=rows["embeddings"], metadatas=metadatas, documents=rows["documents"])
    old = {k: v for k, v in (chunks.metadata or {}).items() if k != TOKENIZER_KEY}
    chunks.modify(metadata={**old, TOKENIZER_KEY: "before-tokens"})


def test_every_chunk_is_stored_with_its_keyword_tokens(library: Library) -> None:
    snapshot = library.read()
    assert all(c.metadata[TOKENIZER_KEY] == tokenizer() for c in snapshot.vectors.collections)
    for cid, row in snapshot.chunks.items():
        passage = live_view.passage_from_stored(cid, row)
        assert row[TOKENS_KEY].split() == tokens(search_text(passage))


def test_opening_reads_the_tokens_without_jieba(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = read_view(library)

    def no_jieba(text: str) -> list[str]:
        raise AssertionError(f"tokenised at open: {text[:20]}")

    monkeypatch.setattr(live_view, "tokens", no_jieba)
    view = read_view(library)
    query = tokens("2024年粮食产量目标是多少")
    assert list(view.keyword.scores(query)) == list(expected.keyword.scores(query))
    assert view.keyword.terms() == expected.keyword.terms()
    assert not view.snapshot.chunks  # the rows as read are not kept beside the passages


def test_an_index_without_tokens_opens_tokenised_and_says_so(
    library: Library, hash_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    expected = read_view(library)
    _strip_tokens(library)
    with caplog.at_level(logging.WARNING, logger=live_view.__name__):
        view = read_view(library)
    assert f"{len(expected.passages)} of {len(expected.passages)} chunks had no keyword tokens" in caplog.text
    assert view.keyword.terms() == expected.keyword.terms()


def test_the_next_sync_stores_the_missing_tokens_once(library: Library, hash_settings: Settings) -> None:
    _strip_tokens(library)
    before = library.generation()
    messages: list[str] = []
    sync_corpus(hash_settings, library.embedder, messages.append)
    assert library.generation() != before and any("keyword tokens" in m for m in messages)
    snapshot = library.read()
    assert all(c.metadata[TOKENIZER_KEY] == tokenizer() for c in snapshot.vectors.collections)
    assert all(isinstance(row[TOKENS_KEY], str) for row in snapshot.chunks.values())
    upgraded = library.generation()
    sync_corpus(hash_settings, library.embedder)
    assert library.generation() == upgraded  # once


def test_kept_chunks_keep_their_tokens_through_a_change(
    library: Library, hash_settings: Settings, tmp_path: Path
) -> None:
    county = tmp_path / "qinghe.txt"
    county.write_text(COUNTY, encoding="utf-8")
    add_files(hash_settings, library.embedder, [county])
    snapshot = library.read()
    assert len({row["doc"] for row in snapshot.chunks.values()}) == 2
    for cid, row in snapshot.chunks.items():
        assert row[TOKENS_KEY].split() == tokens(search_text(live_view.passage_from_stored(cid, row)))
