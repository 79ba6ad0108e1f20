"""Memory freed after a big build goes back to the system (glibc keeps it otherwise)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from core.memory import release_freed_memory


def _rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")) / 1024


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_freed_heap_pages_are_returned() -> None:
    blocks = [bytes(1000) + bytes([n % 256]) for n in range(200_000)]  # 200 MB of malloc'd blocks
    sentinel = bytes(2000) + b"!"  # above them on the heap: free() alone cannot shrink it
    high = _rss_mb()
    del blocks
    kept = _rss_mb()
    assert release_freed_memory()
    assert _rss_mb() < kept - 100 and kept > high - 100  # freed but held, then returned
    del sentinel
