"""The polite, bounded HTTP fetcher: fetch_many / fetch_one / decode_text.

Design (why, briefly):
* Sync httpx.Client shared by a thread pool: works unchanged inside Prefect worker threads
  (no event loop juggling), and blocking sockets make deadlines easy to enforce.
* Network backend override: connects only to addresses the SSRF policy checked (no DNS
  rebinding window) and clamps every socket operation to the per-exchange deadline, so a
  server stalling mid-body ends as "timeout" at ~timeout_s.
* Redirects are followed by hand so every hop passes the SSRF guard, robots.txt and the
  host rate limiter.
* Content-Encoding is decoded by inflate.BoundedInflater with zlib ``max_length`` instead
  of by httpx: httpx inflates each raw chunk in one go (~1000x amplification per 64 KiB
  chunk before any check could run), whereas this stops exactly at max_bytes.
"""

from __future__ import annotations

import codecs
import contextvars
import functools
import re
import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from .config import FetchConfig, FetchResult, Validators
from .guard import AddressPolicy, BlockedAddress
from .inflate import BoundedInflater, DecodeError, TooLarge
from .ratelimit import REAL_CLOCK, Clock, HostLimiter, backoff_delay, parse_retry_after
from .robots import MAX_ROBOTS_BYTES, RobotsBook, RobotsTxt, interpret

