"""Each format read into report text: title, date, source, headings, exact offsets, clean errors.

Every test writes its own small report in tmp_path: DOCX through python-docx with heading styles,
PDF through fpdf2 with a CJK font (so the text layer is real Chinese), HTML with site furniture.
"""

from __future__ import annotations

import datetime as dt
import sys
import zipfile
from pathlib import Path

import pytest

from core.errors import CorpusError
from index.loader import SECTION_SEP, Document, load_document
from index.readers import SUFFIXES, read_report
from index.readers.pdf import paragraphs

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
TITLE = "青禾县委2024年工作报告"
REVIEW = "一、2024年工作回顾"
ECONOMY = "（一）经济运行稳中向好"
TARGETS = "二、2025年目标任务"
GRAIN = "1.稳定粮食生产"
INTRO = "2024年，全县上下团结一心，县域经济稳中有进，各项社会事业取得新进展。"
GDP = (
    "主要指标增速高于全市平均水平。预计全年地区生产总值完成186.4亿元、增长6.2%，高于全市平均水平0.7个百分点；"
    "一般公共预算收入完成9.3亿元、增长7.5%；规上工业增加值增长8.1%；社会消费品零售总额完成61.2亿元、增长5.4%。"
)
INDUSTRY = "工业经济支撑作用持续增强。新增规上工业企业17户、总数达到126户，三大主导产业产值占比达到72%。"
TARGET = "确保粮食总产量稳定在21亿斤以上，新建高标准农田10万亩，推广保护性耕作25万亩，建设县级农业社会化服务中心2个。"
BODY = [INTRO, GDP, INDUSTRY, TARGET]


def _sections(doc: Document) -> list[tuple[str, str]]:
    return [(SECTION_SEP.join(p.section), p.period) for p in doc.paragraphs]


def _assert_exact_offsets(doc: Document) -> None:
    assert doc.paragraphs
    for p in doc.paragraphs:
        assert doc.source[p.start : p.end] == p.text


def _assert_the_sample_report(doc: Document, *, fmt: str) -> None:
    assert doc.format == fmt
    assert doc.title == TITLE and doc.year == 2024
    assert [p.text for p in doc.paragraphs] == BODY
    review, economy = REVIEW, SECTION_SEP.join([REVIEW, ECONOMY])
    assert _sections(doc) == [
        (review, "2024"),
        (economy, "2024"),
        (economy, "2024"),
        (SECTION_SEP.join([TARGETS, GRAIN]), "2025"),
    ]
    _assert_exact_offsets(doc)
    assert doc.source == read_report(doc.path).text  # the served text is the reader's text


# -- DOCX ----------------------------------------------------------------------------------------


def _docx(path: Path, *, chinese_styles: bool = False, title_style: bool = True) -> Path:
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    heading = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3"}
    if chinese_styles:  # WPS and Chinese templates name the heading styles 标题 1, 标题 2 …
        for level in heading:
            document.styles.add_style(f"标题 {level}", WD_STYLE_TYPE.PARAGRAPH)
            heading[level] = f"标题 {level}"
    document.add_paragraph("来源：青禾县人民政府网站　发布时间：2024年12月27日")
    if title_style:
        document.add_paragraph(TITLE, style="Title")
    else:
        document.core_properties.title = TITLE
    document.add_paragraph(REVIEW, style=heading[1])
    document.add_paragraph(INTRO)
    document.add_paragraph(ECONOMY, style=heading[2])
    document.add_paragraph(GDP)
    document.add_paragraph("")  # empty paragraphs are spacing, not text
    document.add_paragraph(INDUSTRY)
    document.add_paragraph(TARGETS, style=heading[1])
    document.add_paragraph(GRAIN, style=heading[3])
    document.add_paragraph(TARGET)
    document.save(str(path))
    return path


