"""The heading tree as data, for every input format: nodes, ids, spans, periods, points, items."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.loader import load_document
from index.outline_tree import OutlineNode, build_outline

SEED_LAYOUT = """松原:扛起责任 勇当先锋

  更新时间:2023-12-14 07:57   来源:吉林日报—大吉网

写在前面:

12月12日,市委召开全体会议,总结2023年的工作。

2023成就和经验

着力稳经济促发展

综合经济实力实现新提升

千方百计稳定经济运行。前三季度全市GDP增长5.8%,固定资产投资增长3.9%。

尽锐出战狠抓项目建设。开复工5000万元以上项目297个、较去年增加30个。

倾力办实事惠民生

人民生活品质实现新提升

积极拓展就业增收渠道。新增城镇就业1.74万人。

2024目标和举措

在建设幸福宜居城市上勇当先锋,推动民生改善实现新突破

要抓建管、提品质。改造老旧小区33个。

优服务、解难题。创建返乡创业基地17个以上,城镇新增就业1.7万人。

编辑:马萍
"""

NUMBERED = """青禾县委2024年工作报告

一、2024年工作回顾

2024年，全县经济稳中有进。

（一）经济运行稳中向好

主要指标增速高于全市平均水平。预计全年地区生产总值完成186.4亿元、增长6.2%。

（二）营商环境持续优化。新增市场主体4120户、总量达到3.6万户。

二、2025年目标任务

（一）聚焦乡村振兴，建设农业强县

1.稳定粮食生产

确保粮食总产量稳定在21亿斤以上，新建高标准农田10万亩。

2.办好民生实事

（1）教育医疗

新建幼儿园3所，启动县中医院迁建工程。

（2）就业和生态

