"""The outline's unit tokens are written with each report and read back when the outlines are built:
opening a large library's outlines runs no jieba; tokens made for other units or by another tokenizer
are made again, never misread."""

from __future__ import annotations

import json

import pytest

from core.settings import Settings
from index import outline_units
from index.library import remove_documents, sync_corpus
from index.loader import document_from_stored
from index.outline_tree import build_outline
from index.outline_units import OUTLINE_SUFFIX, packed_tokens, tokenise, units_of, unpacked_tokens
from index.search.outline_search import OutlineSearch
from index.store import Library
from index.store.tokens import TOKENIZER_KEY

SEED = "songyuan-2023-plenary-report"


def _outlines(library: Library, monkeypatch: pytest.MonkeyPatch | None = None) -> OutlineSearch:
    snapshot = library.read()
    documents = [document_from_stored(d) for d in snapshot.documents.values()]
    if monkeypatch is not None:

        def no_jieba(units: list) -> list:  # type: ignore[type-arg]
            raise AssertionError(f"tokenised {len(units)} units at open")

        monkeypatch.setattr("index.search.outline_search.tokenise", no_jieba)
    stored = library.outline_tokens(snapshot.generation)
    return OutlineSearch(documents, library.embedder, stored_tokens=stored)


def test_stored_tokens_are_what_jieba_makes_and_opening_reads_them(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    [stored] = library.read().documents.values()
    units = units_of(document_from_stored(stored), build_outline(document_from_stored(stored)))
    assert units and unpacked_tokens(library.outline_tokens(library.generation())[SEED], units) == tokenise(units)
    expected = _outlines(library)
    opened = _outlines(library, monkeypatch)
    question = ["粮食", "生产"]
    assert list(opened.keyword.scores(question)) == list(expected.keyword.scores(question))
    assert list(opened.heading.scores(question)) == list(expected.heading.scores(question))


def test_tokens_for_other_units_or_another_tokenizer_are_not_used(library: Library) -> None:
    [stored] = library.read().documents.values()
    document = document_from_stored(stored)
    units = units_of(document, build_outline(document))
    packed = packed_tokens(document)
    assert unpacked_tokens(packed, units[1:]) is None  # another outline parser would see other units
    other = json.loads(packed) | {"tokenizer": "jieba-0.0-search-x"}
    assert unpacked_tokens(json.dumps(other), units) is None
    assert unpacked_tokens("not json", units) is None and unpacked_tokens(None, units) is None


def test_outline_tokens_follow_reports_through_changes_and_folds(
    folded: Library, hash_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = folded
    remove_documents(hash_settings, library.embedder, ["county-2"])
    stored = library.outline_tokens(library.generation())
    assert set(stored) == {SEED, "county-1", "county-3"}
    assert set(library.read().documents) == set(stored)  # outline records are never taken for reports
    _outlines(library, monkeypatch)  # every report's tokens read, none made


def test_a_report_written_before_outline_tokens_is_tokenised(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    snapshot = library.read()
    monkeypatch.setattr(Library, "outline_tokens", lambda self, generation: {})
    calls: list[int] = []
    real = outline_units.tokenise

    def counting(units: list) -> list:  # type: ignore[type-arg]
        calls.append(len(units))
        return real(units)

    monkeypatch.setattr("index.search.outline_search.tokenise", counting)
    OutlineSearch(
        [document_from_stored(d) for d in snapshot.documents.values()],
        library.embedder,
        stored_tokens=library.outline_tokens(snapshot.generation),
    )
    assert calls and sum(calls) > 0


def test_a_report_copied_without_outline_tokens_gets_them(library: Library, hash_settings: Settings) -> None:
    """A report written before outline tokens were kept gets them when a change copies it."""
    snapshot = library.read()
    [part] = snapshot.vectors.parts
    docs_name, chunks_name = library.db.segment(part.segment)
    library.db.collection(docs_name).delete(ids=[SEED + OUTLINE_SUFFIX])
    chunks = library.db.collection(chunks_name)
    chunks.modify(metadata={**(chunks.metadata or {}), TOKENIZER_KEY: "before-tokens"})  # must be copied
    assert SEED not in library.outline_tokens(library.generation())
    sync_corpus(hash_settings, library.embedder)
    assert SEED in library.outline_tokens(library.generation())
