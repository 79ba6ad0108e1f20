"""A generation's chunks, spread over its segments' collections, searched and read as one.

A change writes only its own reports into a new segment, so a generation is a few collections:
a vector search asks each (at most ``MAX_SEGMENTS``, see ``writing``) and keeps the nearest, and
reports a segment still holds but the generation no longer lists are filtered out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Part:
    segment: str
    collection: Any  # the segment's chunks collection (cosine space, no embedding function)
    dead: frozenset[str] = frozenset()  # reports in it that the generation no longer lists


def _where(where: dict[str, Any] | None, dead: frozenset[str]) -> dict[str, Any] | None:
    if not dead:
        return where
    alive = {"doc": {"$nin": sorted(dead)}}
    return alive if where is None else {"$and": [where, alive]}


class Segments:
    """The chunks collections of one generation, with chromadb's ``query`` and ``get`` over all of them."""

    def __init__(self, parts: list[Part]) -> None:
        self.parts = parts

    @property
    def collections(self) -> list[Any]:
        return [p.collection for p in self.parts]

    def query(
        self,
        query_embeddings: list[list[float]],
        n_results: int,
        where: dict[str, Any] | None = None,
        include: list[str] | None = None,
    ) -> dict[str, Any]:
        """The ``n_results`` nearest chunks of the generation (one query vector): ids and distances."""
        found: list[tuple[float, str]] = []
        for part in self.parts:
            rows: Any = part.collection.query(
                query_embeddings=query_embeddings,
                n_results=n_results,
                where=_where(where, part.dead),
                include=["distances"],
            )
            found += zip(rows["distances"][0], rows["ids"][0], strict=True)
        nearest = sorted(found)[:n_results]
        return {"ids": [[cid for _, cid in nearest]], "distances": [[d for d, _ in nearest]]}

    def get(self, ids: list[str], include: list[str]) -> dict[str, Any]:
        """These chunks, from whichever segment holds them (live reports only)."""
        out: dict[str, list[Any]] = {"ids": [], **{key: [] for key in include}}
        for part in self.parts:
            rows: Any = part.collection.get(ids=ids, where=_where(None, part.dead), include=include)
            out["ids"] += rows["ids"]
            for key in include:
                out[key] += list(rows[key])
        return out
