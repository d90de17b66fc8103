"""The shared lake for real: a PostgreSQL catalog and S3-compatible storage, with writers on several machines.

A throwaway PostgreSQL cluster (initdb as the postgres user when run as root: the server refuses root) and a moto
S3 server are started on free loopback ports. Two ingests with different homes stand for two machines.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from click.testing import CliRunner
from lake_servers import S3, Postgres, ServerUnavailable, environment, moto_s3, postgres_cluster, shared_lake_env
from test_crash_consistency import CONTENT, RECOMPUTED, contents
from test_rollups import assert_rollups_match

from demo_site import DemoSite
from flows.settings import load_settings
from shell.cli import main
from warehouse.extensions import EXTENSION_PACKAGES, connect_offline
from warehouse.lake import WarehouseMissing, connect, data_path, is_shared, open_writer, write_lock
from warehouse.lock import WarehouseLocked
from warehouse.migrations import latest_version, migrate
from warehouse.paths import Home
from warehouse.shared import s3_secret_sql

REPO = Path(__file__).resolve().parents[1]
#: A read that takes longer than this while writers work counts as blocked.
MAX_READ_S = 20.0
BATCH_SIZE = 2


def lake_home(path: Path) -> Home:
    """The warehouse at path as the settings see it: shared while the lake's variables are set."""
    return load_settings(home=str(path)).lake_home()


# -- fast checks, no servers ---------------------------------------------------------------------------------


def test_every_extension_loads_from_its_package_offline():
    con = connect_offline(tuple(EXTENSION_PACKAGES))
    loaded = {row[0] for row in con.execute("SELECT extension_name FROM duckdb_extensions() WHERE loaded").fetchall()}
    assert {"postgres_scanner", "httpfs", "ducklake", "sqlite_scanner", "fts"} <= loaded
    assert con.execute("SELECT current_setting('autoinstall_known_extensions')").fetchone()[0] is False


def test_s3_secret_follows_the_aws_variables():
    env = {
        "AWS_ACCESS_KEY_ID": "AKID",
        "AWS_SECRET_ACCESS_KEY": "it's secret",
        "AWS_REGION": "eu-west-1",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9000",
    }
    sql = s3_secret_sql(env)
    assert sql is not None
    assert "KEY_ID 'AKID'" in sql and "SECRET 'it''s secret'" in sql and "REGION 'eu-west-1'" in sql
    assert "ENDPOINT '127.0.0.1:9000'" in sql and "USE_SSL false" in sql and "URL_STYLE 'path'" in sql
    tls = s3_secret_sql({**env, "AWS_ENDPOINT_URL": "https://storage.example.com"})
    assert tls is not None and "ENDPOINT 'storage.example.com'" in tls and "USE_SSL" not in tls
    default_endpoint = s3_secret_sql({"AWS_ACCESS_KEY_ID": "A", "AWS_DEFAULT_REGION": "us-east-2"})
    assert default_endpoint is not None and "ENDPOINT" not in default_endpoint and "us-east-2" in default_endpoint
    assert s3_secret_sql({}) is None
    with pytest.raises(ValueError, match="AWS_ENDPOINT_URL"):
        s3_secret_sql({"AWS_ENDPOINT_URL": "ftp://x"})
    con = connect_offline(("httpfs",))
    con.execute(sql)  # DuckDB accepts it
    assert con.execute("SELECT count(*) FROM duckdb_secrets() WHERE type = 's3'").fetchone()[0] == 1


def test_the_default_lake_is_local_and_keeps_the_file_lock(home, monkeypatch):
    monkeypatch.delenv("WIREHOUSE_CATALOG", raising=False)
    monkeypatch.delenv("WIREHOUSE_DATA_PATH", raising=False)
    assert not is_shared(home)
    with write_lock(home, 0):
        assert home.lock_file.exists()


# -- servers ----------------------------------------------------------------------------------------------------


