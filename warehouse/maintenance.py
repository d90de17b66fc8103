"""Keeping the lake small and fast: merge the small Parquet files frequent runs leave, drop what is expired."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from warehouse.faults import crash_point
from warehouse.lake import CATALOG_ALIAS

#: The catalog's own tables (the DuckLake spec's ducklake_data_file), attached beside the lake under this name.
METADATA_CATALOG = f"__ducklake_metadata_{CATALOG_ALIAS}"
#: Merges during a run take files up to this size; every 8th merge up to 8 times as large, every 64th up to 64 times
#: (tiers, as in a log-structured merge): a merge rewrites mostly what the latest batches wrote, and each row is
#: rewritten a few times over a run instead of with every merge.
RUN_MERGE_FIRST_TIER_BYTES = 2**20
RUN_MERGE_TIER_FACTOR = 8
RUN_MERGE_TIERS = 4
#: Left to the end-of-run compaction: the gzipped pages come one file of a few MB per batch, and merging them is
#: what costs a merge its memory (at 5,000 pages a run's merges raised its peak while the workers held theirs).
RUN_MERGE_SKIPPED = ("raw_pages",)


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
    """Live data files in the lake, read from the catalog's file list: milliseconds at any size (listing each
    table's files took 0.5 s at 9,300 files), so a run can check it after every load."""
    live = f"SELECT count(*) FROM {METADATA_CATALOG}.ducklake_data_file WHERE end_snapshot IS NULL"
    return con.execute(live).fetchone()[0]


def merge_small_files(
    con: duckdb.DuckDBPyConnection, max_file_bytes: int | None = None, skipped: tuple[str, ...] = ()
) -> None:
    """Fold deletes into the files that carry many, then merge each table's small files (one table at a time:
    at 1,500 pages one call for every table peaked at 478 MB (88 MB before it), one call per table at 256 MB, its
    peak being raw_pages, the largest table). max_file_bytes leaves files of that size or larger out, skipped
    those tables."""
    # rollups are rewritten a little by every load: their files carry many small deletes worth folding in
    con.execute("CALL ducklake_rewrite_data_files($db, delete_threshold => 0.05)", {"db": CATALOG_ALIAS})
    for name in _lake_tables(con):
        if name in skipped:
            continue
        if max_file_bytes is None:
            con.execute("CALL ducklake_merge_adjacent_files($db, $table)", {"db": CATALOG_ALIAS, "table": name})
        else:
            con.execute(
                "CALL ducklake_merge_adjacent_files($db, $table, max_file_size => $size)",
                {"db": CATALOG_ALIAS, "table": name, "size": max_file_bytes},
            )


def compact(con: duckdb.DuckDBPyConnection, expire_older_than: str = "7 days") -> CompactionResult:
    """Rewrite files with deleted rows, merge small files, expire old snapshots, delete files nothing references.

    Time travel reaches back only as far as the snapshots kept, hence the interval.
    """
    before = data_file_count(con)
    merge_small_files(con)
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


def run_merge_max_bytes(merge_number: int) -> int:
    """The largest file the merge_number-th merge of a run takes (1-based): 1 MB, every 8th 8 MB, every 64th 64 MB."""
    tier = 0
    while merge_number % RUN_MERGE_TIER_FACTOR == 0 and tier < RUN_MERGE_TIERS - 1:
        merge_number //= RUN_MERGE_TIER_FACTOR
        tier += 1
    return RUN_MERGE_FIRST_TIER_BYTES * RUN_MERGE_TIER_FACTOR**tier


class RunMerges:
    """When a long run merges the small files its loads leave behind, before the end-of-run compaction.

    Every load writes a file per table and partition, and each load's dedup and rollup queries open every file
    of the tables they read, so without merges a load's cost grows with the run: replaying 104 batches of 100
    bench articles, a load took 1.3 s at the first batch and 8.2 s at the 94th (9,300 files). A merge is due once
    the lake holds more than the auto-compaction threshold and twice as many files as the last merge left, so
    its cost follows the files the run added, not the size of the lake.
    """

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold
        self.limit = threshold
        self.merges = 0

    def due(self, con: duckdb.DuckDBPyConnection) -> bool:
        return data_file_count(con) > self.limit

    def merge(self, con: duckdb.DuckDBPyConnection) -> int:
        """Merge the small files; returns how many files the lake holds afterwards."""
        merge_small_files(con, run_merge_max_bytes(self.merges + 1), RUN_MERGE_SKIPPED)
        crash_point("merge:merged")
        after = data_file_count(con)
        self.limit = max(self.threshold, 2 * after)
        self.merges += 1
        return after
