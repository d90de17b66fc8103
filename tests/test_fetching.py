"""Tests for acquisition.fetching against real HTTP servers on loopback only."""

from __future__ import annotations

import gzip
import ipaddress
import socket
import threading
import zlib
from datetime import UTC, datetime

import pytest

from acquisition.fetching import (
    AddressPolicy,
    BlockedAddress,
    FetchConfig,
    Validators,
    check_url,
    clear_robots_cache,
    decode_text,
    fetch_many,
    fetch_one,
)
from acquisition.fetching.inflate import BoundedInflater, DecodeError, TooLarge, gunzip_bounded
from acquisition.fetching.ratelimit import Clock, backoff_delay, parse_retry_after
from acquisition.fetching.robots import RobotsBook, RobotsTxt, parse_robots, product_token
from tests.http_script_server import RecordedRequest, Reply, ScriptServer


def cfg(**overrides: object) -> FetchConfig:
    """Fast test config: loopback allowed, tiny backoffs, no host delay."""
    base: dict[str, object] = dict(
        allow_private=True,
        timeout_s=2.0,
        retries=2,
        backoff_base_s=0.01,
        max_backoff_s=0.05,
        per_host_delay_s=0.0,
        max_crawl_delay_s=1.0,
    )
    base.update(overrides)
    return FetchConfig(**base)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _fresh_robots_cache():
    clear_robots_cache()
    yield
    clear_robots_cache()


@pytest.fixture
def srv():
    with ScriptServer() as server:
        yield server


class FakeClock:
    """A clock that moves only when the fetcher sleeps: spacing is checked exactly, at no real wait.

    sleep(d) moves the time to (what this thread last read) + d, as a real sleep would end then.
    Share it with a ScriptServer and the server stamps arrivals in the fetcher's time.
    """

    def __init__(self) -> None:
        self.t = 0.0
        self.slept: list[float] = []
        self._lock = threading.Lock()
        self._read = threading.local()

    def now(self) -> float:
        with self._lock:
            self._read.t = self.t
            return self.t

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            self.t = max(self.t, getattr(self._read, "t", self.t) + seconds)

    @property
    def clock(self) -> Clock:
        return Clock(self.now, self.sleep)


@pytest.fixture
def fake() -> FakeClock:
    return FakeClock()


@pytest.fixture
def paced(fake: FakeClock):
    """A loopback server that stamps requests with the fake clock the fetcher paces by."""
    with ScriptServer(clock=fake.now) as server:
        yield server


# ----------------------------------------------------------------- retries


def test_429_retry_after_is_honoured_then_200(paced, fake):
    paced.route("/p", [Reply(429, {"Retry-After": "7"}), Reply(200, body=b"ok")])
    res = fetch_one(paced.url("/p"), cfg(max_backoff_s=30.0), clock=fake.clock)
    assert res.ok and res.body == b"ok" and res.status == 200
    assert fake.slept == [7.0]  # plain backoff would be ~0.01 s
    assert paced.times("/p") == [0.0, 7.0]


def test_retry_after_is_capped_by_max_backoff(paced, fake):
    paced.route("/p", [Reply(503, {"Retry-After": "3600"}), Reply(200, body=b"ok")])
    res = fetch_one(paced.url("/p"), cfg(max_backoff_s=0.2), clock=fake.clock)
    assert res.ok and fake.slept == [0.2] and paced.hits("/p") == 2


def test_retry_after_http_date_and_backoff_math():
    now = datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Mon, 01 Jan 2024 12:00:30 GMT", now) == 30
    assert parse_retry_after("7", now) == 7
    assert parse_retry_after("soon", now) is None
    assert backoff_delay(0, 1.0, 30, retry_after_s=100) == 30
    delays = [backoff_delay(a, 0.5, 30, rng=lambda: 1.0) for a in range(8)]
    assert delays[:4] == [0.5, 1.0, 2.0, 4.0] and delays[-1] == 30
    assert backoff_delay(3, 0.5, 30, rng=lambda: 0.0) == 2.0  # jitter never below half the step


def test_500_then_200_is_retried(srv):
    srv.route("/p", [Reply(500), Reply(200, body=b"fine")])
    res = fetch_one(srv.url("/p"), cfg())
    assert res.ok and res.body == b"fine" and srv.hits("/p") == 2


