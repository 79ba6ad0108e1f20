"""What the store tests look at in a library's chromadb: the collections its generations use."""

from __future__ import annotations

from index.store import Library
from index.store.reading import read_layout


def collections_named(library: Library, *generations: str) -> set[str]:
    """The head and the collections these generations use: their manifests and the segments they name."""
    db = library.db
    names = {db.head_name}
    for generation in generations:
        names.add(db.manifest(generation))
        names.update(n for seg in set(read_layout(db, generation).placed.values()) for n in db.segment(seg))
    return names