@pytest.mark.parametrize("chinese_styles", [False, True], ids=["Heading-n", "标题-n"])
def test_docx_heading_styles_become_sections(tmp_path: Path, chinese_styles: bool) -> None:
    doc = load_document(_docx(tmp_path / "r.docx", chinese_styles=chinese_styles))
    _assert_the_sample_report(doc, fmt="docx")
    assert doc.source.startswith(f"# {TITLE}\n\n")  # the title-styled line comes first, after it the furniture
    assert (doc.date, doc.source_line) == ("2024-12-27", "来源：青禾县人民政府网站")


def test_docx_without_a_title_style_takes_the_core_title(tmp_path: Path) -> None:
    doc = load_document(_docx(tmp_path / "r.docx", title_style=False))
    assert doc.title == TITLE
    assert [p.text for p in doc.paragraphs] == BODY


def test_a_docx_that_is_not_a_zip_is_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_text("这不是Word文件", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"broken\.docx: not a valid \.docx") as caught:
        load_document(path)
    assert "无法读取" in caught.value.user_message


def test_a_zip_without_word_parts_is_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a document")
    with pytest.raises(CorpusError, match=r"not a valid \.docx"):
        load_document(path)


def test_a_docx_with_only_a_title_is_empty(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    document.save(str(tmp_path / "t.docx"))
    with pytest.raises(CorpusError, match="holds no text") as caught:
        load_document(tmp_path / "t.docx")
    assert caught.value.user_message == "报告内容为空，请联系管理员。"


def test_a_missing_library_names_the_package_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _docx(tmp_path / "r.docx")
    monkeypatch.setitem(sys.modules, "docx", None)  # import docx now raises ImportError
    with pytest.raises(CorpusError, match=r"pip install python-docx==") as caught:
        load_document(path)
    assert "组件" in caught.value.user_message


# -- PDF -----------------------------------------------------------------------------------------


def _pdf(path: Path, lines: list[str], *, title: str | None = TITLE, header: str = "青禾县委文件") -> Path:
    """A PDF with a running header and page numbers in the footer (``header=""``: none)."""
    from fpdf import FPDF

    class Report(FPDF):
        def header(self) -> None:
            if not header:
                return
            self.set_font("wqy", size=9)
            self.cell(0, 6, header, align="C", new_x="LMARGIN", new_y="NEXT")

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("wqy", size=9)
            self.cell(0, 6, f"- {self.page_no()} -", align="C")

    pdf = Report()
    pdf.add_font("wqy", fname=str(CJK_FONT))
    if title:
        pdf.set_title(title)
    pdf.set_creation_date(dt.datetime(2024, 12, 27, 9, 30, tzinfo=dt.UTC))
    pdf.add_page()
    for line in lines:
        pdf.set_font("wqy", size=16 if line == TITLE else 12)
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


needs_font = pytest.mark.skipif(not CJK_FONT.exists(), reason="scripts/setup --test installs fonts-wqy-microhei")


@needs_font
def test_pdf_text_layer_wrapped_lines_joined_page_furniture_dropped(tmp_path: Path) -> None:
    # Enough paragraphs for a second page: the header and the page numbers repeat, and go.
    filler = [ECONOMY.replace("一", n).replace("经济运行稳中向好", f"第{n}项工作扎实推进") for n in "二三四五六"]
    lines = [
        TITLE,
        REVIEW,
        INTRO,
        ECONOMY,
        GDP,
        INDUSTRY,
        *[x for f in filler for x in (f, GDP)],
        TARGETS,
        GRAIN,
        TARGET,
    ]
    path = _pdf(tmp_path / "r.pdf", lines)
    from pypdf import PdfReader

    assert len(PdfReader(path).pages) >= 2
    doc = load_document(path)
    texts = [p.text for p in doc.paragraphs]
    assert texts[:3] == [INTRO, GDP, INDUSTRY] and texts[-1] == TARGET
    assert len(texts) == 4 + len(filler)
    assert "青禾县委文件" not in doc.source and "- 1 -" not in doc.source and "- 2 -" not in doc.source
    assert doc.paragraphs[-1].section == (TARGETS, GRAIN) and doc.paragraphs[-1].period == "2025"
    assert doc.paragraphs[-2].section == (REVIEW, "（六）第六项工作扎实推进")
    assert (doc.title, doc.year, doc.date, doc.format) == (TITLE, 2024, "2024-12-27", "pdf")
    _assert_exact_offsets(doc)


@needs_font
def test_pdf_without_a_metadata_title_takes_its_first_line(tmp_path: Path) -> None:
    lines = [TITLE, "发布时间：2025年1月6日  来源：青禾县融媒体中心", REVIEW, INTRO, ECONOMY, GDP]
    doc = load_document(_pdf(tmp_path / "r.pdf", lines, title=None, header=""))
    assert (doc.title, doc.year) == (TITLE, 2024)
    assert (doc.date, doc.source_line) == ("2025-01-06", "来源：青禾县融媒体中心")  # the text beats the metadata
    assert [p.text for p in doc.paragraphs] == [INTRO, GDP]


def test_wrapped_lines_join_into_paragraphs() -> None:
    full = "县域经济稳中有进各项社会事业取得新进展全县上下团结一心"  # 26 characters: a full line
    ascii_end = full[:23] + "GDP"
    lines = [REVIEW, "", full, full, "新进展。", "（一）经济", full, "结束。", "", ascii_end, "grew。"]
    assert paragraphs(lines) == [REVIEW, full * 2 + "新进展。", "（一）经济", full + "结束。", ascii_end + " grew。"]


@needs_font
def test_a_pdf_without_a_text_layer_is_empty(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()  # a scan looks like this to a text reader: pages, no text
    pdf.output(str(tmp_path / "scan.pdf"))
    with pytest.raises(CorpusError, match="no text layer") as caught:
        load_document(tmp_path / "scan.pdf")
    assert caught.value.user_message == "报告内容为空，请联系管理员。"


@pytest.mark.parametrize(
    "content", [b"", b"%PDF-1.7\n\x00\x01garbage", "这不是PDF".encode()], ids=["empty", "junk", "text"]
)
def test_a_broken_pdf_is_a_clean_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(content)
    with pytest.raises(CorpusError) as caught:
        load_document(path)
    assert str(path) in str(caught.value) and "请联系管理员" in caught.value.user_message


# -- HTML ----------------------------------------------------------------------------------------

PAGE = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{TITLE}_青禾县人民政府</title>
<meta property="article:published_time" content="2024-12-27T09:30:00+08:00">
<meta name="ContentSource" content="青禾县人民政府网站">
<script>var tracker = "统计脚本不应出现";</script>
<style>.nav {{ color: red }}</style>
</head><body>
<header><nav><ul><li><a href="/">首页</a></li><li><a href="/gk">政务公开</a></li><li><a href="/bs">办事服务</a></li>
<li><a href="/hd">互动交流</a></li></ul></nav></header>
<div class="crumbs">您当前的位置：首页 &gt; 政务公开 &gt; 工作报告</div>
<article>
<h1>{TITLE}</h1>
<h2>{REVIEW}</h2>
<p>{INTRO}</p>
<h3>{ECONOMY}</h3>
<p>{GDP}</p>
<p>{INDUSTRY}</p>
<h2>{TARGETS}</h2>
<h4>{GRAIN}</h4>
<p>{TARGET}</p>
</article>
<aside><h3>相关链接</h3><ul><li><a href="/a">青禾县人民政府关于印发通知的通知</a></li></ul></aside>
<footer><p>版权所有：青禾县人民政府办公室 网站标识码：0000000000 备案号：X ICP备00000000号</p>
<p>联系电话：0000-0000000</p></footer>
<script>document.write("广告位");</script>
</body></html>
"""
FURNITURE = [
    "首页",
    "政务公开",
    "您当前的位置",
    "统计脚本",
    "广告位",
    "版权所有",
    "备案号",
    "联系电话",
    "相关链接",
    ".nav",
]


def test_html_article_body_only_with_headings_date_and_source(tmp_path: Path) -> None:
    path = tmp_path / "r.html"
    path.write_text(PAGE, encoding="utf-8")
    doc = load_document(path)
    _assert_the_sample_report(doc, fmt="html")
    assert not [f for f in FURNITURE if f in doc.source]
    assert (doc.date, doc.source_line) == ("2024-12-27", "来源：青禾县人民政府网站")


def test_a_gbk_page_without_h1_takes_its_title_without_the_site_name(tmp_path: Path) -> None:
    page = PAGE.replace('<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=gbk">')
    page = page.replace(f"<h1>{TITLE}</h1>", "").replace('<meta name="ContentSource" content="青禾县人民政府网站">', "")
    page = page.replace("<article>", "<article><p>发布时间：2024-12-28 来源：青禾日报</p>")
    path = tmp_path / "r.htm"
    path.write_bytes(page.encode("gbk"))
    doc = load_document(path)
    assert doc.title == TITLE and doc.format == "html"
    assert (doc.date, doc.source_line) == ("2024-12-28", "来源：青禾日报")  # the article's own line wins
    assert [p.text for p in doc.paragraphs] == BODY


@pytest.mark.parametrize(
    "content", [b"<html><body><nav><a href='/'>\xe9\xa6\x96\xe9\xa1\xb5</a></nav></body></html>", b"", b"\x00\xff" * 64]
)
def test_a_page_without_an_article_is_a_clean_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "nav.html"
    path.write_bytes(content)
    with pytest.raises(CorpusError) as caught:
        load_document(path)
    assert str(path) in str(caught.value) and "请联系管理员" in caught.value.user_message


# -- TXT and MD ----------------------------------------------------------------------------------


def _official(title: str) -> str:
    """A plain report numbered the official way, with a 来源 line and a numbered full-sentence paragraph."""
    return (
        f"{title}\n\n来源：青禾县人民政府网站  发布时间：2024-12-27\n\n{REVIEW}\n\n{INTRO}\n\n{ECONOMY}\n\n{GDP}\n\n"
        f"{INDUSTRY}\n\n（二）营商环境持续优化。企业开办时间压缩至0.5个工作日，新增市场主体4120户。\n\n"
        f"{TARGETS}\n\n{GRAIN}\n\n{TARGET}\n"
    )


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_plain_text_with_official_numbering(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"r{suffix}"
    title = f"# {TITLE}" if suffix == ".md" else TITLE
    path.write_text(_official(title), encoding="utf-8")
    doc = load_document(path)
    assert doc.source == path.read_text(encoding="utf-8")  # plain files are served as they are
    assert (doc.title, doc.year, doc.date, doc.source_line, doc.format) == (
        TITLE, 2024, "2024-12-27", "来源：青禾县人民政府网站", suffix[1:],
    )  # fmt: skip
    business = doc.paragraphs[3]
    assert business.text.startswith("（二）营商环境持续优化。") and business.section == (REVIEW,)
    assert [p.section for p in doc.paragraphs] == [
        (REVIEW,),
        (REVIEW, ECONOMY),
        (REVIEW, ECONOMY),
        (REVIEW,),
        (TARGETS, GRAIN),
    ]
    _assert_exact_offsets(doc)


@pytest.mark.parametrize(
    "content", [b"\x00\x01\x02\x03binary\x00\x00" * 40, bytes(range(256)) * 4], ids=["nul-bytes", "not-utf8"]
)
def test_binary_junk_in_a_txt_is_a_clean_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(content)
    with pytest.raises(CorpusError) as caught:
        load_document(path)
    assert str(path) in str(caught.value) and "无法读取" in caught.value.user_message


def test_an_unknown_format_is_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "r.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(CorpusError, match=r"no reader for \.doc") as caught:
        read_report(path)
    assert "不受支持" in caught.value.user_message
    assert set(SUFFIXES) == {".txt", ".md", ".docx", ".pdf", ".html", ".htm"}