def _unavailable(exc: ServerUnavailable) -> None:
    """Skip on a developer's machine without the server; in CI (.ci/run provides it) that is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the shared-lake tests: {exc}")
    pytest.skip(str(exc))


def _serve[T](start: Callable[[], AbstractContextManager[T]]) -> Iterator[T]:
    try:
        with start() as server:
            yield server
    except ServerUnavailable as exc:
        _unavailable(exc)


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    yield from _serve(postgres_cluster)


@pytest.fixture(scope="module")
def s3() -> Iterator[S3]:
    yield from _serve(moto_s3)


@pytest.fixture
def lake_env(postgres: Postgres, s3: S3) -> dict[str, str]:
    """A new, empty shared lake: a database of its own and a bucket of its own."""
    return shared_lake_env(postgres, s3)


# -- ingests on two "machines" ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def url_lists(tmp_path_factory) -> Iterator[tuple[Path, Path]]:
    """Two URL lists on the loopback demo site: six articles each, two of them in both (on the same lines, so
    their source_ref is the same whichever writer loads them first)."""
    root = tmp_path_factory.mktemp("shared-inputs")
    site = DemoSite().start()
    urls = site.article_urls()
    lists = (root / "a.txt", root / "b.txt")
    lists[0].write_text("\n".join(urls[0:6]) + "\n")
    lists[1].write_text("\n".join(urls[6:10] + urls[4:6]) + "\n")
    yield lists
    site.stop()


def _ingest(home: Path, url_files: tuple[Path, ...], lake: dict[str, str] | None, crash_at: str | None = None):
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value() or "", **(lake or {})}
    env.pop("WIREHOUSE_CRASH_AT", None)
    if not lake:
        env.pop("WIREHOUSE_CATALOG", None)
        env.pop("WIREHOUSE_DATA_PATH", None)
    if crash_at:
        env["WIREHOUSE_CRASH_AT"] = crash_at
    command = [sys.executable, "-m", "shell.cli", "ingest", "--allow-private", "--batch-size", str(BATCH_SIZE)]
    for url_file in url_files:
        command += ["--urls", str(url_file)]
    command += ["--json", "--home", str(home)]
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(run: subprocess.Popen, timeout: float = 600) -> tuple[int, str, str]:
    out, err = run.communicate(timeout=timeout)
    return run.returncode, out, err


@pytest.fixture(scope="module")
def one_run(prefect_server, url_lists, tmp_path_factory) -> dict[str, list[tuple]]:
    """One ingest over both lists into a local (SQLite) lake: what the shared lake must hold afterwards."""
    home = lake_home(tmp_path_factory.mktemp("one-run") / "home")
    code, _out, err = _finish(_ingest(home.root, url_lists, lake=None))
    assert code == 0, err[-3000:]
    with pytest.MonkeyPatch.context() as local:
        local.delenv("WIREHOUSE_CATALOG", raising=False)
        local.delenv("WIREHOUSE_DATA_PATH", raising=False)
        expected = contents(home)
    assert len(expected["article_versions"]) == 10 and expected["mentions"] and expected["claim_rows"]
    return expected


def _read_count(lake: dict[str, str], home: Path) -> tuple[int, int | None, float, str]:
    """What `wirehouse sql` answers now on the shared lake: exit code, article count, seconds, output."""
    started = time.monotonic()
    result = CliRunner(env=lake).invoke(
        main, ["sql", "SELECT count(*) AS n FROM article_versions", "--format", "json", "--home", str(home)]
    )
    elapsed = time.monotonic() - started
    count = json.loads(result.output)[0]["n"] if result.exit_code == 0 else None
    return result.exit_code, count, elapsed, result.output


@pytest.mark.slow
def test_two_machines_write_one_lake_at_once(one_run, url_lists, lake_env, s3, tmp_path):
    homes = (tmp_path / "machine-a", tmp_path / "machine-b")
    with environment(lake_env), open_writer(lake_home(tmp_path / "setup")):
        pass  # the lake exists before the runs start, so readers can watch from the first moment
    runs = [_ingest(home, (urls,), lake_env) for home, urls in zip(homes, url_lists, strict=True)]
    reads = []
    deadline = time.monotonic() + 600
    while any(run.poll() is None for run in runs) and time.monotonic() < deadline:
        reads.append(_read_count(lake_env, tmp_path / "reader"))
        time.sleep(1.0)  # leave the two cores to the writers
    results = [_finish(run) for run in runs]
    for code, _out, err in results:
        assert code == 0, err[-3000:]

    # readers were never refused or blocked, and saw the count grow, never shrink
    assert [r for r in reads if r[0] != 0] == [], reads[:3]
    counts = [r[1] for r in reads]
    assert counts == sorted(counts), counts
    assert len(reads) >= 3 and max(r[2] for r in reads) < MAX_READ_S

    with environment(lake_env):
        assert contents(lake_home(homes[0])) == one_run, "two writers differ from one run over both lists"
        con = connect(lake_home(homes[0]), read_only=True)
        try:
            versions, articles = con.execute(
                "SELECT count(*), count(DISTINCT article_id) FROM article_versions"
            ).fetchone()
            assert versions == articles == 10, "an article fetched by both writers must be one row"
            assert_rollups_match(con)
            runs_in_ledger = con.execute("SELECT count(DISTINCT run_id) FROM run_batches").fetchone()[0]
            assert runs_in_ledger == 2
        finally:
            con.close()
    assert _read_count(lake_env, tmp_path / "reader")[1] == 10
    bucket = lake_env["WIREHOUSE_DATA_PATH"].removeprefix("s3://").split("/")[0]
    assert any(key.endswith(".parquet") for key in s3.keys(bucket)), "the Parquet files are in the bucket"
    assert not any((home / "lake").exists() for home in homes), "nothing of the lake is kept in a local home"


@pytest.mark.slow
def test_killed_writer_leaves_the_shared_catalog_consistent(one_run, url_lists, lake_env, tmp_path):
    homes = (tmp_path / "machine-a", tmp_path / "machine-b")
    killed = _ingest(homes[0], (url_lists[0],), lake_env, crash_at="load:commit:2:20")
    other = _ingest(homes[1], (url_lists[1],), lake_env)
    code, _out, err = _finish(killed)
    assert code == -signal.SIGKILL, f"the crash point was never reached: {err[-2000:]}"
    code, _out, err = _finish(other)
    assert code == 0, f"the other writer is unaffected by the kill: {err[-3000:]}"

    with environment(lake_env):
        partial = contents(lake_home(homes[1]))
        for table, rows in partial.items():
            if table not in RECOMPUTED:
                assert set(rows) <= set(one_run[table]), f"{table} has rows an uninterrupted run never writes"
        con = connect(lake_home(homes[1]), read_only=True)
        try:
            assert_rollups_match(con)
        finally:
            con.close()

    code, _out, err = _finish(_ingest(homes[0], (url_lists[0],), lake_env))
    assert code == 0, err[-3000:]
    with environment(lake_env):
        assert contents(lake_home(homes[0])) == one_run
    assert set(CONTENT) == set(one_run)


# -- schema and locks -------------------------------------------------------------------------------------------

MIGRATE_SCRIPT = """
import json, sys, time
import warehouse.lake as lake
import warehouse.migrations as migrations
from warehouse.migrations import current_version
from flows.settings import load_settings