重点抓好三件事：一是稳岗扩就业，城镇新增就业5000人以上；二是修复白鹭湖湿地；三是治理农村污水。
"""


def _tree(tmp_path: Path, name: str, text: str) -> OutlineNode:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return build_outline(load_document(path))


def _shape(node: OutlineNode) -> list[tuple[str, int, str, str, int]]:
    """(id, level, title, period, number of own paragraphs) of every node below the root."""
    return [(n.id, n.level, n.title, n.period, len(n.points)) for n in node.walk()][1:]


def _assert_every_paragraph_once(root: OutlineNode, doc_paragraphs: int) -> None:
    assert sorted(root.paragraphs) == list(range(1, doc_paragraphs + 1))


def test_the_seed_layout_tree_merges_two_line_headings(tmp_path: Path) -> None:
    root = _tree(tmp_path, "seed.txt", SEED_LAYOUT)
    assert root.id == "top" and root.title == "松原:扛起责任 勇当先锋"
    assert _shape(root) == [
        ("s1", 1, "写在前面", "", 1),
        ("s2", 1, "2023成就和经验", "2023", 0),
        ("s2-1", 2, "着力稳经济促发展，综合经济实力实现新提升", "2023", 2),
        ("s2-2", 2, "倾力办实事惠民生，人民生活品质实现新提升", "2023", 1),
        ("s3", 1, "2024目标和举措", "2024", 0),
        ("s3-1", 2, "在建设幸福宜居城市上勇当先锋,推动民生改善实现新突破", "2024", 2),
    ]
    economy = root.find("s2-1")
    assert economy is not None and economy.items == ("千方百计稳定经济运行", "尽锐出战狠抓项目建设")
    first = economy.points[0]
    assert (first.lead, first.figure) == ("千方百计稳定经济运行。", "前三季度全市GDP增长5.8%")
    assert root.find("s3-1").items == ("要抓建管、提品质", "优服务、解难题")  # type: ignore[union-attr]
    assert root.find("s3-1").points[1].figure == "城镇新增就业1.7万人"  # type: ignore[union-attr]
    _assert_every_paragraph_once(root, 6)


def test_spans_cover_the_heading_lines_and_everything_under_them(tmp_path: Path) -> None:
    path = tmp_path / "seed.txt"
    path.write_text(SEED_LAYOUT, encoding="utf-8")
    doc = load_document(path)
    root = build_outline(doc)
    economy, year = root.find("s2-1"), root.find("s2")
    assert economy is not None and year is not None
    assert doc.source[economy.start : economy.end].startswith("着力稳经济促发展\n\n综合经济实力实现新提升")
    assert doc.source[economy.start : economy.end].endswith("较去年增加30个。")
    assert doc.source[year.start : year.end].endswith("新增城镇就业1.74万人。")
    assert "编辑" not in doc.source[root.find("s3").start : root.find("s3").end]  # type: ignore[union-attr]
    assert root.node_of(doc.paragraphs[-1].number) is root.find("s3-1")


def test_official_numbering_nests_four_levels_and_numbered_paragraphs_are_sections(tmp_path: Path) -> None:
    root = _tree(tmp_path, "county.txt", NUMBERED)
    assert _shape(root) == [
        ("s1", 1, "2024年工作回顾", "2024", 1),
        ("s1-1", 2, "经济运行稳中向好", "2024", 1),
        ("s1-2", 2, "营商环境持续优化", "2024", 1),  # a numbered paragraph: its lead sentence is its title
        ("s2", 1, "2025年目标任务", "2025", 0),
        ("s2-1", 2, "聚焦乡村振兴，建设农业强县", "2025", 0),
        ("s2-1-1", 3, "稳定粮食生产", "2025", 1),
        ("s2-1-2", 3, "办好民生实事", "2025", 0),
        ("s2-1-2-1", 4, "教育医疗", "2025", 1),
        ("s2-1-2-2", 4, "就业和生态", "2025", 1),
    ]
    assert [n.number for n in root.walk()][1:4] == ["一、", "（一）", "（二）"]
    assert root.find("s1").items == ("经济运行稳中向好", "营商环境持续优化")  # type: ignore[union-attr]
    assert root.find("s1-2").points[0].figure == "新增市场主体4120户、总量达到3.6万户"  # type: ignore[union-attr]
    # "一是…；二是…" inside one paragraph: its items are the list
    assert root.find("s2-1-2-2").items == ("稳岗扩就业", "修复白鹭湖湿地", "治理农村污水")  # type: ignore[union-attr]
    assert root.find("s2-1-1").points[0].figure == "确保粮食总产量稳定在21亿斤以上"  # type: ignore[union-attr]
    _assert_every_paragraph_once(root, 6)


def test_markdown_levels_are_not_merged_and_numbering_nests_under_them(tmp_path: Path) -> None:
    text = (
        "# 报告\n\n## 2024年工作回顾\n\n### 经济\n\n工业稳步增长。规上工业增加值增长8.1%。\n\n"
        "（一）园区建设\n\n新建标准化厂房8.6万平方米。\n\n## 2025年目标\n\n地区生产总值增长6%左右。\n"
    )
    root = _tree(tmp_path, "r.md", text)
    assert _shape(root) == [
        ("s1", 1, "2024年工作回顾", "2024", 0),
        ("s1-1", 2, "经济", "2024", 1),
        ("s1-1-1", 3, "园区建设", "2024", 1),
        ("s2", 1, "2025年目标", "2025", 1),
    ]
    assert root.find("s2").points[0].figure == "地区生产总值增长6%左右"  # type: ignore[union-attr]


def _docx_report(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("青禾县委2024年工作报告", style="Title")
    document.add_paragraph("一、2024年工作回顾", style="Heading 1")
    document.add_paragraph("（一）经济运行稳中向好", style="Heading 2")
    document.add_paragraph("主要指标增速高于全市平均水平。地区生产总值增长6.2%。")
    document.add_paragraph("（二）项目建设提速增效", style="Heading 2")
    document.add_paragraph("坚持项目为王。全年实施亿元以上项目68个、完成投资124.5亿元。")
    document.add_paragraph("二、2025年目标任务", style="Heading 1")
    document.add_paragraph("城镇新增就业5000人以上。")
    document.save(str(path))
    return path


HTML_REPORT = """<!doctype html><html><head><meta charset="utf-8"><title>青禾县委2024年工作报告</title></head>
<body><article><h1>青禾县委2024年工作报告</h1>
<h2>一、2024年工作回顾</h2><h3>（一）经济运行稳中向好</h3>
<p>主要指标增速高于全市平均水平。地区生产总值增长6.2%。</p>
<h3>（二）项目建设提速增效</h3><p>坚持项目为王。全年实施亿元以上项目68个、完成投资124.5亿元。</p>
<h2>二、2025年目标任务</h2><p>城镇新增就业5000人以上。</p></article></body></html>
"""


@pytest.mark.parametrize("fmt", ["docx", "html"])
def test_docx_and_html_heading_levels_make_the_same_tree(tmp_path: Path, fmt: str) -> None:
    if fmt == "docx":
        path = _docx_report(tmp_path / "r.docx")
    else:
        path = tmp_path / "r.html"
        path.write_text(HTML_REPORT, encoding="utf-8")
    root = build_outline(load_document(path))
    assert _shape(root) == [
        ("s1", 1, "2024年工作回顾", "2024", 0),
        ("s1-1", 2, "经济运行稳中向好", "2024", 1),
        ("s1-2", 2, "项目建设提速增效", "2024", 1),
        ("s2", 1, "2025年目标任务", "2025", 1),
    ]
    assert root.find("s1").items == ("经济运行稳中向好", "项目建设提速增效")  # type: ignore[union-attr]
    assert root.find("s1-2").points[0].figure == "全年实施亿元以上项目68个、完成投资124.5亿元"  # type: ignore[union-attr]
    assert root.find("s1-2").path == ("2024年工作回顾", "项目建设提速增效")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("report", "top", "sections", "paragraphs"),
    [
        ("data/songyuan-2023-plenary-report.txt", ["写在前面", "2023成就和经验", "2024目标和举措"], [0, 7, 5], 42),
        (
            "tests/data/fictional-qinghe-county-2024.txt",
            ["2024年工作回顾", "2025年目标任务", "全面加强党的建设"],
            [6, 5, 0],
            30,
        ),
    ],
)
def test_the_shipped_reports(report: str, top: list[str], sections: list[int], paragraphs: int) -> None:
    root = build_outline(load_document(Path(report)))
    assert [n.title for n in root.children] == top
    assert [len(n.children) for n in root.children] == sections
    _assert_every_paragraph_once(root, paragraphs)
    ids = [n.id for n in root.walk()]
    assert len(ids) == len(set(ids))
    assert root == build_outline(load_document(Path(report)))  # the same text, the same tree and ids
