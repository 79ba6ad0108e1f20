"""Cut paragraphs into chunks on Chinese sentence boundaries, never across paragraphs."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from core.settings import ChunkingSettings
from index.loader import SECTION_SEP, Document, Paragraph

# A sentence ends at 。！？； (or their ASCII forms), together with any closing quotes/brackets.
_SENTENCE = re.compile(r"[^。！？；!?;]*(?:[。！？；!?;]+[”’」』）)]*|$)")
_CLAUSE = re.compile(r"[^,，、]*(?:[,，、]|$)")
_LEAD_MAX = 30


@dataclass(frozen=True)
class Span:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    text: str
    doc_id: str
    title: str
    section: tuple[str, ...]
    period: str
    paragraph: int
    start: int
    end: int
    lead: str  # the paragraph's lead sentence, its topic

    @property
    def section_path(self) -> str:
        return SECTION_SEP.join(self.section)

    @property
    def search_text(self) -> str:
        return context_text(self.section_path, self.lead, self.text)

    def metadata(self) -> dict[str, str | int]:
        return {
            "doc": self.doc_id,
            "title": self.title,
            "section": self.section_path,
            "period": self.period,
            "paragraph": self.paragraph,
            "start": self.start,
            "end": self.end,
            "lead": self.lead,
        }


def section_leaf(section_path: str) -> str:
    """The innermost heading of a section path ("… › 综合经济实力实现新提升")."""
    return section_path.rsplit(SECTION_SEP, 1)[-1]


def context_text(section_path: str, lead: str, text: str) -> str:
    """What retrieval sees: the section heading and the paragraph topic give every chunk context."""
    topic = lead if lead and not text.startswith(lead) else ""
    return " ".join(part for part in (section_leaf(section_path), topic, text) if part)


def split_sentences(text: str, offset: int = 0) -> list[Span]:
    spans = []
    for match in _SENTENCE.finditer(text):
        if match.group().strip():
            spans.append(Span(match.group(), offset + match.start(), offset + match.end()))
    return spans


def _split_long(span: Span, max_chars: int) -> list[Span]:
    """A sentence longer than a chunk is cut at commas, so chunks stay near their size."""
    if len(span.text) <= max_chars:
        return [span]
    pieces: list[Span] = []
    for match in _CLAUSE.finditer(span.text):
        if not match.group():
            continue
        start, end = span.start + match.start(), span.start + match.end()
        if pieces and (end - pieces[-1].start) <= max_chars:
            last = pieces[-1]
            pieces[-1] = Span(last.text + match.group(), last.start, end)
        else:
            pieces.append(Span(match.group(), start, end))
    return pieces


def lead_sentence(paragraph: Paragraph) -> str:
    """The bolded opening sentence of the report's paragraphs ("千方百计稳定经济运行。")."""
    first = split_sentences(paragraph.text)
    return first[0].text if first and len(first[0].text) <= _LEAD_MAX else ""


def _windows(sentences: list[Span], settings: ChunkingSettings) -> Iterator[list[Span]]:
    """Greedy windows of whole sentences, each starting with a little of the previous one."""
    i = 0
    while i < len(sentences):
        window = [sentences[i]]
        j = i + 1
        while j < len(sentences):
            size = sentences[j].end - window[0].start
            if size > settings.max_chars or (window[-1].end - window[0].start) >= settings.target_chars:
                break
            window.append(sentences[j])
            j += 1
        yield window
        if j >= len(sentences):
            return
        back = j
        while back - 1 > i and sentences[j - 1].end - sentences[back - 1].start <= settings.overlap_chars:
            back -= 1
        i = back


def chunk_id(doc_id: str, section: tuple[str, ...], text: str, occurrence: int) -> str:
    """Stable content hash: unchanged text keeps its id wherever the paragraph moves."""
    key = "\x1f".join([doc_id, *section, text, str(occurrence)])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def chunk_document(doc: Document, settings: ChunkingSettings) -> list[Chunk]:
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for paragraph in doc.paragraphs:
        lead = lead_sentence(paragraph)
        sentences = [
            piece
            for sentence in split_sentences(paragraph.text, paragraph.start)
            for piece in _split_long(sentence, settings.max_chars)
        ]
        for window in _windows(sentences, settings):
            start, end = window[0].start, window[-1].end
            text = doc.source[start:end]
            key = f"{paragraph.section}{text}"
            seen[key] = seen.get(key, 0) + 1
            chunks.append(
                Chunk(
                    chunk_id=chunk_id(doc.doc_id, paragraph.section, text, seen[key]),
                    text=text,
                    doc_id=doc.doc_id,
                    title=doc.title,
                    section=paragraph.section,
                    period=paragraph.period,
                    paragraph=paragraph.number,
                    start=start,
                    end=end,
                    lead=lead,
                )
            )
    return chunks
