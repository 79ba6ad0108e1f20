"""The keyword index's tokens, kept with each chunk so that opening the library reads them instead of
running jieba over every chunk again (81 of the 98 s it took to open 100k chunks).

Each chunk's metadata holds its search text's tokens, space-separated (jieba never yields a token with
a space in it); the chunks collection's metadata names the tokenizer that made them. Tokens written by
another tokenizer (a new jieba, other stopwords) or missing (an index from before this) are made again
when read, and stored by the next change to the library, which writes every chunk it keeps anew.
"""

from __future__ import annotations

from typing import Any

from index.chunking import context_text
from index.text import tokenizer, tokens

TOKENS_KEY = "tokens"  # in each chunk's metadata
TOKENIZER_KEY = "tokenizer"  # in the chunks collection's metadata: index.text.tokenizer()

__all__ = ["TOKENIZER_KEY", "TOKENS_KEY", "is_current", "joined", "stored_tokens", "tokenizer", "with_tokens"]


def joined(search_text: str) -> str:
    """A chunk's tokens as stored."""
    return " ".join(tokens(search_text))


def stored_tokens(meta: dict[str, Any]) -> list[str] | None:
    """The chunk's stored tokens, or None when it has none (reading drops those another tokenizer made)."""
    value = meta.get(TOKENS_KEY)
    return value.split() if isinstance(value, str) else None


def with_tokens(meta: dict[str, Any], text: str, current: bool) -> dict[str, Any]:
    """A kept chunk's metadata (``text`` its stored text), its tokens made again when missing or made
    by another tokenizer."""
    if current and isinstance(meta.get(TOKENS_KEY), str):
        return meta
    search_text = context_text(str(meta.get("section", "")), str(meta.get("lead", "")), text)
    return {**meta, TOKENS_KEY: joined(search_text)}


def is_current(collection_metadata: dict[str, Any] | None) -> bool:
    """Were this collection's tokens made by the tokenizer we run?"""
    return (collection_metadata or {}).get(TOKENIZER_KEY) == tokenizer()
