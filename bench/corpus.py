"""A larger corpus for the scale benchmark: real-looking variants of the Songyuan report.

Each variant is a whole report file in the same shape as the original (title line, the same
section headings, one paragraph per block), so the loader, the chunker and citations work on it
as on the real report. A variant is made from the original's paragraphs by:

- place names: 松原 becomes another prefecture-level city, its counties (长岭, 前郭, 乾安, 扶余,
  宁江) become that city's, 查干湖 another lake or scenic area;
- years: the report's year (2023) and every year it names move by the same offset (2015–2030),
  in the section headings too, so the period labels (成就 / 目标) move with them;
- numbers: every other figure is scaled by its own random factor (0.5–1.8), keeping its format
  (integers stay integers, one decimal stays one decimal, percentages stay under 100, a month
  stays 1–12 and a day 1–28);
- sentences: the lead sentence (the paragraph's topic) stays first; the others are shuffled, and
  each is replaced with probability 0.25 by a sentence from another paragraph of the same section.

So every chunk is new text (content-hash ids differ), BM25 sees a realistic vocabulary with many
near-duplicates (the hard case for keyword scores), and the dense index sees distinct vectors.
Generation is deterministic in ``seed``; ~48 chunks per variant.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

from core.settings import ChunkingSettings
from index.chunking import chunk_document, split_sentences
from index.loader import Document, load_documents

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "data" / "songyuan-2023-plenary-report.txt"

# City → its counties/districts and a lake or scenic area (public geography of NE China and beyond).
CITIES: dict[str, tuple[list[str], str]] = {
    "白城": (["洮北", "洮南", "大安", "镇赉", "通榆"], "向海湿地"),
    "四平": (["铁西", "铁东", "双辽", "梨树", "伊通"], "二龙湖"),
    "辽源": (["龙山", "西安", "东丰", "东辽", "寿山"], "鴜鹭湖"),
    "通化": (["东昌", "二道江", "集安", "柳河", "辉南"], "三角龙湾"),
    "白山": (["浑江", "江源", "临江", "抚松", "靖宇"], "望天鹅"),
    "延边": (["延吉", "图们", "敦化", "珲春", "龙井"], "长白山天池"),
    "吉林": (["船营", "丰满", "蛟河", "桦甸", "舒兰"], "松花湖"),
    "长春": (["朝阳", "南关", "榆树", "德惠", "农安"], "净月潭"),
    "齐齐哈尔": (["龙沙", "建华", "讷河", "龙江", "依安"], "扎龙湿地"),
    "大庆": (["萨尔图", "让胡路", "肇州", "肇源", "林甸"], "连环湖"),
    "绥化": (["北林", "安达", "肇东", "海伦", "望奎"], "寒地黑土湿地"),
    "牡丹江": (["东安", "爱民", "海林", "宁安", "穆棱"], "镜泊湖"),
    "佳木斯": (["前进", "向阳", "同江", "富锦", "桦南"], "三江湿地"),
    "鸡西": (["鸡冠", "恒山", "虎林", "密山", "鸡东"], "兴凯湖"),
    "黑河": (["爱辉", "北安", "五大连池", "嫩江", "逊克"], "五大连池"),
    "鞍山": (["铁东", "铁西", "海城", "台安", "岫岩"], "千山"),
    "丹东": (["振兴", "元宝", "东港", "凤城", "宽甸"], "鸭绿江湿地"),
    "锦州": (["古塔", "凌河", "凌海", "北镇", "黑山"], "笔架山"),
    "盘锦": (["兴隆台", "双台子", "大洼", "盘山", "辽河口"], "红海滩"),
    "铁岭": (["银州", "清河", "开原", "调兵山", "西丰"], "莲花湖"),
    "朝阳": (["双塔", "龙城", "北票", "凌源", "建平"], "大凌河湿地"),
    "通辽": (["科尔沁", "霍林郭勒", "开鲁", "库伦", "奈曼"], "莫力庙水库"),
    "赤峰": (["红山", "松山", "宁城", "林西", "克什克腾"], "达里诺尔湖"),
    "呼伦贝尔": (["海拉尔", "满洲里", "扎兰屯", "牙克石", "根河"], "呼伦湖"),
}
_HOME_COUNTIES = ["长岭", "前郭", "乾安", "扶余", "宁江"]
_HOME_LAKE = "查干湖"
_YEAR_AFTER = ("年", "成就", "目标", "-")
_FIGURE = re.compile(r"(?<![\d.])(\d+)(?:\.(\d+))?(?![\d])")


def variant(doc: Document, seed: int) -> str:
    """One report file: the original's structure, with places, years, figures and sentences changed."""
    rng = random.Random(seed)
    city = rng.choice(sorted(CITIES))
    counties, lake = CITIES[city]
    shift = rng.choice([y for y in range(-8, 8) if y != 0])

    def rewrite(text: str) -> str:
        text = text.replace(_HOME_LAKE, lake).replace("松原", city)
        for home, other in zip(_HOME_COUNTIES, counties, strict=True):
            text = text.replace(home, other)
        return _FIGURE.sub(lambda m: _year_or_figure(m, shift, rng), text)

    by_section: dict[tuple[str, ...], list[str]] = {}
    for paragraph in doc.paragraphs:
        by_section.setdefault(paragraph.section, []).extend(s.text for s in split_sentences(paragraph.text))

    lines = [rewrite(doc.title), ""]
    top, sub = "", ()
    for paragraph in doc.paragraphs:
        section = paragraph.section
        if section[:1] != (top,):
            top, sub = section[0], ()
            lines += [rewrite(top) + ("" if _is_dated(top) or top.endswith((":", "：")) else ":"), ""]
        if section[1:] != sub:
            sub = section[1:]
            lines += [line for title in sub for line in (rewrite(title), "")]
        lines += [rewrite(_recombined(paragraph.text, by_section[section], rng)), ""]
    return "\n".join(lines)


