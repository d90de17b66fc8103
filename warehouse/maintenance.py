"""Keeping the lake small and fast: merge the small Parquet files frequent runs leave, drop what is expired."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from warehouse.faults import crash_point
from warehouse.lake import CATALOG_ALIAS


@dataclass(frozen=True)
class CompactionResult:
    files_before: int
    files_after: int
    snapshots_expired: int
    files_deleted: int


def _lake_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = $db ORDER BY table_name",
            {"db": CATALOG_ALIAS},
        ).fetchall()
    ]


def data_file_count(con: duckdb.DuckDBPyConnection) -> int:
    tables = _lake_tables(con)
    return sum(
        con.execute(
            "SELECT count(*) FROM ducklake_list_files($db, $table)", {"db": CATALOG_ALIAS, "table": t}
        ).fetchone()[0]
        for t in tables
    )


def compact(con: duckdb.DuckDBPyConnection, expire_older_than: str = "7 days") -> CompactionResult:
    """Rewrite files with deleted rows, merge small files, expire old snapshots, delete files nothing references.

    Time travel reaches back only as far as the snapshots kept, hence the interval.
    """
    before = data_file_count(con)
    # rollups are rewritten a little by every load: their files carry many small deletes worth folding in
    con.execute("CALL ducklake_rewrite_data_files($db, delete_threshold => 0.05)", {"db": CATALOG_ALIAS})
    # one table at a time: the same merges, but at 1,500 pages one call for every table peaked at 478 MB (88 MB before
    # it), one call per table at 256 MB (its peak is raw_pages, the largest table)
    for name in _lake_tables(con):
        con.execute("CALL ducklake_merge_adjacent_files($db, $table)", {"db": CATALOG_ALIAS, "table": name})
    crash_point("compact:merged")
    expired = con.execute(
        "SELECT count(*) FROM ducklake_expire_snapshots($db, older_than => now() - CAST($age AS INTERVAL))",
        {"db": CATALOG_ALIAS, "age": expire_older_than},
    ).fetchone()[0]
    deleted = con.execute(
        "SELECT count(*) FROM ducklake_cleanup_old_files($db, cleanup_all => true)", {"db": CATALOG_ALIAS}
    ).fetchone()[0]
    deleted += con.execute(
        "SELECT count(*) FROM ducklake_delete_orphaned_files($db, older_than => now() - INTERVAL 1 HOUR)",
        {"db": CATALOG_ALIAS},
    ).fetchone()[0]
    return CompactionResult(before, data_file_count(con), int(expired), int(deleted))


def needs_compaction(con: duckdb.DuckDBPyConnection, threshold: int) -> bool:
    """Whether the lake holds more data files than threshold (the auto_compact_files setting)."""
    return data_file_count(con) > threshold