def test_500_forever_gives_http_500_after_retries(srv):
    srv.route("/p", Reply(500, body=b"boom"))
    res = fetch_one(srv.url("/p"), cfg(retries=3))
    assert res.error == "http_500" and res.status == 500 and res.body == b"" and not res.ok
    assert srv.hits("/p") == 4


def test_404_is_not_retried(srv):
    res = fetch_one(srv.url("/missing"), cfg())
    assert res.error == "http_404" and srv.hits("/missing") == 1


def test_connect_error_on_closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    res = fetch_one(f"http://127.0.0.1:{port}/", cfg(obey_robots=False))
    assert res.error == "connect_error" and res.status is None and res.error_message


# ----------------------------------------------------------------- conditional GET


def _etag_handler(req: RecordedRequest) -> Reply:
    if req.headers.get("if-none-match") == '"v1"' or req.headers.get("if-modified-since") == "LM":
        return Reply(304, {"ETag": '"v1"'})
    return Reply(200, {"ETag": '"v1"', "Last-Modified": "LM"}, b"<html>fresh</html>")


def test_etag_round_trip_gives_304(srv):
    srv.route("/doc", _etag_handler)
    first = fetch_one(srv.url("/doc"), cfg())
    assert first.ok and first.headers["etag"] == '"v1"'
    second = fetch_one(srv.url("/doc"), cfg(), first.validators)
    assert second.not_modified and not second.ok and second.error is None
    assert second.status == 304 and second.body == b""
    assert srv.requests[-1].headers["if-none-match"] == '"v1"'


def test_last_modified_conditional_get_in_batch(srv):
    srv.route("/doc", _etag_handler)
    srv.route("/other", Reply(200, body=b"x"))
    urls = [srv.url("/doc"), srv.url("/other")]
    res = fetch_many(urls, cfg(), {urls[0]: Validators(last_modified="LM")})
    assert res[0].not_modified and res[1].ok
    doc_req = [r for r in srv.requests if r.path == "/doc"][0]
    assert doc_req.headers["if-modified-since"] == "LM" and "if-none-match" not in doc_req.headers


# ----------------------------------------------------------------- limits


def test_stalled_body_times_out_and_keeps_nothing(srv):
    # The rest of the body is sent only after fetch_one has returned: a fetcher that waited for it
    # would get the whole body a minute later instead of a timeout.
    rest = threading.Event()
    srv.route("/slow", Reply(200, {"Content-Length": "10"}, [b"he", 0.2, b"llo", rest, b"world"]))
    try:
        res = fetch_one(srv.url("/slow"), cfg(timeout_s=1.0, retries=0, obey_robots=False))
    finally:
        rest.set()
    assert res.error == "timeout" and res.body == b"" and srv.hits("/slow") == 1


def test_trickling_body_hits_total_deadline(srv):
    # Every chunk arrives well inside a per-read timeout (0.1 s apart, timeout 0.5 s): only a total
    # deadline stops it; without one the 6 s body would arrive whole.
    srv.route("/trickle", Reply(200, {"Content-Length": "60"}, [p for _ in range(60) for p in (b"x", 0.1)]))
    res = fetch_one(srv.url("/trickle"), cfg(timeout_s=0.5, retries=0))
    assert res.error == "timeout" and res.body == b""


def test_body_over_max_bytes_is_too_large(srv):
    srv.route("/big", Reply(200, body=b"a" * 5000))
    srv.route("/big-stream", Reply(200, body=[b"a" * 1000] * 5))  # no Content-Length
    srv.route("/fits", Reply(200, body=b"a" * 1000))
    res = fetch_many([srv.url("/big"), srv.url("/big-stream"), srv.url("/fits")], cfg(max_bytes=1000))
    assert [r.error for r in res] == ["too_large", "too_large", None]
    assert res[0].body == b"" and len(res[2].body) == 1000


def test_gzip_bomb_is_too_large(srv):
    bomb = gzip.compress(b"\0" * 30_000_000, compresslevel=9)
    assert len(bomb) < 100_000
    srv.route("/bomb", Reply(200, {"Content-Encoding": "gzip"}, bomb))
    res = fetch_one(srv.url("/bomb"), cfg(max_bytes=1_000_000))
    assert res.error == "too_large"


