"""wirehouse status: row counts read from the lake's catalog agree with counting every row."""

from __future__ import annotations

import pyarrow as pa

from warehouse.lake import connect, open_writer
from warehouse.maintenance import compact
from warehouse.paths import Home
from warehouse.status import CATALOG_COUNTS, STATUS_TABLES, read_status, row_counts, scanned_counts
from warehouse.tables.batches import padded


def _insert_entities(con, names: list[str]) -> None:
    rows = [{"entity_id": f"person:{n}", "kind": "PERSON", "name": n} for n in names]
    con.register("new_entities", padded("entities", pa.Table.from_pylist(rows)))
    con.execute("INSERT INTO entities BY NAME SELECT * FROM new_entities")
    con.unregister("new_entities")


def _all_tables(con) -> tuple[str, ...]:
    found = con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'wh'").fetchall()
    return tuple(name for (name,) in found) + STATUS_TABLES


def _assert_counts_agree(home: Home) -> dict[str, int]:
    con = connect(home, read_only=True)
    try:
        names = _all_tables(con)
        counts = row_counts(con, names)
        assert counts == scanned_counts(con, names)
        # the catalog answered for every base table: no silent fallback to scanning
        query = "SELECT table_name FROM duckdb_tables() WHERE database_name = 'wh'"
        tables = {name for (name,) in con.execute(query).fetchall()}
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
        compact(con, expire_older_than="0 seconds")
        _insert_entities(con, ["late"])
    assert _assert_counts_agree(home)["entities"] == 36
