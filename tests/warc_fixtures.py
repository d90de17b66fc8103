"""WARC files written by the tests: demo pages wrapped as HTTP response records in CC-NEWS file layout."""

from __future__ import annotations

import base64
import gzip
import hashlib
import uuid
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


def write_warc(path: Path, pages: list[tuple[str, bytes, str]]) -> Path:
    """pages: (url, html bytes, WARC-Date ISO string)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url, body, warc_date in pages:
            headers = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                url,
                "response",
                payload=BytesIO(body),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": warc_date},
            )
            writer.write_record(record)
    return path


def warc_record(
    rec_type: str,
    target: str | None,
    block: bytes,
    *,
    date: str = "2024-11-04T10:00:00Z",
    extra: dict[str, str] | None = None,
    length: int | None = None,
    digest: bool = True,
    version: str = "1.0",
) -> bytes:
    """One record written by hand, so a test can break exactly one part of it (length overrides Content-Length)."""
    fields = {"WARC-Type": rec_type, "WARC-Record-ID": f"<urn:uuid:{uuid.uuid4()}>", "WARC-Date": date}
    if target is not None:
        fields["WARC-Target-URI"] = target
    if digest:
        fields["WARC-Block-Digest"] = "sha1:" + base64.b32encode(hashlib.sha1(block).digest()).decode()
    fields.update(extra or {})
    fields["Content-Length"] = str(len(block) if length is None else length)
    head = f"WARC/{version}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items()) + "\r\n"
    return head.encode() + block + b"\r\n\r\n"


def http_block(body: bytes, status_line: str = "HTTP/1.1 200 OK", headers: dict[str, str] | None = None) -> bytes:
    """An HTTP response as archived: status line, headers, blank line, body."""
    fields = {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(body)), **(headers or {})}
    head = status_line + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items()) + "\r\n"
    return head.encode("latin-1") + body


def gzip_member(data: bytes) -> bytes:
    """One gzip member, as CC-NEWS writes one per record."""
    return gzip.compress(data, compresslevel=6, mtime=0)
