"""Discovery: turn feeds, sitemaps, URL lists, HTML directories and WARC files into items or pages."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
import feedparser
from defusedxml import DefusedXmlException

from acquisition.fetching import FetchConfig, Validators, fetch_one
from acquisition.fetching.inflate import GZIP_MAGIC, DecodeError, TooLarge, gunzip_bounded
from acquisition.records import Item, Page, Source
from acquisition.timestamps import parse_timestamp
from acquisition.warc import iter_warc as iter_warc  # re-exported: callers read WARCs through sources
from acquisition.warc import open_warc as open_warc

MAX_SITEMAP_DEPTH = 3
MAX_XML_BYTES = 50_000_000
#: Largest local HTML file (after gunzip) read from an HTML directory, as for a WARC record.
MAX_FILE_BYTES = 20_000_000
HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")


class DiscoveryFailed(Exception):
    """A feed or sitemap could not be read; the run quarantines it and goes on."""

    def __init__(self, error_class: str, message: str) -> None:
        super().__init__(message)
        self.error_class = error_class


@dataclass
class Discovery:
    """What one feed or sitemap lists, and its validators for the next conditional GET."""

    items: list[Item] = field(default_factory=list)
    validators: dict[str, Validators] = field(default_factory=dict)
    not_modified: bool = False
    #: nested sitemaps that could not be read: each is quarantined on its own, its siblings still count
    failed: dict[str, DiscoveryFailed] = field(default_factory=dict)
    #: per sitemap document read (200 or 304): the sitemaps it lists, for walking them when it answers 304 later
    children: dict[str, list[str]] = field(default_factory=dict)
    #: documents that answered (200 or 304) and could be read: their earlier discovery failures are over
    read: list[str] = field(default_factory=list)


def _fetch_document(url: str, config: FetchConfig, validators: Validators | None, found: Discovery) -> bytes | None:
    result = fetch_one(url, config, validators)
    if result.error:
        raise DiscoveryFailed(result.error, f"{url}: {result.error_message or result.error}")
    found.validators[url] = result.validators
    if result.not_modified:
        return None
    return result.body


def _gunzip_document(body: bytes, location: str, error_class: str) -> bytes:
    """A document served gzip-compressed without saying so (no Content-Encoding): the magic bytes tell."""
    if body[:2] != GZIP_MAGIC:
        return body
    try:
        return gunzip_bounded(body, MAX_XML_BYTES)
    except TooLarge as exc:
        raise DiscoveryFailed("too_large", f"{location}: gzipped document {exc}") from exc
    except DecodeError as exc:
        raise DiscoveryFailed(error_class, f"{location}: not a readable gzip file ({exc})") from exc


def _absolute(link: str, base: str) -> str:
    """A relative link resolved against the document's URL (only an http(s) document has one)."""
    if base.lower().startswith(("http://", "https://")):
        return urljoin(base, link.strip())
    return link


def parse_feed(body: bytes, source: Source) -> list[Item]:
    """RSS, Atom or JSON Feed entries as items; feedparser never resolves external entities.

    Relative links are resolved against xml:base and the feed's own URL; an entry without a usable link
    is skipped without touching its siblings.
    """
    body = _gunzip_document(body, source.location, "bad_feed")
    if body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return parse_json_feed(body, source)
    # A stream, never bytes: feedparser.parse opens a bytes/str argument as a local path if it can, so a
    # server answering "/etc/passwd" would make it read that file.
    base = source.location if source.location.lower().startswith(("http://", "https://")) else ""
    parsed = feedparser.parse(
        io.BytesIO(body),
        sanitize_html=False,
        resolve_relative_uris=False,
        response_headers={"content-location": base} if base else None,
    )
    if parsed.bozo and not parsed.entries:
        raise DiscoveryFailed("bad_feed", f"{source.location}: not a readable feed ({parsed.bozo_exception})")
    items = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not isinstance(link, str) or not link.strip():
            continue
        link = _absolute(link, source.location)
        published = entry.get("published") or entry.get("updated")
        items.append(Item(link, source, source_ref=entry.get("id") or link, published_hint=parse_timestamp(published)))
    return items


