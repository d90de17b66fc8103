"""Hostile WARC files: valid records follow every kind of broken record, gzip and plain, and all arrive whole."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from warc_fixtures import gzip_member, http_block, warc_record, write_warc

from acquisition.warc import WarcTally, iter_warc
from acquisition.warc.http import BadHttp, parse_http

FAIL = "corrupt_warc"


def page_html(n: int) -> bytes:
    text = " ".join(f"Sentence {n}-{i} of a valid archived article about the harbour budget." for i in range(40))
    return f"<html><head><title>Valid {n}</title></head><body><article><p>{text}</p></article></body></html>".encode()


def url(name: str) -> str:
    return f"https://warc.example/{name}.html"


class Builder:
    """Records in file order, each with what reading it must give: a body (valid) or an error class."""

    def __init__(self, gzipped: bool) -> None:
        self.gzipped = gzipped
        self.parts: list[bytes] = []
        self.valid: dict[str, bytes] = {}
        self.expect: dict[str, str] = {}
        self.truncated: set[str] = set()
        self.count = 0

    def raw(self, data: bytes) -> None:
        """Bytes put in the file as they are (garbage, a damaged member)."""
        self.parts.append(data)

    def record(self, data: bytes) -> None:
        self.parts.append(gzip_member(data) if self.gzipped else data)

    def good(self) -> None:
        name = f"valid-{self.count}"
        body = page_html(self.count)
        self.count += 1
        self.record(warc_record("response", url(name), http_block(body)))
        self.valid[url(name)] = body

    def bad(self, name: str, data: bytes, error_class: str) -> None:
        self.record(data)
        self.expect[url(name)] = error_class

    def bytes(self) -> bytes:
        return b"".join(self.parts)


def hostile_warc(gzipped: bool) -> Builder:
    b = Builder(gzipped)
    b.good()
    b.record(warc_record("warcinfo", None, b"software: test\r\n", extra={"Content-Type": "application/warc-fields"}))
    b.bad("bad-status", warc_record("response", url("bad-status"), b"HTTP/1.1 2OO OK\r\n\r\n<html></html>"), "bad_http")
    b.good()
    odd_charset = http_block(page_html(900), headers={"Content-Type": "text/html; charset=x-no-such-charset"})
    b.record(warc_record("response", url("odd-charset"), odd_charset))
    b.valid[url("odd-charset")] = page_html(900)
    big_header = http_block(page_html(901), headers={"X-Padding": "a" * (256 << 10)})
    b.bad("big-header", warc_record("response", url("big-header"), big_header), "bad_http")
    b.good()
    b.bad("empty-block", warc_record("response", url("empty-block"), b""), "bad_http")
    b.good()
    bad_date = warc_record("response", url("bad-date"), http_block(page_html(902)), date="yesterday-ish")
    b.bad("bad-date", bad_date, "bad_warc_record")
    b.good()
    corrupt = warc_record("response", url("bad-digest"), http_block(page_html(903)))
    b.bad("bad-digest", corrupt.replace(b"harbour", b"HARBOUR", 1), "digest_mismatch")
    b.good()
    # Common Crawl cuts long records and says so; the digest is of the whole response, so it cannot match
    whole = http_block(page_html(904) + b"<p>" + b"more text " * 3000 + b"</p>")
    cut = warc_record("response", url("declared-truncated"), whole[:6000], extra={"WARC-Truncated": "length"})
    cut = cut.replace(cut.split(b"WARC-Block-Digest: ")[1].split(b"\r\n")[0], b"sha1:" + b"A" * 32)
    b.record(cut)
    b.truncated.add(url("declared-truncated"))
    b.valid[url("declared-truncated")] = whole[whole.index(b"\r\n\r\n") + 4 : 6000]
    for kind in ("request", "metadata", "revisit"):
        b.record(warc_record(kind, url(f"valid-{b.count - 1}"), b"GET / HTTP/1.1\r\n\r\n"))
    b.good()
    # framing: a Content-Length too large by 400, one too small by 50, one that is no number
    declared = len(http_block(page_html(905)))
    for name, wrong in (("length-too-large", b"%d" % (declared + 400)), ("length-too-small", b"%d" % (declared - 50))):
        framed = warc_record("response", url(name), http_block(page_html(905)))
        b.bad(name, framed.replace(b"Content-Length: %d" % declared, b"Content-Length: " + wrong), FAIL)
        b.good()
    framed = warc_record("response", url("length-nan"), http_block(page_html(905)))
    b.bad("length-nan", framed.replace(b"Content-Length: %d" % declared, b"Content-Length: lots"), FAIL)
    b.good()
    b.raw(bytes(range(256)) * 12 + b"\nWARC/2.0\r\n")  # garbage between records
    b.good()
    b.bad("dns", warc_record("response", "dns:warc.example", b"20241104100000\r\nwarc.example. 60 IN A 1.2.3.4"), "")
    b.expect["dns:warc.example"] = b.expect.pop(url("dns")) or "not_http_response"
    b.good()
    b.record(warc_record("response", url("v11"), http_block(page_html(906)), version="1.1"))
    b.valid[url("v11")] = page_html(906)
    if gzipped:
        member = gzip_member(warc_record("response", url("corrupt-member"), http_block(page_html(907))))
        middle = len(member) // 2
        b.raw(member[:middle] + bytes(b ^ 0x5A for b in member[middle : middle + 40]) + member[middle + 40 :])
        b.expect[url("corrupt-member")] = FAIL
        b.good()
        member = gzip_member(warc_record("response", url("cut-member"), http_block(page_html(908))))
        b.raw(member[: len(member) // 2])  # a member cut short in the middle of the file
        b.expect[url("cut-member")] = FAIL
        b.good()
    # the last record, cut short by an interrupted download
    last = warc_record("response", url("cut-at-end"), http_block(page_html(909)))
    cut_at = len(last) - 300
    if gzipped:
        member = gzip_member(last)
        body_start = len(last) - len(page_html(909)) - 4
        b.raw(gzip.compress(last)[: len(member) - 80])
        b.valid[url("cut-at-end")] = None  # some prefix of the body; checked below
        del body_start
    else:
        b.raw(last[:cut_at])
        body = page_html(909)
        b.valid[url("cut-at-end")] = body[: len(body) - 300 + 4]
    b.truncated.add(url("cut-at-end"))
    return b


@pytest.mark.parametrize("gzipped", [False, True], ids=["plain", "gzip"])
def test_every_valid_record_arrives_whole_after_every_kind_of_broken_record(tmp_path: Path, gzipped: bool):
    built = hostile_warc(gzipped)
    path = tmp_path / ("hostile.warc.gz" if gzipped else "hostile.warc")
    path.write_bytes(built.bytes())
    tally = WarcTally()
    pages = list(iter_warc(str(path), tally=tally))
    good = {p.url: p for p in pages if not p.failed}
    failed = [p for p in pages if p.failed]

    assert set(good) == set(built.valid), sorted(set(good) ^ set(built.valid))
    for address, body in built.valid.items():
        page = good[address]
        assert page.truncated == (address in built.truncated), address
        if body is None:
            assert page.body and page_html(909).startswith(page.body), address
        else:
            assert page.body == body, address
    for address, error_class in built.expect.items():
        rows = [p for p in failed if p.url == address]
        if error_class == FAIL:  # framing: the record's own row, or a damaged range that holds it
            assert len(rows) <= 1, address
            assert all(p.error_class == FAIL for p in rows), address
        else:
            assert [p.error_class for p in rows] == [error_class], (address, [p.error_message for p in rows])
    damaged = [p for p in failed if p.error_class == FAIL]
    framing = sum(1 for e in built.expect.values() if e == FAIL) + 1  # + the garbage
    assert framing <= len(damaged) <= framing + 2, [p.error_message for p in damaged]
    assert all("bytes" in p.error_message and p.source_ref.startswith("offset ") for p in damaged)
    # every record read is a page or a skipped record, and every page is accounted for
    assert tally.records == tally.pages + sum(tally.skipped.values())
    assert tally.skipped == {"warcinfo": 1, "request": 1, "metadata": 1, "revisit": 1}
    assert len(pages) == tally.pages + tally.damaged_ranges


def test_offsets_point_at_the_records(tmp_path: Path):
    """A failed record's offset is where its record starts, so it can be cut out and looked at."""
    parts = [
        warc_record("response", url("a"), http_block(page_html(1))),
        warc_record("response", url("b"), b"HTTP/1.1 OK\r\n\r\n"),
        warc_record("response", url("c"), http_block(page_html(2))),
    ]
    for gzipped in (False, True):
        data = [gzip_member(p) for p in parts] if gzipped else parts
        path = tmp_path / f"offsets-{gzipped}.warc"
        path.write_bytes(b"".join(data))
        pages = list(iter_warc(str(path)))
        starts = [sum(len(d) for d in data[:i]) for i in range(3)]
        assert [p.source_ref for p in pages] == [f"offset {s}" for s in starts]
        assert [p.error_class for p in pages] == [None, "bad_http", None]