def test_compressed_bodies_are_decoded(srv):
    text = b"<p>hello</p>" * 100
    srv.route("/gz", Reply(200, {"Content-Encoding": "gzip"}, gzip.compress(text)))
    srv.route("/zlib", Reply(200, {"Content-Encoding": "deflate"}, zlib.compress(text)))
    raw = zlib.compressobj(wbits=-15)
    srv.route("/raw", Reply(200, {"Content-Encoding": "deflate"}, raw.compress(text) + raw.flush()))
    srv.route("/bad", Reply(200, {"Content-Encoding": "gzip"}, b"not gzip at all"))
    res = fetch_many([srv.url(p) for p in ("/gz", "/zlib", "/raw", "/bad")], cfg())
    assert [r.body for r in res[:3]] == [text] * 3
    assert res[3].error == "decode_error"


def test_per_host_concurrency_cap(srv):
    # The first requests wait until two are in flight at once, so the cap is reached whatever the
    # machine's speed; a third in flight would show as max 3, a cap of one as a wait and max 1.
    lock, state = threading.Lock(), {"now": 0, "max": 0}
    two_in_flight = threading.Event()

    def slow(_req: RecordedRequest) -> Reply:
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
            if state["now"] == 2:
                two_in_flight.set()
        two_in_flight.wait(10)
        with lock:
            state["now"] -= 1
        return Reply(200, body=b"ok")

    for i in range(6):
        srv.route(f"/c{i}", slow)
    res = fetch_many([srv.url(f"/c{i}") for i in range(6)], cfg(per_host_concurrency=2, concurrency=8))
    assert all(r.ok for r in res) and state["max"] == 2


# ----------------------------------------------------------------- redirects


def test_redirect_301_sets_final_url(srv):
    srv.route("/old", Reply(301, {"Location": "/new"}))
    srv.route("/new", Reply(200, body=b"moved here"))
    res = fetch_one(srv.url("/old"), cfg())
    assert res.ok and res.url == srv.url("/old") and res.final_url == srv.url("/new")
    assert res.body == b"moved here"


def test_redirect_loop_is_too_many_redirects(srv):
    srv.route("/a", Reply(302, {"Location": "/b"}))
    srv.route("/b", Reply(302, {"Location": "/a"}))
    res = fetch_one(srv.url("/a"), cfg(max_redirects=3))
    assert res.error == "too_many_redirects" and res.body == b""
    assert srv.hits("/a") + srv.hits("/b") == 4  # initial request + 3 followed hops


def test_redirect_hops_are_checked_against_robots(srv):
    srv.route("/robots.txt", Reply(200, body=b"User-agent: *\nDisallow: /private\n"))
    srv.route("/go", Reply(302, {"Location": "/private/x"}))
    res = fetch_one(srv.url("/go"), cfg())
    assert res.error == "robots_disallowed" and srv.hits("/private/x") == 0


# ----------------------------------------------------------------- robots.txt


def test_robots_disallow_blocks_without_requesting(srv):
    srv.route("/robots.txt", Reply(200, body=b"User-agent: *\nDisallow: /secret\n"))
    srv.route("/secret/page", Reply(200, body=b"nope"))
    srv.route("/public", Reply(200, body=b"yes"))
    res = fetch_many([srv.url("/secret/page"), srv.url("/public")], cfg())
    assert res[0].error == "robots_disallowed" and res[0].status is None
    assert res[1].ok
    assert srv.hits("/secret/page") == 0 and srv.hits("/robots.txt") == 1


def test_robots_ignored_when_obey_robots_false(srv):
    srv.route("/robots.txt", Reply(200, body=b"User-agent: *\nDisallow: /\n"))
    srv.route("/p", Reply(200, body=b"x"))
    assert fetch_one(srv.url("/p"), cfg(obey_robots=False)).ok
    assert srv.hits("/robots.txt") == 0


def test_robots_404_allows(srv):
    srv.route("/p", Reply(200, body=b"x"))
    assert fetch_one(srv.url("/p"), cfg()).ok
    assert srv.hits("/robots.txt") == 1 and srv.hits("/p") == 1


def test_robots_500_disallows(srv):
    srv.route("/robots.txt", Reply(500))
    srv.route("/p", Reply(200, body=b"x"))
    res = fetch_one(srv.url("/p"), cfg(retries=1))
    assert res.error == "robots_disallowed" and srv.hits("/p") == 0


def test_robots_fetched_once_and_cached_across_batches(srv):
    srv.route("/robots.txt", Reply(200, body=b"User-agent: *\nAllow: /\n"))
    for i in range(3):
        srv.route(f"/p{i}", Reply(200, body=b"x"))
    assert all(r.ok for r in fetch_many([srv.url(f"/p{i}") for i in range(3)], cfg()))
    assert fetch_one(srv.url("/p0"), cfg()).ok
    assert srv.hits("/robots.txt") == 1


