"""Opening a WARC file: a local path, or a remote one streamed over HTTP(S) in constant memory."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

import httpx

from acquisition.fetching import check_url


class RemoteWarcFailed(Exception):
    """The server would not hand the file over."""

    def __init__(self, error_class: str, message: str) -> None:
        super().__init__(message)
        self.error_class = error_class


class _ChunkReader(io.RawIOBase):
    """A file-like view of an iterator of byte chunks, so the reader can stream a WARC over HTTP."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks, self._buffer = chunks, b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(target), len(self._buffer))
        target[:size], self._buffer = self._buffer[:size], self._buffer[size:]
        return size


@contextmanager
def open_warc(location: str, allow_private: bool = False, timeout_s: float = 60.0) -> Iterator[IO[bytes]]:
    """A local WARC file, or a remote one streamed over HTTP(S) (SSRF-checked)."""
    if not re.match(r"^https?://", location):
        with open(location, "rb") as stream:
            yield stream
        return
    check_url(location, allow_private)
    with httpx.stream("GET", location, timeout=timeout_s, follow_redirects=False) as response:
        if response.status_code != 200:
            raise RemoteWarcFailed(f"http_{response.status_code}", f"{location}: HTTP {response.status_code}")
        yield io.BufferedReader(_ChunkReader(response.iter_raw(1 << 16)), buffer_size=1 << 16)
