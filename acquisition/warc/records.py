"""WARC framing: each record's header and its Content-Length bytes, resynchronising after broken framing.

Nothing here looks inside a block: a record whose block is unusable costs that record only, and bytes that cannot
be framed (garbage, a wrong Content-Length, a damaged gzip member) become one Damage with their offsets before
reading goes on at the next `WARC/1.0` or `WARC/1.1` line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from acquisition.warc.stream import ByteSource, open_source

#: A WARC header larger than this is no header: the framing is broken.
MAX_WARC_HEADER = 256 << 10
VERSION_LINE = re.compile(rb"^WARC/1\.[01]\r?\n$")
RECORD_START = re.compile(rb"\nWARC/1\.[01]\r?\n")
TRAILER = b"\r\n\r\n"


@dataclass
class RawRecord:
    """One framed record; block holds at most the reader's limit of its Content-Length bytes."""

    offset: int
    headers: dict[str, str]
    block: bytes
    declared_length: int
    #: why fewer than Content-Length bytes are there (the file or its last gzip member ends early)
    cut_short: str | None = None
    over_limit: bool = False

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def rec_type(self) -> str:
        return (self.header("WARC-Type") or "").strip().lower()

    @property
    def target(self) -> str | None:
        value = self.header("WARC-Target-URI")
        return value.strip().strip("<>") if value else None


@dataclass
class Damage:
    """Bytes [start, end) of the file that held no readable record; target when they began a record."""

    start: int
    end: int
    reason: str
    target: str | None = None


def parse_headers(lines: list[bytes]) -> dict[str, str]:
    """Named fields, lower-case names, first value wins; folded lines continue the previous field."""
    headers: dict[str, str] = {}
    last: str | None = None
    for raw in lines:
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        if line[:1] in (" ", "\t") and last is not None:
            headers[last] += " " + line.strip()
            continue
        name, sep, value = line.partition(":")
        if not sep:
            continue
        last = name.strip().lower()
        if last not in headers:
            headers[last] = value.strip()
        else:
            last = None
    return headers


def _read_header(source: ByteSource) -> tuple[list[bytes] | None, str | None]:
    """Header lines up to the blank line; (None, why) when the header is cut short or too long."""
    lines: list[bytes] = []
    size = 0
    while True:
        line = source.readline(MAX_WARC_HEADER - size + 1)
        size += len(line)
        if size > MAX_WARC_HEADER:
            return None, f"record header over {MAX_WARC_HEADER} bytes"
        if not line.endswith(b"\n"):
            return None, "record header cut short"
        if line in (b"\r\n", b"\n"):
            return lines, None
        lines.append(line)


def _resync(source: ByteSource, at_line_start: bool = False) -> None:
    """Skip to the next record start at a line start (or to the end of the data, or a break)."""
    carry = b"\n" if at_line_start else b""
    while True:
        chunk = source.read_some()
        if not chunk:
            return
        data = carry + chunk
        found = RECORD_START.search(data)
        if found:
            source.unread(data[found.start() + 1 :])
            return
        carry = chunk[-12:]


def _skip_blank(source: ByteSource) -> bytes:
    """The first line that is not blank."""
    while True:
        line = source.readline(64)
        if line.strip(b"\r\n\x00 \t") or not line:
            return line


def read_records(stream: IO[bytes], max_block: int) -> Iterator[RawRecord | Damage]:
    """Every record of a WARC stream, and every damaged range between them, in file order."""
    source = open_source(stream)
    while True:
        damaged = source.take_break()
        if damaged is not None:
            yield Damage(damaged.start, damaged.end, damaged.reason)
        start = source.offset()
        line = _skip_blank(source)
        if not line:
            if source.has_break():
                continue
            return
        if not VERSION_LINE.match(line):
            source.unread(line)
            start = source.offset()
            _resync(source)
            yield _gap(source, start, "bytes that are no WARC record")
            continue
        start = source.offset_at(len(line))
        lines, why = _read_header(source)
        if lines is None:
            _resync(source)
            yield _gap(source, start, why or "unreadable record header")
            continue
        headers = parse_headers(lines)
        yield from _read_block(source, start, headers, max_block)


def _ends_record(source: ByteSource, trailer: bytes) -> bool:
    """The bytes after a block end the record: CRLF CRLF, any blank lines, the end of the data, or (a writer
    that put one newline only) a newline followed by the next version line."""
    if not trailer.strip(b"\r\n"):
        return True
    rest = trailer.lstrip(b"\r\n")
    if len(rest) == len(trailer):
        return False
    source.unread(rest)
    line = source.readline(64)
    source.unread(line)
    if VERSION_LINE.match(line):
        return True
    source.read(len(rest))
    return False


def _gap(source: ByteSource, start: int, reason: str, target: str | None = None) -> Damage:
    return Damage(start, source.offset(), reason, target)


def _read_block(
    source: ByteSource, start: int, headers: dict[str, str], max_block: int
) -> Iterator[RawRecord | Damage]:
    target = headers.get("warc-target-uri")
    try:
        length = int(headers.get("content-length", ""))
        if length < 0:
            raise ValueError(length)
    except ValueError:
        _resync(source)
        yield _gap(source, start, f"record without a valid Content-Length ({headers.get('content-length')!r})", target)
        return
    keep = min(length, max_block)
    block = source.read(keep)
    got = len(block)
    if got == keep and length > keep:
        got += source.skip(length - keep)
    if got < length:
        damaged = source.take_break()
        if damaged is None or damaged.at_eof:
            reason = damaged.reason if damaged else "file ends"
            yield RawRecord(start, headers, block, length, cut_short=f"{reason}: {got} of {length} bytes present")
        else:
            yield Damage(start, damaged.end, f"record lost in a damaged stretch: {damaged.reason}", target)
        return
    trailer = source.read(len(TRAILER))
    if _ends_record(source, trailer):
        yield RawRecord(start, headers, block, length, over_limit=length > keep)
        return
    # the block does not end where Content-Length says: find where the next record really starts
    data = block[-(1 << 20) :] + trailer
    inside = RECORD_START.search(data)
    if inside:
        source.unread(data[inside.start() + 1 :])
    else:
        source.unread(trailer)
        _resync(source, at_line_start=block.endswith(b"\n"))
    yield _gap(source, start, f"Content-Length {length} does not end at a record boundary", target)
