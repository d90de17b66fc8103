"""Freed heap memory goes back to the OS between batches (glibc), and the call is harmless elsewhere."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest

from flows import memory
from flows.memory import _malloc_trim, release_freed_memory

glibc_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's")
BATCH_MB = 100


def _rss_bytes() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _large_batch(tag: str) -> list[dict]:
    # strings over 512 bytes come from malloc, not Python's own arenas: glibc keeps their pages when freed
    return [{"text": "x" * 600 + tag + str(i), "n": i} for i in range(200_000)]


@glibc_only
def test_freed_blocks_are_returned_after_a_large_batch():
    assert _malloc_trim() is not None
    rows = _large_batch("a")
    held = _rss_bytes()
    del rows
    release_freed_memory()
    assert _rss_bytes() < held - BATCH_MB * 2**20


@glibc_only
def test_release_is_safe_to_call_often():
    """Called after every batch: each call gives that batch's memory back, and live data is left intact."""
    live = [f"kept-{i}-" + "y" * 600 for i in range(20_000)]  # malloc'd too, interleaved with each batch
    digest = hashlib.sha256("".join(live).encode()).hexdigest()
    for round_ in range(3):
        rows = _large_batch(str(round_))
        held = _rss_bytes()
        del rows
        release_freed_memory()
        release_freed_memory()  # a second call in a row finds nothing more to give back and does no harm
        assert _rss_bytes() < held - BATCH_MB * 2**20, f"round {round_}"
    assert hashlib.sha256("".join(live).encode()).hexdigest() == digest


def test_release_trims_everything_or_does_nothing_without_glibc(monkeypatch):
    calls: list[int] = []
    monkeypatch.setattr(memory, "_malloc_trim", lambda: calls.append)
    for _ in range(3):
        release_freed_memory()
    assert calls == [0, 0, 0]  # pad 0: keep no free memory at the top of the heap
    monkeypatch.setattr(memory, "_malloc_trim", lambda: None)  # macOS, musl: no malloc_trim
    release_freed_memory()
    assert calls == [0, 0, 0]
