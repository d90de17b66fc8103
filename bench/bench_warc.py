"""Records per second of WARC readers on one large CC-NEWS-like file: wirehouse's reader, warcio, FastWARC.

The file wraps the real pages of the shared extraction corpus as HTTP response records (one gzip member each,
with request and metadata records between them, as Common Crawl writes them). FastWARC is measured only when
installed (it is no dependency). Run by hand:

    uv run --with fastwarc python bench/bench_warc.py [--records 20000]
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import tempfile
import time
from pathlib import Path

from acquisition.warc import iter_warc

PAGES = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "extraction" / "pages"


def _record(rec_type: str, url: str, block: bytes) -> bytes:
    digest = base64.b32encode(hashlib.sha1(block).digest()).decode()
    head = (
        f"WARC/1.0\r\nWARC-Type: {rec_type}\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2024-11-04T10:00:00Z\r\n"
        f"WARC-Record-ID: <urn:uuid:{hashlib.md5(url.encode() + rec_type.encode()).hexdigest()}>\r\n"
        f"WARC-Block-Digest: sha1:{digest}\r\nContent-Length: {len(block)}\r\n\r\n"
    )
    return gzip.compress(head.encode() + block + b"\r\n\r\n", compresslevel=6, mtime=0)


def write_file(path: Path, records: int) -> int:
    bodies = [gzip.decompress(p.read_bytes()) for p in sorted(PAGES.glob("*.html.gz"))]
    with open(path, "wb") as out:
        for n in range(records):
            body = bodies[n % len(bodies)]
            url = f"https://news.example/{n}.html"
            http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n" % len(
                body
            )
            out.write(_record("request", url, b"GET /%d.html HTTP/1.1\r\nHost: news.example\r\n\r\n" % n))
            out.write(_record("response", url, http + body))
            out.write(_record("metadata", url, b"fetchTimeMs: 120\r\n"))
    return records * 3


def time_wirehouse(path: Path) -> tuple[int, float]:
    t0 = time.perf_counter()
    count = sum(1 for page in iter_warc(str(path)) if not page.failed)
    return count, time.perf_counter() - t0


def time_warcio(path: Path) -> tuple[int, float]:
    from warcio.archiveiterator import ArchiveIterator

    t0 = time.perf_counter()
    count = 0
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream, check_digests=True):
            if record.rec_type == "response":
                record.content_stream().read()
                count += 1
    return count, time.perf_counter() - t0


def time_fastwarc(path: Path) -> tuple[int, float] | None:
    try:
        from fastwarc import ArchiveIterator, WarcRecordType
    except ImportError:
        return None
    t0 = time.perf_counter()
    count = 0
    for record in ArchiveIterator(
        str(path), record_types=WarcRecordType.response, parse_http=True, verify_digests=True
    ):
        record.reader.read()
        count += 1
    return count, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20000, help="response records in the file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.warc.gz"
        total = write_file(path, args.records)
        print(f"{path.stat().st_size / 1e6:.0f} MB compressed, {total} records ({args.records} responses)")
        for name, measure in (("wirehouse", time_wirehouse), ("warcio", time_warcio), ("fastwarc", time_fastwarc)):
            result = measure(path)
            if result is None:
                print(f"{name:10s} not installed")
                continue
            count, seconds = result
            print(f"{name:10s} {count} responses in {seconds:.2f} s: {total / seconds:,.0f} records/s")


if __name__ == "__main__":
    main()
