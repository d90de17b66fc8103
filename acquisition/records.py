"""The records that move between the source, fetch and extract stages."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property


@dataclass(frozen=True)
class Source:
    """Where inputs come from: kind is feed, sitemap, urls, html_dir or warc; location a URL or a path."""

    kind: str
    location: str


@dataclass(frozen=True)
class Item:
    """A page to fetch, found by discovery."""

    url: str
    source: Source
    source_ref: str | None = None
    published_hint: datetime | None = None


@dataclass
class Page:
    """Raw bytes of one page (fetched, read from disk or from a WARC record), or why there are none."""

    url: str
    source: Source
    fetched_at: datetime
    body: bytes = b""
    final_url: str | None = None
    source_ref: str | None = None
    http_status: int | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error_class: str | None = None
    error_message: str | None = None
    not_modified: bool = False
    #: fewer bytes than the source declared (a WARC record cut at a size limit or by an interrupted download)
    truncated: bool = False
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.error_class is not None

    @cached_property
    def body_sha256(self) -> str:
        """The raw bytes' SHA-256, hashed once: the load skips known bytes by it and the raw row is keyed by it
        (a page pickled to a worker process carries the hash with it)."""
        return hashlib.sha256(self.body).hexdigest()
