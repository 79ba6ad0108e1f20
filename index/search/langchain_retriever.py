"""The hybrid search as a LangChain retriever, for any LangChain chain:

    retriever = LangChainRetriever(hybrid=assistant.retriever, k=3)
    chain = retriever | RunnableLambda(lambda docs: "\\n".join(d.page_content for d in docs))
    chain.invoke("查干湖的水质怎么样？")

The assistant's own chain calls ``HybridRetriever.search`` directly, for its typed result.
"""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from core.types import Passage
from index.search.hybrid import HybridRetriever


class LangChainRetriever(BaseRetriever):
    """``Document``s for a question: the hybrid search's passages, their place in the report as metadata."""

    hybrid: HybridRetriever
    k: int | None = None  # None: retrieval.k from the settings
    doc: str | None = None  # one report's id; None: the whole library

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [as_document(p) for p in self.hybrid.search(query, self.k, self.doc).passages]


def as_document(passage: Passage) -> Document:
    """The passage's text as the page content; chunk_id, doc, title, section, period, paragraph,
    start, end, score and lead as metadata."""
    metadata = passage.to_dict()
    return Document(page_content=metadata.pop("text"), metadata=metadata, id=passage.chunk_id)
