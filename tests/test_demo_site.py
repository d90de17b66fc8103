"""The embedded demo news site: served over real loopback HTTP, parsed the way the pipeline parses it."""

from __future__ import annotations

import re
import textwrap
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import feedparser
import httpx
import pytest
import trafilatura

from flows.demo_site import DemoArticle, DemoSite, load_articles
from flows.demo_site.templates import OUTLETS, outlet_for

SITEMAP_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}

# Terms that identify each covered event; every article must match exactly one event.
EVENT_TERMS: dict[str, tuple[str, ...]] = {
    "dprk-troops": ("North Korea", "Kursk", "DPRK"),
    "rotterdam-strike": ("Havenbond", "dockworkers", "dockers"),
    "bavaria-floods": ("Bavaria", "Danube"),
    "energy-compact": ("Atlantic Clean Energy Compact", "clean energy", "offshore wind"),
    "lagos-rail": ("Lagos", "Blue Line"),
}


def _full_text(article: DemoArticle) -> str:
    return "\n".join((article.title, article.summary, *article.paragraphs))


def _events(article: DemoArticle) -> set[str]:
    text = _full_text(article)
    return {event for event, terms in EVENT_TERMS.items() if any(term in text for term in terms)}


@pytest.fixture(scope="module")
def articles() -> list[DemoArticle]:
    return load_articles()


@pytest.fixture(scope="module")
def site() -> Iterator[DemoSite]:
    with DemoSite() as running:
        yield running


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10, trust_env=False) as http:
        yield http


# -- the article data ----------------------------------------------------------------------


def test_article_data_shape(articles: list[DemoArticle]) -> None:
    assert 18 <= len(articles) <= 22
    assert {a.outlet for a in articles} == set(OUTLETS)
    assert len({a.path for a in articles}) == len(articles)
    for a in articles:
        words = len(" ".join(a.paragraphs).split())
        assert 150 <= words <= 600, (a.slug, words)
        assert a.published.tzinfo is not None
        assert (a.published.year, a.published.month) in {(2024, 10), (2024, 11)}
        assert a.path == f"/{a.outlet}/{a.published:%Y/%m/%d}/{a.slug}.html"


def test_every_outlet_covers_at_least_three_events(articles: list[DemoArticle]) -> None:
    covered: dict[str, set[str]] = defaultdict(set)
    for a in articles:
        events = _events(a)
        assert len(events) == 1, (a.slug, events)
        covered[a.outlet] |= events
    assert set(covered) == set(OUTLETS)
    for outlet, events in covered.items():
        assert len(events) >= 3, (outlet, events)
    assert set().union(*covered.values()) == set(EVENT_TERMS)


def test_outlets_conflict_on_figures(articles: list[DemoArticle]) -> None:
    """Same event, different numbers: the claims layer needs real disagreements to find."""
    troops: dict[str, set[str]] = defaultdict(set)
    for a in articles:
        if _events(a) == {"dprk-troops"}:
            first = re.search(r"(\d{1,3}(?:,\d{3})+) (?:North Korean )?(?:troops|soldiers)", _full_text(a))
            assert first, a.slug
            troops[first.group(1)].add(a.outlet)
    assert len(troops) >= 3, troops
    assert {"10,000", "11,000", "12,000"} <= set(troops)

    by_event_outlet = defaultdict(str)
    for a in articles:
        (event,) = _events(a)
        by_event_outlet[(event, a.outlet)] += _full_text(a)
    conflicting = {
        "bavaria-floods": {"harbour-ledger": "At least 14 people", "meridian-daily": "at least 17 people"},
        "energy-compact": {
            "harbour-ledger": "£30 billion",
            "meridian-daily": "$40 billion",
            "northgate-post": "$38 billion",
        },
        "rotterdam-strike": {"harbour-ledger": "two dozen ships", "capital-wire": "31 vessels"},
        "lagos-rail": {"meridian-daily": "$1.2 billion", "northgate-post": "$900 million"},
    }
    for event, claims in conflicting.items():
        for outlet, phrase in claims.items():
            assert phrase in by_event_outlet[(event, outlet)], (event, outlet, phrase)


def test_dprk_article_uses_every_name_form(articles: list[DemoArticle]) -> None:
    (article,) = [a for a in articles if a.slug == "pentagon-north-korean-troops-russia"]
    text = _full_text(article)
    for name in ("Democratic People's Republic of Korea", "North Korea ", "DPRK", "North Korean "):
        assert name in text, name
    assert text.count("Sabrina Singh") == 1 and "Deputy Pentagon Press Secretary Sabrina Singh" in text
    assert "Singh said" in text and "the Pentagon" in text.replace("The Pentagon", "the Pentagon")
    assert "NATO Secretary-General Mark Rutte" in text and "Rutte told" in text
    assert "Kursk region" in text


# -- feeds and sitemaps --------------------------------------------------------------------


def test_feeds_list_every_article(site: DemoSite, client: httpx.Client, articles: list[DemoArticle]) -> None:
    seen: set[str] = set()
    assert len(site.feed_urls()) == len(OUTLETS)
    for url in site.feed_urls():
        response = client.get(url)
        assert response.status_code == 200
        expected_type = "application/atom+xml" if url.endswith("atom.xml") else "application/rss+xml"
        assert response.headers["content-type"].startswith(expected_type)
        feed = feedparser.parse(response.content)
        assert not feed.bozo, feed.get("bozo_exception")
        outlet = url.removeprefix(site.base_url).split("/")[1]
        links = {entry.link for entry in feed.entries}
        assert links == {site.base_url + a.path for a in articles if a.outlet == outlet}
        assert all(entry.get("published_parsed") for entry in feed.entries)
        seen |= links
    assert seen == set(site.article_urls())
    assert any(u.endswith("/meridian-daily/atom.xml") for u in site.feed_urls())


