"""What a question names, for the judge: places, the words of its topic, and judgements it asks for.

These are the question's side of the near-miss checks: "白城市的粮食产量" names another place than
the report's; "人均可支配收入" names a metric the report never gives; "哪家医院最好" asks for a
judgement a work report does not make.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import lru_cache

from index.text import STOPWORDS

# "长春市", "吉林省", "前郭县": a name and an administrative suffix. "全市", "开发区" are no places.
_ADMIN_PLACE = re.compile(r"([\u4e00-\u9fff]{2,3}?)(?:省|市|县|区|旗|州|盟)")
_NOT_A_NAME = {"开发", "高新", "经开", "城市", "社区", "园区", "景区", "辖区", "城镇", "新城"}
# A name does not hold a function word, a count or a question word: "2024年全市" is no "年全" 市.
# Kinds of area, not names: "新院区" is a hospital's new campus, "查干湖景区" a scenic area.
_AREAS = set("院区 园区 景区 城区 社区 校区 厂区 矿区 片区 街区 辖区 湖区 库区 山区 灾区".split())
# "宜居城市", "文明城市": a word before 城市 is a kind of city; a city's own name there is one character
# ("白城市", "盐城市"). "农业强县", "畜牧大市", "旅游名县": what a place aims to be, not a place.
_KIND_OF_CITY = re.compile(r"[\u4e00-\u9fff]{2,}(?:城市|[强大名][省市县区])")
_NOT_IN_A_NAME = set("年月日的了在是和与及或个多少哪几这那该各全本我每其户家所项名座亩人次")
# The report's own scope ("全市") is no other place; the province's or the country's ("全省", "全国") is.
_NOT_A_PLACE = {"全市", "全县", "城区", "市区", "县区", "东北", "江南", "江北", "城乡", "乡村", "农村"}
_WIDER = re.compile(r"全省|全国")
# A place named by where it lies from the report's own: "所在的市", "邻县", "周边县市", "上级市". It is
# another place than the report's, whatever the report says about its own.
_RELATIVE_PLACE = re.compile(
    r"所[在属]的?(?:省|市|州|地区|盟)"
    r"|(?:挨着|毗邻|接壤|紧邻|相邻|邻近|临近|邻|隔壁|周边|周围|附近|兄弟|上级)[^，。,？?]{0,6}?(?:城市|省份|地区|县|市|区|旗|省)+"
)
# "哪家医院最好", "哪个景点最值得去", "推荐一下": opinions and rankings, not what the report states.
_JUDGEMENT = re.compile(
    r"哪[家所个座位里些][^，。？?]{0,8}最|哪[家所个座位里][^，。？?]{0,8}(?:好|值得|推荐)|值不值得|推荐(?:一下|几)|排名第一的"
    r"|[你您](?:觉得|认为|怎么看|如何评价)|算不算|是不是最|评价一下"
)
# Words that say what kind of answer is wanted, not what it is about ("成绩", "打算", "多少").
_FORM_WORDS = frozenset(
    """成绩 成效 成果 打算 计划 安排 部署 工作 做了 干了 举措 措施 方面 哪几 几项 包括 分别 主要 讲了 说了
    变化 亮点 特色 怎么 怎样 如何 多少 多大 多高 多长 几个 哪些 哪个 有何 一年 这一年 这些 今年 明年 去年
    增长 提高 达到 目标 数量 总量 规模 水平 这次 本次 全会 会议 报告 文件 讲话""".split()
)  # the last ones name the report itself: "这次全会主要讲了什么" asks about all of it


def places_named(question: str, known: Callable[[str], bool]) -> tuple[str, ...]:
    """The places a question names, without their suffix: "白城市…" → ("白城",).

    A name with an administrative suffix is a place. A word jieba tags as a place name counts only
    when the reports never use it (哈尔滨, 美国): jieba also tags ordinary words so ("新建").
    """
    found = [
        name
        for start in _word_starts(question)  # "三季度松原市" names 松原, not 度松原
        if (m := _ADMIN_PLACE.match(question, start))
        and (name := m.group(1)) not in _NOT_A_NAME
        and not set(name) & _NOT_IN_A_NAME
        and m.group(0)[-2:] not in _AREAS
        and not _KIND_OF_CITY.fullmatch(m.group(0))
    ]
    found += [
        word
        for word, flag in _tagged(question)
        if flag == "ns" and not known(word) and word[-2:] not in _AREAS and not _KIND_OF_CITY.fullmatch(word)
    ]
    found += _WIDER.findall(question)
    stripped = [re.sub(r"(?:省|市|县|区)$", "", name) if len(name) > 2 else name for name in found]
    relative = _RELATIVE_PLACE.findall(question)
    named = [p for p in stripped if len(p) >= 2 and p not in _NOT_A_PLACE and "的" not in p]
    return tuple(dict.fromkeys([*(p for p in named if not any(p in r for r in relative)), *relative]))


def _word_starts(text: str) -> list[int]:
    starts, at = [], 0
    for word, _ in _tagged(text):
        starts.append(at)
        at += len(word)
    return starts


@lru_cache(maxsize=4096)
def _tagged(question: str) -> tuple[tuple[str, str], ...]:
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return tuple((word, flag) for word, flag in jieba.posseg.cut(question))


# Proper names: organisations (nt), people (nr, nrt: "华为" is tagged a person), other names (nz).
_NAMES = {"nt", "nr", "nrt", "nz"}


def bodies_named(question: str, known: Callable[[str], bool]) -> tuple[str, ...]:
    """Organisations, companies and people the question names that the library never mentions
    ("中国队", "华为"): the report says nothing about them, whatever it says about medals or investment."""
    return tuple(word for word, flag in _tagged(question) if flag in _NAMES and len(word) >= 2 and not known(word))


def tagged_words(question: str) -> tuple[tuple[str, str], ...]:
    """The question's words with jieba's part-of-speech tags (cached)."""
    return _tagged(question)


def asks_judgement(question: str) -> bool:
    return bool(_JUDGEMENT.search(question))


def topic_terms(question: str, places: tuple[str, ...] = ()) -> list[str]:
    """The words of what the question is about: no question words, times, places or answer-form words.

    Whole words (jieba's precise mode), so that "松原地里" gives 地里, not the 原地 that search mode adds.
    """
    return [
        t
        for t, _ in dict.fromkeys(_tagged(question))
        if len(t) > 1
        and t not in STOPWORDS
        and t not in _FORM_WORDS
        and not re.fullmatch(r"(?:19|20)?\d{2,4}年?|\d+", t)
        and not any(t in p or p in t for p in places)
    ]


_THING_FLAGS = {"n", "nz", "vn", "an", "l", "eng", "j"}
# Where a fact question asks its question: "…失业率是多少", "门票多少钱", "办了几个".
_ASKING = re.compile(r"^(?:多少|几|几个|几所|几家|几项|多大|多高|多长|多久|多远|是谁|哪里|哪儿|什么时候|何时)")


def asked_head(question: str, places: tuple[str, ...] = ()) -> str:
    """The thing a fact question asks a figure or name of: the topic word right after the question
    word ("完成多少投资" → 投资), else the last one before it ("城镇登记失业率是多少" → 失业率)."""
    tagged = _tagged(question)
    topic = set(topic_terms(question, places))
    asking = next((i for i, (w, _) in enumerate(tagged) if _ASKING.match(w)), None)
    if asking is None:
        return ""
    # Only names of things, not of places or people: "开工多少个项目" asks about 项目, not about 开工;
    # "固定资产投资" is a fixed phrase (l) and a verbal noun (vn).
    things = [
        (i, w)
        for i, (w, flag) in enumerate(tagged)
        if w in topic
        and (flag in _THING_FLAGS or is_metric(w))  # jieba tags 收入 a verb, in "旅游收入" too
        and w not in _NOT_A_PLACE
        and not _WIDER.fullmatch(w)
    ]
    before = [w for i, w in things if i < asking]
    after = [(i, w) for i, w in things if i > asking]
    following = after[0][1] if after and after[0][0] <= asking + 2 else ""  # "完成多少投资"
    preceding = before[-1] if before else ""  # "失业率是多少"
    if following and (not preceding or (is_metric(following) and not is_metric(preceding))):
        return following
    return preceding or (after[0][1] if after else "")


# What a metric is called: a rate, a price, an amount, a count of people, an index, a code. "失业率",
# "房价", "利润总额", "常住人口", "CPI". Everyday nouns ("房子", "饭堂", "个体户") name things the
# report may call otherwise; a metric it never names, it does not give.
_METRIC = re.compile(
    r"[率价量值费票薪款]$|总额|金额|余额|销售额|营业额|零售额|收入|工资|人口|[人户个次件]数$|利润|产值|投资|指数|面积|浓度|比例"
    r"|比重|编码|号码|电话|手机号|^[A-Z][A-Z0-9.]+$"
)


def is_metric(word: str) -> bool:
    return bool(_METRIC.search(word))
