"""The lake itself: schema from sql/, atomic idempotent loads, read-only readers, named queries."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from warehouse.lake import connect, open_writer
from warehouse.load import load_batch
from warehouse.lock import WarehouseLocked, writer_lock
from warehouse.migrations import latest_version, migration_files
from warehouse.paths import Home
from warehouse.queries import QueryError, get_query, named_queries, run_query
from warehouse.tables.batches import padded
from warehouse.transaction import transaction

LINEAGE = {"run_id": "run-1", "code_version": "test", "transform_version": "t-1"}


@pytest.fixture(scope="module")
def read_home(tmp_path_factory) -> Home:
    """One warehouse for the tests that only read (creating one costs seconds); each checks nothing was written."""
    home = Home.resolve(tmp_path_factory.mktemp("readers") / "home")
    with open_writer(home):
        pass
    return home


def _entities(*names: str) -> pa.Table:
    return padded(
        "entities", pa.Table.from_pylist([{"entity_id": f"person:{n}", "kind": "PERSON", "name": n} for n in names])
    )


def test_schema_has_a_comment_on_every_table_and_column(home):
    with open_writer(home) as con:
        tables = con.execute("SELECT table_name, comment FROM duckdb_tables() WHERE database_name = 'wh'").fetchall()
        columns = con.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() "
            "WHERE database_name = 'wh' "
            "AND table_name IN (SELECT table_name FROM duckdb_tables() WHERE database_name = 'wh')"
        ).fetchall()
    assert len(tables) >= 15
    assert [t for t, comment in tables if not comment] == []
    assert [(t, c) for t, c, comment in columns if not comment] == []


def test_migrations_are_recorded_and_not_reapplied(home):
    with open_writer(home) as con:
        first = con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
    with open_writer(home) as con:
        rows = con.execute("SELECT count(*) FROM schema_migrations WHERE version > 0").fetchone()[0]
    assert first == latest_version()
    assert rows == len(migration_files())


def test_same_batch_twice_adds_nothing(home):
    batch = {
        "entities": _entities("ann", "bob", "ann"),
        "mentions": padded(
            "mentions",
            pa.Table.from_pylist(
                [{"article_id": "a1", "entity_id": "person:ann", "surface": "Ann", "start_char": 0, "end_char": 3}] * 2
            ),
        ),
    }
    with open_writer(home) as con:
        first = load_batch(con, batch, LINEAGE)
        second = load_batch(con, batch, LINEAGE)
        lineage = con.execute("SELECT DISTINCT run_id, transform_version FROM entities").fetchall()
    assert first.inserted == {"entities": 2, "mentions": 2}
    assert second.inserted == {"entities": 0, "mentions": 0}
    assert lineage == [("run-1", "t-1")]


def test_failed_batch_leaves_nothing_behind(home):
    bad_mentions = padded("mentions", pa.Table.from_pylist([{"article_id": "a1", "start_char": "not a number"}]))
    with open_writer(home) as con:
        with pytest.raises(duckdb.Error):
            load_batch(con, {"entities": _entities("ann"), "mentions": bad_mentions}, LINEAGE)
        assert con.execute("SELECT count(*) FROM entities").fetchone()[0] == 0


def test_a_commit_that_fails_raises_its_own_error_and_leaves_the_connection_usable(home):
    with open_writer(home):
        pass
    first, second = connect(home, read_only=False), connect(home, read_only=False)
    with pytest.raises(duckdb.TransactionException, match="Failed to commit"), transaction(second):
        second.execute("CREATE TABLE scratch (x INT)")
        with transaction(first):
            first.execute("CREATE TABLE scratch (x INT)")
    assert second.execute("SELECT count(*) FROM scratch").fetchone() == (0,)


def test_reader_is_read_only_and_sees_committed_rows(home):
    with open_writer(home) as con:
        load_batch(con, {"entities": _entities("ann")}, LINEAGE)
    reader = connect(home, read_only=True)
    assert reader.execute("SELECT name FROM entities").fetchall() == [("ann",)]
    with pytest.raises(duckdb.Error, match="(?i)read.only"):
        reader.execute("DELETE FROM entities")


def test_second_writer_is_refused_with_a_clear_message(home):
    refused = pytest.raises(WarehouseLocked, match="another wirehouse writer")
    with writer_lock(home.lock_file), refused, open_writer(home):
        pass


def test_parquet_files_are_written_under_the_home(home):
    with open_writer(home) as con:
        load_batch(con, {"entities": _entities("ann")}, LINEAGE)
    assert list(home.data_path.rglob("*.parquet"))


def test_every_named_query_has_a_header_and_runs_on_an_empty_warehouse(home):
    with open_writer(home):
        pass
    con = connect(home, read_only=True)
    queries = named_queries()
    assert {"most_mentioned_entities", "latest_claims", "quarantine_summary"} <= set(queries)
    for query in queries.values():
        assert query.answers, query.name
        given = {p.name: "x" for p in query.params if p.default is None}
        if any(p.type == "date" for p in query.params if p.default is None):
            given = {p.name: ("2024-10-01" if p.type == "date" else "x") for p in query.params if p.default is None}
        run_query(con, query, given).fetchall()


def test_named_query_parameters_are_checked():
    query = get_query("most_mentioned_entities")
    with pytest.raises(QueryError, match="no parameter"):
        query.bind({"nope": "1"})
    with pytest.raises(QueryError, match="no named query"):
        get_query("does_not_exist")


def test_a_warehouse_of_the_previous_schema_is_migrated_in_place(home):
    from warehouse.lake import connect as raw_connect
    from warehouse.migrations import migrate

    old = raw_connect(home, read_only=False)
    migrate(old, up_to=1)
    load_batch(old, {"entities": _entities("ann")}, LINEAGE)
    assert old.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == 1
    assert "article_processing" not in {r[0] for r in old.execute("SHOW TABLES").fetchall()}
    old.close()

    with open_writer(home) as con:
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == latest_version() >= 2
        assert con.execute("SELECT name FROM entities").fetchall() == [("ann",)]
        assert con.execute("SELECT count(*) FROM article_processing").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 0


def test_time_travel_shows_what_we_knew_then(home):
    import time
    from datetime import UTC, datetime

    with open_writer(home) as con:
        load_batch(con, {"entities": _entities("ann")}, LINEAGE)
        snapshot = con.execute("SELECT id FROM ducklake_current_snapshot('wh')").fetchone()[0]
        time.sleep(0.05)
        between = datetime.now(UTC).isoformat()
        time.sleep(0.05)
        load_batch(con, {"entities": _entities("bob")}, LINEAGE)
    now = connect(home, read_only=True)
    by_version = connect(home, read_only=True, snapshot_version=snapshot)
    by_time = connect(home, read_only=True, snapshot_time=between)
    assert sorted(r[0] for r in now.execute("SELECT name FROM entities").fetchall()) == ["ann", "bob"]
    assert by_version.execute("SELECT name FROM entities").fetchall() == [("ann",)]
    assert by_time.execute("SELECT name FROM entities").fetchall() == [("ann",)]
    with pytest.raises(ValueError):
        connect(home, read_only=True, snapshot_time="yesterday'; DROP TABLE entities; --")


@pytest.mark.parametrize(
    "statement",
    [
        "COPY (SELECT 1) TO '{home}/evil.csv'",
        "SELECT * FROM read_csv('/etc/passwd')",
        "ATTACH '{home}/other.duckdb' AS other",
        "SET enable_external_access = true",
        "INSERT INTO entities (entity_id) VALUES ('x')",
    ],
)
def test_readers_cannot_write_or_reach_other_files(read_home, statement):
    reader = connect(read_home, read_only=True)
    with pytest.raises(duckdb.Error):
        reader.execute(statement.format(home=read_home.root))
    assert not list(read_home.root.rglob("evil.csv")) and not (read_home.root / "other.duckdb").exists()
    assert reader.execute("SELECT count(*) FROM entities").fetchone()[0] == 0


@pytest.mark.parametrize(
    "statement",
    [
        "COPY (SELECT 1) TO 'lake/evil.csv'",
        "EXPORT DATABASE 'x'",
        "INSTALL httpfs",
        "SET threads = 1",
        "SELECT 1; SELECT 2",
        "DELETE FROM entities",
    ],
)
def test_the_sql_command_refuses_statements_that_are_not_reads(read_home, statement):
    from warehouse.queries import check_read_only

    with pytest.raises(QueryError):
        check_read_only(connect(read_home, read_only=True), statement)
