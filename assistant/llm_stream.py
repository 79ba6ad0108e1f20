"""A model's answer on its way out: held back a sentence at a time until the grounding guard checked it.

Nothing unchecked reaches a user: the page, the widget and the ``/v1`` streams all show the chain's
``Delta`` pieces, and with the guard on those are whole sentences the guard kept. Without the guard
(``answer.openai.grounding: false``) the pieces go out as the model writes them.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterable
from dataclasses import replace
from itertools import chain

from assistant.citations import curate
from assistant.grounding import Check, GroundingGuard
from assistant.judge import REFUSAL, judge_grounded, judge_llm_reply
from core.types import Answer, Delta, Dropped, Grounding, Passage

_MARKS = r"(?:[ \t]*(?:\[\d{1,3}\]|【\d{1,3}】))*"
# A sentence ends at 。！？ with the markers right after it ("…5.8%。[1]"), or before a line break.
_SENTENCE = re.compile(rf"\s*[^\n]+?(?:[。！？!?]+{_MARKS}|(?=\n))")
# After an end mark, what may still turn out to be its markers once the next piece arrives.
_OPEN_MARK = re.compile(r"[ \t]*(?:[\[【]\d{0,3})?")
_WORD = re.compile(r"\w")

Outcome = Generator[Delta, None, tuple[Answer | None, Grounding | None]]


class SentenceHold:
    """Feed it the pieces of a stream; it gives back whole sentences (with their leading whitespace)."""

    def __init__(self) -> None:
        self.buffer = ""

    def feed(self, piece: str) -> list[str]:
        self.buffer += piece
        return self._take(final=False)

    def flush(self) -> list[str]:
        out = self._take(final=True)
        if self.buffer.strip():
            out.append(self.buffer)
        self.buffer = ""
        return out

    def _take(self, final: bool) -> list[str]:
        out = []
        while (m := _SENTENCE.match(self.buffer)) is not None:
            rest = self.buffer[m.end() :]
            if not final and not rest.startswith("\n") and _OPEN_MARK.fullmatch(rest):
                break  # "…增长5.8%。[" : the marker may go on in the next piece
            out.append(m.group(0))
            self.buffer = rest
        return out


def guarded(pieces: Iterable[str], passages: list[Passage], guard: GroundingGuard | None) -> Outcome:
    """Yield what may be shown; return the final answer (None: nothing grounded, the caller falls back)
    and what the guard did (None without a guard)."""
    if guard is None:
        return (yield from _unguarded(pieces, passages)), None
    hold, checks, shown = SentenceHold(), [], ""
    for piece in chain(pieces, [None]):  # None: the stream ended
        for sentence in hold.feed(piece) if piece is not None else hold.flush():
            if not _WORD.search(sentence):  # a stray line break or bullet: nothing to check or show
                continue
            checks.append(check := guard.check(sentence.strip()))
            if check.kept:
                text = _shown(sentence, passages, first=not shown)
                shown += text
                yield Delta(text)
    answer, grounding = _final(shown, passages, checks)
    if answer is not None and answer.refused:
        yield Delta(answer.text)  # as every refusal is streamed
    return answer, grounding


def _unguarded(pieces: Iterable[str], passages: list[Passage]) -> Generator[Delta, None, Answer]:
    collected = []
    for piece in pieces:
        collected.append(piece)
        yield Delta(piece)
    text = "".join(collected).strip()
    verdict = judge_llm_reply(text)
    return curate(text, passages) if verdict.answer else Answer(text=REFUSAL, refused=True, reason=verdict.reason)


def _shown(sentence: str, passages: list[Passage], first: bool) -> str:
    """The sentence as the final answer will have it: markers curated, a line break kept between lines."""
    body = curate(sentence.strip(), passages).text
    return body if first else ("\n" if "\n" in sentence[: len(sentence) - len(sentence.lstrip())] else "") + body


def _final(shown: str, passages: list[Passage], checks: list[Check]) -> tuple[Answer | None, Grounding]:
    dropped = tuple(Dropped(c.rule, c.verdict.reason, c.sentence) for c in checks if not c.kept)
    grounding = Grounding(kept=sum(c.kept for c in checks), dropped=dropped)
    verdict = judge_grounded(grounding)
    if verdict.answer:
        return replace(curate(shown, passages), grounding=grounding), grounding
    if any(d.rule == "refusal" for d in dropped):  # the model said the passages do not answer
        return Answer(text=REFUSAL, refused=True, reason=verdict.reason, grounding=grounding), grounding
    return None, replace(grounding, fallback=True)
