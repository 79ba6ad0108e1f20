"""Reading reports: page furniture dropped, headings become section paths, periods, exact offsets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import AssistantError, CorpusError
from core.settings import CorpusSettings, DocumentOverride
from index.loader import SECTION_SEP, Document, load_corpus, load_document, load_documents, parse_document, report_files

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "data" / "songyuan-2023-plenary-report.txt"
QINGHE = ROOT / "tests" / "data" / "fictional-qinghe-county-2024.txt"
FURNITURE = [
    "吉报头条", "重要新闻", "国内新闻", "国际新闻", "图片精选", "全会现场", "江边美景", "资料图片", "编辑", "马萍",
    "更新时间", "大吉网",
]  # fmt: skip


@pytest.fixture(scope="module")
def report() -> Document:
    [doc] = load_documents([REPORT])
    return doc


def _paragraph_with(doc: Document, needle: str):  # type: ignore[no-untyped-def]
    [paragraph] = [p for p in doc.paragraphs if needle in p.text]
    return paragraph


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- the real report -----------------------------------------------------------------------------


def test_report_title_and_id(report: Document) -> None:
    assert report.title == "松原:扛起责任 勇当先锋 努力走出高质量发展可持续振兴新路"
    assert report.doc_id == REPORT.stem
    assert report.source == REPORT.read_text(encoding="utf-8")


@pytest.mark.parametrize("furniture", FURNITURE)
def test_page_furniture_is_not_a_paragraph(report: Document, furniture: str) -> None:
    assert furniture in report.source  # it is there to be dropped
    assert not [p.number for p in report.paragraphs if furniture in p.text]


def test_every_paragraph_points_at_its_exact_source_text(report: Document) -> None:
    assert [p.number for p in report.paragraphs] == list(range(1, len(report.paragraphs) + 1))
    for p in report.paragraphs:
        assert report.source[p.start : p.end] == p.text
        assert "\n" not in p.text and p.text == p.text.strip()
    starts = [p.start for p in report.paragraphs]
    assert starts == sorted(starts)


def test_section_paths_follow_the_two_line_headings(report: Document) -> None:
    gdp = _paragraph_with(report, "前三季度全市GDP增长5.8%")
    assert SECTION_SEP.join(gdp.section) == "2023成就和经验 › 着力稳经济促发展 › 综合经济实力实现新提升"
    assert gdp.period == "2023"
    # the heading lines carry trailing spaces in the source; the path does not
    politics = _paragraph_with(report, "及时跟进理论学习")
    assert politics.section == ("2023成就和经验", "全力学思想铸忠诚", "政治建设水平实现新提升")


def test_periods_2023_2024_and_the_undated_preface(report: Document) -> None:
    preface = report.paragraphs[0]
    assert preface.text.startswith("12月12日,松原市委召开七届七次全体会议")
    assert preface.section == ("写在前面",) and preface.period == ""
    target = _paragraph_with(report, "确保粮食产量稳定在160亿斤以上")
    assert target.period == "2024"
    assert target.section == ("2024目标和举措", "在发展现代化大农业上勇当先锋,推动农业强市建设实现新突破")
    achieved = _paragraph_with(report, "有望突破160亿斤")
    assert achieved.period == "2023"
    assert {p.period for p in report.paragraphs} == {"", "2023", "2024"}
    # 2023 achievements come first, then 2024 targets: the periods never interleave
    periods = [p.period for p in report.paragraphs if p.period]
    assert periods == sorted(periods)


def test_the_last_paragraph_is_body_text_not_the_editor_line(report: Document) -> None:
    last = report.paragraphs[-1]
    assert last.text.startswith("重民主、强法治。")
    assert len(report.paragraphs) == 42


def test_report_metadata_read_from_its_own_lines(report: Document) -> None:
    # "更新时间:2023-12-14 07:57   来源:吉林日报—大吉网", as data/SOURCE.md describes the article
    assert (report.year, report.date, report.format) == (2023, "2023-12-14", "txt")
    assert report.source_line == "来源：吉林日报—大吉网"


# -- the fictional second report -----------------------------------------------------------------


@pytest.fixture(scope="module")
def qinghe() -> Document:
    return load_document(QINGHE)


def test_fictional_report_is_marked_and_dated(qinghe: Document) -> None:
    assert "虚构" in qinghe.title and "青禾县及文中的机构、项目和数据均为虚构" in qinghe.source_line
    assert (qinghe.year, qinghe.date) == (2024, "2024-12-27")


def test_fictional_report_sections_follow_the_official_numbering(qinghe: Document) -> None:
    gdp = _paragraph_with(qinghe, "增长6.2%")
    assert gdp.section == ("一、2024年工作回顾", "（一）经济运行稳中向好") and gdp.period == "2024"
    grain = _paragraph_with(qinghe, "确保粮食总产量稳定在21亿斤以上")
    assert grain.section == ("二、2025年目标任务", "（二）聚焦乡村振兴，建设农业强县", "1.稳定粮食生产")
    assert grain.period == "2025"
    invest = _paragraph_with(qinghe, "实施亿元以上项目75个")  # under a lead phrase standing alone
    assert invest.section == ("二、2025年目标任务", "（一）坚持项目为王，扩大有效投资")
    schools = _paragraph_with(qinghe, "新建幼儿园3所")
    assert schools.section[-2:] == ("（五）办好民生实事", "（1）教育医疗")


def test_numbered_full_sentences_stay_paragraphs(qinghe: Document) -> None:
    business = _paragraph_with(qinghe, "企业开办时间压缩至0.5个工作日")
    assert business.text.startswith("（四）营商环境持续优化。")
    assert business.section == ("一、2024年工作回顾",)  # a sibling of （三）: its sub-sections are closed
    after = qinghe.paragraphs[business.number]
    assert after.text.startswith("（五）城乡建设协调推进。") and after.section == ("一、2024年工作回顾",)
    assert {p.period for p in qinghe.paragraphs} == {"", "2024", "2025"}
    for p in qinghe.paragraphs:
        assert qinghe.source[p.start : p.end] == p.text


def test_qinghe_questions_point_at_one_report_only(report: Document, qinghe: Document) -> None:
    """Each question's evidence and expected figures are in the report it names, never in the other."""
    docs = {d.doc_id: d for d in (report, qinghe)}
    items = [json.loads(line) for line in (QINGHE.parent / "qinghe-questions.jsonl").read_text().splitlines()]
    assert 10 <= len(items) <= 15 and {i["doc"] for i in items} == set(docs)
    for item in items:
        own, other = docs[item["doc"]], next(d for d in docs.values() if d.doc_id != item["doc"])
        if item.get("refuse"):
            continue
        assert [p for p in own.paragraphs if item["evidence"] in p.text], item["id"]
        assert item["evidence"] not in other.source, item["id"]
        assert all(m in item["evidence"] or m in own.source for m in item["must"]), item["id"]