def _starts(server: ScriptServer) -> list[float]:
    """Arrival stamps in the order the server saw the requests."""
    return [r.at for r in server.requests]


@pytest.mark.parametrize(("crawl_delay", "cap", "spacing"), [("4", 10.0, 4.0), ("60", 0.2, 0.2)])
def test_crawl_delay_is_honoured_and_capped(paced, fake, crawl_delay, cap, spacing):
    # one request in flight per host, so the server sees the starts in the order they were scheduled
    paced.route("/robots.txt", Reply(200, body=b"User-agent: *\nCrawl-delay: " + crawl_delay.encode() + b"\n"))
    paced.route("/a", Reply(200, body=b"a"))
    paced.route("/b", Reply(200, body=b"b"))
    config = cfg(per_host_delay_s=0.0, per_host_concurrency=1, max_crawl_delay_s=cap)
    assert all(r.ok for r in fetch_many([paced.url("/a"), paced.url("/b")], config, clock=fake.clock))
    assert [r.path for r in paced.requests][0] == "/robots.txt"
    assert _starts(paced) == pytest.approx([0.0, spacing, 2 * spacing])
    assert max(fake.slept) == pytest.approx(spacing)


def test_per_host_delay_spaces_request_starts(paced, fake):
    for i in range(3):
        paced.route(f"/p{i}", Reply(200, body=b"x"))
    urls = [paced.url(f"/p{i}") for i in range(3)]
    config = cfg(per_host_delay_s=0.25, per_host_concurrency=1, obey_robots=False)
    assert all(r.ok for r in fetch_many(urls, config, clock=fake.clock))
    assert _starts(paced) == pytest.approx([0.0, 0.25, 0.5])


def test_per_host_delay_queues_concurrent_starts(paced, fake):
    # two slots: both requests reserve their start under the limiter's lock, one interval apart
    for i in range(2):
        paced.route(f"/p{i}", Reply(200, body=b"x"))
    urls = [paced.url(f"/p{i}") for i in range(2)]
    config = cfg(per_host_delay_s=0.25, per_host_concurrency=2, obey_robots=False)
    assert all(r.ok for r in fetch_many(urls, config, clock=fake.clock))
    assert fake.slept == [0.25] and paced.hits("/p0") == paced.hits("/p1") == 1


def test_robots_parser_semantics():
    robots = parse_robots(
        "# comment\n"
        "User-agent: otherbot\nDisallow: /\n\n"
        "User-agent: WireHouse/2.0\nUser-agent: somebot\n"
        "Disallow: /news\nAllow: /news/public\nDisallow: /*.pdf$\nAllow: /same\nDisallow: /same\n"
        "Crawl-delay: 3\n\n"
        "User-agent: *\nDisallow: /\n"
    )
    rules = robots.for_agent(product_token(FetchConfig().user_agent))
    assert product_token(FetchConfig().user_agent) == "wirehouse"
    assert rules.crawl_delay == 3
    base = "http://h"
    assert not rules.allowed(base + "/news/x")
    assert rules.allowed(base + "/news/public/x")  # longer allow beats shorter disallow
    assert not rules.allowed(base + "/docs/a.pdf") and rules.allowed(base + "/docs/a.pdf?x=1")
    assert rules.allowed(base + "/same")  # equal length: allow wins
    assert rules.allowed(base + "/elsewhere")
    assert not robots.for_agent("unknownbot").allowed(base + "/anything")
    assert robots.for_agent("unknownbot").allowed(base + "/robots.txt")


def test_robots_groups_match_whole_product_tokens():
    robots = parse_robots("\ufeffUser-agent: house\nDisallow: /\n\nUser-agent: *\nDisallow: /private\n")
    rules = robots.for_agent("wirehouse")
    assert rules.allowed("http://h/news") and not rules.allowed("http://h/private/x")  # the '*' group
    assert not robots.for_agent("house").allowed("http://h/news")
    assert RobotsTxt().for_agent("wirehouse").allowed("http://h/anything")


