"""Merging small files during a run and compacting after it: file counts from the catalog, merges that are due
only past the threshold, and rows that stay exactly what they were."""

from __future__ import annotations

import pyarrow as pa

from warehouse.lake import CATALOG_ALIAS, open_writer
from warehouse.maintenance import (
    RUN_MERGE_FIRST_TIER_BYTES,
    RunMerges,
    compact,
    data_file_count,
    run_merge_max_bytes,
)
from warehouse.paths import Home
from warehouse.tables.batches import padded


def _insert_entities(con, names: list[str]) -> None:
    rows = pa.Table.from_pylist([{"entity_id": f"person:{n}", "kind": "PERSON", "name": n} for n in names])
    con.register("new_rows", padded("entities", rows))
    con.execute("INSERT INTO entities BY NAME SELECT * FROM new_rows")
    con.unregister("new_rows")


def _listed_file_count(con) -> int:
    tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'wh'").fetchall()]
    return sum(
        con.execute("SELECT count(*) FROM ducklake_list_files($db, $t)", {"db": CATALOG_ALIAS, "t": t}).fetchone()[0]
        for t in tables
    )


def _entities(con) -> list[tuple]:
    return con.execute("SELECT * FROM entities ORDER BY entity_id").fetchall()


def test_the_file_count_from_the_catalog_agrees_with_listing_every_table(home: Home):
    with open_writer(home) as con:
        seeded = data_file_count(con)  # the migrations' own rows
        assert seeded == _listed_file_count(con)
        for start in range(0, 30, 10):
            _insert_entities(con, [f"p{i}" for i in range(start, start + 10)])
        con.execute("DELETE FROM entities WHERE name IN ('p1', 'p12')")
        assert data_file_count(con) == _listed_file_count(con) == seeded + 3
        compact(con, expire_older_than="0 seconds")
        assert data_file_count(con) == _listed_file_count(con) < seeded + 3


def test_a_run_merges_past_the_threshold_then_past_twice_what_the_last_merge_left(home: Home):
    with open_writer(home) as con:
        merges = RunMerges(threshold=data_file_count(con) + 4)
        for start in range(0, 40, 10):
            _insert_entities(con, [f"p{i}" for i in range(start, start + 10)])
        assert not merges.due(con)
        _insert_entities(con, ["late"])
        assert merges.due(con)
        before = _entities(con)
        left = merges.merge(con)
        assert left == data_file_count(con) <= merges.threshold - 4
        assert _entities(con) == before
        assert merges.limit == max(merges.threshold, 2 * left) and merges.merges == 1
        while data_file_count(con) < merges.limit:
            _insert_entities(con, [f"q{data_file_count(con)}"])
        assert not merges.due(con)
        _insert_entities(con, ["later"])
        assert merges.due(con)


def test_merges_take_larger_files_every_eighth_time():
    sizes = [run_merge_max_bytes(n) // RUN_MERGE_FIRST_TIER_BYTES for n in (1, 2, 7, 8, 9, 16, 64, 128, 512, 4096)]
    assert sizes == [1, 1, 1, 8, 1, 8, 64, 64, 512, 512]


def test_merges_during_a_run_leave_the_stored_pages_to_the_compaction(home: Home):
    def page_files(con) -> int:
        return con.execute("SELECT count(*) FROM ducklake_list_files('wh', 'raw_pages')").fetchone()[0]

    with open_writer(home) as con:
        for n in range(3):
            con.register("new_rows", padded("raw_pages", pa.Table.from_pylist([{"raw_sha256": f"h{n}"}])))
            con.execute("INSERT INTO raw_pages BY NAME SELECT * FROM new_rows")
            con.unregister("new_rows")
            _insert_entities(con, [f"p{n}"])
        RunMerges(threshold=1).merge(con)
        assert page_files(con) == 3
        assert con.execute("SELECT count(*) FROM ducklake_list_files('wh', 'entities')").fetchone()[0] == 1
        compact(con)
        assert page_files(con) == 1