def test_a_record_over_the_limit_is_skipped_without_holding_it(tmp_path: Path):
    big = http_block(b"<html>" + b"x" * 300_000 + b"</html>")
    path = tmp_path / "big.warc"
    path.write_bytes(
        warc_record("response", url("big"), big) + warc_record("response", url("after"), http_block(page_html(3)))
    )
    pages = list(iter_warc(str(path), max_record_bytes=100_000))
    assert [(p.url, p.error_class) for p in pages] == [(url("big"), "too_large"), (url("after"), None)]


def test_a_file_of_garbage_is_one_damaged_range(tmp_path: Path):
    path = tmp_path / "noise.warc.gz"
    path.write_bytes(bytes((i * 7919) % 251 for i in range(5000)))
    pages = list(iter_warc(str(path)))
    assert [p.error_class for p in pages] == [FAIL]
    assert pages[0].url.endswith("#bytes=0-5000")


def test_warcio_written_files_read_the_same(tmp_path: Path):
    records = [(url(f"w{n}"), page_html(n), "2024-11-04T10:00:00Z") for n in range(5)]
    path = write_warc(tmp_path / "warcio.warc.gz", records)
    pages = list(iter_warc(str(path)))
    assert [(p.url, p.body, p.truncated) for p in pages] == [(u, b, False) for u, b, _ in records]


@pytest.mark.parametrize(
    "block",
    [
        b"",
        b"   \r\n",
        b"HTTP/1.1\r\n\r\n",
        b"<html>no status</html>\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nX: " + b"a" * 70_000,
    ],
)
def test_unreadable_http_parts_are_refused(block: bytes):
    with pytest.raises(BadHttp):
        parse_http(block)


SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "warc"


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared corpus not present")
def test_a_real_clipped_record_is_read_as_truncated():
    pages = list(iter_warc(str(SHARED / "resiliparse-clipped-houstonpress.warc.gz")))
    assert len(pages) == 1 and not pages[0].failed and pages[0].truncated
    assert b"Chance the Rapper" in pages[0].body
