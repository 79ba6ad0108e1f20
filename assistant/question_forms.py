"""What shape of answer a question wants, decided from its wording alone (no LLM).

- ``overview``: "…怎么样？", "…有什么成绩/打算？", "做了什么？", "主要讲了什么？": a short structured
  summary of the matching part of the report;
- ``list``: "哪几方面/哪几项/哪些举措/包括什么": every item at the matching level of the outline;
- ``yesno``: "有没有/是否/…吗？": the sentence that settles it;
- ``fact``: everything else: one figure or name, the short answer first.
"""

from __future__ import annotations

import re
from typing import Literal

Form = Literal["fact", "list", "overview", "yesno"]

# What a broad question asks about: results, plans, work, changes. "哪些打算" is an overview, not a list.
_BROAD_NOUNS = r"(?:成绩|成效|成果|进展|打算|计划|安排|部署|考虑|工作|变化|亮点|特色|经验|做法|收获|思路|目标任务)"
_OVERVIEW = re.compile(
    rf"怎么样|怎样了?[？?]?$|如何[？?]?$|情况[如怎]|什么情况|(?:有|取得了?|做了|干了|搞了)(?:什么|哪些|些什么){_BROAD_NOUNS}?"
    rf"|(?:什么|哪些|哪方面的?){_BROAD_NOUNS}|做了(?:什么|哪些|些什么)|干了(?:什么|哪些)|主要(?:讲|说|谈)了?(?:什么|哪些)"
    r"|(?:讲|说|谈)了(?:什么|哪些)|(?:做|干|搞)(?:些)?什么|怎么(?:抓|推进|做|干|发展|建设|搞|落实)|如何(?:抓|推进|做|干|发展|建设|落实)"
    r"|总体(?:上|来看|来说)?|概括|概况|总结一下|介绍一下|说说|谈谈"
)
_LIST = re.compile(
    r"哪几|哪[两二三四五六七八九十\d]+[个项方面类条点大件]|几个方面|几方面|几项|包括(?:什么|哪些|哪几)|分别是|哪些|都有什么|列举"
)
_YESNO = re.compile(r"有没有|是否|是不是|能不能|会不会|有无|可不可以|吗[？?]?\s*$")


# What the outline's items are: parts of the work ("哪几方面", "哪几项举措", "哪几篇文章"). A list of
# named things ("哪四大装备制造基地", "哪几个中心") is stated in a sentence: a fact question.
_PARTS = re.compile(
    r"(?:哪|几)[^，。？?]{0,3}(?:方面|项(?!目)|举措|措施|工作|任务|重点|件事|块|部分|领域|篇|文章|能力|环节|步|招|点)"
    r"|包括(?:什么|哪些|哪几)|分别是|都有什么|哪些(?:举措|措施|工作|任务|方面|能力)"
)


def question_form(question: str) -> Form:
    text = question.strip()
    # Order matters: "有哪些打算" names a broad noun (an overview); "有哪几项举措" counts items (a list).
    if _LIST.search(text) and not re.search(rf"哪些{_BROAD_NOUNS}", text):
        return "list" if _PARTS.search(text) else "fact"
    if _OVERVIEW.search(text):
        return "overview"
    if _YESNO.search(text):
        return "yesno"
    return "fact"


# Broad questions name their period by the kind of thing they ask about: plans are the coming
# year's ("有什么打算"), results the past one's ("有什么成绩"). Named years ("2024年", "明年") come first.
_PLANS = re.compile(r"打算|计划|安排|目标|准备|下一步|今后|将来|未来|部署|举措|要[抓做干建在从]|要怎么|将要")
_RESULTS = re.compile(r"成绩|成效|成果|成就|做了|干了|取得|进展|变化|这一年|过去|完成|改善|经验|怎么样")


def asked_periods(question: str, named: set[int], periods: set[str]) -> frozenset[str]:
    """The report periods ("2023", "2024") a question is about; empty when it does not say."""
    years = {str(y) for y in named} & periods
    if years or not periods:
        return frozenset(years)
    if _PLANS.search(question):
        return frozenset({max(periods)})
    if _RESULTS.search(question):
        return frozenset({min(periods)})
    return frozenset()
