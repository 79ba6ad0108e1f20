"""Token counts for OpenAI's ``usage``, estimated: no tokenizer of the client's model is at hand.

A Chinese character (or full-width punctuation mark) counts one token, the usual approximation for
Chinese; any other text one token per four characters, OpenAI's own rule of thumb for English. The
README says so to the clients' operators.
"""

from __future__ import annotations

import math
import re

from pydantic import BaseModel

# CJK punctuation, kana, CJK ideographs (and extension A, compatibility), full-width forms
_WIDE = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def estimate_tokens(text: str) -> int:
    wide = len(_WIDE.findall(text))
    return wide + math.ceil((len(text) - wide) / 4)


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int

    @classmethod
    def of(cls, prompt: list[str], completion: str) -> Usage:
        """``prompt``: the text of every message the client sent (system prompts too)."""
        asked, answered = sum(estimate_tokens(t) for t in prompt), estimate_tokens(completion)
        return cls(prompt_tokens=asked, completion_tokens=answered, total_tokens=asked + answered)
