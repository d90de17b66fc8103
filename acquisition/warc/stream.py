"""The uncompressed bytes of a WARC file, read in bounded chunks, gzip member by member.

A damaged gzip member (cut short, corrupt, or bytes that are no gzip member at all) is a break: reads stop short,
the record reader takes the break (its byte range and reason) and goes on with the next member. Offsets are file
offsets: the byte position in a plain file, the start of the current member in a .warc.gz (as CDX indexes give).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import IO

CHUNK = 1 << 16
GZIP_MAGIC = b"\x1f\x8b\x08"
#: Compressed bytes of one member kept for looking for the next member when it turns out damaged.
MAX_MEMBER_RESCAN = 64 << 20


@dataclass(frozen=True)
class Break:
    """File bytes [start, end) that gave no usable data; at_eof when nothing usable follows them."""

    start: int
    end: int
    reason: str
    at_eof: bool


class ByteSource:
    """Buffered reads with unread, over a plain stream; subclasses inflate."""

    def __init__(self, stream: IO[bytes], head: bytes = b"") -> None:
        self._stream = stream
        self._buf = bytearray(head)
        self._consumed = 0  # uncompressed bytes handed out (minus those unread)
        self._eof = False
        self._break: Break | None = None

    def _fill(self) -> bool:
        """Append more bytes to the buffer; False at the end of the data or at a break."""
        if self._eof:
            return False
        chunk = self._stream.read(CHUNK)
        if not chunk:
            self._eof = True
            return False
        self._buf += chunk
        return True

    def offset(self) -> int:
        """File offset of the next byte to read (plain files)."""
        return self._consumed

    def offset_at(self, back: int) -> int:
        """File offset of the byte read back bytes ago."""
        return self._consumed - back

    def has_break(self) -> bool:
        return self._break is not None

    def take_break(self) -> Break | None:
        """The damaged range that stopped the last read, once; reading then goes on after it."""
        found, self._break = self._break, None
        return found

    def read(self, size: int) -> bytes:
        """Up to size bytes; fewer only at the end of the data or at a break."""
        while len(self._buf) < size and self._fill():
            pass
        data = bytes(self._buf[:size])
        del self._buf[:size]
        self._consumed += len(data)
        return data

    def read_some(self) -> bytes:
        """Whatever is buffered (filling once if empty): for scanning forward."""
        if not self._buf:
            self._fill()
        data = bytes(self._buf)
        self._buf.clear()
        self._consumed += len(data)
        return data

    def readline(self, limit: int) -> bytes:
        """One line with its newline, or limit bytes when no newline comes first (the caller sees no newline)."""
        start = 0
        while True:
            end = self._buf.find(b"\n", start, limit)
            if end >= 0:
                return self.read(end + 1)
            if len(self._buf) >= limit:
                return self.read(limit)
            start = len(self._buf)
            if not self._fill():
                return self.read(len(self._buf))

    def skip(self, size: int) -> int:
        """Discard size bytes without holding them; returns how many were there."""
        skipped = 0
        while skipped < size:
            if not self._buf and not self._fill():
                break
            step = min(size - skipped, len(self._buf))
            del self._buf[:step]
            skipped += step
        self._consumed += skipped
        return skipped

    def unread(self, data: bytes) -> None:
        """Put bytes back in front (after finding a record start inside bytes read too far)."""
        self._buf[0:0] = data
        self._consumed -= len(data)


class GzipSource(ByteSource):
    """Concatenated gzip members, one at a time; a damaged member becomes a break and the next magic resumes."""

    def __init__(self, stream: IO[bytes], head: bytes = b"") -> None:
        super().__init__(stream)
        self._raw = head  # compressed bytes not yet given to the inflater
        self._raw_pos = 0  # file offset of _raw[0]
        self._raw_eof = False
        self._inflater = None
        self._member_start = 0
        self._member_raw = bytearray()  # compressed bytes of the current member, to look inside when it fails
        self._members: list[tuple[int, int]] = [(0, 0)]  # (uncompressed position, file offset) of member starts
        self._produced = 0

    def offset(self) -> int:
        """File offset of the member the next byte comes from."""
        return self.offset_at(0)

    def offset_at(self, back: int) -> int:
        """File offset of the member the byte read back bytes ago came from."""
        position = self._consumed - back
        for produced, file_offset in reversed(self._members):
            if produced <= position:
                return file_offset
        return self._members[0][1]

    def _more_raw(self) -> bool:
        if self._raw_eof:
            return False
        chunk = self._stream.read(CHUNK)
        if not chunk:
            self._raw_eof = True
            return False
        self._raw += chunk
        return True

    def _fill(self) -> bool:
        while self._break is None:
            if self._inflater is None and not self._start_member():
                return False
            if self._break is not None:
                return False
            if not self._raw and not self._more_raw():
                self._break = Break(self._member_start, self._raw_pos, "gzip member cut short", at_eof=True)
                self._inflater = None
                return False
            fed = self._raw
            try:
                out = self._inflater.decompress(fed, CHUNK)
            except zlib.error as exc:
                self._damaged(f"corrupt gzip member ({exc})")
                return False
            rest = self._inflater.unused_data if self._inflater.eof else self._inflater.unconsumed_tail
            used = len(fed) - len(rest)
            if len(self._member_raw) < MAX_MEMBER_RESCAN:
                self._member_raw += fed[:used]
            self._raw_pos += used
            self._raw = rest
            if self._inflater.eof:
                self._inflater = None
            if out:
                self._buf += out
                self._produced += len(out)
                return True
        return False

    def _start_member(self) -> bool:
        """Position at the next member (zero padding allowed); bytes that are no member become a break."""
        while True:
            while len(self._raw) < len(GZIP_MAGIC) and self._more_raw():
                pass
            stripped = self._raw.lstrip(b"\x00")
            self._raw_pos += len(self._raw) - len(stripped)
            self._raw = stripped
            if not self._raw and not self._more_raw():
                self._eof = True
                return False
            if self._raw:
                break
        if self._raw.startswith(GZIP_MAGIC):
            self._member_start = self._raw_pos
            self._member_raw = bytearray()
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            self._members.append((self._produced, self._raw_pos))
            del self._members[:-64]
            return True
        start = self._raw_pos
        self._seek_magic(self._raw, start)
        self._break = Break(start, self._raw_pos, "bytes that are no gzip member", at_eof=not self._raw)
        return False

    def _damaged(self, reason: str) -> None:
        """The current member failed: look for the next member from just after its start."""
        start = self._member_start
        if len(self._member_raw) < MAX_MEMBER_RESCAN:
            data, base = (bytes(self._member_raw) + self._raw)[1:], start + 1
        else:  # too long to keep: go on from where the damage showed
            data, base = self._raw, self._raw_pos
        self._inflater = None
        self._seek_magic(data, base)
        self._break = Break(start, self._raw_pos, reason, at_eof=not self._raw)

    def _seek_magic(self, data: bytes, base: int) -> None:
        """Leave _raw at the next gzip magic at or after file offset base (data starts there), or empty at EOF."""
        while True:
            found = data.find(GZIP_MAGIC)
            if found >= 0:
                self._raw, self._raw_pos = data[found:], base + found
                return
            keep = len(GZIP_MAGIC) - 1
            base += max(0, len(data) - keep)
            data = data[-keep:] if len(data) > keep else data
            self._raw = b""
            if not self._more_raw():
                self._raw_pos = base + len(data)
                return
            data, self._raw = data + self._raw, b""


def open_source(stream: IO[bytes]) -> ByteSource:
    """A gzip reader when the file starts with the gzip magic, else a plain one."""
    head = stream.read(len(GZIP_MAGIC))
    if head.startswith(GZIP_MAGIC):
        return GzipSource(stream, head)
    return ByteSource(stream, head)
