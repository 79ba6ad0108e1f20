"""The one bounded cache: least recently used out first, and many values computed in one batch."""

from __future__ import annotations

from index.lru import LRUCache


def test_the_least_recently_used_goes_first() -> None:
    cache: LRUCache[str, int] = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # now b is the oldest
    cache.put("c", 3)
    assert "b" not in cache and cache.get("a") == 1 and cache.get("c") == 3


def test_get_many_computes_only_the_missing_keys_once_in_one_call() -> None:
    cache: LRUCache[str, int] = LRUCache(10)
    cache.put("a", 1)
    calls: list[list[str]] = []

    def compute(keys: list[str]) -> list[int]:
        calls.append(keys)
        return [len(k) * 10 for k in keys]

    assert cache.get_many(["a", "bb", "a", "ccc", "bb"], compute) == [1, 20, 1, 30, 20]
    assert calls == [["bb", "ccc"]]
    assert cache.get_many(["ccc", "bb"], compute) == [30, 20] and len(calls) == 1  # kept


def test_a_cache_of_size_zero_still_returns_what_it_computed() -> None:
    cache: LRUCache[str, int] = LRUCache(0)
    assert cache.get_many(["x", "x"], lambda keys: [7 for _ in keys]) == [7, 7] and len(cache) == 0