def parse_json_feed(body: bytes, source: Source) -> list[Item]:
    """JSON Feed 1.0 / 1.1 (jsonfeed.org) items; an item that is not an object or has no URL is skipped alone."""
    try:
        feed = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise DiscoveryFailed("bad_feed", f"{source.location}: not a readable JSON feed ({exc})") from exc
    if not isinstance(feed, dict) or not isinstance(feed.get("items"), list):
        raise DiscoveryFailed("bad_feed", f"{source.location}: a JSON document with no feed items")
    base = feed.get("feed_url") if isinstance(feed.get("feed_url"), str) else source.location
    base = source.location if source.location.lower().startswith(("http://", "https://")) else base
    items = []
    for entry in feed["items"]:
        if not isinstance(entry, dict):
            continue
        link = entry.get("url") if isinstance(entry.get("url"), str) else entry.get("external_url")
        if not isinstance(link, str) or not link.strip():
            continue
        link = _absolute(link, base)
        ref = entry.get("id")
        published = entry.get("date_published") or entry.get("date_modified")
        items.append(
            Item(
                link,
                source,
                source_ref=str(ref) if isinstance(ref, str | int) and ref != "" else link,
                published_hint=parse_timestamp(published) if isinstance(published, str) else None,
            )
        )
    return items


def discover_feed(url: str, config: FetchConfig, validators: Mapping[str, Validators] | None = None) -> Discovery:
    """Entries of a feed; nothing when the server says it has not changed since the stored validators."""
    found = Discovery()
    body = _fetch_document(url, config, (validators or {}).get(url), found)
    if body is None:
        found.not_modified = True
    else:
        found.items = parse_feed(body, Source("feed", url))
    found.read.append(url)
    return found


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(node: Element, name: str) -> str | None:
    for child in node.iter():
        if _local(child.tag) == name and child.text:
            return child.text.strip()
    return None


FEED_ROOTS = frozenset({"rss", "feed", "RDF"})


def parse_sitemap(body: bytes, location: str) -> tuple[list[Item], list[str]]:
    """Page items and nested sitemap URLs of one sitemap document; entities and DTDs are refused.

    Besides XML sitemaps and indexes: plain-text sitemaps (one URL a line, also gzipped) and RSS / Atom
    feeds given as sitemaps, as search engines accept them.
    """
    body = _gunzip_document(body, location, "bad_sitemap")
    if not body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return parse_text_sitemap(body, location), []
    try:
        root = SafeET.fromstring(body, forbid_dtd=True)
    except (SafeET.ParseError, DefusedXmlException) as exc:
        raise DiscoveryFailed("bad_sitemap", f"{location}: not a readable sitemap ({exc})") from exc
    source = Source("sitemap", location)
    if _local(root.tag) in FEED_ROOTS:
        try:
            return parse_feed(body, source), []
        except DiscoveryFailed as exc:
            raise DiscoveryFailed("bad_sitemap", str(exc)) from exc
    items: list[Item] = []
    nested: list[str] = []
    for node in root:
        loc = _child_text(node, "loc")
        if not loc:
            continue
        if _local(node.tag) == "sitemap":
            nested.append(_absolute(loc, location))
        elif _local(node.tag) == "url":
            when = _child_text(node, "publication_date") or _child_text(node, "lastmod")
            items.append(
                Item(loc, source, source_ref=_child_text(node, "lastmod"), published_hint=parse_timestamp(when))
            )
    return items, nested


def parse_text_sitemap(body: bytes, location: str) -> list[Item]:
    """One URL a line (sitemaps.org text format); a bad line becomes its own item, quarantined when fetched."""
    text = body.decode("utf-8", errors="replace")
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not any(line.lower().startswith(("http://", "https://")) for _, line in lines):
        raise DiscoveryFailed("bad_sitemap", f"{location}: neither XML nor a list of URLs")
    source = Source("sitemap", location)
    return [Item(line, source, source_ref=f"line {n}") for n, line in lines if not line.startswith("#")]


