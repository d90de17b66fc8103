"""Sources that recover and sitemaps that change below an unchanged index, over loopback HTTP into a real lake.

A discovery failure is resolved (kept as history) when a later run reads the same source; an index answering
304 Not Modified still has its known children asked for with their own validators.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from acquisition.fetching import FetchConfig
from acquisition.sources import discover_sitemap
from tests.hostile_cases import sitemap_index, urlset
from tests.http_script_server import RecordedRequest, Reply, ScriptServer
from warehouse import state
from warehouse.lake import connect, open_writer
from warehouse.queries import get_query, run_query

CONFIG = FetchConfig(allow_private=True, timeout_s=5.0, retries=0, per_host_delay_s=0.0)
FETCH_OPTIONS = {"timeout_s": 5.0, "retries": 0, "per_host_delay_s": 0.0}
NO_ARTICLE = Reply(200, {"Content-Type": "text/html"}, b"<html><body><p>-</p></body></html>")


def _rss(base: str) -> bytes:
    item = f"<item><title>one</title><link>{base}/news/one</link><guid>one</guid></item>"
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>wire</title>{item}</channel></rss>'.encode()


class Document:
    """One document whose body (and ETag) a test can change; answers 304 to a request carrying its ETag."""

    def __init__(self, body: bytes, content_type: str = "application/xml") -> None:
        self.version, self.body, self.content_type = 1, body, content_type
        self.conditional: list[bool] = []  # per request: did it carry a validator

    def change(self, body: bytes) -> None:
        self.version, self.body = self.version + 1, body

    @property
    def etag(self) -> str:
        return f'"v{self.version}"'

    def __call__(self, request: RecordedRequest) -> Reply:
        sent = request.headers.get("if-none-match")
        self.conditional.append(sent is not None)
        if sent == self.etag:
            return Reply(304, {"ETag": self.etag})
        return Reply(200, {"Content-Type": self.content_type, "ETag": self.etag}, self.body)


def test_an_index_answering_304_still_has_its_changed_children_walked():
    with ScriptServer() as srv:
        index = Document(sitemap_index(srv.base, ["/sm/a.xml", "/sm/b.xml"]))
        child_a = Document(urlset(srv.base, ["/news/a1"]))
        child_b = Document(urlset(srv.base, ["/news/b1"]))
        for path, doc in (("/sm/index.xml", index), ("/sm/a.xml", child_a), ("/sm/b.xml", child_b)):
            srv.route(path, doc)
        url = srv.url("/sm/index.xml")

        first = discover_sitemap(url, CONFIG, {}, {})
        assert sorted(i.url for i in first.items) == [srv.url("/news/a1"), srv.url("/news/b1")]
        assert first.children == {url: [srv.url("/sm/a.xml"), srv.url("/sm/b.xml")], srv.url("/sm/a.xml"): [],
                                  srv.url("/sm/b.xml"): []}  # fmt: skip

        child_a.change(urlset(srv.base, ["/news/a1", "/news/a2"]))
        second = discover_sitemap(url, CONFIG, first.validators, first.children)
        assert index.conditional[-1] and srv.hits("/sm/index.xml") == 2  # the index answered 304 ...
        assert [i.url for i in second.items] == [srv.url("/news/a1"), srv.url("/news/a2")]  # ... a's items came
        assert all(i.source.location == url for i in second.items)
        assert child_b.conditional == [False, True] and srv.hits("/sm/b.xml") == 2  # b answered 304
        assert second.children == first.children and second.failed == {}

        third = discover_sitemap(url, CONFIG, second.validators, second.children)
        assert third.items == [] and all(d.conditional[-1] for d in (index, child_a, child_b))


def test_a_sitemap_whose_children_are_unknown_is_read_in_full_once():
    """Validators stored before children were recorded: the index is asked for without them, once."""
    with ScriptServer() as srv:
        index = Document(sitemap_index(srv.base, ["/sm/a.xml"]))
        child = Document(urlset(srv.base, ["/news/a1"]))
        srv.route("/sm/index.xml", index)
        srv.route("/sm/a.xml", child)
        url = srv.url("/sm/index.xml")
        first = discover_sitemap(url, CONFIG)
        second = discover_sitemap(url, CONFIG, first.validators, {})
        assert index.conditional == [False, False] and [i.url for i in second.items] == [srv.url("/news/a1")]
        third = discover_sitemap(url, CONFIG, second.validators, second.children)
        assert index.conditional[-1] and child.conditional[-1] and third.items == []


def test_a_child_that_answers_but_cannot_be_parsed_keeps_no_validators():
    with ScriptServer() as srv:
        index = Document(sitemap_index(srv.base, ["/sm/bad.xml"]))
        bad = Document(b"<urlset><url><loc>")
        srv.route("/sm/index.xml", index)
        srv.route("/sm/bad.xml", bad)
        url = srv.url("/sm/index.xml")
        first = discover_sitemap(url, CONFIG, {}, {})
        assert {u: e.error_class for u, e in first.failed.items()} == {srv.url("/sm/bad.xml"): "bad_sitemap"}
        assert srv.url("/sm/bad.xml") not in first.validators and srv.url("/sm/bad.xml") not in first.read
        bad.change(urlset(srv.base, ["/news/fixed"]))
        second = discover_sitemap(url, CONFIG, first.validators, first.children)
        assert index.conditional[-1] and bad.conditional == [False, False]
        assert [i.url for i in second.items] == [srv.url("/news/fixed")] and srv.url("/sm/bad.xml") in second.read


def _ingest(home, **sources) -> dict:
    from flows.ingest import ingest_flow

    return ingest_flow(home=str(home.root), allow_private=True, fetch_options=FETCH_OPTIONS, **sources)


def _quarantine(home) -> list[tuple]:
    con = connect(home, read_only=True)
    try:
        return con.execute(
            "SELECT stage, url, error_class, resolved_at IS NOT NULL, resolved_by_run, run_id FROM quarantine "
            "ORDER BY created_at, url"
        ).fetchall()
    finally:
        con.close()


def _flaky(replies: list[Callable[[], Reply]]) -> Callable[[RecordedRequest], Reply]:
    """Answers with the next reply maker per request, the last one repeating."""
    state_ = {"n": 0}

    def handler(_request: RecordedRequest) -> Reply:
        n = min(state_["n"], len(replies) - 1)
        state_["n"] += 1
        return replies[n]()

    return handler


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_server")
def test_a_feed_that_recovers_resolves_its_quarantine_row_and_keeps_it(home):
    broken = lambda: Reply(200, {"Content-Type": "application/rss+xml"}, b"not a feed at all")  # noqa: E731
    with ScriptServer() as srv:
        good = lambda: Reply(200, {"Content-Type": "application/rss+xml"}, _rss(srv.base))  # noqa: E731
        srv.route("/news/one", NO_ARTICLE)  # delivered, then quarantined by extraction
        srv.route("/feed.xml", _flaky([broken, good, broken]))
        srv.route("/down.xml", Reply(503))
        feeds = [srv.url("/feed.xml"), srv.url("/down.xml")]

        failed = _ingest(home, feeds=feeds)
        rows = _quarantine(home)
        assert [(s, u, e, r) for s, u, e, r, _, _ in rows] == [
            ("discover", srv.url("/feed.xml"), "bad_feed", False),
            ("discover", srv.url("/down.xml"), "http_503", False),
        ]
        assert failed["quarantined"] == 2

        recovered = _ingest(home, feeds=feeds)
        rows = [r for r in _quarantine(home) if r[0] == "discover"]
        assert len(rows) == 2  # history kept: the row is resolved, not deleted
        feed_row = next(r for r in rows if r[1] == srv.url("/feed.xml"))
        down_row = next(r for r in rows if r[1] == srv.url("/down.xml"))
        assert feed_row[3] and feed_row[4] == recovered["run_id"] and feed_row[5] == failed["run_id"]
        assert not down_row[3] and down_row[4] is None  # still failing: still open
        assert recovered["quarantine_resolved"] == 1 and recovered["quarantined"] == 1  # no_main_text, a new row

        with open_writer(home) as con:
            assert [r["url"] for r in state.quarantined(con, "discover")] == [srv.url("/down.xml")]
            summary = run_query(con, get_query("quarantine_summary"), {}).fetchall()
            with_history = run_query(con, get_query("quarantine_summary"), {"include_resolved": "true"}).fetchall()
        assert [(s, e, n, r) for s, e, n, r, *_ in summary if s == "discover"] == [("discover", "http_503", 1, 0)]
        history = sorted((e, n, r) for s, e, n, r, *_ in with_history if s == "discover")
        assert history == [("bad_feed", 1, 1), ("http_503", 1, 0)]

        again = _ingest(home, feeds=feeds)  # the same failure comes back: a new open row beside the resolved one
        rows = [r for r in _quarantine(home) if r[0] == "discover"]
        feed_rows = [(e, r, run) for _, u, e, r, _, run in rows if u == srv.url("/feed.xml")]
        assert feed_rows == [("bad_feed", True, failed["run_id"]), ("bad_feed", False, again["run_id"])]
        assert again["quarantined"] == 1 and again["quarantine_resolved"] == 0


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_server")
def test_ingest_walks_the_children_of_an_unchanged_index_and_resolves_a_recovered_child(home):
    with ScriptServer() as srv:
        index = Document(sitemap_index(srv.base, ["/sm/a.xml", "/sm/b.xml", "/sm/c.xml"]))
        child_a = Document(urlset(srv.base, ["/news/a1"]))
        child_b = Document(urlset(srv.base, ["/news/b1"]))
        for path, doc in (("/sm/index.xml", index), ("/sm/a.xml", child_a), ("/sm/b.xml", child_b)):
            srv.route(path, doc)
        srv.route("/sm/c.xml", Reply(500))  # a child that fails on the first run
        for page in ("a1", "a2", "b1", "c1"):  # pages with no article: delivered, then quarantined by extraction
            srv.route(f"/news/{page}", NO_ARTICLE)
        sitemaps = [srv.url("/sm/index.xml")]

        first = _ingest(home, sitemaps=sitemaps)
        assert first["discovered"] == 2
        discover_rows = [r for r in _quarantine(home) if r[0] == "discover"]
        assert [(u, resolved) for _, u, _, resolved, _, _ in discover_rows] == [(srv.url("/sm/c.xml"), False)]
        con = connect(home, read_only=True)
        children = state.sitemap_children(con)
        con.close()
        assert children[srv.url("/sm/index.xml")] == [srv.url(f"/sm/{c}.xml") for c in "abc"]
        assert children[srv.url("/sm/a.xml")] == [] and srv.url("/sm/c.xml") not in children

        child_a.change(urlset(srv.base, ["/news/a1", "/news/a2"]))
        srv.route("/sm/c.xml", Document(urlset(srv.base, ["/news/c1"])))
        second = _ingest(home, sitemaps=sitemaps)
        assert index.conditional[-1] and srv.hits("/sm/index.xml") == 2  # the index answered 304
        assert child_b.conditional[-1] and srv.hits("/sm/b.xml") == 2  # unchanged child: 304
        assert srv.hits("/news/a2") == 1 and srv.hits("/news/c1") == 1 and srv.hits("/news/b1") == 1
        assert second["discovered"] == 2 and second["quarantine_resolved"] == 1
        discover_rows = [r for r in _quarantine(home) if r[0] == "discover"]
        expected = [(srv.url("/sm/c.xml"), True, second["run_id"])]
        assert [(u, resolved, by) for _, u, _, resolved, by, _ in discover_rows] == expected