def test_index_advertises_feeds(site: DemoSite, client: httpx.Client) -> None:
    html = client.get(site.base_url + "/").text
    for url in site.feed_urls():
        assert f'href="{url}"' in html
    robots = client.get(site.base_url + "/robots.txt").text
    assert "Allow: /" in robots
    for url in [site.base_url + "/sitemap.xml", *site.sitemap_urls()]:
        assert f"Sitemap: {url}" in robots


def test_sitemaps_list_every_article(site: DemoSite, client: httpx.Client) -> None:
    index = ET.fromstring(client.get(site.base_url + "/sitemap.xml").content)
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    assert [loc.text for loc in index.findall("sm:sitemap/sm:loc", SITEMAP_NS)] == site.sitemap_urls()
    listed: set[str] = set()
    for url in site.sitemap_urls():
        response = client.get(url)
        assert response.headers["content-type"].startswith("application/xml")
        root = ET.fromstring(response.content)
        for node in root.findall("sm:url", SITEMAP_NS):
            listed.add(node.findtext("sm:loc", namespaces=SITEMAP_NS) or "")
            assert node.findtext("sm:lastmod", namespaces=SITEMAP_NS)
            assert node.findtext("news:news/news:publication_date", namespaces=SITEMAP_NS)
            assert node.findtext("news:news/news:title", namespaces=SITEMAP_NS)
    assert listed == set(site.article_urls())


# -- article pages -------------------------------------------------------------------------


def test_article_pages_extract_cleanly(site: DemoSite, client: httpx.Client, articles: list[DemoArticle]) -> None:
    """trafilatura keeps the whole body and none of the page chrome, for every outlet layout."""
    for a in articles:
        url = site.base_url + a.path
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        html = response.text
        assert '<html lang="en">' in html and f'<link rel="canonical" href="{url}">' in html
        assert 'property="article:published_time"' in html and 'name="author"' in html
        text = trafilatura.extract(html, url=url) or ""
        assert a.paragraphs[0] in text, url
        assert a.paragraphs[-1] in text, url
        other_titles = [o.title for o in articles if o.outlet == a.outlet and o.path != a.path]
        assert any(title in html for title in other_titles)  # the Most Read list is on the page...
        for junk in (*outlet_for(a.outlet).boilerplate(), *other_titles):
            assert junk not in text, (url, junk)  # ...but not in the extracted text


def test_dprk_page_text_has_all_names(site: DemoSite, client: httpx.Client, articles: list[DemoArticle]) -> None:
    (article,) = [a for a in articles if a.slug == "pentagon-north-korean-troops-russia"]
    url = site.base_url + article.path
    text = trafilatura.extract(client.get(url).text, url=url) or ""
    for name in ("Democratic People's Republic of Korea", "North Korea", "DPRK", "North Korean"):
        assert name in text, name


def test_outlet_layouts_differ(site: DemoSite, client: httpx.Client, articles: list[DemoArticle]) -> None:
    pages = {a.outlet: client.get(site.base_url + a.path).text for a in articles}
    assert '<div class="story-body">' in pages["northgate-post"] and "<article" not in pages["northgate-post"]
    for outlet in ("harbour-ledger", "meridian-daily", "capital-wire"):
        assert "<article" in pages[outlet]


# -- HTTP behaviour ------------------------------------------------------------------------


def test_conditional_requests_and_404(site: DemoSite, client: httpx.Client) -> None:
    url = site.article_urls()[0]
    first = client.get(url)
    etag, last_modified = first.headers["etag"], first.headers["last-modified"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    feed = site.feed_urls()[0]
    assert client.get(feed, headers={"If-None-Match": client.get(feed).headers["etag"]}).status_code == 304
    assert client.get(site.base_url + "/no/such/page.html").status_code == 404
    assert client.get(site.base_url + "/harbour-ledger/2024/10/28/missing.html").status_code == 404
    assert client.head(url).status_code == 200


def test_extra_dir_article_appears_in_feed(tmp_path: Path, client: httpx.Client) -> None:
    paragraphs = [
        "A ferry operator in the Orkney Islands said on Friday it would add a winter sailing.",
        "The company said demand had risen sharply, and that the new route could start next week.",
    ]
    with DemoSite(extra_dir=tmp_path) as site:
        feed_url = site.base_url + "/harbour-ledger/rss.xml"
        before = client.get(feed_url)
        (tmp_path / "ferry.md").write_text(
            textwrap.dedent(
                """\
                ---
                title: Orkney ferry adds a winter sailing
                author: Test Writer
                published: 2024-11-15T09:00:00+00:00
                outlet: harbour-ledger
                slug: orkney-ferry-winter-sailing
                summary: A test article added at runtime.
                ---

                """
            )
            + "\n\n".join(paragraphs)
            + "\n",
            encoding="utf-8",
        )
        after = client.get(feed_url, headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200
        links = [entry.link for entry in feedparser.parse(after.content).entries]
        new_url = site.base_url + "/harbour-ledger/2024/11/15/orkney-ferry-winter-sailing.html"
        assert new_url in links and new_url in site.article_urls()
        page = client.get(new_url)
        assert page.status_code == 200
        text = trafilatura.extract(page.text, url=new_url) or ""
        assert paragraphs[0] in text and paragraphs[-1] in text
