"""Bounded decompression: gzip, zlib and raw deflate undone without ever holding more than a limit.

One implementation for HTTP bodies (Content-Encoding, fed chunk by chunk) and for documents and
files that are gzip files themselves (gzipped sitemaps, .html.gz): zlib's ``max_length`` stops
each step at the limit, so a gzip bomb costs at most limit + 1 bytes of memory.
"""

from __future__ import annotations

import zlib
from typing import Any

GZIP_MAGIC = b"\x1f\x8b"


class TooLarge(ValueError):
    """Decompressing would produce more bytes than allowed (a gzip bomb, or just too big)."""


class DecodeError(ValueError):
    """The compressed bytes are corrupt, cut short, or in an encoding we do not undo."""


class BoundedInflater:
    """Undoes one content coding (identity/gzip/deflate) on bytes fed in chunks, up to limit bytes out.

    strict=False is for HTTP bodies, read the way browsers read them: bytes after the last gzip
    member are ignored and a stream cut short keeps what it decoded. strict=True is for gzip files:
    anything but zero padding after the last member, or a member cut short, is a DecodeError.
    Either way a deflate body may be zlib-wrapped or raw (servers send both).
    """

    def __init__(self, encoding: str, limit: int, *, strict: bool = False) -> None:
        enc = encoding.strip().lower()
        if enc not in ("", "identity", "gzip", "x-gzip", "deflate"):
            raise DecodeError(f"unsupported Content-Encoding {encoding!r}")
        self._coding = {"": None, "identity": None, "x-gzip": "gzip"}.get(enc, enc)
        self._limit = limit
        self._strict = strict
        self._out = bytearray()
        self._z: Any = None
        self._head = b""  # the first bytes of a stream, until there are enough to tell what it is
        self._members = 0  # complete gzip members decoded
        self._done = False

    def _append(self, data: bytes) -> None:
        self._out += data
        if len(self._out) > self._limit:
            del self._out[self._limit :]
            raise TooLarge(f"decodes to more than {self._limit} bytes")

    def _open(self, data: bytes) -> bool:
        """Start a decompressor for the stream at data; False when data is no stream and is dropped."""
        if self._coding == "deflate":
            zlib_wrapped = data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._z = zlib.decompressobj(zlib.MAX_WBITS if zlib_wrapped else -zlib.MAX_WBITS)
            return True
        if self._members and data[:2] != GZIP_MAGIC:  # after the last member
            if not data.strip(b"\x00"):
                return False  # gzip allows zero padding
            if self._strict:
                raise DecodeError("bytes after the last gzip member")
            self._done = True
            return False
        self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        return True

    def feed(self, data: bytes) -> None:
        """Decode one chunk; raises TooLarge past the limit, DecodeError on corrupt data."""
        if self._coding is None:
            self._append(data)
            return
        data, self._head = self._head + data, b""
        while data and not self._done:
            if self._z is None:
                if len(data) < 2:
                    self._head = data
                    return
                if not self._open(data):
                    return
            try:
                out = self._z.decompress(data, self._limit - len(self._out) + 1)
            except zlib.error as exc:
                raise DecodeError(f"corrupt compressed data: {exc}") from exc
            self._append(out)
            if self._z.unconsumed_tail:
                data = self._z.unconsumed_tail
            elif self._z.eof and self._coding == "gzip":  # a member ended: what follows starts the next
                data, self._z = self._z.unused_data, None
                self._members += 1
            else:
                data = b""

    def partial(self) -> bytes:
        """What was decoded so far (for callers that keep a truncated body)."""
        return bytes(self._out)

    def finish(self) -> bytes:
        """Everything decoded; in strict mode a stream cut short is a DecodeError."""
        if self._head and (self._strict or not self._members) and self._head.strip(b"\x00"):
            raise DecodeError("compressed data too short to read")
        if self._z is not None:
            if self._strict and not self._z.eof:
                raise DecodeError("compressed data ended before the end-of-stream marker")
            self._append(self._z.flush())
        return bytes(self._out)


def gunzip_bounded(data: bytes, limit: int) -> bytes:
    """A whole gzip file (every member) decompressed; TooLarge past limit bytes, DecodeError if damaged."""
    inflater = BoundedInflater("gzip", limit, strict=True)
    inflater.feed(data)
    return inflater.finish()