def test_robots_cache_expires_by_the_injected_clock():
    loads: list[str] = []

    def loader(url: str) -> tuple[RobotsTxt | None, bool]:
        loads.append(url)
        return parse_robots("User-agent: *\nDisallow: /x\n"), True

    now = [1000.0]
    book = lambda: RobotsBook("wirehouse/1", loader, ttl_s=60, clock=lambda: now[0])  # noqa: E731
    assert not book().rules_for("http://h/x").allowed("http://h/x")
    now[0] += 59
    book().rules_for("http://h/y")
    assert loads == ["http://h:80/robots.txt"]  # cached across books within the TTL
    now[0] += 2
    book().rules_for("http://h/y")
    assert len(loads) == 2


def test_robots_failures_disallow_for_the_batch_only():
    answers: list[tuple[RobotsTxt | None, bool]] = [(None, False), (parse_robots(""), True)]
    book = RobotsBook("wirehouse/1", lambda url: answers.pop(0))
    first = book.rules_for("http://h/a")
    assert first.disallow_all and not first.allowed("http://h/a") and first.allowed("http://h/robots.txt")
    assert book.rules_for("http://h/b").disallow_all  # same batch: not asked again
    assert RobotsBook("wirehouse/1", lambda url: answers.pop(0)).rules_for("http://h/a").allowed("http://h/a")


# ----------------------------------------------------------------- bounded gunzip


def test_gunzip_bounded_reads_every_member_and_zero_padding():
    data = gzip.compress(b"one ") + gzip.compress(b"two") + b"\0" * 16
    assert gunzip_bounded(data, 100) == b"one two"
    assert gunzip_bounded(b"", 100) == b""


@pytest.mark.parametrize(
    "data",
    [gzip.compress(b"x" * 1000)[:-12], gzip.compress(b"x") + b"garbage", b"\x1f\x8bnot really gzip"],
    ids=["cut-short", "trailing-garbage", "corrupt"],
)
def test_gunzip_bounded_refuses_damaged_files(data: bytes):
    with pytest.raises(DecodeError):
        gunzip_bounded(data, 10_000)


def test_gunzip_bounded_stops_at_the_limit():
    bomb = gzip.compress(b"\0" * 5_000_000, compresslevel=9)
    with pytest.raises(TooLarge):
        gunzip_bounded(bomb, 1000)
    assert gunzip_bounded(gzip.compress(b"a" * 1000), 1000) == b"a" * 1000


def test_http_bodies_are_decoded_leniently_and_chunk_by_chunk():
    text = b"<p>hello</p>" * 50
    body = gzip.compress(text) + b"trailing junk"
    inflater = BoundedInflater("gzip", 10_000)
    for i in range(len(body)):  # one byte at a time: member ends and restarts across chunk edges
        inflater.feed(body[i : i + 1])
    assert inflater.finish() == text
    cut = BoundedInflater("gzip", 10_000)
    cut.feed(gzip.compress(text)[:-8])  # the trailer lost: kept, as a browser would
    assert cut.finish() == text
    with pytest.raises(DecodeError, match="unsupported"):
        BoundedInflater("br", 10)


# ----------------------------------------------------------------- SSRF guard


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://192.168.1.1/",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://127.0.0.1:8080/",
        "http://100.64.0.1/",
        "http://[2002:7f00:1::]/",
        "http://[64:ff9b::a00:1]/",
        "http://[fc00::1]/",
        "https://172.16.0.1/",
    ],
)
def test_check_url_refuses_non_public_literals(url, monkeypatch):
    def no_network(*_a: object, **_k: object):
        raise AssertionError("check_url must not touch the network for IP literals")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    with pytest.raises(BlockedAddress):
        check_url(url, allow_private=False)
    check_url(url, allow_private=True)


def test_check_url_accepts_public_literals_and_rejects_other_schemes(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: pytest.fail("no DNS for literals"))
    check_url("http://93.184.216.34/", allow_private=False)
    check_url("https://[2606:4700::1111]/x", allow_private=False)
    for bad in ("ftp://93.184.216.34/", "file:///etc/passwd", "gopher://93.184.216.34/"):
        with pytest.raises(BlockedAddress):
            check_url(bad, allow_private=True)


def test_check_url_refuses_name_resolving_to_loopback():
    with pytest.raises(BlockedAddress, match="loopback"):
        check_url("http://localhost:8000/", allow_private=False)


