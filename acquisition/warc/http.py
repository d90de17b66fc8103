"""The HTTP response inside a WARC response block, and the digests that say whether the block is intact."""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import re
import zlib
from dataclasses import dataclass

#: An HTTP header block larger than this is refused (servers refuse far smaller ones).
MAX_HTTP_HEADER = 64 << 10
STATUS_LINE = re.compile(rb"^HTTP/\d(?:\.\d)?[ \t]+(\d{3})(?:[ \t].*)?$", re.DOTALL)
DIGEST_ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512, "md5": hashlib.md5}


class BadHttp(ValueError):
    """The block holds no HTTP response that can be read."""


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str]
    #: the payload as archived (still chunked or compressed if the server sent it so)
    raw_payload: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def _header_end(block: bytes) -> tuple[int, int]:
    """(end of the header lines, start of the payload); (-1, -1) when there is no blank line."""
    crlf, lf = block.find(b"\r\n\r\n", 0, MAX_HTTP_HEADER + 4), block.find(b"\n\n", 0, MAX_HTTP_HEADER + 2)
    if crlf >= 0 and (lf < 0 or crlf < lf):
        return crlf, crlf + 4
    if lf >= 0:
        return lf, lf + 2
    return -1, -1


def parse_http(block: bytes, allow_headers_only: bool = False) -> HttpResponse:
    """Status, headers and payload of an HTTP response block (raises BadHttp).

    allow_headers_only reads a block that ends inside or just after the header (a truncated record).
    """
    if not block.strip():
        raise BadHttp("empty record block")
    end, body_start = _header_end(block)
    if end < 0:
        if len(block) > MAX_HTTP_HEADER:
            raise BadHttp(f"HTTP header over {MAX_HTTP_HEADER} bytes")
        if not allow_headers_only:
            raise BadHttp("HTTP header does not end")
        end, body_start = len(block), len(block)
    lines = block[:end].split(b"\n")
    status_line = lines[0].rstrip(b"\r")
    match = STATUS_LINE.match(status_line)
    if not match:
        raise BadHttp(f"malformed HTTP status line {status_line[:80]!r}")
    headers: dict[str, str] = {}
    last: str | None = None
    for raw in lines[1:]:
        line = raw.rstrip(b"\r").decode("latin-1")
        if line[:1] in (" ", "\t") and last:
            headers[last] += " " + line.strip()
            continue
        name, sep, value = line.partition(":")
        if sep and name.strip():
            last = name.strip().lower()
            headers.setdefault(last, value.strip())
    return HttpResponse(int(match.group(1)), headers, block[body_start:])


def dechunk(data: bytes) -> bytes:
    """Undo Transfer-Encoding: chunked (raises ValueError when the data is not chunked)."""
    out = bytearray()
    position = 0
    while True:
        end = data.find(b"\n", position)
        if end < 0:
            if out:
                return bytes(out)  # cut short: what was complete
            raise ValueError("no chunk size line")
        size = int(data[position:end].split(b";")[0].strip(), 16)
        if size == 0:
            return bytes(out)
        out += data[end + 1 : end + 1 + size]
        position = end + 1 + size
        if position >= len(data):
            return bytes(out)
        while data[position : position + 1] in (b"\r", b"\n"):
            position += 1


def decode_payload(response: HttpResponse, limit: int) -> bytes:
    """The entity body: chunking undone, gzip/deflate undone within limit bytes (raises ValueError)."""
    payload = response.raw_payload
    if "chunked" in (response.header("Transfer-Encoding") or "").lower():
        with contextlib.suppress(ValueError):  # archives often store the body de-chunked, header kept
            payload = dechunk(payload)
    encoding = (response.header("Content-Encoding") or "").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate") and payload:
        inflater = zlib.decompressobj(47 if encoding != "deflate" or payload[:1] == b"\x78" else -15)
        try:
            payload = inflater.decompress(payload, limit + 1)
        except zlib.error as exc:
            if encoding == "deflate" or payload[:2] == b"\x1f\x8b":
                raise ValueError(f"Content-Encoding {encoding} does not decode ({exc})") from exc
            # already decoded by the crawler, header kept: use the bytes as they are
        if len(payload) > limit:
            raise ValueError(f"Content-Encoding {encoding} decodes to more than {limit} bytes")
    return payload


def _digest_bytes(value: str) -> tuple[str, bytes] | None:
    algorithm, _, encoded = value.strip().partition(":")
    algorithm = algorithm.lower().replace("-", "")
    if algorithm not in DIGEST_ALGORITHMS or not encoded:
        return None
    size = DIGEST_ALGORITHMS[algorithm]().digest_size
    for decode in (base64.b32decode, bytes.fromhex, base64.b64decode, base64.b16decode):
        try:
            digest = decode(encoded.strip().upper() if decode is base64.b32decode else encoded.strip())
        except (binascii.Error, ValueError):
            continue
        if len(digest) == size:
            return algorithm, digest
    return None


def digest_matches(value: str | None, data: bytes) -> bool | None:
    """Whether data has the declared digest; None when there is none that can be checked."""
    if not value:
        return None
    parsed = _digest_bytes(value)
    if parsed is None:
        return None
    algorithm, expected = parsed
    return DIGEST_ALGORITHMS[algorithm](data).digest() == expected
