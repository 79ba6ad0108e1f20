"""The hybrid search as a LangChain retriever, inside an LCEL chain, over a real chromadb index
(hash embedder: the logic is exact, the ranking meaningless)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_core.documents import Document
from langchain_core.runnables import RunnableLambda

from core.errors import UnknownDocument
from index.search.langchain_retriever import LangChainRetriever

REPORT = Path(__file__).resolve().parents[2] / "data" / "songyuan-2023-plenary-report.txt"
QUESTION = "查干湖的水质怎么样？"


def _numbered(docs: list[Document]) -> str:
    return "\n".join(f"[{n}] {d.metadata['section']}：{d.page_content}" for n, d in enumerate(docs, 1))


def test_a_chain_gets_the_typed_search_s_passages_as_documents(hash_assistant: Any) -> None:
    chain = LangChainRetriever(hybrid=hash_assistant.retriever, k=3) | RunnableLambda(_numbered)
    text = chain.invoke(QUESTION)
    passages = hash_assistant.retriever.search(QUESTION, k=3).passages
    assert text.splitlines() == [f"[{n}] {p.section}：{p.text}" for n, p in enumerate(passages, 1)]


def test_each_document_carries_its_place_in_the_report(hash_assistant: Any) -> None:
    docs = LangChainRetriever(hybrid=hash_assistant.retriever, k=4).invoke(QUESTION)
    source = REPORT.read_text(encoding="utf-8")
    assert len(docs) == 4
    for d in docs:
        meta = d.metadata
        assert {"chunk_id", "doc", "section", "period", "paragraph", "start", "end", "score"} <= set(meta)
        assert d.id == meta["chunk_id"] and meta["doc"] == REPORT.stem
        assert source[meta["start"] : meta["end"]] == d.page_content
    scores = [d.metadata["score"] for d in docs]
    assert scores == sorted(scores, reverse=True)


def test_without_k_the_settings_decide_and_an_unknown_report_is_refused(hash_assistant: Any) -> None:
    retriever = LangChainRetriever(hybrid=hash_assistant.retriever)
    assert len(retriever.invoke(QUESTION)) == hash_assistant.settings.retrieval.k
    with pytest.raises(UnknownDocument):
        LangChainRetriever(hybrid=hash_assistant.retriever, doc="no-such-report").invoke(QUESTION)
