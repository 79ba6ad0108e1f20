"""Streamed LLM output is checked for the system prompt, verbatim, before any of it reaches a user."""

from __future__ import annotations

import re

SPAN = 20  # characters of the prompt in a row (spaces aside): no answer from the report repeats that many
_SPACE = re.compile(r"\s+")


class PromptLeak(Exception):
    """The model started to recite its instructions."""


class LeakGuard:
    """Feed it the pieces of an answer; it returns the text that is safe to show so far.

    The last ``SPAN - 1`` non-space characters are held back until the next piece shows they do not
    begin a span of the prompt, so not even the beginning of a leaked span is ever released.
    """

    def __init__(self, prompt_parts: list[str], span: int = SPAN) -> None:
        self.span = span
        compact = [_SPACE.sub("", part) for part in prompt_parts]
        self.grams = {part[i : i + span] for part in compact for i in range(len(part) - span + 1)}
        self.text = ""
        self.compact = ""
        self.released = 0

    def feed(self, piece: str) -> str:
        """The newly safe text; PromptLeak as soon as a span of the prompt is complete."""
        checked_from = max(0, len(self.compact) - self.span + 1)
        self.text += piece
        self.compact += _SPACE.sub("", piece)
        for i in range(checked_from, len(self.compact) - self.span + 1):
            if self.compact[i : i + self.span] in self.grams:
                raise PromptLeak(f"the answer repeats the prompt: {self.compact[i : i + self.span]!r}")
        return self._release(self._safe_end())

    def flush(self) -> str:
        """The held-back rest, once the answer is complete (every span in it has been checked)."""
        return self._release(len(self.text))

    def _safe_end(self) -> int:
        """Where the raw text may be cut so that SPAN - 1 non-space characters stay held back."""
        held, end = 0, len(self.text)
        while end > self.released and held < self.span - 1:
            end -= 1
            held += not self.text[end].isspace()
        return end if held == self.span - 1 else self.released

    def _release(self, end: int) -> str:
        out, self.released = self.text[self.released : end], max(self.released, end)
        return out
