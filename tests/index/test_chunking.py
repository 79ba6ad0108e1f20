"""Chunks: whole sentences of one paragraph, ~150–300 characters, a little overlap, stable ids."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from core.settings import ChunkingSettings
from index.chunking import Chunk, chunk_document, lead_sentence, split_sentences
from index.loader import Document, load_documents, parse_document

REPORT = Path(__file__).resolve().parents[2] / "data" / "songyuan-2023-plenary-report.txt"
SETTINGS = ChunkingSettings()  # the defaults config.yaml uses: 220 / 300 / 60
FURNITURE = [
    "吉报头条", "重要新闻", "图片精选", "全会现场。", "江边美景。(资料图片)", "编辑:马萍", "更新时间", "来源:吉林日报",
]  # fmt: skip


@pytest.fixture(scope="module")
def report() -> Document:
    [doc] = load_documents([REPORT])
    return doc


@pytest.fixture(scope="module")
def chunks(report: Document) -> list[Chunk]:
    return chunk_document(report, SETTINGS)


def _same_paragraph_pairs(chunks: list[Chunk]) -> list[tuple[Chunk, Chunk]]:
    return [(a, b) for a, b in pairwise(chunks) if a.paragraph == b.paragraph]


def test_no_furniture_in_any_chunk(chunks: list[Chunk]) -> None:
    for chunk in chunks:
        assert not [f for f in FURNITURE if f in chunk.text or f in chunk.search_text], chunk.text


def test_every_chunk_is_its_exact_source_text(report: Document, chunks: list[Chunk]) -> None:
    assert chunks
    for chunk in chunks:
        assert report.source[chunk.start : chunk.end] == chunk.text


def test_chunks_never_cross_paragraphs(report: Document, chunks: list[Chunk]) -> None:
    paragraphs = {p.number: p for p in report.paragraphs}
    for chunk in chunks:
        p = paragraphs[chunk.paragraph]
        assert p.start <= chunk.start < chunk.end <= p.end
        assert (chunk.section, chunk.period) == (p.section, p.period)
        assert "\n" not in chunk.text


def test_chunks_cover_every_paragraph_without_gaps(report: Document, chunks: list[Chunk]) -> None:
    for p in report.paragraphs:
        own = [c for c in chunks if c.paragraph == p.number]
        assert own, f"paragraph {p.number} has no chunk"
        assert own[0].start == p.start and own[-1].end == p.end
        for a, b in pairwise(own):
            assert a.start < b.start <= a.end  # contiguous or overlapping, in order


def test_chunk_sizes(report: Document, chunks: list[Chunk]) -> None:
    paragraphs = {p.number: p for p in report.paragraphs}
    assert all(len(c.text) <= SETTINGS.max_chars for c in chunks)
    in_band = [c for c in chunks if 150 <= len(c.text) <= 300]
    assert len(in_band) >= 0.6 * len(chunks)
    for chunk in chunks:
        if len(chunk.text) < 150:  # short only where the paragraph itself runs out
            assert chunk.end == paragraphs[chunk.paragraph].end, chunk.text


def test_long_paragraphs_are_split_at_sentence_ends(chunks: list[Chunk]) -> None:
    # the 5.8% paragraph runs ~650 characters: three chunks, each ending a sentence
    gdp = [c for c in chunks if c.lead == "千方百计稳定经济运行。"]
    assert len(gdp) >= 3
    assert all(c.text.endswith("。") for c in gdp)


def test_consecutive_chunks_overlap_by_whole_short_sentences(chunks: list[Chunk]) -> None:
    pairs = _same_paragraph_pairs(chunks)
    assert pairs
    overlapping = 0
    for a, b in pairs:
        overlap = a.end - b.start
        assert 0 <= overlap <= SETTINGS.overlap_chars
        if overlap:
            overlapping += 1
            assert a.text.endswith(b.text[:overlap])
            starts = {s.start for s in split_sentences(a.text, a.start)}
            assert b.start in starts  # the repeat is whole sentences, not a cut-off tail
        last = split_sentences(a.text)[-1].text
        if len(last) <= SETTINGS.overlap_chars and len(split_sentences(a.text)) > 1:
            assert b.text.startswith(last), "a short last sentence is repeated in the next chunk"
    assert overlapping >= 3


def test_lead_sentences(report: Document, chunks: list[Chunk]) -> None:
    assert lead_sentence(report.paragraphs[0]) == ""  # the preface opens with a long sentence
    leads = {c.lead for c in chunks}
    assert {"千方百计稳定经济运行。", "夯实粮食生产基础。", "提升产业集聚力。"} <= leads
    for chunk in chunks:
        paragraph_text = report.paragraphs[chunk.paragraph - 1].text
        assert paragraph_text.startswith(chunk.lead)


def test_search_text_gives_a_later_chunk_its_heading_and_topic(chunks: list[Chunk]) -> None:
    later = next(c for c in chunks if c.lead == "千方百计稳定经济运行。" and not c.text.startswith(c.lead))
    assert later.search_text.startswith("综合经济实力实现新提升 千方百计稳定经济运行。 ")
    assert later.search_text.endswith(later.text)
    first = next(c for c in chunks if c.lead == "千方百计稳定经济运行。")
    assert first.search_text.count("千方百计稳定经济运行。") == 1


def test_the_gdp_chunk(chunks: list[Chunk]) -> None:
    [gdp] = [c for c in chunks if "5.8%" in c.text]
    assert gdp.section_path == "2023成就和经验 › 着力稳经济促发展 › 综合经济实力实现新提升"
    assert gdp.period == "2023"
    meta = gdp.metadata()
    assert meta == {
        "doc": "songyuan-2023-plenary-report",
        "title": gdp.title,
        "section": gdp.section_path,
        "period": "2023",
        "paragraph": gdp.paragraph,
        "start": gdp.start,
        "end": gdp.end,
        "lead": "千方百计稳定经济运行。",
    }


def test_chunk_ids_are_unique_and_stable_across_runs(report: Document, chunks: list[Chunk]) -> None:
    ids = [c.chunk_id for c in chunks]
    assert len(set(ids)) == len(ids)
    [again] = load_documents([REPORT])
    assert [c.chunk_id for c in chunk_document(again, SETTINGS)] == ids


def test_editing_one_paragraph_changes_only_its_chunk_ids(report: Document, chunks: list[Chunk]) -> None:
    edited_source = report.source.replace("确保粮食产量稳定在160亿斤以上", "确保粮食产量稳定在165亿斤以上")
    assert edited_source != report.source
    edited = chunk_document(parse_document(edited_source, REPORT), SETTINGS)
    target = next(c.paragraph for c in chunks if "160亿斤以上" in c.text)
    before = {c.chunk_id for c in chunks if c.paragraph != target}
    after = {c.chunk_id for c in edited if c.paragraph != target}
    assert before == after
    old_target = {c.chunk_id for c in chunks if c.paragraph == target}
    assert old_target != {c.chunk_id for c in edited if c.paragraph == target}


def test_ids_survive_a_paragraph_moving(report: Document, chunks: list[Chunk]) -> None:
    """Inserting a paragraph shifts offsets and numbers after it, not ids."""
    anchor = "夯实粮食生产基础。"
    inserted = "新增一段关于粮食仓储设施建设的内容，全年新建粮库十座，仓容增加五十万吨。\n\n"
    moved_source = report.source.replace(anchor, inserted + anchor, 1)
    moved = chunk_document(parse_document(moved_source, REPORT), SETTINGS)
    assert {c.chunk_id for c in chunks} < {c.chunk_id for c in moved}
    old = {c.chunk_id: c for c in chunks}
    shifted = [c for c in moved if c.chunk_id in old and c.start != old[c.chunk_id].start]
    assert shifted and all(c.paragraph == old[c.chunk_id].paragraph + 1 for c in shifted)


# -- synthetic paragraphs ------------------------------------------------------------------------


def _doc(*paragraphs: str) -> Document:
    body = "\n\n".join(paragraphs)
    return parse_document(f"标题\n\n2024年目标\n\n{body}\n", Path("synthetic.txt"))


def test_a_sentence_longer_than_max_is_cut_at_commas() -> None:
    clause = "推进重点项目建设和产业升级工作"  # 15 characters
    sentence = "，".join([clause] * 30) + "。"  # ~480 characters, one sentence
    doc = _doc(sentence)
    pieces = chunk_document(doc, SETTINGS)
    assert len(pieces) >= 2
    assert all(len(c.text) <= SETTINGS.max_chars for c in pieces)
    assert "".join(c.text for c in pieces) == sentence  # no overlap: the pieces are not sentences


def test_only_a_single_clause_may_exceed_max() -> None:
    clause = "推进重点项目建设和产业升级工作" * 25  # 375 characters, no comma at all
    doc = _doc(f"{clause}。后面还有一句普通的话，说明全年目标任务已经圆满完成。")
    pieces = chunk_document(doc, SETTINGS)
    too_long = [c for c in pieces if len(c.text) > SETTINGS.max_chars]
    assert [c.text for c in too_long] == [clause + "。"]


def test_repeated_text_in_one_section_gets_distinct_ids() -> None:
    text = "坚持稳中求进工作总基调，统筹发展和安全，推动经济实现质的有效提升和量的合理增长。"
    pieces = chunk_document(_doc(text, text), SETTINGS)
    assert len(pieces) == 2 and pieces[0].text == pieces[1].text
    assert pieces[0].chunk_id != pieces[1].chunk_id


def test_split_sentences_keeps_closing_quotes_and_offsets() -> None:
    text = "他说：“今年要干好。”然后出发了！还有吗？有;结束"
    spans = split_sentences(text, offset=10)
    assert [s.text for s in spans] == ["他说：“今年要干好。”", "然后出发了！", "还有吗？", "有;", "结束"]
    for span in spans:
        assert text[span.start - 10 : span.end - 10] == span.text