def test_check_url_refuses_if_any_resolved_address_is_private():
    resolver = lambda host, port: ["93.184.216.34", "10.1.2.3"]  # noqa: E731
    with pytest.raises(BlockedAddress, match="10.1.2.3"):
        check_url("http://mixed.test/", allow_private=False, resolver=resolver)
    check_url("http://public.test/", allow_private=False, resolver=lambda h, p: ["93.184.216.34"])


def test_fetch_blocks_loopback_unless_allowed(srv):
    srv.route("/p", Reply(200, body=b"x"))
    blocked = fetch_one(srv.url("/p"), cfg(allow_private=False))
    assert blocked.error == "blocked_address" and "loopback" in (blocked.error_message or "")
    assert srv.requests == []
    assert fetch_one(srv.url("/p"), cfg(allow_private=True)).ok


def _deny(addr: str):
    target = ipaddress.ip_address(addr)
    return lambda ip: ip == target


def test_redirect_into_blocked_address_is_refused(srv):
    with ScriptServer(host="127.0.0.2") as inner:
        inner.route("/admin", Reply(200, body=b"secret"))
        srv.route("/r", Reply(302, {"Location": inner.url("/admin")}))
        policy = AddressPolicy(allow_private=True, deny=_deny("127.0.0.2"))
        res = fetch_one(srv.url("/r"), cfg(obey_robots=False), address_policy=policy)
        assert res.error == "blocked_address" and res.final_url == inner.url("/admin")
        assert inner.requests == []
        # Control: the same redirect without the deny predicate does reach the target.
        assert fetch_one(srv.url("/r"), cfg(obey_robots=False)).body == b"secret"


def test_connect_uses_checked_address_against_dns_rebinding(srv):
    srv.route("/p", Reply(200, body=b"pinned"))
    calls: list[str] = []

    def pinned(host: str, port: int) -> list[str]:
        calls.append(host)
        return ["127.0.0.1"]

    policy = AddressPolicy(allow_private=True, resolver=pinned, deny=_deny("127.0.0.2"))
    res = fetch_one(f"http://site.test:{srv.port}/p", cfg(obey_robots=False), address_policy=policy)
    assert res.ok and res.body == b"pinned" and calls == ["site.test", "site.test"]
    assert srv.requests[0].headers["host"] == f"site.test:{srv.port}"

    answers = iter([["127.0.0.1"], ["127.0.0.2"]])  # pre-check sees .1, connect time sees .2
    rebinding = AddressPolicy(allow_private=True, resolver=lambda h, p: next(answers), deny=_deny("127.0.0.2"))
    res = fetch_one(f"http://site.test:{srv.port}/p", cfg(obey_robots=False, retries=0), address_policy=rebinding)
    assert res.error == "blocked_address" and len(srv.requests) == 1


# ----------------------------------------------------------------- batch behaviour


def test_fetch_many_keeps_order_and_never_raises(srv):
    srv.route("/ok", Reply(200, {"Content-Type": "text/plain"}, b"ok"))
    urls = ["not a url", srv.url("/ok"), srv.url("/nope"), "mailto:x@y.z", srv.url("/ok")]
    res = fetch_many(urls, cfg())
    assert [r.url for r in res] == urls
    assert [r.error for r in res] == ["invalid_url", None, "http_404", "invalid_url", None]
    assert res[1].headers["content-type"] == "text/plain"
    assert res[1].fetched_at.tzinfo is not None and res[1].elapsed_s > 0
    assert fetch_many([], cfg()) == []


# ----------------------------------------------------------------- decode_text


def test_decode_text_cp1251_from_header():
    text = "Привет, мир"
    body = text.encode("cp1251")
    assert decode_text(body, {"Content-Type": "text/html; charset=windows-1251"}) == text


def test_decode_text_utf16_bom():
    text = "<rss>Grüße 日本</rss>"
    assert decode_text(text.encode("utf-16"), {}) == text
    assert decode_text(text.encode("utf-16"), {"content-type": "text/xml; charset=iso-8859-1"}) == text


def test_decode_text_utf8_without_declaration():
    text = "Zürich café — naïve 東京"
    assert decode_text(text.encode("utf-8"), {}) == text


def test_decode_text_in_document_declarations():
    xml = '<?xml version="1.0" encoding="ISO-8859-15"?><rss>€uro</rss>'
    assert decode_text(xml.encode("iso-8859-15"), {}) == xml
    html = '<html><head><meta charset="koi8-r"></head><body>Новости</body></html>'
    assert decode_text(html.encode("koi8-r"), {"Content-Type": "text/html"}) == html
