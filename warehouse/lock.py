"""One writer at a time per warehouse home: DuckLake on SQLite fails a second concurrent writer."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class WarehouseLocked(RuntimeError):
    """Another process is writing to this warehouse."""


@contextmanager
def writer_lock(lock_file: Path, wait_s: float = 0.0) -> Iterator[None]:
    """Hold an exclusive advisory lock; the OS drops it when the process dies, so a kill never wedges it."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait_s
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _read_holder(fd)
                    raise WarehouseLocked(
                        f"another wirehouse writer ({holder}) is loading {lock_file.parent}; "
                        "wait for it to finish or pass --wait SECONDS"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}".encode())
        yield
    finally:
        os.close(fd)


def _read_holder(fd: int) -> str:
    try:
        return os.pread(fd, 64, 0).decode(errors="replace") or "unknown process"
    except OSError:
        return "unknown process"