def discover_sitemap(
    url: str,
    config: FetchConfig,
    validators: Mapping[str, Validators] | None = None,
    children: Mapping[str, Sequence[str]] | None = None,
) -> Discovery:
    """Follow sitemap indexes breadth-first, each sitemap once, to a bounded depth (loops end).

    The sitemap at url must be readable (else DiscoveryFailed); a nested one that is not goes into
    Discovery.failed, so one broken child costs its own items only.

    children holds, per sitemap document, the sitemaps it listed when last read in full (Discovery.children of
    an earlier run). An index that answers 304 Not Modified still has those children asked for, each with its
    own validators, so new items in a changed child are found while the index stays the same. When children is
    given, a document it does not know is read in full once (its stored validators are not sent), so that its
    children become known.
    """
    seen: set[str] = set()
    frontier = [url]
    found = Discovery()
    for _depth in range(MAX_SITEMAP_DEPTH + 1):
        following: list[str] = []
        for location in frontier:
            if location in seen:
                continue
            seen.add(location)
            try:
                nested = _read_sitemap(location, url, config, validators or {}, children, found)
            except DiscoveryFailed as exc:
                # a child that answered but could not be parsed keeps no validators: a 304 must not hide it
                found.validators.pop(location, None)
                if location == url:
                    raise
                found.failed[location] = exc
                continue
            following.extend(nested)
        frontier = following
        if not frontier:
            break
    if found.failed and children is None:
        # without the children on record, an index answering 304 would hide the ones that failed: read it again
        for location, nested in found.children.items():
            if nested:
                found.validators.pop(location, None)
    return found


def _read_sitemap(
    location: str,
    root: str,
    config: FetchConfig,
    validators: Mapping[str, Validators],
    children: Mapping[str, Sequence[str]] | None,
    found: Discovery,
) -> list[str]:
    """Add the items of one sitemap document to found (as listed by root); return its nested sitemaps.

    A document answering 304 lists the children it listed when last read.
    """
    known = None if children is None else children.get(location)
    stored = validators.get(location) if children is None or known is not None else None
    body = _fetch_document(location, config, stored, found)
    if body is None:
        nested = list(known or [])
    else:
        items, nested = parse_sitemap(body, location)
        found.items.extend(Item(i.url, Source("sitemap", root), i.source_ref, i.published_hint) for i in items)
    found.children[location] = nested
    found.read.append(location)
    return nested


def discover_url_file(path: str) -> list[Item]:
    """One URL per line, optionally followed by its publication date; blank lines and # comments skipped."""
    source = Source("urls", path)
    items = []
    text = Path(path).read_text(encoding="utf-8", errors="replace")  # a bad byte spoils one URL, not the run
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        published = parse_timestamp(fields[1]) if len(fields) > 1 else None
        items.append(Item(fields[0], source, source_ref=f"line {number}", published_hint=published))
    return items


def _file_url(path: Path) -> str:
    return path.resolve().as_uri()


def iter_html_dir(directory: str, max_bytes: int = MAX_FILE_BYTES) -> Iterator[Page]:
    """Pages from local .html / .html.gz files, in a stable order; files over max_bytes are too_large."""
    root = Path(directory)
    source = Source("html_dir", directory)
    paths = sorted(p for p in root.rglob("*") if p.is_file() and p.name.lower().endswith(HTML_SUFFIXES))
    for path in paths:
        stat = path.stat()
        page = Page(
            url=_file_url(path),
            source=source,
            source_ref=str(path.relative_to(root)),
            fetched_at=datetime.fromtimestamp(stat.st_mtime, UTC),
        )
        try:
            if stat.st_size > max_bytes:
                raise TooLarge(f"{stat.st_size} bytes")
            raw = path.read_bytes()
            page.body = gunzip_bounded(raw, max_bytes) if path.name.lower().endswith(".gz") else raw
        except TooLarge as exc:
            page.error_class, page.error_message = "too_large", f"{path}: over {max_bytes} bytes ({exc})"
        except (OSError, DecodeError) as exc:
            page.error_class, page.error_message = "unreadable_file", f"{path}: {exc}"
        yield page
