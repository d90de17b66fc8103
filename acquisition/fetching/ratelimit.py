"""Pacing: per-host concurrency and spacing of request starts, and retry backoff."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


@dataclass(frozen=True)
class Clock:
    """Where pacing reads the time and waits: host spacing, Crawl-delay and retry backoff.

    Injectable so tests can check spacing on a fake clock instead of measuring a busy machine.
    Deadlines on sockets stay on the real clock: they bound real waits.
    """

    now: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


REAL_CLOCK = Clock()


class _Host:
    def __init__(self, concurrency: int, interval_s: float) -> None:
        self.slots = threading.BoundedSemaphore(max(1, concurrency))
        self.interval_s = interval_s
        self.last_start: float | None = None


class HostLimiter:
    """Caps concurrent requests per host and keeps request starts >= interval apart.

    Start times are reserved under a lock before sleeping, so concurrent callers for
    the same host queue up at interval spacing instead of all waking at once.
    """

    def __init__(
        self,
        concurrency: int,
        interval_s: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._concurrency = concurrency
        self._interval_s = max(0.0, interval_s)
        self._clock = clock
        self._sleep = sleep
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()

    def _host(self, host: str) -> _Host:
        with self._lock:
            state = self._hosts.get(host)
            if state is None:
                state = self._hosts[host] = _Host(self._concurrency, self._interval_s)
            return state

    def raise_interval(self, host: str, interval_s: float) -> None:
        """Widen the spacing for host (e.g. robots.txt Crawl-delay); never narrows it."""
        state = self._host(host)
        with self._lock:
            state.interval_s = max(state.interval_s, interval_s)

    def interval(self, host: str) -> float:
        """Current spacing for host."""
        return self._host(host).interval_s

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold one of host's concurrency slots, starting no earlier than its next start time."""
        state = self._host(host)
        state.slots.acquire()
        try:
            with self._lock:
                now = self._clock()
                start = now if state.last_start is None else max(now, state.last_start + state.interval_s)
                state.last_start = start
            if start > now:
                self._sleep(start - now)
            yield
        finally:
            state.slots.release()


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_delay(
    attempt: int,
    base_s: float,
    cap_s: float,
    retry_after_s: float | None = None,
    rng: Callable[[], float] = random.random,
) -> float:
    """Delay before retry number attempt+1: Retry-After if given, else exponential with jitter; capped.

    Jitter is "equal jitter": half the exponential step fixed, half random, so retries from
    many workers spread out but never collapse to zero.
    """
    if retry_after_s is not None:
        return min(cap_s, max(0.0, retry_after_s))
    step = min(cap_s, base_s * (2**attempt))
    return min(cap_s, step / 2 + rng() * step / 2)
