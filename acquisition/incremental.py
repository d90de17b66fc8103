"""Incremental state: which feed items and sitemap entries a source has already delivered."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from acquisition.fetching import Validators
from acquisition.records import Item

SOURCE_KEY = "*"


def item_key(item: Item) -> str:
    """Feed items by their id, everything else by URL."""
    if item.source.kind == "feed" and item.source_ref:
        return item.source_ref
    return item.url


def item_stamp(item: Item) -> str | None:
    """What changes when an item changes: the sitemap lastmod, or the feed item's date."""
    if item.source.kind == "sitemap":
        return item.source_ref
    return item.published_hint.isoformat() if item.published_hint else None


def new_items(items: Iterable[Item], seen: dict[tuple[str, str], str | None]) -> list[Item]:
    """Items never delivered before, or delivered with another stamp (an updated sitemap lastmod)."""
    fresh = []
    for item in items:
        key = (item.source.location, item_key(item))
        if key not in seen or (item.source.kind == "sitemap" and seen[key] != item_stamp(item)):
            fresh.append(item)
    return fresh


def item_watermarks(items: Iterable[Item]) -> list[dict]:
    """Rows for the watermarks table, loaded in the same transaction as the items' pages."""
    now = datetime.now(UTC)
    return [
        {"source": i.source.location, "item_key": item_key(i), "lastmod": item_stamp(i), "updated_at": now}
        for i in items
        if i.source.kind in ("feed", "sitemap")
    ]


def source_watermarks(validators: dict[str, Validators], children: dict[str, list[str]] | None = None) -> list[dict]:
    """Feed and sitemap document validators, stored once every item they listed is loaded.

    A sitemap's row also keeps the sitemaps it lists (children), walked when it answers 304 later.
    """
    now = datetime.now(UTC)
    children = children or {}
    return [
        {
            "source": url,
            "item_key": SOURCE_KEY,
            "etag": v.etag,
            "last_modified": v.last_modified,
            "children": children.get(url),
            "updated_at": now,
        }
        for url, v in validators.items()
        if v.etag or v.last_modified
    ]
