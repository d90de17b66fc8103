"""Hostile inputs through the real ingest flow: every case ends as an article or a quarantine row, the run
goes on, nothing secret is read, and memory stays bounded.

One flow run (in a subprocess, so its peak RSS can be measured) ingests every case at once: pages served by a
scripted loopback server (URL lists, feeds, sitemaps), WARC files and a directory of local HTML files.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from acquisition.fetching import FetchConfig
from acquisition.sources import discover_sitemap
from tests.hostile_cases import (
    ARTICLE,
    RU_PHRASE,
    DocCase,
    FileCase,
    HttpCase,
    WarcCase,
    doc_cases,
    german_page,
    http_cases,
    secret_feed,
    sitemap_index,
    urlset,
    warc_cases,
    write_html_dir,
)
from tests.http_script_server import RecordedRequest, Reply, ScriptServer
from warehouse.lake import connect
from warehouse.paths import Home

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
#: Generous, so a busy machine never times out a healthy page; the stalling cases stall until the run is over.
FETCH_TIMEOUT_S = 8.0
MAX_RSS_MB = 1536
FETCH_OPTIONS = {
    "per_host_delay_s": 0.0,
    "timeout_s": FETCH_TIMEOUT_S,
    "retries": 1,
    "backoff_base_s": 0.01,
    "max_backoff_s": 0.1,
    "per_host_concurrency": 8,
    "concurrency": 16,
}
#: Runs the flow like the CLI does, and reports the summary and this process's peak RSS.
RUNNER = """
import json, resource, sys
from flows.ingest import ingest_flow
summary = ingest_flow(**json.loads(sys.argv[1]))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("WIREHOUSE-RESULT " + json.dumps({"summary": summary, "max_rss_kb": peak}, default=str))
"""
CLIPPED_WARC_URL = (
    "http://www.houstonpress.com/music/a-humble-chance-the-rapper-leads-a-spiritual-awakening-at-revention-8866723"
)
#: URL-list lines that are no fetchable URL (the secret one must never be opened).
BAD_URL_LINES = {
    "not-a-url": "fetch/invalid_url",
    "javascript:alert(document.cookie)": "fetch/invalid_url",
    "http://[::1": "fetch/invalid_url",
    "gopher://127.0.0.1:70/x": "fetch/invalid_url",
}


def run_ingest(args: dict, timeout: float = 240) -> dict:
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value() or ""}
    env.pop("WIREHOUSE_CRASH_AT", None)
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, json.dumps(args)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("WIREHOUSE-RESULT "))
    return json.loads(line.split(" ", 1)[1])


@dataclass
class HostileRun:
    home: Home
    base: str
    summary: dict
    max_rss_mb: float
    requested: list[str]
    http: dict[str, HttpCase]
    docs: dict[str, DocCase]
    warcs: dict[str, WarcCase]
    files: dict[str, FileCase]
    html_dir: Path
    secret_path: Path
    secrets: tuple[str, ...]
    bad_url_file_url: str
    articles: dict[str, str]  # url -> text
    quarantine: dict[str, list[tuple[str, str]]]  # url -> [(stage, error_class)]

    def outcome(self, url: str) -> str:
        """'article', 'stage/error_class', both joined by '+' (an article whose NLP failed), or 'nothing'."""
        found = [ARTICLE] if url in self.articles else []
        found += sorted(f"{stage}/{error}" for stage, error in self.quarantine.get(url, []))
        return "+".join(found) or "nothing"


def _names(cases) -> list[str]:
    return [c.name for c in cases]


HTTP_NAMES = _names(http_cases(threading.Event(), Path("/nonexistent")))


@pytest.fixture(scope="module")
def hostile(prefect_server, shared_corpus, tmp_path_factory) -> HostileRun:
    root = tmp_path_factory.mktemp("hostile")
    token = f"TOPSECRET-{uuid.uuid4().hex}"
    feed_token = f"FEEDSECRET-{uuid.uuid4().hex}"
    secret_path = root / "secret.txt"
    secret_path.write_text(f"{token}\n")
    leak_path = f"/leak/{feed_token}"
    home = Home.resolve(root / "home")
    release = threading.Event()  # the stalling cases answer only once the run is over
    with ScriptServer() as srv:
        base = srv.base
        secret_feed_path = root / "secret-feed.xml"
        secret_feed_path.write_bytes(secret_feed(base, leak_path, feed_token))
        http = {c.name: c for c in http_cases(release, secret_path)}
        docs = {c.name: c for c in doc_cases(base, secret_path, secret_feed_path, leak_path)}
        for case in http.values():
            srv.route(case.path, case.handler)
            for path, reply in case.extra.items():
                srv.route(path, reply)
        for case in docs.values():
            for path, reply in case.routes.items():
                srv.route(path, reply)
        srv.route("/urlfile/ok", Reply(200, {"Content-Type": "text/html"}, german_page("urlfile")))
        urls = root / "urls.txt"
        urls.write_text(
            "# hostile pages, one per line\n"
            + "".join(f"{base}{c.path}\n" for c in http.values())
            + "".join(f"{line}\n" for line in BAD_URL_LINES)
            + f"file://{secret_path}\n\n   \n"
        )
        bad_bytes = root / "bad-bytes.txt"
        bad_bytes.write_bytes(f"{base}/urlfile/ok 2024-11-04\n".encode() + f"{base}/urlfile/caf".encode() + b"\xe9\n")
        warcs = {c.name: c for c in warc_cases(root / "warcs")}
        html_dir = root / "pages"
        files = {c.name: c for c in write_html_dir(html_dir)}
        args = {
            "feeds": [base + c.path for c in docs.values() if c.kind == "feed"],
            "sitemaps": [base + c.path for c in docs.values() if c.kind == "sitemap"],
            "url_files": [str(urls), str(bad_bytes)],
            "warcs": [str(c.path) for c in warcs.values()]
            + [str(shared_corpus / "warc" / "resiliparse-clipped-houstonpress.warc.gz")],
            "html_dirs": [str(html_dir)],
            "home": str(home.root),
            "allow_private": True,
            "batch_size": 20,
            "fetch_options": FETCH_OPTIONS,
        }
        try:
            result = run_ingest(args)
        finally:
            release.set()
        requested = [r.path for r in srv.requests]
    con = connect(home, read_only=True)
    articles = dict(con.execute("SELECT url, text FROM article_versions").fetchall())
    quarantine: dict[str, list[tuple[str, str]]] = {}
    for url, stage, error in con.execute("SELECT url, stage, error_class FROM quarantine").fetchall():
        quarantine.setdefault(url, []).append((stage, error))
    con.close()
    return HostileRun(
        home,
        base,
        result["summary"],
        result["max_rss_kb"] / 1024,
        requested,
        http,
        docs,
        warcs,
        files,
        html_dir,
        secret_path,
        (token, feed_token),
        f"{base}/urlfile/caf\N{REPLACEMENT CHARACTER}",
        articles,
        quarantine,
    )


@pytest.mark.parametrize("name", HTTP_NAMES)
def test_http_case_outcome(hostile: HostileRun, name: str):
    case = hostile.http[name]
    url = hostile.base + case.path
    assert hostile.outcome(url) == case.expect
    if case.contains:
        assert case.contains in hostile.articles[url], hostile.articles[url][:300]


def test_there_are_at_least_50_hostile_cases(hostile: HostileRun):
    total = (
        len(hostile.http)
        + len(hostile.docs)
        + len(BAD_URL_LINES)
        + 2  # + the secret file URL and a bad byte
        + sum(len(c.records) + (c.expect_file is not None) for c in hostile.warcs.values())
        + 1  # the clipped real WARC
        + len(hostile.files)
    )
    assert total >= 50, total


def test_url_list_lines_that_are_no_urls_are_quarantined_and_never_opened(hostile: HostileRun):
    for line, expect in BAD_URL_LINES.items():
        assert hostile.outcome(line) == expect, line
    assert hostile.outcome(f"file://{hostile.secret_path}") == "fetch/invalid_url"
    # a URL file with a byte that is not UTF-8 spoils that one URL, not the run
    assert hostile.outcome(f"{hostile.base}/urlfile/ok") == ARTICLE
    assert hostile.outcome(hostile.bad_url_file_url) == "fetch/http_404"


@pytest.mark.parametrize(
    "name",
    [
        "feed_xxe_general_entity",
        "feed_xxe_parameter_entity",
        "feed_billion_laughs",
        "feed_body_is_a_local_path",
        "feed_garbage",
        "feed_http_404",
        "feed_too_large",
        "feed_hostile_links",
        "sitemap_self_loop",
        "sitemap_mutual_loop",
        "sitemap_deep_chain",
        "sitemap_index_with_a_missing_child",
        "sitemap_malformed",
        "sitemap_xxe",
        "sitemap_billion_laughs",
        "sitemap_gz_bomb_2gb",
        "sitemap_gz_truncated",
        "sitemap_http_500",
    ],
)
def test_feed_and_sitemap_case_outcome(hostile: HostileRun, name: str):
    case = hostile.docs[name]
    url = hostile.base + case.path
    if case.expect == "listed":
        assert url not in hostile.quarantine, hostile.quarantine[url]
    else:
        assert hostile.outcome(url) == case.expect
    for item, expect in case.items:
        item_url = hostile.base + item if item.startswith("/") else item
        assert hostile.outcome(item_url) == expect, item_url
    for path in case.never_requested:
        assert path not in hostile.requested, f"{path} was requested"
    for path in case.requested_once:
        assert hostile.requested.count(path) == 1, (path, hostile.requested.count(path))


@pytest.mark.parametrize(
    "name",
    [
        "truncated-gzip-member",
        "garbage-in-the-middle",
        "wrong-content-length",
        "bad-digest",
        "mixed-payloads",
        "not-a-warc",
    ],
)
def test_warc_case_outcome(hostile: HostileRun, name: str):
    case = hostile.warcs[name]
    for url, expect in case.records.items():
        assert hostile.outcome(url) == expect, url
        if url in case.contains:
            assert case.contains[url] in hostile.articles[url]
    stopped = [u for u in hostile.quarantine if u.startswith(f"{case.path}#bytes=")]
    if case.expect_file is None:
        assert stopped == []
    else:
        assert len(stopped) == 1 and hostile.outcome(stopped[0]) == case.expect_file, stopped


def test_a_missing_child_sitemap_is_quarantined_under_its_index(hostile: HostileRun):
    con = connect(hostile.home, read_only=True)
    rows = con.execute(
        "SELECT stage, source_kind, source, error_class, message FROM quarantine WHERE url = $url",
        {"url": hostile.base + "/sm/partial-missing.xml"},
    ).fetchall()
    con.close()
    assert len(rows) == 1, rows
    stage, kind, source, error_class, message = rows[0]
    assert (stage, kind, source, error_class) == ("discover", "sitemap", hostile.base + "/sm/partial.xml", "http_404")
    assert "partial-missing.xml" in message and "404" in message, message


def _conditional(body: bytes, etag: str) -> Callable[[RecordedRequest], Reply]:
    """An XML document that answers 304 to a request carrying its ETag, as a real server would."""

    def handler(request: RecordedRequest) -> Reply:
        if request.headers.get("if-none-match") == etag:
            return Reply(304, {"ETag": etag})
        return Reply(200, {"Content-Type": "application/xml", "ETag": etag}, body)

    return handler


def test_a_child_sitemap_that_failed_is_retried_by_the_next_run():
    """An index that answered 304 would hide its children, so its validators are not kept while a child fails."""
    index, good, missing = "/sm/retry.xml", "/sm/retry-urls.xml", "/sm/retry-missing.xml"
    config = FetchConfig(allow_private=True, timeout_s=FETCH_TIMEOUT_S, retries=0, per_host_delay_s=0.0)
    with ScriptServer() as srv:
        srv.route(index, _conditional(sitemap_index(srv.base, [good, missing]), '"index"'))
        srv.route(good, _conditional(urlset(srv.base, ["/items/retry-a"]), '"good"'))
        first = discover_sitemap(srv.url(index), config)
        assert [(i.url, i.source.location) for i in first.items] == [(srv.url("/items/retry-a"), srv.url(index))]
        assert {url: exc.error_class for url, exc in first.failed.items()} == {srv.url(missing): "http_404"}
        assert set(first.validators) == {srv.url(good)}

        srv.route(missing, _conditional(urlset(srv.base, ["/items/retry-b"]), '"missing"'))
        second = discover_sitemap(srv.url(index), config, first.validators)
        assert [i.url for i in second.items] == [srv.url("/items/retry-b")]  # the good child answered 304
        assert second.failed == {}
        assert set(second.validators) == {srv.url(index), srv.url(good), srv.url(missing)}

        third = discover_sitemap(srv.url(index), config, second.validators)
        assert third.items == [] and third.failed == {}
        assert srv.hits(index) == 3 and srv.hits(missing) == 2


def test_clipped_real_warc_record_is_kept_and_flagged_truncated(hostile: HostileRun):
    assert hostile.outcome(CLIPPED_WARC_URL) == ARTICLE
    con = connect(hostile.home, read_only=True)
    flags = con.execute(
        "SELECT r.truncated, a.truncated FROM raw_pages AS r JOIN article_versions AS a USING (raw_sha256) "
        "WHERE a.url = $url",
        {"url": CLIPPED_WARC_URL},
    ).fetchall()
    con.close()
    assert flags == [(True, True)]


@pytest.mark.parametrize(
    "name", ["file_ok", "file_gz_ok", "file_gz_bomb_2gb", "file_gz_truncated", "file_png", "file_empty", "file_cp1251"]
)
def test_local_file_case_outcome(hostile: HostileRun, name: str):
    case = hostile.files[name]
    url = (hostile.html_dir / case.filename).resolve().as_uri()
    assert hostile.outcome(url) == case.expect
    if case.contains:
        assert case.contains in hostile.articles[url]


def test_cyrillic_text_is_decoded_not_mojibake(hostile: HostileRun):
    russian = [t for t in hostile.articles.values() if RU_PHRASE in t]
    assert len(russian) >= 8, len(russian)
    con = connect(hostile.home, read_only=True)
    languages = con.execute("SELECT DISTINCT language FROM article_versions WHERE contains(text, $p)", {"p": RU_PHRASE})
    assert languages.fetchall() == [("ru",)]
    # UTF-8 Cyrillic read as a Latin code page starts every letter with Ð or Ñ
    mojibake = con.execute("SELECT count(*) FROM article_versions WHERE text LIKE '%Ð%' OR text LIKE '%Ñ%'")
    assert mojibake.fetchone()[0] == 0


def test_the_run_went_on_and_every_row_is_counted_once(hostile: HostileRun):
    summary = hostile.summary
    con = connect(hostile.home, read_only=True)
    counts = {
        t: con.execute(f"SELECT count(*), count(DISTINCT {key}) FROM {t}").fetchone()
        for t, key in (("article_versions", "article_id"), ("quarantine", "quarantine_id"), ("raw_pages", "raw_sha256"))
    }
    assert all(total == distinct for total, distinct in counts.values()), counts
    assert summary["articles"] == counts["article_versions"][0] == len(hostile.articles)
    assert summary["quarantined"] == counts["quarantine"][0] == sum(len(v) for v in hostile.quarantine.values())
    assert summary["batches"] >= 4
    assert summary["articles"] >= 30 and summary["quarantined"] >= 50
    # the quarantine says where each failure happened and why
    bad = con.execute(
        "SELECT count(*) FROM quarantine WHERE stage NOT IN ('discover', 'fetch', 'extract', 'entities', 'claims') "
        "OR error_class IS NULL OR message IS NULL OR message = ''"
    ).fetchone()[0]
    assert bad == 0


def test_no_secret_is_read_or_requested(hostile: HostileRun):
    assert not [p for p in hostile.requested if "SECRET" in p or p.startswith("/probe/")]
    con = connect(hostile.home, read_only=True)
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'wh' AND table_type = 'BASE TABLE'"
        ).fetchall()
    ]
    assert {"quarantine", "article_versions", "raw_pages"} <= set(tables)
    scanned = 0
    for table in tables:
        for row in con.execute(f"SELECT * FROM {table}").fetchall():
            for value in row:
                if isinstance(value, bytes):
                    data = gzip.decompress(value) if value[:2] == b"\x1f\x8b" else value
                    found = [s for s in hostile.secrets if s.encode() in data]
                else:
                    found = [s for s in hostile.secrets if s in str(value)]
                assert not found, f"{found} in {table}"
                scanned += 1
    assert scanned > 1000


def test_peak_memory_stays_bounded(hostile: HostileRun):
    print(f"hostile ingest peak RSS: {hostile.max_rss_mb:.0f} MB")
    assert hostile.max_rss_mb < MAX_RSS_MB, f"peak RSS {hostile.max_rss_mb:.0f} MB"
