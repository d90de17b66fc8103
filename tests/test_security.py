"""Security: read-only SQL really is read-only, named-query parameters are values, input names never become
file paths, and the SSRF guard holds end to end through the ingest flow (loopback servers only)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import ipaddress
import json
import uuid
from pathlib import Path

import pyarrow as pa
import pytest
from click.testing import CliRunner

from acquisition import sources
from acquisition.fetching import AddressPolicy, fetch_many, fetch_one
from flows import tasks
from shell.cli import main
from tests.hostile_cases import german_page
from tests.http_script_server import Reply, ScriptServer
from warehouse.lake import connect, open_writer
from warehouse.load import load_batch
from warehouse.paths import Home
from warehouse.tables.batches import padded

FAST_FETCH = {"per_host_delay_s": 0.0, "timeout_s": 2.0, "retries": 0}
COUNTED = ("article_versions", "entities", "mentions", "quarantine", "run_batches")


def tree(root: Path) -> dict[str, str]:
    """Every file under root with the SHA-256 of its content.

    The catalog's WAL index (-shm) and an empty WAL are SQLite's working files, which any reader opens; a write
    would show in the WAL itself, so a non-empty one counts.
    """
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not _sqlite_working_file(p)
    }


def _sqlite_working_file(path: Path) -> bool:
    return path.name.endswith("-shm") or (path.name.endswith("-wal") and path.stat().st_size == 0)


def counts(home: Home) -> dict[str, int]:
    con = connect(home, read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED}
    finally:
        con.close()


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


# --------------------------------------------------------------------------- wirehouse sql is read-only


@pytest.fixture(scope="module")
def sql_home(tmp_path_factory) -> Home:
    """A small warehouse written directly: one article, two entities with mentions, one quarantine row."""
    home = Home.resolve(tmp_path_factory.mktemp("sql") / "home")
    now = dt.datetime.now(dt.UTC)
    rows = {
        "article_versions": [
            {
                "article_id": "a1",
                "doc_id": "d1",
                "url": "https://gazette.example/1",
                "site_name": "Gazette",
                "text": "Alice met Acme.",
                "fetched_at": now,
                "published_at": now,
                "published_date": now.date(),
            }
        ],
        "entities": [
            {"entity_id": "p:alice", "kind": "PERSON", "name": "Alice"},
            {"entity_id": "o:acme", "kind": "ORG", "name": "Acme"},
        ],
        "mentions": [
            {"article_id": "a1", "entity_id": "p:alice", "surface": "Alice"},
            {"article_id": "a1", "entity_id": "o:acme", "surface": "Acme"},
        ],
        "quarantine": [{"quarantine_id": "q1", "stage": "fetch", "error_class": "http_404"}],
    }
    lineage = {"run_id": "r1", "code_version": "test", "transform_version": "test"}
    with open_writer(home) as con:
        load_batch(con, {table: padded(table, pa.Table.from_pylist(r)) for table, r in rows.items()}, lineage)
    return home


def _write_attempts(home: Home, outside: Path) -> dict[str, tuple[str, list[Path]]]:
    """Statements that would change the warehouse or touch other files, with the paths they would create."""
    data_file = sorted((home.data_path / "main" / "quarantine").glob("*.parquet"))[0]
    secret = outside / "secret.txt"
    secret.write_text("TOPSECRET")
    return {
        "delete": ("DELETE FROM quarantine", []),
        "insert": ("INSERT INTO quarantine (quarantine_id) VALUES ('evil')", []),
        "update": ("UPDATE article_versions SET text = 'evil'", []),
        "create": ("CREATE TABLE evil AS SELECT 1 AS a", []),
        "replace_view": ("CREATE OR REPLACE VIEW articles AS SELECT 1 AS a", []),
        "drop": ("DROP TABLE quarantine", []),
        "alter": ("ALTER TABLE quarantine ADD COLUMN evil INTEGER", []),
        "second_statement": ("SELECT 1; DELETE FROM quarantine", []),
        "attach_new_file": (f"ATTACH '{outside}/other.duckdb' AS other", [outside / "other.duckdb"]),
        "attach_catalog_ducklake": (f"ATTACH 'ducklake:sqlite:{home.catalog}' AS again", []),
        "attach_catalog_sqlite": (f"ATTACH 'sqlite:{home.catalog}' AS cat", []),
        "attach_catalog_typed": (f"ATTACH '{home.catalog}' AS cat (TYPE sqlite)", []),
        "copy_to_outside": (
            f"COPY (SELECT * FROM article_versions) TO '{outside}/stolen.csv'",
            [outside / "stolen.csv"],
        ),
        "copy_over_data_file": (f"COPY (SELECT 'evil' AS x) TO '{data_file}' (FORMAT parquet)", []),
        "copy_into_lake": (f"COPY quarantine TO '{home.data_path}/evil.parquet'", [home.data_path / "evil.parquet"]),
        "export": (f"EXPORT DATABASE '{outside}/export'", [outside / "export"]),
        "set_external_access": ("SET enable_external_access = true", []),
        "load_extension": (f"LOAD '{outside}/evil.duckdb_extension'", []),
        "read_outside_file": (f"SELECT * FROM read_text('{secret}')", []),
    }


WRITE_ATTEMPTS = [
    "delete",
    "insert",
    "update",
    "create",
    "replace_view",
    "drop",
    "alter",
    "second_statement",
    "attach_new_file",
    "attach_catalog_ducklake",
    "attach_catalog_sqlite",
    "attach_catalog_typed",
    "copy_to_outside",
    "copy_over_data_file",
    "copy_into_lake",
    "export",
    "set_external_access",
    "load_extension",
    "read_outside_file",
]


@pytest.fixture(scope="module")
def sql_home_as_built(sql_home: Home) -> tuple[dict[str, str], dict[str, int]]:
    """Files and row counts of sql_home before any attempt: after each one both must still be exactly these."""
    return tree(sql_home.root), counts(sql_home)


@pytest.mark.parametrize("attempt", WRITE_ATTEMPTS)
def test_sql_cli_cannot_change_the_warehouse_or_touch_other_files(sql_home, sql_home_as_built, tmp_path, attempt):
    statement, created = _write_attempts(sql_home, tmp_path)[attempt]
    before_tree, before_counts = sql_home_as_built
    result = cli("sql", statement, "--home", str(sql_home.root))
    assert result.exit_code != 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].lower().startswith("error"), result.output
    assert "TOPSECRET" not in result.output
    for path in created:
        assert not path.exists(), f"{attempt} created {path}"
    assert tree(sql_home.root) == before_tree
    assert counts(sql_home) == before_counts


def test_sql_cli_still_answers_reading_statements(sql_home):
    result = cli(
        "sql",
        "WITH n AS (SELECT count(*) AS n FROM mentions) SELECT n FROM n",
        "--format",
        "json",
        "--home",
        str(sql_home.root),
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"n": 2}]


@pytest.fixture(scope="module")
def small_files_home(tmp_path_factory) -> Home:
    """A warehouse whose quarantine table is three small files, which merging or checkpointing would rewrite."""
    home = Home.resolve(tmp_path_factory.mktemp("maintenance") / "home")
    with open_writer(home) as con:
        for n in range(3):
            con.execute("INSERT INTO quarantine (quarantine_id, stage) VALUES ($id, 'fetch')", {"id": f"q{n}"})
    return home


@pytest.mark.parametrize(
    "statement",
    [
        "CHECKPOINT",
        "CALL ducklake_merge_adjacent_files('wh')",
        "SELECT * FROM ducklake_merge_adjacent_files('wh')",
    ],
)
def test_read_only_maintenance_functions_write_no_files(small_files_home, statement):
    before = tree(small_files_home.root)
    cli("sql", statement, "--home", str(small_files_home.root))
    assert tree(small_files_home.root) == before


# --------------------------------------------------------------------------- named queries bind parameters


def _query_json(home: Home, *params: str):
    args = ["query", "most_mentioned_entities", "--format", "json", "--home", str(home.root)]
    for param in params:
        args += ["--param", param]
    return cli(*args)


def test_named_query_parameters_are_values_not_sql(sql_home):
    plain = _query_json(sql_home, "kind=person")
    assert plain.exit_code == 0, plain.output
    assert [r["name"] for r in json.loads(plain.output)] == ["Alice"]
    before = counts(sql_home)
    for injection in (
        "kind=x' OR '1'='1",
        "kind=PERSON') OR (1=1",
        "kind=x'; DELETE FROM mentions; --",
        "kind=' UNION SELECT name, kind, entity_id, NULL, 1, 1, 1 FROM entities --",
    ):
        result = _query_json(sql_home, injection)
        assert result.exit_code == 0, (injection, result.output)
        assert json.loads(result.output) == [], injection
    bad_limit = _query_json(sql_home, "limit=1; DROP TABLE mentions")
    assert bad_limit.exit_code != 0 and len(bad_limit.output.strip().splitlines()) == 1
    unknown = _query_json(sql_home, "kind; DROP TABLE mentions=1")
    assert unknown.exit_code != 0 and "no parameter" in unknown.output
    assert counts(sql_home) == before


# --------------------------------------------------------------------------- names never become paths


def _hostile_name_warc(path: Path, passwd_marker: str) -> list[str]:
    from warcio.warcwriter import WARCWriter

    from tests.hostile_cases import _record

    urls = [
        "file:///etc/passwd",
        "../../x",
        "../../../../../../../../tmp/wirehouse-escape.html",
        "/tmp/wirehouse-absolute.html",
        "x/../../../y.html",
        "http://127.0.0.1:9/../../../etc/passwd",
        "C:\\Windows\\win.ini",
    ]
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for n, url in enumerate(urls):
            _record(writer, url, german_page(f"name-{n}-{passwd_marker}"))
    return urls


@pytest.mark.slow
def test_names_from_warcs_urls_and_feeds_never_become_paths(prefect_server, tmp_path, monkeypatch):
    from flows.ingest import ingest_flow

    marker = uuid.uuid4().hex[:8]
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    warc = inputs / "names.warc.gz"
    urls = _hostile_name_warc(warc, marker)
    url_file = inputs / "urls.txt"
    url_file.write_text("../../x\n/etc/passwd\nfile:///etc/passwd\n..\\..\\x\n")
    home = Home.resolve(tmp_path / "home")
    cwd = tmp_path / "cwd" / "a" / "b"
    cwd.mkdir(parents=True)
    monkeypatch.chdir(cwd)  # a relative "../../x" written anywhere would land inside tmp_path
    before = tree(tmp_path)
    ingest_flow(warcs=[str(warc)], url_files=[str(url_file)], home=str(home.root), fetch_options=FAST_FETCH)
    after = tree(tmp_path)
    changed = {p for p in after if before.get(p) != after[p]}
    allowed_outside_lake = {
        "home/catalog.sqlite",
        "home/catalog.sqlite-journal",
        "home/catalog.sqlite-wal",
        "home/writer.lock",
    }
    assert {p for p in changed if not p.startswith("home/lake/")} <= allowed_outside_lake
    assert all(p.endswith(".parquet") for p in changed if p.startswith("home/lake/"))
    assert not Path("/tmp/wirehouse-escape.html").exists() and not Path("/tmp/wirehouse-absolute.html").exists()
    con = connect(home, read_only=True)
    # the names are data: the http record is an article, the others are quarantined under their own names
    http = [u for u in urls if u.startswith("http")]
    assert [r[0] for r in con.execute("SELECT url FROM article_versions").fetchall()] == http
    refused_records = con.execute(
        "SELECT url FROM quarantine WHERE source_kind = 'warc' AND error_class = 'not_http_response'"
    ).fetchall()
    assert {r[0] for r in refused_records} == set(urls) - set(http)
    refused = con.execute("SELECT count(*) FROM quarantine WHERE source_kind = 'urls' AND error_class = 'invalid_url'")
    assert refused.fetchone()[0] == 4
    passwd = con.execute("SELECT count(*) FROM article_versions WHERE contains(text, 'root:x:0:0')").fetchone()[0]
    assert passwd == 0


# --------------------------------------------------------------------------- SSRF guard through the flow


def _outcomes(home: Home) -> dict[str, tuple[str, str]]:
    con = connect(home, read_only=True)
    rows = con.execute("SELECT url, stage, error_class FROM quarantine").fetchall()
    articles = con.execute("SELECT url FROM article_versions").fetchall()
    return {url: (stage, error) for url, stage, error in rows} | {url: ("article", "") for (url,) in articles}


@pytest.mark.slow
def test_flow_without_allow_private_never_contacts_loopback(prefect_server, tmp_path):
    from flows.ingest import ingest_flow

    with ScriptServer() as srv:
        srv.route("/", Reply(200, {"Content-Type": "text/html"}, german_page("loopback")))
        srv.route("/feed.xml", Reply(200, {"Content-Type": "application/rss+xml"}, b"<rss/>"))
        port = srv.port
        targets = [
            srv.url("/"),
            f"http://localhost:{port}/",
            f"http://[::ffff:127.0.0.1]:{port}/",
            f"http://127.1:{port}/",
            f"http://2130706433:{port}/",
            f"http://0.0.0.0:{port}/",
        ]
        url_file = tmp_path / "urls.txt"
        url_file.write_text("".join(f"{t}\n" for t in targets))
        home = Home.resolve(tmp_path / "home")
        summary = ingest_flow(
            url_files=[str(url_file)], feeds=[srv.url("/feed.xml")], home=str(home.root), fetch_options=FAST_FETCH
        )
        assert srv.requests == [], [r.path for r in srv.requests]
    outcomes = _outcomes(home)
    assert outcomes[srv.url("/")] == ("fetch", "blocked_address")
    assert outcomes[srv.url("/feed.xml")] == ("discover", "blocked_address")
    for target in targets:
        assert outcomes[target][0] == "fetch" and outcomes[target][1] in {"blocked_address", "invalid_url"}, target
    assert summary["articles"] == 0


@pytest.mark.slow
def test_flow_redirect_into_a_denied_address_is_quarantined(prefect_server, tmp_path, monkeypatch):
    from flows.ingest import ingest_flow

    denied = ipaddress.ip_address("127.0.0.2")
    policy = AddressPolicy(allow_private=True, deny=lambda ip: ip == denied)
    monkeypatch.setattr(tasks, "fetch_many", functools.partial(fetch_many, address_policy=policy))
    monkeypatch.setattr(sources, "fetch_one", functools.partial(fetch_one, address_policy=policy))
    html = {"Content-Type": "text/html"}
    with ScriptServer() as outer, ScriptServer(host="127.0.0.2") as inner, ScriptServer(host="127.0.0.3") as other:
        inner.route("/admin", Reply(200, html, german_page("internal-admin")))
        inner.route("/feed.xml", Reply(200, {"Content-Type": "application/rss+xml"}, b"<rss/>"))
        other.route("/story", Reply(200, html, german_page("other-story")))
        outer.route("/to-inner", Reply(302, {"Location": inner.url("/admin")}))
        outer.route("/via-hop", Reply(301, {"Location": "/to-inner"}))
        outer.route("/to-other", Reply(302, {"Location": other.url("/story")}))
        outer.route("/feed.xml", Reply(301, {"Location": inner.url("/feed.xml")}))
        url_file = tmp_path / "urls.txt"
        url_file.write_text("".join(f"{outer.url(p)}\n" for p in ("/to-inner", "/via-hop", "/to-other")))
        home = Home.resolve(tmp_path / "home")
        ingest_flow(
            url_files=[str(url_file)],
            feeds=[outer.url("/feed.xml")],
            home=str(home.root),
            allow_private=True,
            fetch_options=FAST_FETCH,
        )
        assert inner.requests == []
        assert other.hits("/story") == 1, "control: a redirect to an allowed address is followed"
    outcomes = _outcomes(home)
    assert outcomes[outer.url("/to-inner")] == ("fetch", "blocked_address")
    assert outcomes[outer.url("/via-hop")] == ("fetch", "blocked_address")
    assert outcomes[outer.url("/feed.xml")] == ("discover", "blocked_address")
    assert outcomes[outer.url("/to-other")] == ("article", "")
