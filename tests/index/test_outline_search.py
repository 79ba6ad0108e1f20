"""The outline as a search index, for every input format: the heading a question's words are in comes first.

Each test writes one small report in tmp_path (markdown, DOCX, HTML, official numbering in .txt, and
the seed's unnumbered two-line headings) and searches it with the hash embedder: exact and fast; what
is checked here is the units, the fusion and the boosts, not the model.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from core.settings import EmbeddingSettings
from index.embedding.hash_embedder import HashEmbedder
from index.loader import Document, load_document
from index.search.outline_search import OutlineSearch

TITLE = "青禾县委2024年工作报告"
# (heading level, heading or paragraph): level 0 is a paragraph
REPORT: list[tuple[int, str]] = [
    (1, "一、2024年工作回顾"),
    (2, "（一）经济运行稳中向好"),
    (0, "主要指标增速高于全市平均水平。预计全年地区生产总值完成186.4亿元、增长6.2%。"),
    (2, "（二）项目建设提速增效"),
    (0, "坚持项目为王。全年实施亿元以上项目68个、完成投资124.5亿元。"),
    (2, "（三）白鹭湖湿地明显改善"),
    (0, "完成生态修复一期工程。修复湿地1.4万亩，空气质量优良天数比例达到90.2%。"),
    (1, "二、2025年目标任务"),
    (2, "（一）抓好项目建设，扩大有效投资"),
    (0, "全年谋划储备项目150个以上。实施亿元以上项目75个，确保完成固定资产投资136亿元。"),
    (2, "（二）稳定粮食生产，建设农业强县"),
    (0, "确保粮食总产量稳定在21亿斤以上。新建高标准农田10万亩。"),
]


def _markdown(path: Path) -> Path:
    lines = [f"# {TITLE}"] + [f"{'#' * (level + 1)} {text}" if level else text for level, text in REPORT]
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return path


def _numbered_txt(path: Path) -> Path:
    path.write_text("\n\n".join([TITLE, *(text for _, text in REPORT)]) + "\n", encoding="utf-8")
    return path


def _html(path: Path) -> Path:
    body = "".join(f"<h{level + 1}>{text}</h{level + 1}>" if level else f"<p>{text}</p>" for level, text in REPORT)
    page = f'<!doctype html><html><head><meta charset="utf-8"><title>{TITLE}</title></head>'
    path.write_text(f"{page}<body><article><h1>{TITLE}</h1>{body}</article></body></html>", encoding="utf-8")
    return path


def _docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    for level, text in REPORT:
        document.add_paragraph(text, style=f"Heading {level}" if level else None)
    document.save(str(path))
    return path


WRITERS: dict[str, Callable[[Path], Path]] = {
    "md": _markdown,
    "txt": _numbered_txt,
    "html": _html,
    "docx": _docx,
}


@pytest.fixture(scope="module")
def embedder() -> HashEmbedder:
    return HashEmbedder(EmbeddingSettings(provider="hash", model="hash-embedder", materialise="none"))


def _load(tmp_path: Path, fmt: str) -> Document:
    return load_document(WRITERS[fmt](tmp_path / f"qinghe.{fmt}"))


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_every_format_gives_sections_and_leads_as_units(tmp_path: Path, fmt: str, embedder: HashEmbedder) -> None:
    search = OutlineSearch([_load(tmp_path, fmt)], embedder)
    sections = [u.text for u in search.units if u.point is None]
    assert "白鹭湖湿地明显改善" in sections and "稳定粮食生产，建设农业强县" in sections
    leads = [u for u in search.units if u.point is not None]
    assert len(leads) == 5  # one per paragraph, its lead counted in its words
    assert all(u.point is not None and u.point.lead in u.words for u in leads)


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_the_heading_holding_the_questions_words_comes_first(tmp_path: Path, fmt: str, embedder: HashEmbedder) -> None:
    search = OutlineSearch([_load(tmp_path, fmt)], embedder)
    [best, *_] = search.search("白鹭湖湿地有什么变化？")
    assert best.unit.node.title == "白鹭湖湿地明显改善" and best.unit.point is None
    assert best.keyword > 0 and best.unit.period == "2024"
    [best, *_] = search.search("农业强县要怎么建设？")
    assert best.unit.node.title == "稳定粮食生产，建设农业强县" and best.unit.period == "2025"


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_the_period_asked_decides_between_two_sections_on_one_topic(
    tmp_path: Path, fmt: str, embedder: HashEmbedder
) -> None:
    search = OutlineSearch([_load(tmp_path, fmt)], embedder)
    past = search.search("项目建设怎么样？", periods=frozenset({"2024"}))[0]  # the same words, two periods
    plans = search.search("项目建设怎么样？", periods=frozenset({"2025"}))[0]
    assert (past.unit.period, plans.unit.period) == ("2024", "2025")
    assert past.unit.node.title == "项目建设提速增效"
    assert plans.unit.node.title == "抓好项目建设，扩大有效投资"


SEED = """松原:扛起责任 勇当先锋

写在前面:

12月12日,市委召开全体会议,总结2023年的工作。

2023成就和经验

奋力治污染增底色

生态环境质量实现新提升

