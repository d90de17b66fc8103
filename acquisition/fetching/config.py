"""Value types shared by the fetcher: configuration, validators and results.

Kept free of I/O so that flows and tests can build them without importing httpx.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

DEFAULT_USER_AGENT = "wirehouse/0.1 (+https://github.com/wirehouse/wirehouse; news research crawler)"


@dataclass(frozen=True)
class FetchConfig:
    """Politeness and safety knobs for one batch of fetches."""

    user_agent: str = DEFAULT_USER_AGENT
    timeout_s: float = 20.0  # total per HTTP exchange, body included (deadline enforced while streaming)
    max_bytes: int = 10_000_000  # decoded body limit; larger -> "too_large"
    max_redirects: int = 5
    retries: int = 3  # on 429/5xx/connection errors
    backoff_base_s: float = 0.5
    max_backoff_s: float = 30.0
    per_host_concurrency: int = 2
    per_host_delay_s: float = 1.0  # min interval between request starts to the same host
    max_crawl_delay_s: float = 10.0  # robots.txt Crawl-delay honoured up to this cap
    obey_robots: bool = True
    allow_private: bool = False  # SSRF guard off switch (tests and demo use loopback)
    concurrency: int = 8  # total requests in flight


@dataclass(frozen=True)
class Validators:
    """Cache validators from a previous fetch, sent back for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass
class FetchResult:
    """Outcome of fetching one URL; errors are data, never exceptions."""

    url: str
    final_url: str
    status: int | None
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime
    error: str | None
    error_message: str | None
    not_modified: bool = False
    elapsed_s: float = 0.0

    @property
    def ok(self) -> bool:
        """True when a fresh body was fetched (not an error, not a 304)."""
        return self.error is None and not self.not_modified

    @property
    def validators(self) -> Validators:
        """Validators to store for the next conditional GET of this URL."""
        return Validators(etag=self.headers.get("etag"), last_modified=self.headers.get("last-modified"))