_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,application/rss+xml,*/*;q=0.8"
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_RETRYABLE_ERRORS = frozenset({"connect_error", "network_error"})
_MAX_ROBOTS_REDIRECTS = 5  # RFC 9309 section 2.3.1.2

# --------------------------------------------------------------------------- deadline + backend

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("wirehouse_deadline", default=None)


def _clamp(timeout: float | None, exc: type[Exception]) -> float | None:
    """timeout limited to what is left of the current exchange's deadline."""
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise exc("fetch deadline exceeded")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """Socket stream whose every read/write respects the per-exchange deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None):
        inner = self._inner.start_tls(ssl_context, server_hostname, _clamp(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.SyncBackend):
    """Resolves through the SSRF policy and connects to exactly the checked IPs."""

    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy

    def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, local_address=None, socket_options=None
    ) -> httpcore.NetworkStream:
        if self._policy.checks_addresses:
            try:
                addrs = self._policy.resolve_for_connect(host, port)
            except OSError as exc:
                raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        else:
            addrs = [host]
        last: Exception | None = None
        for addr in addrs:
            try:
                stream = super().connect_tcp(
                    addr, port, _clamp(timeout, httpcore.ConnectTimeout), local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                last = exc
                continue
            return _DeadlineStream(stream)
        raise last or httpcore.ConnectError(f"no address to connect to for {host}")


@functools.cache
def _ssl_context() -> Any:
    """Loading the CA bundle costs ~0.1 s; one verified context is shared (SSLContext is thread-safe)."""
    return httpx.create_ssl_context()


def _build_client(config: FetchConfig, policy: AddressPolicy) -> httpx.Client:
    """httpx client with the guarded backend, no env proxies and no automatic redirects."""
    slots = max(1, config.concurrency) * 2
    transport = httpx.HTTPTransport(retries=0)
    if not hasattr(transport, "_pool"):  # pragma: no cover - httpx internals changed
        raise RuntimeError("httpx.HTTPTransport no longer exposes _pool; update _build_client")
    transport._pool = httpcore.ConnectionPool(
        ssl_context=_ssl_context(),
        max_connections=slots,
        max_keepalive_connections=slots,
        keepalive_expiry=5.0,
        network_backend=_GuardedBackend(policy),
    )
    return httpx.Client(
        transport=transport,
        trust_env=False,
        follow_redirects=False,
        timeout=httpx.Timeout(config.timeout_s),
        headers={"User-Agent": config.user_agent, "Accept": _ACCEPT, "Accept-Encoding": "gzip, deflate"},
    )


# --------------------------------------------------------------------------- one exchange


@dataclass
class _Exchange:
    """What one request/response (or its failure) produced."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None
    message: str | None = None
    location: str | None = None

    @property
    def retryable(self) -> bool:
        if self.error in _RETRYABLE_ERRORS:
            return True
        return self.status is not None and (self.status == 429 or self.status >= 500)


def _conditional_headers(validators: Validators | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if validators is not None:
        if validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
    return headers


@contextmanager
def _deadline_in(seconds: float) -> Iterator[float]:
    deadline = time.monotonic() + seconds
    token = _deadline.set(deadline)
    try:
        yield deadline
    finally:
        _deadline.reset(token)


def _read_body(resp: httpx.Response, limit: int, truncate: bool, deadline: float) -> bytes:
    length = resp.headers.get("content-length", "")
    if not truncate and length.isdigit() and int(length) > limit:
        raise TooLarge(f"Content-Length {length} exceeds {limit} bytes")
    decoder = BoundedInflater(resp.headers.get("content-encoding", ""), limit)
    for chunk in resp.iter_raw():
        try:
            decoder.feed(chunk)
        except TooLarge:
            if truncate:
                return decoder.partial()
            raise
        if time.monotonic() > deadline:
            raise httpx.ReadTimeout("fetch deadline exceeded while reading body")
    return decoder.finish()


def _exchange(
    client: httpx.Client, url: str, headers: dict[str, str], timeout_s: float, limit: int, truncate: bool
) -> _Exchange:
    """One GET with a hard deadline; maps every failure to a short error class."""
    try:
        with _deadline_in(timeout_s) as deadline, client.stream("GET", url, headers=headers) as resp:
            status = resp.status_code
            hdrs = dict(resp.headers.items())
            if status in _REDIRECT_STATUSES and hdrs.get("location"):
                return _Exchange(status, hdrs, location=str(resp.url.join(hdrs["location"])))
            if status == 304:
                return _Exchange(status, hdrs)
            if not 200 <= status < 300:
                return _Exchange(status, hdrs, error=f"http_{status}", message=f"HTTP {status} {resp.reason_phrase}")
            return _Exchange(status, hdrs, body=_read_body(resp, limit, truncate, deadline))
    except httpx.TimeoutException as exc:
        return _Exchange(error="timeout", message=f"timed out after {timeout_s:g}s: {exc}")
    except httpx.ConnectError as exc:
        return _Exchange(error="connect_error", message=str(exc) or "connection failed")
    except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError) as exc:
        return _Exchange(error="network_error", message=str(exc) or type(exc).__name__)
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        return _Exchange(error="invalid_url", message=str(exc))
    except BlockedAddress as exc:
        return _Exchange(error="blocked_address", message=str(exc))
    except TooLarge as exc:
        return _Exchange(error="too_large", message=str(exc))
    except DecodeError as exc:
        return _Exchange(error="decode_error", message=str(exc))
    except httpx.HTTPError as exc:
        return _Exchange(error="protocol_error", message=f"{type(exc).__name__}: {exc}")


# --------------------------------------------------------------------------- a batch session


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


class _Session:
    """State shared by one fetch_many call: client, rate limiter, robots rules."""

    def __init__(self, config: FetchConfig, policy: AddressPolicy, clock: Clock = REAL_CLOCK) -> None:
        self.config = config
        self.policy = policy
        self.clock = clock
        self.client = _build_client(config, policy)
        self.limiter = HostLimiter(config.per_host_concurrency, config.per_host_delay_s, clock.now, clock.sleep)
        self.robots = RobotsBook(config.user_agent, self._load_robots)

    def close(self) -> None:
        self.client.close()

    def _precheck(self, url: str) -> _Exchange | None:
        """Syntax and SSRF checks for one hop, before any traffic."""
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            return _Exchange(error="invalid_url", message=f"{url!r}: {exc}")
        if parsed.scheme not in ("http", "https") or not parsed.host:
            return _Exchange(error="invalid_url", message=f"not an absolute http(s) URL: {url!r}")
        try:
            self.policy.check_url(url)
        except BlockedAddress as exc:
            return _Exchange(error="blocked_address", message=str(exc))
        except OSError as exc:
            return _Exchange(error="dns_error", message=f"cannot resolve {parsed.host}: {exc}")
        return None

    def _robots_verdict(self, url: str) -> _Exchange | None:
        rules = self.robots.rules_for(url)
        if rules.crawl_delay:
            self.limiter.raise_interval(_host(url), min(rules.crawl_delay, self.config.max_crawl_delay_s))
        if rules.allowed(url):
            return None
        why = "robots.txt unreachable, assuming disallow" if rules.disallow_all else "disallowed by robots.txt"
        return _Exchange(error="robots_disallowed", message=f"{why}: {url}")

    def _with_retries(self, url: str, headers: dict[str, str], limit: int, truncate: bool) -> _Exchange:
        cfg = self.config
        host = _host(url)
        ex = _Exchange()
        for attempt in range(cfg.retries + 1):
            with self.limiter.slot(host):
                ex = _exchange(self.client, url, headers, cfg.timeout_s, limit, truncate)
            if not ex.retryable or attempt == cfg.retries:
                break
            retry_after = parse_retry_after(ex.headers.get("retry-after"))
            self.clock.sleep(backoff_delay(attempt, cfg.backoff_base_s, cfg.max_backoff_s, retry_after))
        return ex

    def _load_robots(self, robots_url: str) -> tuple[RobotsTxt | None, bool]:
        current = robots_url
        for _ in range(_MAX_ROBOTS_REDIRECTS + 1):
            problem = self._precheck(current)
            if problem is not None:
                return interpret(None, problem.error, b"")
            ex = self._with_retries(current, {}, MAX_ROBOTS_BYTES, truncate=True)
            if ex.location is None:
                return interpret(ex.status, ex.error, ex.body)
            current = ex.location
        return interpret(None, "too_many_redirects", b"")

    def fetch(self, url: str, validators: Validators | None) -> FetchResult:
        cfg = self.config
        started = time.monotonic()
        headers = _conditional_headers(validators)
        current = url
        ex = _Exchange()
        for hop in range(cfg.max_redirects + 1):
            refusal = self._precheck(current)
            if refusal is None and cfg.obey_robots:
                refusal = self._robots_verdict(current)
            if refusal is not None:
                ex = refusal
                break
            ex = self._with_retries(current, headers, cfg.max_bytes, truncate=False)
            if ex.location is None:
                break
            if hop == cfg.max_redirects:
                ex.error = "too_many_redirects"
                ex.message = f"more than {cfg.max_redirects} redirects (last to {ex.location})"
                break
            current = ex.location
        not_modified = ex.error is None and ex.status == 304
        return FetchResult(
            url=url,
            final_url=current,
            status=ex.status,
            headers=ex.headers,
            body=ex.body if ex.error is None else b"",
            fetched_at=datetime.now(UTC),
            error=ex.error,
            error_message=ex.message,
            not_modified=not_modified,
            elapsed_s=time.monotonic() - started,
        )

    def fetch_safe(self, url: str, validators: Validators | None) -> FetchResult:
        """fetch() that turns any unexpected exception into an "internal_error" result."""
        started = time.monotonic()
        try:
            return self.fetch(url, validators)
        except Exception as exc:  # never let one URL sink the batch
            return FetchResult(
                url,
                url,
                None,
                {},
                b"",
                datetime.now(UTC),
                "internal_error",
                f"{type(exc).__name__}: {exc}",
                elapsed_s=time.monotonic() - started,
            )


def _interleave_by_host(urls: Sequence[str]) -> list[int]:
    """Indices in round-robin host order, so one slow host does not occupy every worker."""
    buckets: OrderedDict[str, list[int]] = OrderedDict()
    for i, url in enumerate(urls):
        try:
            host = _host(url)
        except ValueError:
            host = ""
        buckets.setdefault(host, []).append(i)
    order: list[int] = []
    queues = [iter(b) for b in buckets.values()]
    while queues:
        alive = []
        for q in queues:
            nxt = next(q, None)
            if nxt is not None:
                order.append(nxt)
                alive.append(q)
        queues = alive
    return order


# --------------------------------------------------------------------------- public API


def fetch_many(
    urls: Sequence[str],
    config: FetchConfig,
    validators: Mapping[str, Validators] | None = None,
    *,
    address_policy: AddressPolicy | None = None,
    clock: Clock = REAL_CLOCK,
) -> list[FetchResult]:
    """Fetch a batch politely; results in the same order as urls; never raises for per-URL problems.

    address_policy (tests/advanced use) overrides config.allow_private with a custom
    resolver or deny predicate; clock (tests) replaces the clock that paces requests.
    """
    urls = list(urls)
    if not urls:
        return []
    policy = address_policy or AddressPolicy(allow_private=config.allow_private)
    validators = validators or {}
    results: list[FetchResult | None] = [None] * len(urls)
    session = _Session(config, policy, clock)
    workers = max(1, min(config.concurrency, len(urls)))
    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="wirehouse-fetch") as pool:
            futures = {
                i: pool.submit(session.fetch_safe, urls[i], validators.get(urls[i])) for i in _interleave_by_host(urls)
            }
            for i, fut in futures.items():
                results[i] = fut.result()
    finally:
        session.close()
    return [r for r in results if r is not None]


def fetch_one(
    url: str,
    config: FetchConfig,
    validators: Validators | None = None,
    *,
    address_policy: AddressPolicy | None = None,
    clock: Clock = REAL_CLOCK,
) -> FetchResult:
    """Fetch a single URL with the same guarantees as fetch_many."""
    vmap = {url: validators} if validators is not None else None
    return fetch_many([url], config, vmap, address_policy=address_policy, clock=clock)[0]


# --------------------------------------------------------------------------- text decoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_DOC_CHARSET = re.compile(
    rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)|<meta[^>]*?charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)",
    re.IGNORECASE,
)
# WHATWG: these labels mean windows-1252 in practice.
_LATIN1_LABELS = frozenset({"iso8859-1", "latin-1", "ascii", "iso8859_1", "latin_1"})


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        return None
    return "cp1252" if name in _LATIN1_LABELS else name


def decode_text(body: bytes, headers: Mapping[str, str]) -> str:
    """Decode a feed/sitemap/HTML body: BOM, then header charset, then in-document
    declaration, then strict UTF-8, then charset_normalizer's guess; never raises."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body.decode(name, errors="replace")
    lowered = {k.lower(): v for k, v in headers.items()}
    header = _HEADER_CHARSET.search(lowered.get("content-type", ""))
    doc = _DOC_CHARSET.search(body[:4096])
    candidates = [
        _codec(header.group(1) if header else None),
        _codec((doc.group(1) or doc.group(2)).decode("ascii") if doc else None),
        "utf-8",
    ]
    for name in candidates:
        if name is None or (name.startswith(("utf-16", "utf-32")) and not header):
            continue
        try:
            return body.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(body).best()
        if best is not None:
            return str(best)
    except Exception:  # noqa: BLE001 - detection is best effort
        pass
    return body.decode("utf-8", errors="replace")
