"""Crash points for the crash-consistency tests.

arm("point[:n[:delay_ms]]") (the CLI does, from WIREHOUSE_CRASH_AT) kills this process with SIGKILL the n-th
time it reaches point, after delay_ms milliseconds when given (so the kill lands inside the statement that
follows). Unarmed, a crash point costs one attribute lookup.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter

_reached: Counter = Counter()
_armed: str | None = None


def arm(spec: str | None) -> None:
    """Set (or with None, clear) the crash point this process dies at."""
    global _armed
    _armed = spec or None
    _reached.clear()


def _kill(delay_s: float) -> None:
    if delay_s:
        time.sleep(delay_s)
    os.kill(os.getpid(), signal.SIGKILL)


def crash_point(name: str) -> None:
    spec = _armed
    if not spec:
        return
    parts = spec.split(":")
    numbers: list[str] = []
    while parts and parts[-1].isdigit() and len(numbers) < 2:
        numbers.insert(0, parts.pop())
    if ":".join(parts) != name:
        return
    nth, delay_ms = (numbers + ["", ""])[:2]
    _reached[name] += 1
    if _reached[name] != int(nth or 1):
        return
    delay_s = int(delay_ms or 0) / 1000
    if delay_s:
        threading.Thread(target=_kill, args=(delay_s,), daemon=True).start()
    else:
        _kill(0)
