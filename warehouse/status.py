"""What is in the warehouse and how it got there: row counts, latest runs and snapshots, quarantine, sources."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from warehouse.lake import CATALOG_ALIAS
from warehouse.paths import Home
from warehouse.results import fetch_rows

STATUS_TABLES = (
    "articles",
    "article_versions",
    "raw_pages",
    "entities",
    "mentions",
    "claims",
    "claim_quantities",
    "claim_dates",
    "claim_entities",
    "quarantine",
    "runs",
)

#: Rows per base table from the lake's own catalog, without opening a data file: the rows of the table's live data
#: files minus those of their live delete files, at the snapshot the statement reads (a rewrite ends a data file but
#: leaves its delete file as it was, so only the deletes of live data files count). Tables with rows inlined in the
#: catalog (wirehouse attaches with inlining off, but a lake written by another client may have some) are left out
#: and counted by a scan, as are views.
CATALOG_COUNTS = f"""
WITH snapshot AS (SELECT id FROM ducklake_current_snapshot('{CATALOG_ALIAS}')),
live AS (
    SELECT t.table_id, t.table_name
    FROM __ducklake_metadata_{CATALOG_ALIAS}.ducklake_table AS t
    JOIN __ducklake_metadata_{CATALOG_ALIAS}.ducklake_schema AS s USING (schema_id), snapshot
    WHERE s.schema_name = 'main'
      AND t.begin_snapshot <= snapshot.id AND (t.end_snapshot IS NULL OR t.end_snapshot > snapshot.id)
      AND s.begin_snapshot <= snapshot.id AND (s.end_snapshot IS NULL OR s.end_snapshot > snapshot.id)
      AND t.table_id NOT IN (SELECT table_id FROM __ducklake_metadata_{CATALOG_ALIAS}.ducklake_inlined_data_tables)
),
stored AS (
    SELECT table_id, sum(record_count) AS n FROM __ducklake_metadata_{CATALOG_ALIAS}.ducklake_data_file, snapshot
    WHERE begin_snapshot <= snapshot.id AND (end_snapshot IS NULL OR end_snapshot > snapshot.id)
    GROUP BY table_id
),
deleted AS (
    SELECT x.table_id, sum(x.delete_count) AS n
    FROM __ducklake_metadata_{CATALOG_ALIAS}.ducklake_delete_file AS x
    JOIN __ducklake_metadata_{CATALOG_ALIAS}.ducklake_data_file AS d USING (data_file_id), snapshot
    WHERE x.begin_snapshot <= snapshot.id AND (x.end_snapshot IS NULL OR x.end_snapshot > snapshot.id)
      AND d.begin_snapshot <= snapshot.id AND (d.end_snapshot IS NULL OR d.end_snapshot > snapshot.id)
    GROUP BY x.table_id
)
SELECT live.table_name, coalesce(stored.n, 0) - coalesce(deleted.n, 0)
FROM live LEFT JOIN stored USING (table_id) LEFT JOIN deleted USING (table_id)
"""

SECTIONS = (
    (
        "latest runs",
        "SELECT run_id, flow, started_at, status, articles, claims, quarantined, "
        "round(duration_s, 1) AS seconds FROM runs ORDER BY started_at DESC LIMIT 5",
    ),
    (
        "latest snapshots",
        "SELECT snapshot_id, snapshot_time, changes FROM ducklake_snapshots('wh') ORDER BY snapshot_id DESC LIMIT 5",
    ),
    (
        "quarantine (open / resolved)",
        "SELECT stage, error_class, count(*) FILTER (WHERE resolved_at IS NULL) AS open, "
        "count(*) FILTER (WHERE resolved_at IS NOT NULL) AS resolved "
        "FROM quarantine GROUP BY ALL ORDER BY 3 DESC, 4 DESC",
    ),
    (
        "sources (watermarks)",
        "SELECT source, count(*) FILTER (WHERE item_key <> '*') AS items_seen, "
        "max(updated_at) AS last_advanced, any_value(etag) FILTER (WHERE item_key = '*') AS etag "
        "FROM watermarks GROUP BY source ORDER BY last_advanced DESC, source LIMIT 20",
    ),
)


@dataclass(frozen=True)
class Section:
    """One titled result of the status, as plain rows."""

    title: str
    columns: list[str]
    rows: list[tuple]


@dataclass(frozen=True)
class Status:
    """The warehouse at a glance."""

    root: str
    size_bytes: int
    counts: dict[str, int]
    sections: list[Section]


def size_bytes(home: Home) -> int:
    return sum(p.stat().st_size for p in home.root.rglob("*") if p.is_file())


#: The rows of the views the status counts, written against their base tables: binding one of these views on a
#: DuckLake costs 45-70 ms of CPU (every column of its wide tables is bound), these statements a third of that.
#: Each must count what its view in sql/views/ returns: tests/test_status.py checks them on one warehouse, and
#: fails when a view's file changes, to bring its count here along.
VIEW_COUNTS = {
    "articles": "SELECT count(*) FROM article_versions AS v "
    "WHERE NOT EXISTS (SELECT 1 FROM superseded_versions AS s WHERE s.article_id = v.article_id)",
    "claims": "SELECT count(*) FROM claim_rows AS r LEFT JOIN claim_clusters AS c USING (claim_id)",
    "runs": "SELECT count(*) FROM (SELECT run_id FROM run_batches GROUP BY run_id)",
}


def scanned_counts(con: duckdb.DuckDBPyConnection, names: tuple[str, ...]) -> dict[str, int]:
    """count(*) of each table or view, in one statement: each statement on a DuckLake costs a catalog round trip,
    and each table scanned one file listing from the catalog and every data file's footer."""
    if not names:
        return {}
    counts = [VIEW_COUNTS.get(name, f"SELECT count(*) FROM {name}") for name in names]
    union = " UNION ALL ".join(f"SELECT {n}, ({sql})" for n, sql in enumerate(counts))
    found = dict(con.execute(union).fetchall())
    return {name: found[n] for n, name in enumerate(names)}


def row_counts(con: duckdb.DuckDBPyConnection, names: tuple[str, ...] = STATUS_TABLES) -> dict[str, int]:
    """Rows per table or view: base tables from the catalog (one short statement however many files the lake holds),
    views and anything the catalog cannot answer exactly by count(*)."""
    try:
        stored = {name: int(n) for name, n in con.execute(CATALOG_COUNTS).fetchall()}
    except duckdb.Error:  # a catalog layout this query does not know: count every table the slow way
        stored = {}
    counts = {name: stored[name] for name in names if name in stored}
    counts |= scanned_counts(con, tuple(name for name in names if name not in counts))
    return {name: counts[name] for name in names}


def read_status(con: duckdb.DuckDBPyConnection, home: Home) -> Status:
    """The status from a read connection; plain rows, not Arrow, so that it needs no pyarrow.

    One transaction: every figure comes from one snapshot, and DuckLake looks that snapshot and the tables' file
    lists up in the catalog once rather than once per statement.
    """
    con.execute("BEGIN")
    try:
        counts = row_counts(con)
        sections = [Section(title, *fetch_rows(con.execute(sql))) for title, sql in SECTIONS]
    finally:
        con.execute("COMMIT")
    return Status(str(home.root), size_bytes(home), counts, sections)
