"""The embedded demo site (demo_site) and how wirehouse ingests it: discovery, robots.txt, conditional
fetching and extraction run with our own code over real loopback HTTP, without Prefect (the full flow on the demo
is tests/test_ingest_flow.py)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from acquisition.fetching import FetchConfig, fetch_one
from acquisition.fetching.robots import parse_robots, product_token
from acquisition.records import Item, Page, Source
from acquisition.sources import Discovery, discover_feed, discover_sitemap
from demo_site import DemoArticle, DemoSite, load_articles
from demo_site.content import article_path
from demo_site.templates import OUTLETS, outlet_for
from flows.stages import extract_pages
from flows.tasks import fetch_task

CONFIG = FetchConfig(allow_private=True, per_host_delay_s=0.0, per_host_concurrency=4, timeout_s=10.0, retries=0)


@pytest.fixture(scope="module")
def site() -> Iterator[DemoSite]:
    with DemoSite() as running:
        yield running


@pytest.fixture(scope="module")
def articles() -> list[DemoArticle]:
    return load_articles()


def _fetch(items: list[Item], validators: dict[str, tuple[str | None, str | None]] | None = None) -> list[Page]:
    """The ingest flow's fetch step, run as a plain function."""
    return fetch_task.fn(items, CONFIG, validators or {}, 0)


@pytest.fixture(scope="module")
def feeds(site: DemoSite) -> dict[str, Discovery]:
    return {url: discover_feed(url, CONFIG) for url in site.feed_urls()}


@pytest.fixture(scope="module")
def pages(site: DemoSite, feeds: dict[str, Discovery]) -> list[Page]:
    return _fetch([item for found in feeds.values() for item in found.items])


# -- the article files ---------------------------------------------------------------------


def test_article_files_load_into_dated_paths(articles: list[DemoArticle]) -> None:
    assert {a.outlet for a in articles} == set(OUTLETS)
    assert len({a.path for a in articles}) == len(articles)
    for a in articles:
        assert a.published.tzinfo is not None and a.paragraphs
        assert a.path == article_path(a.outlet, a.slug, a.published)
        assert a.path == f"/{a.outlet}/{a.published:%Y/%m/%d}/{a.slug}.html"


# -- discovery -----------------------------------------------------------------------------


def test_every_feed_leads_discovery_to_its_outlets_articles(
    site: DemoSite, feeds: dict[str, Discovery], articles: list[DemoArticle]
) -> None:
    assert {url.rsplit("/", 1)[-1] for url in feeds} == {"rss.xml", "atom.xml"}  # both feed formats are served
    published = {site.base_url + a.path: a.published for a in articles}
    for url, found in feeds.items():
        outlet = url.removeprefix(site.base_url).split("/")[1]
        assert not found.not_modified and url in found.validators
        assert {i.url for i in found.items} == {site.base_url + a.path for a in articles if a.outlet == outlet}
        assert all(i.source == Source("feed", url) for i in found.items)
        assert {i.url: i.published_hint for i in found.items} == {i.url: published[i.url] for i in found.items}


def test_the_sitemap_index_leads_discovery_to_every_article(site: DemoSite, articles: list[DemoArticle]) -> None:
    index = site.base_url + "/sitemap.xml"
    found = discover_sitemap(index, CONFIG)
    assert found.failed == {} and found.children[index] == site.sitemap_urls()
    assert sorted(i.url for i in found.items) == sorted(site.article_urls())
    assert {i.url: i.published_hint for i in found.items} == {site.base_url + a.path: a.published for a in articles}


def test_unchanged_feeds_and_sitemaps_answer_304_to_our_validators(site: DemoSite, feeds: dict[str, Discovery]):
    for url, first in feeds.items():
        again = discover_feed(url, CONFIG, first.validators)
        assert again.not_modified and again.items == [], url
    index = site.base_url + "/sitemap.xml"
    first_walk = discover_sitemap(index, CONFIG)
    second_walk = discover_sitemap(index, CONFIG, first_walk.validators, first_walk.children)
    assert second_walk.items == [] and set(second_walk.read) == set(first_walk.read)


def test_robots_txt_lets_our_crawler_in_and_names_every_sitemap(site: DemoSite) -> None:
    robots = parse_robots(httpx.get(site.base_url + "/robots.txt", trust_env=False).text)
    rules = robots.for_agent(product_token(CONFIG.user_agent))
    assert all(rules.allowed(url) for url in [*site.article_urls(), *site.feed_urls()])
    assert rules.crawl_delay is None
    assert robots.sitemaps == (site.base_url + "/sitemap.xml", *site.sitemap_urls())


# -- fetching and extraction ---------------------------------------------------------------


