"""Backfill windows and the CC-NEWS file layout: pure date arithmetic, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

#: crawl-data/CC-NEWS/2024/10/CC-NEWS-20241001123456-00012.warc.gz
CC_NEWS_STAMP = re.compile(r"CC-NEWS-(\d{14})-\d+\.warc(?:\.gz)?$")
#: Articles are crawled after they are published: read files up to this long after a window ends.
CRAWL_LAG = timedelta(days=3)


@dataclass(frozen=True, order=True)
class Window:
    start: date
    end: date  # inclusive

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    @property
    def label(self) -> str:
        return self.start.isoformat() if self.start == self.end else f"{self.start}..{self.end}"


@dataclass(frozen=True)
class ArticleInWindow:
    """Keep articles published in the window; undated ones stay with the window that read them.

    A class rather than a closure so that it travels to worker processes.
    """

    window: Window

    def __call__(self, article: dict) -> bool:
        return article["published_date"] is None or self.window.contains(article["published_date"])


def split_windows(first: date, last: date, size: timedelta) -> list[Window]:
    """Consecutive windows of whole days covering first..last."""
    if last < first:
        raise ValueError(f"--to {last} is before --from {first}")
    days = max(1, size.days)
    windows, start = [], first
    while start <= last:
        end = min(last, start + timedelta(days=days - 1))
        windows.append(Window(start, end))
        start = end + timedelta(days=1)
    return windows


def warc_timestamp(path: str) -> datetime | None:
    """When a CC-NEWS file's crawl started, from its name."""
    match = CC_NEWS_STAMP.search(path.strip())
    if not match:
        return None
    return datetime.strptime(match.group(1), "%Y%m%d%H%M%S").replace(tzinfo=UTC)


def warcs_for_window(paths: list[str], window: Window, lag: timedelta = CRAWL_LAG) -> list[str]:
    """Files crawled between the window's first day and lag after its last: those can hold its articles.

    Files are ordered by fetch time, not publication time, so records are filtered again by the
    publication date extracted from each page.
    """
    start = datetime.combine(window.start, datetime.min.time(), UTC)
    stop = datetime.combine(window.end + timedelta(days=1), datetime.min.time(), UTC) + lag
    chosen = []
    for path in paths:
        stamp = warc_timestamp(path)
        if stamp is None or start <= stamp < stop:
            chosen.append(path)
    return sorted(chosen, key=lambda p: (warc_timestamp(p) or datetime.min.replace(tzinfo=UTC), p))


def read_warc_list(text: str, base_url: str | None = None) -> list[str]:
    """warc.paths lines as paths or URLs; relative crawl-data paths are joined to base_url when given."""
    paths = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if base_url and not re.match(r"^[a-z]+://", line) and not line.startswith("/"):
            line = base_url.rstrip("/") + "/" + line
        paths.append(line)
    return paths