# -- overrides and the corpus settings -----------------------------------------------------------


def test_an_override_corrects_what_the_file_says(qinghe: Document) -> None:
    override = DocumentOverride(title="青禾县委全会报告", year=2025, date="2025-01-02", source="来源：青禾县档案馆")
    doc = load_document(QINGHE, override)
    assert (doc.title, doc.year, doc.date) == ("青禾县委全会报告", 2025, "2025-01-02")
    assert doc.source_line == "来源：青禾县档案馆"
    assert [p.text for p in doc.paragraphs] == [p.text for p in qinghe.paragraphs]
    partial = load_document(QINGHE, DocumentOverride(year=2023))
    assert (partial.title, partial.year, partial.date) == (qinghe.title, 2023, qinghe.date)


def test_load_corpus_applies_overrides_by_doc_id_and_falls_back_to_report_year(tmp_path: Path) -> None:
    _write(tmp_path, "undated.txt", f"工作报告\n\n经济发展\n\n{BODY_A}\n")
    corpus = CorpusSettings(
        paths=[tmp_path, QINGHE],
        report_year=2019,
        documents={"fictional-qinghe-county-2024": DocumentOverride(source="来源：测试")},
    )
    docs = {d.doc_id: d for d in load_corpus(corpus)}
    assert docs["undated"].year == 2019  # no year in its title, sections or date
    assert docs["fictional-qinghe-county-2024"].source_line == "来源：测试"
    assert docs["fictional-qinghe-county-2024"].year == 2024


