"""Atomic, idempotent batch loads: one DuckLake transaction per batch, natural keys decide what is new."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from warehouse import rollups
from warehouse.faults import crash_point

#: Rows whose key is already present are skipped (and duplicates inside a batch collapse to one).
UNIQUE_KEYS: dict[str, tuple[str, ...]] = {
    "raw_pages": ("raw_sha256",),
    "article_versions": ("article_id",),
    "entities": ("entity_id",),
    "quarantine": ("quarantine_id",),
    "article_processing": ("article_id", "stage", "transform_version"),
    "run_batches": ("run_id", "batch_index"),
}
#: Only rows matching this condition count as "already present" for a unique key: a resolved quarantine row is
#: history, so the same failure coming back opens a new row beside it.
KEY_ROWS_THAT_COUNT: dict[str, str] = {"quarantine": "t.resolved_at IS NULL"}
#: Derived rows come as a group per owner key: a group is loaded only when the owner has none yet.
GROUP_KEYS: dict[str, str] = {
    "mentions": "article_id",
    "claim_rows": "article_id",
    "claim_quantities": "claim_id",
    "claim_dates": "claim_id",
    "claim_entities": "claim_id",
}
#: Latest value wins for these keys (incremental state).
UPSERT_KEYS: dict[str, tuple[str, ...]] = {
    "watermarks": ("source", "item_key"),
}
#: Load order: owners before the rows that point at them.
LOAD_ORDER = (
    "raw_pages",
    "article_versions",
    "entities",
    "mentions",
    "claim_rows",
    "claim_quantities",
    "claim_dates",
    "claim_entities",
    "article_processing",
    "quarantine",
    "watermarks",
    "run_batches",
)


@dataclass
class LoadResult:
    inserted: dict[str, int]
    #: the finish time written on the batch's ledger rows (run_batches), when there were any
    stamped_at: datetime | None = None
    #: open discovery quarantine rows this load marked resolved (Replacement.discovered_ok)
    resolved: int = 0

    def __getitem__(self, table: str) -> int:
        return self.inserted.get(table, 0)


def _with_lineage(con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table, lineage: Mapping[str, str]) -> pa.Table:
    columns = {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
    for name, value in lineage.items():
        if name in columns and name not in rows.column_names:
            rows = rows.append_column(name, pa.array([value] * rows.num_rows, pa.string()))
    return rows


#: Tables that get their article's publication day at load time (partitioned by it, like article_versions).
PUBLICATION_DAY_FROM_ARTICLE = ("claim_rows",)


def _with_publication_day(con: duckdb.DuckDBPyConnection, rows: pa.Table) -> pa.Table:
    """Copy published_date from the article version (loaded earlier in this batch or before)."""
    if "published_date" in rows.column_names:
        rows = rows.drop_columns(["published_date"])
    con.register("day_less_rows", rows)
    try:
        return con.execute(
            "SELECT r.*, a.published_date FROM day_less_rows AS r "
            "LEFT JOIN (SELECT article_id, published_date FROM article_versions "
            "           WHERE article_id IN (SELECT article_id FROM day_less_rows)) AS a USING (article_id)"
        ).to_arrow_table()
    finally:
        con.unregister("day_less_rows")


def _stamped(rows: pa.Table, now: datetime) -> pa.Table:
    """Ledger rows get their finish time as they are written (the last table of the load), so that a batch's
    duration covers its load; rows that already carry one keep it."""
    if "finished_at" not in rows.column_names or "started_at" not in rows.column_names:
        return rows
    finished = [f or now for f in rows.column("finished_at").to_pylist()]
    started = rows.column("started_at").to_pylist()
    durations = rows.column("duration_s").to_pylist() if "duration_s" in rows.column_names else [None] * len(started)
    seconds = [
        d if d is not None else (f - s).total_seconds() if s else None
        for d, f, s in zip(durations, finished, started, strict=True)
    ]
    rows = rows.set_column(
        rows.column_names.index("finished_at"), "finished_at", pa.array(finished, pa.timestamp("us", "UTC"))
    )
    if "duration_s" in rows.column_names:
        rows = rows.drop_columns(["duration_s"])
    return rows.append_column("duration_s", pa.array(seconds, pa.float64()))


def _insert_sql(table: str) -> str:
    if table in UNIQUE_KEYS:
        keys = UNIQUE_KEYS[table]
        match = " AND ".join(f"t.{k} IS NOT DISTINCT FROM b.{k}" for k in keys)
        if table in KEY_ROWS_THAT_COUNT:
            match += f" AND {KEY_ROWS_THAT_COUNT[table]}"
        return (
            f"INSERT INTO {table} BY NAME SELECT * FROM (SELECT DISTINCT ON ({', '.join(keys)}) * FROM batch_rows) b "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {match})"
        )
    if table in GROUP_KEYS:
        key = GROUP_KEYS[table]
        return (
            f"INSERT INTO {table} BY NAME SELECT * FROM batch_rows b "
            f"WHERE b.{key} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.{key} = b.{key})"
        )
    if table in UPSERT_KEYS:
        keys = UPSERT_KEYS[table]
        match = " AND ".join(f"{table}.{k} = b.{k}" for k in keys)
        return f"DELETE FROM {table} USING batch_rows b WHERE {match}"
    raise KeyError(f"no load policy for table {table!r}")


#: Rows owned by each stage, children first, for swapping them when a stage is re-run.
STAGE_TABLES: dict[str, tuple[str, ...]] = {
    "claims": ("claim_quantities", "claim_dates", "claim_entities", "claim_rows"),
    "entities": ("mentions",),
    "extract": ("article_versions",),
}


@dataclass(frozen=True)
class Replacement:
    """Rows a load swaps out in its own transaction: stage rows of some articles, retried quarantine rows
    (deleted), and the open discovery failures of sources read successfully (marked resolved, kept as history)."""

    article_ids: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    quarantine_ids: tuple[str, ...] = ()
    #: feed, sitemap or URL-file locations discovered from without failing: their open discover rows are resolved
    discovered_ok: tuple[str, ...] = ()


def _resolve_discoveries(con: duckdb.DuckDBPyConnection, locations: tuple[str, ...], run_id: str) -> int:
    """Mark the open discover-stage rows of these locations resolved by this run; the rows stay."""
    if not locations:
        return 0
    con.register("discovered_ok", pa.table({"url": pa.array(locations, pa.string())}))
    try:
        row = con.execute(
            "UPDATE quarantine SET resolved_at = $now, resolved_by_run = $run_id "
            "WHERE stage = 'discover' AND resolved_at IS NULL AND url IN (SELECT url FROM discovered_ok)",
            {"now": datetime.now(UTC), "run_id": run_id},
        ).fetchone()
    finally:
        con.unregister("discovered_ok")
    return int(row[0]) if row else 0


def _delete_replaced(con: duckdb.DuckDBPyConnection, replacement: Replacement) -> None:
    con.register("replaced_articles", pa.table({"article_id": pa.array(replacement.article_ids, pa.string())}))
    con.register("resolved_quarantine", pa.table({"quarantine_id": pa.array(replacement.quarantine_ids, pa.string())}))
    try:
        stages = set(replacement.stages)
        if "extract" in stages:
            stages |= {"entities", "claims"}
        for stage in ("claims", "entities", "extract"):
            if stage not in stages:
                continue
            for table in STAGE_TABLES[stage]:
                if table in ("claim_quantities", "claim_dates", "claim_entities"):
                    owned = (
                        "claim_id IN (SELECT claim_id FROM claim_rows "
                        "WHERE article_id IN (SELECT article_id FROM replaced_articles))"
                    )
                else:
                    owned = "article_id IN (SELECT article_id FROM replaced_articles)"
                con.execute(f"DELETE FROM {table} WHERE {owned}")
        nlp_stages = sorted(stages & {"entities", "claims"})
        if nlp_stages:
            con.execute(
                "DELETE FROM article_processing WHERE article_id IN (SELECT article_id FROM replaced_articles) "
                "AND list_contains($stages, stage)",
                {"stages": nlp_stages},
            )
        con.execute(
            "DELETE FROM quarantine WHERE resolved_at IS NULL "
            "AND quarantine_id IN (SELECT quarantine_id FROM resolved_quarantine)"
        )
    finally:
        con.unregister("replaced_articles")
        con.unregister("resolved_quarantine")


def load_batch(
    con: duckdb.DuckDBPyConnection,
    tables: Mapping[str, pa.Table],
    lineage: Mapping[str, str],
    replacement: Replacement | None = None,
) -> LoadResult:
    """Write all of one batch's tables in one transaction: all visible together, or none at all.

    With a replacement, the rows it names are deleted in the same transaction, so re-processed articles
    swap old rows for new ones atomically, a retried input leaves quarantine as it lands, and a source read
    successfully again resolves its discovery failures.
    """
    unknown = set(tables) - set(LOAD_ORDER)
    if unknown:
        raise KeyError(f"no load policy for tables {sorted(unknown)}")
    inserted: dict[str, int] = {}
    stamped_at: datetime | None = None
    resolved = 0
    con.execute("BEGIN")
    crash_point("load:begin")
    try:
        docs = rollups.affected_docs(con, tables, replacement.article_ids if replacement else ())
        before = rollups.contributions(con, docs)
        if replacement is not None:
            _delete_replaced(con, replacement)
            resolved = _resolve_discoveries(con, replacement.discovered_ok, lineage["run_id"])
        for table in LOAD_ORDER:
            rows = tables.get(table)
            if rows is None or rows.num_rows == 0:
                continue
            rows = _with_lineage(con, table, rows, lineage)
            if table in PUBLICATION_DAY_FROM_ARTICLE:
                rows = _with_publication_day(con, rows)
            if table == "run_batches":
                stamped_at = datetime.now(UTC)
                rows = _stamped(rows, stamped_at)
            con.register("batch_rows", rows)
            try:
                result = con.execute(_insert_sql(table)).fetchone()
                if table in UPSERT_KEYS:
                    result = con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM batch_rows").fetchone()
            finally:
                con.unregister("batch_rows")
            inserted[table] = int(result[0]) if result else 0
            crash_point(f"load:{table}")
        rollups.update_superseded(con, docs, lineage["run_id"])
        rollups.apply_changes(con, before, rollups.contributions(con, docs), lineage["run_id"])
        crash_point("load:rollups")
        crash_point("load:commit")
        con.execute("COMMIT")
        crash_point("load:committed")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return LoadResult(inserted, stamped_at, resolved)