applied = []
real_migrate = migrations.migrate
migrations.migrate = lambda con: applied.extend(real_migrate(con)) or applied  # open_writer imports it when called
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
started = time.monotonic()
with lake.open_writer(load_settings(home=sys.argv[1]).lake_home(), wait_s=120) as con:
    version = current_version(con)
    query = "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'wh'"
    tables = sorted(r[0] for r in con.execute(query).fetchall())
print(json.dumps({"applied": applied, "version": version, "tables": tables, "s": time.monotonic() - started}))
"""


@pytest.mark.slow
def test_two_processes_opening_an_old_shared_catalog_migrate_it_once(lake_env, tmp_path):
    with environment(lake_env):
        con = connect(lake_home(tmp_path / "setup"), read_only=False)
        migrate(con, up_to=1)
        con.close()
    env = {**os.environ, **lake_env}
    start_at = str(time.time() + 8)  # both processes are up (imports take a few seconds) before either opens
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", MIGRATE_SCRIPT, str(tmp_path / name), start_at],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("machine-a", "machine-b")
    ]
    results = []
    for run in runs:
        code, out, err = _finish(run, timeout=300)
        assert code == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    migrated = [r for r in results if r["applied"]]
    assert len(migrated) == 1, f"exactly one process migrates: {[r['applied'] for r in results]}"
    assert all(name[:3] != "001" for name in migrated[0]["applied"])
    waited = next(r for r in results if not r["applied"])
    assert waited["version"] == migrated[0]["version"] == latest_version()
    assert waited["tables"] == migrated[0]["tables"], "the waiting process sees the new schema"


@pytest.mark.slow
def test_reading_a_shared_lake_before_any_writer_says_so(lake_env, tmp_path):
    with environment(lake_env), pytest.raises(WarehouseMissing, match="WIREHOUSE_CATALOG") as refused:
        connect(lake_home(tmp_path / "machine-a"), read_only=True)
    assert "dbname" not in str(refused.value)
    result = CliRunner(env=lake_env).invoke(main, ["sql", "SELECT 1", "--home", str(tmp_path / "machine-a")])
    assert result.exit_code != 0 and "no wirehouse lake" in result.output


@pytest.mark.slow
def test_the_writer_lock_lives_in_the_catalog_and_readers_ignore_it(lake_env, tmp_path):
    env = {**os.environ, **lake_env}
    with environment(lake_env):
        home = lake_home(tmp_path / "machine-a")
        assert is_shared(home) and data_path(home) == lake_env["WIREHOUSE_DATA_PATH"]
        with write_lock(home, wait_s=0):
            pass  # an empty lake's schema comes with the first writer
        con = connect(home, read_only=False)
        migrate(con)
        con.execute("INSERT INTO article_versions (article_id, url) VALUES ('a1', 'https://x.example/1')")
        con.close()
        other_machine = (
            "import sys\nfrom warehouse.lake import write_lock\nfrom warehouse.lock import WarehouseLocked\n"
            "from flows.settings import load_settings\n"
            "try:\n    with write_lock(load_settings(home=sys.argv[1]).lake_home(), wait_s=1):\n"
            "        print('got it')\n"
            "except WarehouseLocked as exc:\n    print(exc)\n"
        )
        with write_lock(home, wait_s=0):
            refused = subprocess.run(
                [sys.executable, "-c", other_machine, str(tmp_path / "machine-b")],
                cwd=REPO,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert refused.stdout.startswith("another wirehouse writer (wirehouse writer "), refused
            assert f"pid {os.getpid()}" in refused.stdout
            code, count, elapsed, output = _read_count(lake_env, tmp_path / "machine-b")
            assert code == 0 and count == 1 and elapsed < MAX_READ_S, output
            reader = connect(lake_home(tmp_path / "machine-c"), read_only=True)
            assert reader.execute("SELECT url FROM article_versions").fetchall() == [("https://x.example/1",)]
            reader.close()
        granted = subprocess.run(
            [sys.executable, "-c", other_machine, str(tmp_path / "machine-b")],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert granted.stdout.strip() == "got it", granted
        with pytest.raises(WarehouseLocked), write_lock(home, wait_s=0), write_lock(home, wait_s=0):
            pass  # two writers in one process queue too


@pytest.mark.slow
def test_dask_workers_parse_and_the_flow_process_writes_the_shared_lake(one_run, url_lists, lake_env, tmp_path):
    """Workers return rows; the one process that runs the flow loads them, under the catalog's writer lock."""
    distributed = pytest.importorskip("distributed")
    from flows.ingest import ingest_flow

    # The workers start before the lake's variables are set: they never need the catalog or the bucket.
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        environment(lake_env),
    ):
        summary = ingest_flow(
            url_files=[str(path) for path in url_lists],
            home=str(tmp_path / "machine-a"),
            batch_size=BATCH_SIZE,
            allow_private=True,
            dask_address=cluster.scheduler_address,
        )
        with distributed.Client(cluster.scheduler_address) as client:
            worker_env = client.run(lambda: os.environ.get("WIREHOUSE_CATALOG"))
        assert summary["articles"] == 10
        assert contents(lake_home(tmp_path / "machine-a")) == one_run
    assert len(worker_env) == 2 and not any(worker_env.values())