持续筑牢生态屏障。完成大规模国土绿化22.1万亩,治理退化草原湿地面积20.4万亩。

持续改善城乡环境。打造精品街路19条,新改建农村公路961公里。

倾力办实事惠民生

人民生活品质实现新提升

积极拓展就业增收渠道。新增城镇就业1.74万人。

2024目标和举措

在建设幸福宜居城市上勇当先锋,推动民生改善实现新突破

要抓建管、提品质。改造老旧小区33个。
"""


def test_the_seed_layouts_two_line_headings_are_one_unit(tmp_path: Path, embedder: HashEmbedder) -> None:
    path = tmp_path / "seed.txt"
    path.write_text(SEED, encoding="utf-8")
    search = OutlineSearch([load_document(path)], embedder)
    [best, *_] = search.search("生态环境质量方面取得了什么成绩？", periods=frozenset({"2023"}))
    assert best.unit.text == "奋力治污染增底色，生态环境质量实现新提升" and best.unit.point is None


def test_a_paragraphs_own_words_find_its_lead(tmp_path: Path, embedder: HashEmbedder) -> None:
    """ "国土绿化" is in no heading or lead: the paragraph it is in is still found by it."""
    path = tmp_path / "seed.txt"
    path.write_text(SEED, encoding="utf-8")
    search = OutlineSearch([load_document(path)], embedder)
    found = search.search("国土绿化做得怎么样？")
    # The keyword side finds it (the hash embedder's dense scores are arbitrary, so not the fused rank).
    best = max(found, key=lambda m: m.keyword)
    assert best.unit.point is not None and best.unit.point.lead == "持续筑牢生态屏障。"


def test_a_section_wins_over_its_own_paragraph_when_they_match_alike(tmp_path: Path, embedder: HashEmbedder) -> None:
    search = OutlineSearch([_load(tmp_path, "md")], embedder)
    found = search.search("经济运行")
    assert found[0].unit.point is None and found[0].unit.node.title == "经济运行稳中向好"


def test_only_the_reports_asked_are_searched(tmp_path: Path, embedder: HashEmbedder) -> None:
    county = _load(tmp_path, "md")
    path = tmp_path / "seed.txt"
    path.write_text(SEED, encoding="utf-8")
    seed = load_document(path)
    search = OutlineSearch([county, seed], embedder)
    found = search.search("生态方面有什么成绩？", docs=frozenset({county.doc_id}), k=20)
    assert found and {m.unit.doc for m in found} == {county.doc_id}
    assert len(search.search("生态", k=3)) == 3


def test_an_empty_library_finds_nothing(embedder: HashEmbedder) -> None:
    assert OutlineSearch([], embedder).search("有什么成绩？") == []


class _Counting(HashEmbedder):
    """The hash embedder, counting the passages it embeds."""

    embedded = 0

    def encode(self, texts: list[str], *, threads: int, show_progress: bool = False):  # type: ignore[no-untyped-def]
        if texts and texts[0].startswith("passage: "):
            self.embedded += len(texts)
        return super().encode(texts, threads=threads, show_progress=show_progress)


def _library(tmp_path: Path, reports: int) -> list[Document]:
    """``reports`` copies of the county report under other names (a province's library in small)."""
    source = _markdown(tmp_path / "qinghe.md").read_text(encoding="utf-8")
    paths = []
    for n in range(reports):
        path = tmp_path / f"county-{n}.md"
        path.write_text(source.replace("青禾县", f"第{n}县"), encoding="utf-8")
        paths.append(path)
    return [load_document(p) for p in paths]


def test_opening_embeds_nothing_and_a_question_embeds_only_the_units_it_compares(tmp_path: Path) -> None:
    docs = _library(tmp_path, 12)
    counting = _Counting(EmbeddingSettings(provider="hash", model="hash-embedder", materialise="none"))
    search = OutlineSearch(docs, counting, dense_reports=3, dense_units=4)
    assert counting.embedded == 0
    found = search.search("白鹭湖湿地有什么成绩？", docs=frozenset({docs[5].doc_id}))
    assert {m.unit.doc for m in found} == {docs[5].doc_id}
    assert counting.embedded == 4
    assert "白鹭湖湿地明显改善" in [m.unit.text for m in found]  # the keyword side's best is compared
    search.search("白鹭湖湿地有什么成绩？", docs=frozenset({docs[5].doc_id}))
    assert counting.embedded == 4  # kept
    search.search("粮食生产有什么打算？")  # the whole library: still only the 4 best-matching units
    assert counting.embedded <= 8


def test_a_small_library_ranks_as_if_every_unit_were_embedded(tmp_path: Path, embedder: HashEmbedder) -> None:
    docs = _library(tmp_path, 4)
    lazy = OutlineSearch(docs, embedder, dense_reports=4)
    lazy.warm()
    question, scope = "项目建设有什么成绩？", frozenset({docs[1].doc_id})
    texts = [u.text for u in lazy.units]
    every = embedder.embed_passages(texts) @ embedder.embed_queries([question])[0]
    found = lazy.search(question, docs=scope, k=50)
    assert [m.dense for m in found] == pytest.approx([float(every[lazy.units.index(m.unit)]) for m in found])
