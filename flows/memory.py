"""Hand freed heap memory back to the operating system between batches.

glibc keeps freed blocks in its arenas; a process that parses a large batch and then a small one keeps the large
batch's footprint, so worker RSS would ratchet up to its largest batch. malloc_trim returns the free pages (as
Dask workers do); elsewhere (macOS, musl) this is a no-op.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache


@cache
def _malloc_trim():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


def release_freed_memory() -> None:
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