def test_every_page_becomes_one_article_with_its_metadata(
    site: DemoSite, pages: list[Page], articles: list[DemoArticle]
) -> None:
    assert [p.error_class for p in pages if p.failed] == []
    rows = extract_pages(pages)
    assert rows["quarantine"] == [] and len(rows["raw_pages"]) == len(articles)
    by_url = {row["url"]: row for row in rows["article_versions"]}
    assert set(by_url) == set(site.article_urls())
    for a in articles:
        url = site.base_url + a.path
        row = by_url[url]
        assert (row["title"], row["author"], row["canonical_url"]) == (a.title, a.author, url)
        assert row["published_at"] == a.published and row["language"] == "en"
        assert row["source_kind"] == "feed" and row["raw_sha256"] in {r["raw_sha256"] for r in rows["raw_pages"]}


def test_article_text_keeps_the_story_and_drops_each_layouts_chrome(
    site: DemoSite, pages: list[Page], articles: list[DemoArticle]
) -> None:
    text = {row["url"]: row["text"] for row in extract_pages(pages)["article_versions"]}
    body = {p.url: p.body.decode() for p in pages}
    layouts = set()
    for a in articles:
        url = site.base_url + a.path
        assert all(paragraph in text[url] for paragraph in a.paragraphs), url
        other_titles = [o.title for o in articles if o.outlet == a.outlet and o.path != a.path]
        assert any(title in body[url] for title in other_titles)  # the page lists other stories...
        for junk in (*outlet_for(a.outlet).boilerplate(), *other_titles):
            assert junk not in text[url], (url, junk)  # ...that never reach the article text
        layouts.add(("<article" in body[url], '<div class="story-body">' in body[url]))
    assert len(layouts) >= 2  # the outlets do not share one page layout


def test_a_refetch_with_stored_validators_is_unchanged(site: DemoSite, pages: list[Page], feeds) -> None:
    validators = {p.url: (p.etag, p.last_modified) for p in pages}
    assert all(etag for etag, _ in validators.values())
    items = [item for found in feeds.values() for item in found.items]
    again = _fetch(items, validators)
    assert all(p.not_modified for p in again)
    rows = extract_pages(again)
    assert len(rows["unchanged"]) == len(items) and rows["article_versions"] == rows["raw_pages"] == []
    # the same bytes fetched without validators are recognised by their hash and not stored twice
    known = frozenset(p.body_sha256 for p in pages)
    assert extract_pages(pages, known)["raw_pages"] == []


def test_a_new_article_file_is_discovered_fetched_and_extracted(tmp_path: Path) -> None:
    paragraphs = [
        "A ferry operator in the Orkney Islands said on Friday it would add a winter sailing.",
        "The company said demand had risen sharply, and that the new route could start next week.",
    ]
    with DemoSite(extra_dir=tmp_path) as site:
        feed_url = site.base_url + "/harbour-ledger/rss.xml"
        before = discover_feed(feed_url, CONFIG)
        front_matter = """\
            ---
            title: Orkney ferry adds a winter sailing
            author: Test Writer
            published: 2024-11-15T09:00:00+00:00
            outlet: harbour-ledger
            slug: orkney-ferry-winter-sailing
            summary: A test article added at runtime.
            ---

            """
        text = textwrap.dedent(front_matter) + "\n\n".join(paragraphs) + "\n"
        (tmp_path / "ferry.md").write_text(text, encoding="utf-8")
        after = discover_feed(feed_url, CONFIG, before.validators)
        new_url = site.base_url + "/harbour-ledger/2024/11/15/orkney-ferry-winter-sailing.html"
        assert not after.not_modified
        assert {i.url for i in after.items} - {i.url for i in before.items} == {new_url}
        (row,) = extract_pages(_fetch([i for i in after.items if i.url == new_url]))["article_versions"]
        assert row["title"] == "Orkney ferry adds a winter sailing" and row["author"] == "Test Writer"
        assert paragraphs[0] in row["text"] and paragraphs[-1] in row["text"]


# -- the server ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/no/such/page.html",
        "/harbour-ledger/2024/10/28/missing.html",
        "/harbour-ledger/../../pyproject.toml",
        "/%2e%2e/%2e%2e/pyproject.toml",
        "/harbour-ledger/%2e%2e/%2e%2e/demo_site/content.py",
    ],
)
def test_unknown_paths_are_404_and_nothing_outside_the_site_is_served(site: DemoSite, path: str) -> None:
    assert site.resolve(path) is None
    result = fetch_one(site.base_url + path, CONFIG)
    assert result.status == 404 and result.error == "http_404" and result.body == b""


def test_head_and_conditional_get_on_an_article(site: DemoSite) -> None:
    url = site.article_urls()[0]
    with httpx.Client(trust_env=False, timeout=10) as client:
        first = client.get(url)
        assert client.head(url).status_code == 200
        assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
        assert client.get(url, headers={"If-Modified-Since": first.headers["last-modified"]}).status_code == 304
