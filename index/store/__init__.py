"""The chromadb store: a library of reports, changed one whole generation at a time (see ``library``)."""

from index.store.library import Incoming, IndexReport, Library, Snapshot, StoredDocument

__all__ = ["Incoming", "IndexReport", "Library", "Snapshot", "StoredDocument"]
