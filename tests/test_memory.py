"""Freed heap memory goes back to the OS between batches (glibc), and the call is harmless elsewhere."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from flows.memory import _malloc_trim, release_freed_memory


def _rss_bytes() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's")
def test_freed_blocks_are_returned_after_a_large_batch():
    assert _malloc_trim() is not None
    # strings over 512 bytes come from malloc, not Python's own arenas: glibc keeps their pages when freed
    rows = [{"text": "x" * 600 + str(i), "n": i} for i in range(200_000)]
    held = _rss_bytes()
    del rows
    release_freed_memory()
    assert _rss_bytes() < held - 100 * 2**20


def test_release_is_safe_to_call_often():
    for _ in range(3):
        release_freed_memory()
