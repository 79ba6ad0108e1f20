"""The chromadb store: a library of reports, changed one generation at a time, each change writing only
its own reports into a segment of its own (see ``library``)."""

from index.store.library import Incoming, IndexReport, Library, Snapshot, StoredDocument

__all__ = ["Incoming", "IndexReport", "Library", "Snapshot", "StoredDocument"]
