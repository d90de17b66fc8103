"""WARC records as pages: each response record becomes a page or a failed page on its own.

A record declared truncated (WARC-Truncated) or cut short by the end of the file is kept, flagged truncated: its
digests cannot match the bytes present, which is no sign of corruption. A digest mismatch on a record that claims
to be whole is corruption and the record is quarantined.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from acquisition.records import Page, Source
from acquisition.timestamps import parse_timestamp
from acquisition.warc.http import BadHttp, HttpResponse, dechunk, decode_payload, digest_matches, parse_http
from acquisition.warc.records import Damage, RawRecord, read_records
from acquisition.warc.remote import open_warc

#: Largest record block read into memory; larger records are skipped over and quarantined as too_large.
DEFAULT_MAX_RECORD_BYTES = 20_000_000


@dataclass
class WarcTally:
    """What one file held: records = pages + skipped, and the damaged byte ranges between records."""

    records: int = 0
    pages: int = 0
    truncated: int = 0
    damaged_ranges: int = 0
    skipped: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict:
        return {
            "records": self.records,
            "pages": self.pages,
            "truncated": self.truncated,
            "damaged_ranges": self.damaged_ranges,
            "skipped": dict(self.skipped),
        }


def parse_warc_date(value: str | None) -> datetime | None:
    """WARC-Date (ISO 8601, as the standard says; RFC 2822, as some writers do); None when unreadable."""
    return parse_timestamp(value)


def iter_warc(
    path: str,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    allow_private: bool = False,
    tally: WarcTally | None = None,
) -> Iterator[Page]:
    """Response records of a WARC file as pages, streamed; damaged ranges become failed pages with offsets."""
    location = os.fspath(path)
    source = Source("warc", location)
    tally = tally if tally is not None else WarcTally()
    with open_warc(location, allow_private) as stream:
        for found in read_records(stream, max_record_bytes):
            if isinstance(found, Damage):
                tally.damaged_ranges += 1
                yield damage_page(found, source)
                continue
            tally.records += 1
            if found.rec_type != "response":
                tally.skipped[found.rec_type or "untyped"] += 1
                continue
            page = record_page(found, source, max_record_bytes)
            tally.pages += 1
            tally.truncated += page.truncated
            yield page


def damage_page(damage: Damage, source: Source) -> Page:
    """A failed page for bytes that held no readable record (named by the record they began, if any)."""
    where = f"bytes {damage.start}-{damage.end}"
    return Page(
        url=damage.target or f"{source.location}#bytes={damage.start}-{damage.end}",
        source=source,
        source_ref=f"offset {damage.start}",
        fetched_at=datetime.now(UTC),
        error_class="corrupt_warc",
        error_message=f"{source.location} {where} skipped: {damage.reason}",
    )


def _failed(page: Page, error_class: str, message: str) -> Page:
    page.body = b""
    page.error_class, page.error_message = error_class, message
    return page


def _payload_digest_ok(record: RawRecord, response: HttpResponse) -> bool:
    """Writers digest the payload as stored or with its chunking undone: either one matching is enough."""
    declared = record.header("WARC-Payload-Digest")
    if digest_matches(declared, response.raw_payload) is not False:
        return True
    try:
        return bool(digest_matches(declared, dechunk(response.raw_payload)))
    except ValueError:
        return False


def record_page(record: RawRecord, source: Source, max_bytes: int) -> Page:
    """One response record as a page; whatever is wrong with it is this page's failure only."""
    offset = record.offset
    target = record.target
    page = Page(
        url=target or f"{source.location}#{offset}",
        source=source,
        source_ref=f"offset {offset}",
        fetched_at=datetime.now(UTC),
    )
    where = f"record at offset {offset}"
    fetched_at = parse_warc_date(record.header("WARC-Date"))
    if fetched_at is None and record.header("WARC-Date") is not None:
        return _failed(page, "bad_warc_record", f"{where}: unreadable WARC-Date {record.header('WARC-Date')!r}")
    page.fetched_at = fetched_at or page.fetched_at
    if not target or not target.lower().startswith(("http://", "https://")):
        return _failed(page, "not_http_response", f"{where} is a response to {target!r}, not to an http(s) URL")
    if record.over_limit:
        return _failed(page, "too_large", f"{where} over {max_bytes} bytes ({record.declared_length} declared)")
    declared = (record.header("WARC-Truncated") or "").strip()
    page.truncated = bool(declared or record.cut_short)
    if not page.truncated and digest_matches(record.header("WARC-Block-Digest"), record.block) is False:
        return _failed(page, "digest_mismatch", f"{where} fails its block digest (corrupt, not declared truncated)")
    try:
        response = parse_http(record.block, allow_headers_only=page.truncated)
    except BadHttp as exc:
        return _failed(page, "bad_http", f"{where}: {exc}")
    if not page.truncated and not _payload_digest_ok(record, response):
        return _failed(page, "digest_mismatch", f"{where} fails its payload digest (corrupt)")
    page.http_status = response.status
    page.content_type = response.header("Content-Type")
    page.etag = response.header("ETag")
    page.last_modified = response.header("Last-Modified")
    if response.status >= 300:
        return _failed(page, f"http_{response.status}", f"archived response {response.status}")
    try:
        page.body = decode_payload(response, max_bytes)
    except ValueError as exc:
        return _failed(page, "bad_http", f"{where}: {exc}")
    if not page.body:
        why = f"truncated ({declared or record.cut_short})" if page.truncated else "empty"
        return _failed(page, "empty_record", f"{where}: response body is {why}")
    return page
