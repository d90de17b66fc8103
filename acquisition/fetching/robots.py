"""robots.txt: fetch policy and caching around protego's RFC 9309 parser.

protego does the parsing and matching (longest match wins, ``*`` and ``$`` wildcards,
percent-encoding). What stays here is ours: which product token we answer to, what a
4xx/5xx robots.txt means, and how long an answer is kept. The Crawl-delay cap is applied
by the client, which owns the rate limiter.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

MAX_ROBOTS_BYTES = 512 * 1024  # RFC 9309: parse at least the first 500 KiB
CACHE_TTL_S = 3600.0

_TOKEN = re.compile(r"[A-Za-z_-]+")
_USER_AGENT_LINE = re.compile(r"^([ \t]*user[- ]?agent[ \t]*:[ \t]*)([^#\r\n]*)", re.IGNORECASE | re.MULTILINE)


def product_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched against ("wirehouse/0.1 (...)" -> "wirehouse")."""
    m = _TOKEN.match(user_agent.strip())
    return m.group(0).lower() if m else user_agent.strip().lower()


def _group_token(value: str) -> str:
    """A group's user-agent value cut to its product token, so "WireHouse/2.0" names the group "wirehouse"."""
    value = value.strip()
    return "*" if value.startswith("*") else product_token(value)


@dataclass(frozen=True)
class AgentRules:
    """What robots.txt says to one crawler: which URLs it may fetch and its Crawl-delay."""

    parser: Protego | None = None
    token: str = "*"
    disallow_all: bool = False

    @property
    def crawl_delay(self) -> float | None:
        """Seconds between requests the site asks for (uncapped; the client caps it)."""
        return self.parser.crawl_delay(self.token) if self.parser is not None else None

    def allowed(self, url: str) -> bool:
        """protego's verdict; /robots.txt itself is always allowed, even when robots.txt is unreachable."""
        if (urlsplit(url).path or "/") == "/robots.txt":
            return True
        if self.disallow_all:
            return False
        return self.parser is None or self.parser.can_fetch(url, self.token)


ALLOW_ALL = AgentRules()
DISALLOW_ALL = AgentRules(disallow_all=True)


@dataclass(frozen=True)
class RobotsTxt:
    """A parsed robots.txt (None: an empty one, which allows everything)."""

    parser: Protego | None = None

    def for_agent(self, token: str) -> AgentRules:
        """The rules for the product token: its own group(s), else the '*' group, else allow all."""
        return AgentRules(self.parser, token.lower()) if self.parser is not None else ALLOW_ALL

    @property
    def sitemaps(self) -> tuple[str, ...]:
        return tuple(self.parser.sitemaps) if self.parser is not None else ()


def parse_robots(text: str) -> RobotsTxt:
    """Parse the first MAX_ROBOTS_BYTES of robots.txt text.

    User-agent values are cut to their product token first: protego matches a group's
    value as a whole word, so "User-agent: WireHouse/2.0" would otherwise never apply.
    """
    text = text[:MAX_ROBOTS_BYTES].lstrip("\ufeff")
    text = _USER_AGENT_LINE.sub(lambda m: m.group(1) + _group_token(m.group(2)), text)
    return RobotsTxt(Protego.parse(text))


def origin_of(url: str) -> str:
    """scheme://host:port — the unit robots.txt applies to."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port}"


def interpret(status: int | None, error: str | None, body: bytes) -> tuple[RobotsTxt | None, bool]:
    """Map a robots.txt fetch outcome to (rules or None=disallow all, cacheable).

    2xx -> parse; 4xx (except 429) or too many redirects -> allow all ("unavailable");
    429, 5xx and network errors -> disallow all for now ("unreachable"), not cached.
    """
    if error is None and status is not None and 200 <= status < 300:
        return parse_robots(body.decode("utf-8", errors="replace")), True
    if error == "too_many_redirects" or (status is not None and 400 <= status < 500 and status != 429):
        return RobotsTxt(), True
    return None, False


_cache: dict[str, tuple[float, RobotsTxt]] = {}
_cache_lock = threading.Lock()


def clear_robots_cache() -> None:
    """Forget every cached robots.txt (tests; long-lived processes after config changes)."""
    with _cache_lock:
        _cache.clear()


RobotsLoader = Callable[[str], tuple[RobotsTxt | None, bool]]


class RobotsBook:
    """Per-batch view of robots.txt: each origin fetched at most once, thread-safe.

    Successful/4xx answers also go to a process-wide TTL cache so consecutive batches
    do not refetch; failures (disallow all) only last for this batch.
    """

    def __init__(
        self,
        user_agent: str,
        loader: RobotsLoader,
        ttl_s: float = CACHE_TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._token = product_token(user_agent)
        self._loader = loader
        self._ttl_s = ttl_s
        self._clock = clock
        self._rules: dict[str, AgentRules] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def rules_for(self, url: str) -> AgentRules:
        """Rules for url's origin, loading robots.txt on first use."""
        origin = origin_of(url)
        with self._lock:
            if origin in self._rules:
                return self._rules[origin]
            origin_lock = self._locks.setdefault(origin, threading.Lock())
        with origin_lock:
            with self._lock:
                if origin in self._rules:
                    return self._rules[origin]
            rules = self._load(origin)
            with self._lock:
                self._rules[origin] = rules
            return rules

    def _load(self, origin: str) -> AgentRules:
        now = self._clock()
        with _cache_lock:
            hit = _cache.get(origin)
        if hit is not None and hit[0] > now:
            return hit[1].for_agent(self._token)
        parsed, cacheable = self._loader(origin + "/robots.txt")
        if parsed is None:
            return DISALLOW_ALL
        if cacheable:
            with _cache_lock:
                _cache[origin] = (now + self._ttl_s, parsed)
        return parsed.for_agent(self._token)
