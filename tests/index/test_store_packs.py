"""Opening the library reads one pack of chunks per report, not every chunk's record: the same
passages either way; a report written before packs opens from its chunks collection; packs follow
reports through folds and are made again with the tokens a fold makes."""

from __future__ import annotations

import pytest

from index.search.live_view import read_view
from index.store import Library, reading
from index.store.packs import CHUNKS_SUFFIX, pack, unpack
from index.store.tokens import TOKENS_KEY

SEED = "songyuan-2023-plenary-report"


def _chunk_rows(library: Library) -> dict[str, dict]:  # type: ignore[type-arg]
    """Every live chunk as its chunks collection holds it (the way opening read them before packs)."""
    snapshot = library.read()
    rows: dict[str, dict] = {}  # type: ignore[type-arg]
    for part in snapshot.vectors.parts:
        rows |= reading.read_chunks(library.db, part.collection)
    return {cid: row for cid, row in rows.items() if row["doc"] in snapshot.documents}


def test_opening_reads_the_packs_and_gets_what_the_chunks_collection_holds(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _chunk_rows(library)

    def not_the_chunks(*args: object) -> None:
        raise AssertionError("read every chunk's record")

    monkeypatch.setattr(reading, "_chunks", not_the_chunks)
    snapshot = library.read()
    assert snapshot.chunks == expected


def test_a_report_without_a_pack_opens_from_its_chunks_collection(library: Library) -> None:
    expected = read_view(library)
    snapshot = library.read()
    [part] = snapshot.vectors.parts
    library.db.collection(library.db.segment(part.segment)[0]).delete(ids=[SEED + CHUNKS_SUFFIX])
    view = read_view(library)
    assert [p.chunk_id for p in view.passages] == [p.chunk_id for p in expected.passages]
    assert view.passages == expected.passages


def test_packs_follow_reports_through_folds(folded: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    library = folded
    expected = _chunk_rows(library)
    monkeypatch.setattr(reading, "_chunks", lambda *args: pytest.fail("a report without a pack"))
    assert library.read().chunks == expected
    assert {row["doc"] for row in expected.values()} == {SEED, "county-1", "county-2", "county-3"}


def test_a_pack_of_another_tokenizer_gives_no_tokens_and_a_broken_one_nothing() -> None:
    row = {"text": "粮食", "title": "t", "section": "s", "period": "2023", "paragraph": 1, "start": 0, "end": 2}
    row |= {"lead": "粮食。"}
    packed = pack([("c1", {**row, TOKENS_KEY: "粮食"})])
    assert unpack("d", packed) == {"c1": {**row, TOKENS_KEY: "粮食", "doc": "d"}}
    other = packed.replace('"tokenizer": "jieba', '"tokenizer": "old-jieba')
    assert TOKENS_KEY not in unpack("d", other)["c1"]  # type: ignore[index]
    assert unpack("d", "{not json") is None
