"""[n] markers: parsed, invalid ones dropped, and only the passages actually cited returned."""

from __future__ import annotations

from assistant.citations import cited_numbers, curate
from core.types import Answer, Citation, Passage


def _passage(n: int) -> Passage:
    return Passage(
        chunk_id=f"c{n}",
        text=f"第{n}段的原文，含数字{n}0亿元。",
        doc="report",
        title="报告",
        section=f"章{n} › 节{n}",
        period="2023" if n % 2 else "2024",
        paragraph=10 + n,
        start=100 * n,
        end=100 * n + 15,
        score=1.0 / n,
    )


PASSAGES = [_passage(n) for n in (1, 2, 3)]


def test_cited_numbers_reads_both_bracket_styles() -> None:
    assert cited_numbers("甲[1]乙【2】丙 [3][12]") == [1, 2, 3, 12]
    assert cited_numbers("没有标注") == []


def test_valid_markers_are_kept_and_their_passages_cited() -> None:
    answer = curate("GDP增长5.8%[1]。投资增长3.9%[3]。", PASSAGES)
    assert answer.text == "GDP增长5.8%[1]。投资增长3.9%[3]。"
    assert [c.n for c in answer.citations] == [1, 3]  # passage 2 was not cited, so it is not returned
    assert answer.refused is False and answer.notice == ""


def test_markers_to_passages_that_do_not_exist_are_removed() -> None:
    answer = curate("增长5.8%[1][9]。还有一句[0]。另一句 [4]。", PASSAGES)
    assert answer.text == "增长5.8%[1]。还有一句。另一句。"
    assert [c.n for c in answer.citations] == [1]


def test_an_answer_citing_nothing_valid_has_no_citations() -> None:
    answer = curate("凭空编造的内容[7]。", PASSAGES)
    assert answer.text == "凭空编造的内容。"
    assert answer.citations == []


def test_repeated_markers_collapse_and_full_width_ones_are_normalised() -> None:
    answer = curate("甲[2][2]乙【2】丙 【3】", PASSAGES)
    assert answer.text == "甲[2]乙[2]丙[3]"
    assert [c.n for c in answer.citations] == [2, 3]


def test_citation_carries_the_passage_location_and_quote() -> None:
    answer = curate("含数字20亿元[2]", PASSAGES, quotes={2: "第2段的原文，含数字20亿元。"})
    [citation] = answer.citations
    p = PASSAGES[1]
    assert citation == Citation(
        n=2,
        doc=p.doc,
        section=p.section,
        period=p.period,
        text=p.text,
        start=p.start,
        end=p.end,
        score=p.score,
        paragraph=p.paragraph,
        quote="第2段的原文，含数字20亿元。",
        title=p.title,
    )


def test_no_passages_means_every_marker_goes() -> None:
    answer = curate("内容[1]", [])
    assert (answer.text, answer.citations) == ("内容", [])


def test_answer_serialises_to_the_api_shape() -> None:
    answer = curate("增长5.8%[1]", PASSAGES)
    data = answer.to_dict()
    assert set(data) == {"answer", "citations", "refused", "notice", "form", "lines", "section"}
    assert (data["form"], data["lines"], data["section"]) == ("fact", [], None)
    assert data["citations"][0]["n"] == 1 and data["citations"][0]["section"] == "章1 › 节1"
    assert Answer(text="x").to_dict()["citations"] == []