def test_an_override_matching_no_report_is_reported(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    _write(tmp_path, "a.txt", f"甲报告\n\n{BODY_A}\n")
    load_documents([tmp_path], {"typo": DocumentOverride(year=2020)})
    assert "corpus.documents.typo matches no report file" in caplog.text


def test_reports_sharing_a_name_get_path_ids_and_their_own_overrides(tmp_path: Path) -> None:
    _write(tmp_path, "2023/report.txt", f"甲报告\n\n{BODY_A}\n")
    _write(tmp_path, "2024/report.txt", f"乙报告\n\n{BODY_B}\n")
    docs = load_documents([tmp_path], {"2024/report.txt": DocumentOverride(year=2024)}, fallback_year=2000)
    assert [(d.doc_id, d.year) for d in docs] == [("2023/report.txt", 2000), ("2024/report.txt", 2024)]


@pytest.mark.parametrize(
    "override",
    [{"date": "27.12.2024"}, {"year": 24}, {"title": ""}, {"titel": "x"}],
    ids=["date", "year", "title", "key"],
)
def test_bad_override_values_are_refused(override: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        DocumentOverride.model_validate(override)


# -- small synthetic documents -------------------------------------------------------------------

BODY_A = "全市经济运行稳中有进，各项指标好于预期，发展质量不断提升。"
BODY_B = "民生改善取得新进展，城乡居民收入稳步增长，社会保障更加健全。"
BODY_C = "推动产业转型升级，确保规上工业产值增长百分之十以上，新增规上企业五十户。"


def _markdown(top: str, sub: str) -> str:
    """A titled markdown report: two year sections of ``top`` level, topics of ``sub`` level."""
    return (
        f"# 报告标题\n\n{top} 2023年工作回顾\n\n{sub} 经济\n\n{BODY_A}\n\n{sub} 民生\n\n{BODY_B}\n\n"
        f"{top} 2024年目标\n\n{sub} 产业\n\n{BODY_C}\n"
    )


def test_markdown_level_one_headings_set_top_section_and_period() -> None:
    md = _markdown("#", "##")
    doc = parse_document(md, Path("r.md"))
    assert doc.title == "报告标题"
    assert [(p.section, p.period) for p in doc.paragraphs] == [
        (("2023年工作回顾", "经济"), "2023"),
        (("2023年工作回顾", "民生"), "2023"),
        (("2024年目标", "产业"), "2024"),
    ]


def test_markdown_nested_heading_levels_keep_their_parents() -> None:
    md = _markdown("##", "###")
    doc = parse_document(md, Path("r.md"))
    assert [(p.section, p.period) for p in doc.paragraphs] == [
        (("2023年工作回顾", "经济"), "2023"),
        (("2023年工作回顾", "民生"), "2023"),
        (("2024年目标", "产业"), "2024"),
    ]


def test_plain_text_year_headings_and_captions() -> None:
    text = f"标题\n\n2023年工作回顾\n\n经济发展\n\n{BODY_A}\n\n会议现场。\n\n{BODY_B}\n\n编辑:张三\n"
    doc = parse_document(text, Path("r.txt"))
    assert [p.text for p in doc.paragraphs] == [BODY_A, BODY_B]
    assert all(p.section == ("2023年工作回顾", "经济发展") and p.period == "2023" for p in doc.paragraphs)


def test_a_marked_photo_caption_between_paragraphs_is_not_a_heading() -> None:
    text = f"标题\n\n2023年工作回顾\n\n经济发展\n\n{BODY_A}\n\n江边美景。(资料图片)\n\n{BODY_B}\n"
    doc = parse_document(text, Path("r.txt"))
    assert [p.section for p in doc.paragraphs] == [("2023年工作回顾", "经济发展")] * 2


def test_offsets_survive_a_bom_and_windows_line_ends(tmp_path: Path) -> None:
    text = f"标题\r\n\r\n2024年目标\r\n\r\n  {BODY_C}\r\n\r\n{BODY_A}\r\n"
    path = tmp_path / "r.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    [doc] = load_documents([path])
    assert doc.title == "标题"
    assert [p.text for p in doc.paragraphs] == [BODY_C, BODY_A]
    for p in doc.paragraphs:
        assert doc.source[p.start : p.end] == p.text


@pytest.mark.parametrize(
    "content",
    ["", "   \n\n\t\n", "编辑:马萍\n更新时间:2023-12-14\n", "只有一个标题\n", "吉报头条\n重要新闻\n国内新闻\n"],
    ids=["empty", "whitespace", "only-furniture", "title-only", "only-menu"],
)
def test_a_report_without_paragraphs_is_a_corpus_error(tmp_path: Path, content: str) -> None:
    path = _write(tmp_path, "empty.txt", content)
    with pytest.raises(CorpusError) as caught:
        load_documents([path])
    assert caught.value.user_message == "报告内容为空，请联系管理员。"
    assert str(path) in str(caught.value)


def test_a_non_utf8_report_is_a_corpus_error(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes(f"标题\n\n{BODY_A}\n".encode("gbk"))
    with pytest.raises(CorpusError, match="not UTF-8"):
        load_documents([path])


def test_a_missing_report_is_a_corpus_error_with_a_chinese_message(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    with pytest.raises(CorpusError) as caught:
        load_documents([missing])
    assert isinstance(caught.value, AssistantError)
    assert "报告文件缺失" in caught.value.user_message
    assert str(missing) in str(caught.value)


def test_a_folder_of_reports(tmp_path: Path) -> None:
    _write(tmp_path, "b.txt", f"乙报告\n\n{BODY_B}\n")
    _write(tmp_path, "a.md", f"# 甲报告\n\n{BODY_A}\n")
    _write(tmp_path, "sub/c.txt", f"丙报告\n\n{BODY_C}\n")
    _write(tmp_path, "notes.doc", "an old Word file: not read")
    _write(tmp_path, "README", "not a report either")
    _write(tmp_path, "~$a.docx", "Word's lock file beside an open document")
    docs = load_documents([tmp_path])
    assert [(d.doc_id, d.title) for d in docs] == [("a", "甲报告"), ("b", "乙报告"), ("c", "丙报告")]
    assert report_files([tmp_path]) == [tmp_path / "a.md", tmp_path / "b.txt", tmp_path / "sub" / "c.txt"]


def test_a_folder_without_reports_is_a_corpus_error(tmp_path: Path) -> None:
    _write(tmp_path, "notes.xlsx", "x")
    with pytest.raises(CorpusError, match=r"no report \(\.txt, \.md, \.docx, \.pdf, \.html, \.htm\)"):
        load_documents([tmp_path])
