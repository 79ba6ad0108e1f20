"""Searching the library: the live view of the index (``live_view``), the choice of report
(``report_choice``), hybrid ranking (``hybrid``, over ``keyword`` BM25 and ``ranking`` helpers),
and the same search as a LangChain retriever (``langchain_retriever``)."""
