"""robots.txt (RFC 9309) parsing, matching and caching.

Written by hand because ``urllib.robotparser`` uses first-match instead of
longest-match precedence, has no ``*``/``$`` wildcards and matches user agents by
substring.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

MAX_ROBOTS_BYTES = 512 * 1024  # RFC 9309: parse at least the first 500 KiB
CACHE_TTL_S = 3600.0

_TOKEN = re.compile(r"[A-Za-z_-]+")
_PCT = re.compile(r"%[0-9a-fA-F]{2}")


def product_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched against ("wirehouse/0.1 (...)" -> "wirehouse")."""
    m = _TOKEN.match(user_agent.strip())
    return m.group(0).lower() if m else user_agent.strip().lower()


def _normalise(path: str) -> str:
    """Percent-encode non-ASCII/space octets and upper-case existing escapes, so both sides compare."""
    out = []
    for ch in path:
        if ord(ch) > 0x7E or ch in " \t":
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
        else:
            out.append(ch)
    return _PCT.sub(lambda m: m.group(0).upper(), "".join(out))


@dataclass(frozen=True)
class Rule:
    """One allow/disallow line compiled to an anchored regex."""

    allow: bool
    pattern: str
    regex: re.Pattern[str]

    @classmethod
    def build(cls, allow: bool, pattern: str) -> Rule:
        pattern = _normalise(pattern)
        anchored = pattern.endswith("$")
        body = pattern[:-1] if anchored else pattern
        rx = ".*".join(re.escape(part) for part in body.split("*")) + (r"\Z" if anchored else "")
        return cls(allow, pattern, re.compile(rx, re.DOTALL))


@dataclass(frozen=True)
class AgentRules:
    """The rules of the group(s) that apply to one crawler."""

    rules: tuple[Rule, ...] = ()
    crawl_delay: float | None = None
    disallow_all: bool = False

    def allowed(self, url: str) -> bool:
        """Longest match wins; on equal length allow wins; no match means allowed."""
        parts = urlsplit(url)
        path = parts.path or "/"
        if path == "/robots.txt":
            return True
        if self.disallow_all:
            return False
        target = _normalise(path + (f"?{parts.query}" if parts.query else ""))
        best: Rule | None = None
        for rule in self.rules:
            if rule.regex.match(target) and (
                best is None
                or len(rule.pattern) > len(best.pattern)
                or (len(rule.pattern) == len(best.pattern) and rule.allow and not best.allow)
            ):
                best = rule
        return best is None or best.allow


ALLOW_ALL = AgentRules()
DISALLOW_ALL = AgentRules(disallow_all=True)


@dataclass
class _Group:
    agents: list[str] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    crawl_delay: float | None = None


@dataclass(frozen=True)
class RobotsTxt:
    """A parsed robots.txt: its groups keyed by lower-cased user-agent token."""

    groups: tuple[_Group, ...] = ()
    sitemaps: tuple[str, ...] = ()

    def for_agent(self, token: str) -> AgentRules:
        """Merge every group naming token; fall back to the '*' groups; else allow all."""
        token = token.lower()
        chosen = [g for g in self.groups if token in g.agents]
        if not chosen:
            chosen = [g for g in self.groups if "*" in g.agents]
        rules = tuple(r for g in chosen for r in g.rules)
        delays = [g.crawl_delay for g in chosen if g.crawl_delay is not None]
        return AgentRules(rules=rules, crawl_delay=max(delays) if delays else None)


def parse_robots(text: str) -> RobotsTxt:
    """Parse robots.txt text; unknown lines are ignored, rules before any user-agent are dropped."""
    groups: list[_Group] = []
    sitemaps: list[str] = []
    current: _Group | None = None
    in_agents = False
    for raw in text[:MAX_ROBOTS_BYTES].splitlines():
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        key, value = (s.strip() for s in line.split(":", 1))
        key = key.lower()
        if key in ("user-agent", "useragent", "user agent"):
            if not in_agents:
                current = _Group()
                groups.append(current)
                in_agents = True
            m = _TOKEN.match(value)
            current.agents.append("*" if value.startswith("*") else (m.group(0).lower() if m else value.lower()))
            continue
        if key == "sitemap":
            if value:
                sitemaps.append(value)
            continue
        in_agents = False
        if current is None:
            continue
        if key in ("allow", "disallow"):
            if value:
                current.rules.append(Rule.build(key == "allow", value))
        elif key == "crawl-delay":
            try:
                delay = float(value)
            except ValueError:
                continue
            if delay >= 0 and current.crawl_delay is None:
                current.crawl_delay = delay
    return RobotsTxt(tuple(groups), tuple(sitemaps))


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

    def __init__(self, user_agent: str, loader: RobotsLoader, ttl_s: float = CACHE_TTL_S) -> None:
        self._token = product_token(user_agent)
        self._loader = loader
        self._ttl_s = ttl_s
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
        now = time.monotonic()
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
