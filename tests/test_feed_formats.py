"""Feeds and sitemaps as real servers send them, over loopback HTTP: one bad item never drops its siblings."""

from __future__ import annotations

import gzip
import json

import pytest

from acquisition.fetching import FetchConfig
from acquisition.sources import DiscoveryFailed, discover_feed, discover_sitemap
from tests.http_script_server import Reply, ScriptServer

CONFIG = FetchConfig(allow_private=True, timeout_s=5.0, retries=0, per_host_delay_s=0.0)


def _rss(base: str, links: list[str]) -> bytes:
    items = "".join(
        f"<item><title>{n}</title><link>{link}</link><guid>g{n}</guid></item>" for n, link in enumerate(links)
    )
    channel = f"<title>t</title><link>{base}/</link>{items}"
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{channel}</channel></rss>'.encode()


@pytest.fixture()
def srv():
    with ScriptServer() as server:
        yield server


def test_json_feed_items_are_read_and_a_bad_item_costs_only_itself(srv):
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Wire",
        "feed_url": srv.url("/feed.json"),
        "items": [
            {"id": "1", "url": srv.url("/a"), "date_published": "2024-11-04T10:00:00Z"},
            "not an item",
            {"id": "3"},
            {"id": "4", "url": ["not", "a", "string"]},
            {"id": 5, "url": "/relative/b", "date_modified": "not a date"},
            {"id": "6", "external_url": srv.url("/c")},
        ],
    }
    srv.route("/feed.json", Reply(200, {"Content-Type": "application/feed+json"}, json.dumps(feed).encode()))
    found = discover_feed(srv.url("/feed.json"), CONFIG)
    assert [(i.url, i.source_ref) for i in found.items] == [
        (srv.url("/a"), "1"),
        (srv.url("/relative/b"), "5"),
        (srv.url("/c"), "6"),
    ]
    assert found.items[0].published_hint.isoformat() == "2024-11-04T10:00:00+00:00"


def test_json_that_is_no_feed_is_bad_feed(srv):
    srv.route("/nofeed.json", Reply(200, {"Content-Type": "application/json"}, b'{"articles": [1, 2]}'))
    srv.route("/broken.json", Reply(200, {"Content-Type": "application/json"}, b'{"items": [1, 2'))
    for path in ("/nofeed.json", "/broken.json"):
        with pytest.raises(DiscoveryFailed) as failed:
            discover_feed(srv.url(path), CONFIG)
        assert failed.value.error_class == "bad_feed"


def test_a_gzipped_feed_without_content_encoding_is_read(srv):
    body = gzip.compress(_rss(srv.base, [srv.url("/a"), srv.url("/b")]))
    srv.route("/feed.xml.gz", Reply(200, {"Content-Type": "application/octet-stream"}, body))
    found = discover_feed(srv.url("/feed.xml.gz"), CONFIG)
    assert [i.url for i in found.items] == [srv.url("/a"), srv.url("/b")]


def test_relative_atom_links_resolve_against_xml_base_and_the_feed_url(srv):
    atom = (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>f</id>'
        b'<entry xml:base="/news/2024/"><id>1</id><title>a</title><link href="story.html"/></entry>'
        b'<entry><id>2</id><title>b</title><link href="/top.html"/></entry>'
        b'<entry><id>3</id><title>c</title><link href="sibling.html"/></entry>'
        b"</feed>"
    )
    srv.route("/feeds/atom.xml", Reply(200, {"Content-Type": "application/atom+xml"}, atom))
    found = discover_feed(srv.url("/feeds/atom.xml"), CONFIG)
    assert [i.url for i in found.items] == [
        srv.url("/news/2024/story.html"),
        srv.url("/top.html"),
        srv.url("/feeds/sibling.html"),
    ]


def test_plain_text_sitemaps_plain_and_gzipped(srv):
    text = f"{srv.url('/a')}\n\n{srv.url('/b')}\r\nnot a url\n{srv.url('/c')}\n".encode()
    srv.route("/sitemap.txt", Reply(200, {"Content-Type": "text/plain"}, text))
    srv.route("/sitemap.txt.gz", Reply(200, {"Content-Type": "application/gzip"}, gzip.compress(text)))
    for path in ("/sitemap.txt", "/sitemap.txt.gz"):
        found = discover_sitemap(srv.url(path), CONFIG)
        # the bad line is an item of its own (quarantined as invalid_url when fetched); its siblings stay
        assert [i.url for i in found.items] == [srv.url("/a"), srv.url("/b"), "not a url", srv.url("/c")], path


def test_text_that_lists_no_urls_is_bad_sitemap(srv):
    srv.route("/noise.txt", Reply(200, {"Content-Type": "text/plain"}, b"hello\nworld\n"))
    with pytest.raises(DiscoveryFailed) as failed:
        discover_sitemap(srv.url("/noise.txt"), CONFIG)
    assert failed.value.error_class == "bad_sitemap"


def test_rss_and_atom_given_as_sitemaps(srv):
    srv.route("/rss-sitemap.xml", Reply(200, {"Content-Type": "application/rss+xml"}, _rss(srv.base, ["/x", "/y"])))
    found = discover_sitemap(srv.url("/rss-sitemap.xml"), CONFIG)
    assert [i.url for i in found.items] == [srv.url("/x"), srv.url("/y")]
    assert {i.source.location for i in found.items} == {srv.url("/rss-sitemap.xml")}


def test_a_sitemap_entry_without_loc_costs_only_itself(srv):
    urlset = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{srv.url('/a')}</loc></url><url><lastmod>2024-11-04</lastmod></url>"
        f"<url><loc>{srv.url('/b')}</loc><lastmod>yesterday</lastmod></url></urlset>"
    ).encode()
    srv.route("/sm.xml", Reply(200, {"Content-Type": "application/xml"}, urlset))
    found = discover_sitemap(srv.url("/sm.xml"), CONFIG)
    assert [i.url for i in found.items] == [srv.url("/a"), srv.url("/b")]