def _is_dated(title: str) -> bool:
    return bool(re.match(r"^(19|20)\d{2}", title))


def _recombined(text: str, pool: list[str], rng: random.Random) -> str:
    sentences = [s.text for s in split_sentences(text)]
    if len(sentences) < 2:
        return text
    lead, rest = sentences[0], sentences[1:]
    rng.shuffle(rest)
    rest = [rng.choice(pool) if rng.random() < 0.25 else s for s in rest]
    joined = lead + "".join(dict.fromkeys(rest))  # a borrowed sentence may already be there
    return joined if joined[-1] in "。！？；”" else joined + "。"


def _year_or_figure(match: re.Match[str], shift: int, rng: random.Random) -> str:
    """A year ("2023年", "2024目标") moves by ``shift``; any other figure is scaled in its own format."""
    whole, decimals = match.group(1), match.group(2)
    after = match.string[match.end() : match.end() + 2].lstrip()
    if not decimals and len(whole) == 4 and whole.startswith(("19", "20")) and after.startswith(_YEAR_AFTER):
        return str(int(whole) + shift)
    if after[:1] in ("月", "日"):  # a date stays a date
        return str(rng.randint(1, 12 if after[:1] == "月" else 28))
    value = float(match.group(0)) * rng.uniform(0.5, 1.8)
    if after[:1] in ("%", "％") and value >= 100:
        value = rng.uniform(1, 99)
    return f"{value:.{len(decimals)}f}" if decimals else str(max(1, round(value)))


def write_corpus(folder: Path, chunks: int, seed: int = 0) -> tuple[list[Path], int]:
    """Report files in ``folder`` holding at least ``chunks`` chunks (the real report first)."""
    folder.mkdir(parents=True, exist_ok=True)
    settings = ChunkingSettings()
    original = load_documents([REPORT])[0]
    files = [folder / REPORT.name]
    files[0].write_text(REPORT.read_text(encoding="utf-8"), encoding="utf-8")
    total = len(chunk_document(original, settings))
    per_variant = total
    for n in _numbers(seed):
        if total + per_variant // 2 >= chunks:  # the nearest count: 50 is the report alone (48)
            break
        path = folder / f"variant-{n:06d}.txt"
        path.write_text(variant(original, seed * 1_000_003 + n), encoding="utf-8")
        total += len(chunk_document(load_documents([path])[0], settings))
        files.append(path)
    return files, total


def _numbers(seed: int) -> Iterator[int]:
    n = 0
    while True:
        n += 1
        yield n


if __name__ == "__main__":  # a look at one variant
    print(variant(load_documents([REPORT])[0], 1)[:1500])
