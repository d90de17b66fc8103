"""Start-up paths: an ingest with nothing new finishes without Prefect; read-only commands import no Prefect.

No timings here (bench/bench_startup.py prints them); these tests check what is done and what is not.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from acquisition.incremental import item_watermarks
from acquisition.records import Source
from flows.discovery import take_discovered
from flows.empty_run import local_tallies_if_empty, try_empty_ingest
from flows.settings import load_settings
from flows.stages import quarantine_row
from tests.http_script_server import Reply, ScriptServer
from tests.warc_fixtures import write_warc
from warehouse.lake import connect, open_writer
from warehouse.load import load_batch
from warehouse.migrations import is_current, migrate
from warehouse.paths import Home

REPO = Path(__file__).resolve().parents[1]
#: Modules a read-only command must not import: each costs from a few tenths of a second to seconds.
HEAVY = ("prefect", "pyarrow", "pandas", "spacy", "datasketch", "trafilatura")


def _empty_warc(path: Path) -> str:
    with gzip.open(path, "wb"):
        pass
    return str(path)


def _rss(base: str) -> bytes:
    item = f"<item><title>one</title><link>{base}/news/one</link><guid>one</guid></item>"
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>wire</title>{item}</channel></rss>'.encode()


def _empty_ingest(home: Home, **sources) -> dict | None:
    given = {"feeds": [], "sitemaps": [], "url_files": [], "html_dirs": [], "warcs": [], **sources}
    settings = load_settings(home=str(home.root), allow_private=True)
    return try_empty_ingest(**given, settings=settings, wait_s=10.0, incremental=True)


def test_an_up_to_date_warehouse_is_current_and_a_changed_view_is_applied_again(home):
    with open_writer(home) as con:
        assert is_current(con)
        con.execute("UPDATE schema_migrations SET checksum = 'old' WHERE name = 'runs.sql'")
        assert not is_current(con)
        assert migrate(con) == ["runs.sql"]
        assert is_current(con)


def test_an_empty_warc_is_recorded_like_an_empty_run(home, tmp_path):
    warc = _empty_warc(tmp_path / "empty.warc.gz")
    summary = _empty_ingest(home, warcs=[warc])
    assert summary is not None
    assert (summary["discovered"], summary["extracted"], summary["batches"]) == (0, 0, 0)
    assert summary["files"][warc]["records"] == 0 and summary["files"][warc]["reconciled"]
    con = connect(home, read_only=True)
    try:
        checks = con.execute("SELECT count(*) FROM checks WHERE run_id = ?", [summary["run_id"]]).fetchone()[0]
        runs = con.execute("SELECT count(*) FROM runs").fetchone()[0]
    finally:
        con.close()
    assert checks == len(summary["checks"]) > 0
    assert runs == 0  # an empty flow run commits no batch, hence no runs row, either


def test_a_warc_or_directory_with_a_page_is_work(tmp_path):
    warc = write_warc(tmp_path / "one.warc.gz", [("https://example.com/a", b"<html>a</html>", "2026-01-01T00:00:00Z")])
    assert local_tallies_if_empty([], [str(warc)], False) is None
    pages = tmp_path / "pages"
    pages.mkdir()
    assert local_tallies_if_empty([str(pages)], [], False) == {}
    (pages / "a.html").write_text("<html>a</html>")
    assert local_tallies_if_empty([str(pages)], [], False) is None


def test_an_empty_url_list_is_recorded_and_a_listed_url_is_handed_to_the_flow(home, tmp_path):
    empty = tmp_path / "none.txt"
    empty.write_text("# nothing yet\n\n")
    assert _empty_ingest(home, url_files=[str(empty)]) is not None
    listed = tmp_path / "one.txt"
    listed.write_text("http://127.0.0.1:9/news/one\n")
    assert _empty_ingest(home, url_files=[str(listed)]) is None
    discovered, _seconds = take_discovered([], [str(listed)], True)
    assert [i.url for i in discovered.items] == ["http://127.0.0.1:9/news/one"]
    assert take_discovered([], [str(listed)], True) is None  # handed over once


def test_a_feed_with_nothing_new_stores_its_validators_and_resolves_its_failure(home):
    with ScriptServer() as srv:
        srv.route("/feed.xml", Reply(200, {"Content-Type": "application/rss+xml", "ETag": '"v1"'}, _rss(srv.base)))
        url = srv.url("/feed.xml")
        assert _empty_ingest(home, feeds=[url]) is None  # a new item: the flow's work
        discovered, _seconds = take_discovered([Source("feed", url)], [], True)
        failure = quarantine_row("discover", url, "http_503", "down", source_kind="feed", source=url)
        with open_writer(home) as con:
            tables = {
                "watermarks": pa.Table.from_pylist(item_watermarks(discovered.items)),
                "quarantine": pa.Table.from_pylist([failure]),
            }
            load_batch(con, tables, {"run_id": "earlier", "code_version": "test"})

        summary = _empty_ingest(home, feeds=[url])
        assert summary is not None and summary["quarantine_resolved"] == 1
    con = connect(home, read_only=True)
    try:
        etag = con.execute("SELECT etag FROM watermarks WHERE source = ? AND item_key = '*'", [url]).fetchone()
        resolved_by = con.execute("SELECT resolved_by_run FROM quarantine WHERE url = ?", [url]).fetchone()
    finally:
        con.close()
    assert etag == ('"v1"',) and resolved_by == (summary["run_id"],)


def _cli(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO, timeout=120)


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    return env


@pytest.mark.slow
def test_an_empty_ingest_starts_no_prefect_and_says_so(tmp_path):
    warc = _empty_warc(tmp_path / "empty.warc.gz")
    home = tmp_path / "home"
    code = (
        "import sys, json\n"
        "from shell.cli import main\n"
        f"try:\n    main(['--quiet', 'ingest', '--home', {str(home)!r}, '--warc', {warc!r}, '--json'])\n"
        "except SystemExit as exc:\n    code = exc.code\n"
        "print(json.dumps({'code': code, 'prefect': 'prefect' in sys.modules}), file=sys.stderr)\n"
    )
    done = _cli(code, _env(tmp_path))
    result = json.loads(done.stderr.strip().splitlines()[-1])
    assert result == {"code": 0, "prefect": False}, done.stderr
    assert "nothing new to ingest" in done.stderr
    assert json.loads(done.stdout)["discovered"] == 0
    assert not (tmp_path / "prefect-home").exists()
    assert not (home / "prefect-server.json").exists()


@pytest.mark.slow
def test_sql_and_status_import_no_prefect_nor_pyarrow(tmp_path):
    home = Home.resolve(tmp_path / "home")
    with open_writer(home):
        pass
    code = (
        "import sys, json\n"
        "from shell.cli import main\n"
        "def run(*args):\n"
        f"    try:\n        main([*args, '--home', {str(home.root)!r}])\n"
        "    except SystemExit as exc:\n        assert not exc.code, exc.code\n"
        "run('sql', 'select 1', '--format', 'csv')\n"
        "rich = 'rich' in sys.modules\n"
        "run('sql', 'select 1')\n"
        "run('status')\n"
        f"heavy = sorted(m for m in {HEAVY!r} if m in sys.modules)\n"
        "print(json.dumps({'heavy': heavy, 'rich for csv': rich}), file=sys.stderr)\n"
    )
    done = _cli(code, _env(tmp_path))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stderr.strip().splitlines()[-1]) == {"heavy": [], "rich for csv": False}


def _lake_rows(home: Home) -> dict[str, list[tuple]]:
    """Every table's rows without run ids and clock times, sorted: what two equivalent runs must share."""
    con = connect(home, read_only=True)
    try:
        tables = [
            t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'wh'").fetchall()
        ]
        rows = {}
        for table in tables:
            columns = [
                c
                for (c,) in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE database_name = 'wh' AND table_name = ?", [table]
                ).fetchall()
                if c not in ("run_id", "resolved_by_run", "applied_at") and not c.endswith("_at")
            ]
            selected = ", ".join(f'"{c}"' for c in columns)
            rows[table] = sorted(map(repr, con.execute(f"SELECT {selected} FROM {table}").fetchall()))
        return rows
    finally:
        con.close()


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_server")
def test_an_empty_run_without_prefect_writes_what_the_flow_writes(tmp_path):
    from flows.ingest import ingest_flow

    warc = _empty_warc(tmp_path / "empty.warc.gz")
    urls = tmp_path / "none.txt"
    urls.write_text("\n")
    sources = {"warcs": [warc], "url_files": [str(urls)]}
    by_flow, by_cli = Home.resolve(tmp_path / "flow"), Home.resolve(tmp_path / "cli")
    flow_summary = ingest_flow(**sources, home=str(by_flow.root))
    cli_summary = _empty_ingest(by_cli, **sources)
    assert cli_summary is not None
    rows = _lake_rows(by_flow)
    assert rows["checks"] and rows["schema_migrations"]
    assert _lake_rows(by_cli) == rows
    ignored = ("run_id", "started_at", "duration_s", "stage_seconds", "checks")
    assert {k: v for k, v in cli_summary.items() if k not in ignored} == {
        k: v for k, v in flow_summary.items() if k not in ignored
    }
    assert [c["check_name"] for c in cli_summary["checks"]] == [c["check_name"] for c in flow_summary["checks"]]
