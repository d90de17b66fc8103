"""wirehouse status: row counts read from the lake's catalog, and the views' counts written against their tables,
agree with counting every row."""

from __future__ import annotations

import hashlib

import pyarrow as pa

from warehouse.lake import connect, open_writer
from warehouse.maintenance import compact
from warehouse.paths import Home, sql_dir
from warehouse.status import CATALOG_COUNTS, STATUS_TABLES, VIEW_COUNTS, read_status, row_counts
from warehouse.tables.batches import padded

#: The view files VIEW_COUNTS follows, by SHA-256 prefix: a change to one means its count must be looked at again.
VIEW_FILES = {"articles": "a7e769ac4165a34a", "claims": "efa91aba6f52513e", "runs": "49add2fe9fdcd8f5"}


def _insert(con, table: str, rows: list[dict]) -> None:
    con.register("new_rows", padded(table, pa.Table.from_pylist(rows)))
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM new_rows")
    con.unregister("new_rows")


def _insert_entities(con, names: list[str]) -> None:
    _insert(con, "entities", [{"entity_id": f"person:{n}", "kind": "PERSON", "name": n} for n in names])


def _counted_one_by_one(con, names: tuple[str, ...]) -> dict[str, int]:
    return {name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in names}


def _assert_counts_agree(home: Home) -> dict[str, int]:
    con = connect(home, read_only=True)
    try:
        tables = {
            name
            for (name,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'wh'").fetchall()
        }
        names = tuple(sorted(tables)) + STATUS_TABLES
        counts = row_counts(con, names)
        assert counts == _counted_one_by_one(con, names)
        # the catalog answered for every base table: no silent fallback to scanning
        stored = dict(con.execute(CATALOG_COUNTS).fetchall())
        assert set(stored) == tables and all(stored[name] == counts[name] for name in tables)
        assert read_status(con, home).counts == {name: counts[name] for name in STATUS_TABLES}
        return counts
    finally:
        con.close()


def test_catalog_counts_follow_inserts_deletes_updates_and_compaction(home: Home):
    with open_writer(home) as con:
        for start in range(0, 40, 10):  # one data file per insert
            _insert_entities(con, [f"p{i}" for i in range(start, start + 10)])
    assert _assert_counts_agree(home)["entities"] == 40
    with open_writer(home) as con:
        con.execute("DELETE FROM entities WHERE name IN ('p1', 'p2', 'p11')")
        con.execute("DELETE FROM entities WHERE name IN ('p3', 'p12')")  # a second delete on the same files
        con.execute("UPDATE entities SET kind = 'ORG' WHERE name = 'p20'")
    assert _assert_counts_agree(home)["entities"] == 35
    with open_writer(home) as con:
        # the rest of the first file: DuckLake ends the data file and leaves its earlier delete file live
        con.execute("DELETE FROM entities WHERE name SIMILAR TO 'p[0-9]'")
    assert _assert_counts_agree(home)["entities"] == 28
    with open_writer(home) as con:
        compact(con)  # rewrites the files with deletes; the old ones stay in the catalog, ended, for time travel
        _insert_entities(con, ["late"])
    assert _assert_counts_agree(home)["entities"] == 29
    with open_writer(home) as con:
        compact(con, expire_older_than="0 seconds")
    assert _assert_counts_agree(home)["entities"] == 29


def test_the_view_counts_count_what_the_views_return(home: Home):
    with open_writer(home) as con:
        _insert(con, "article_versions", [{"article_id": f"v{i}", "doc_id": f"d{i % 3}"} for i in range(6)])
        _insert(con, "superseded_versions", [{"article_id": "v0"}, {"article_id": "v1"}, {"article_id": "gone"}])
        _insert(con, "claim_rows", [{"claim_id": f"c{i}", "article_id": f"v{i % 6}"} for i in range(9)])
        _insert(con, "claim_clusters", [{"claim_id": "c1", "cluster_id": "c1"}, {"claim_id": "c2", "cluster_id": "c1"}])
        runs = [{"run_id": f"r{i % 2}", "batch_index": i} for i in range(5)] + [{"run_id": None, "batch_index": 9}]
        _insert(con, "run_batches", runs)
    counts = _assert_counts_agree(home)
    assert (counts["articles"], counts["claims"], counts["runs"]) == (4, 9, 3)


def test_a_changed_view_brings_its_status_count_along():
    found = {
        name: hashlib.sha256((sql_dir() / "views" / f"{name}.sql").read_bytes()).hexdigest()[:16]
        for name in VIEW_COUNTS
    }
    assert found == VIEW_FILES, "a view changed: make VIEW_COUNTS in warehouse/status.py count what it returns"
