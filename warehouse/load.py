"""Atomic, idempotent batch loads: one DuckLake transaction per batch, natural keys decide what is new."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from warehouse import rollups
from warehouse.faults import crash_point
from warehouse.tables import BATCH_WRITER, LOAD_ORDER, Table, table
from warehouse.tables.batches import check_batch
from warehouse.transaction import transaction


@dataclass
class LoadResult:
    inserted: dict[str, int]
    #: the finish time written on the batch's ledger rows (run_batches), when there were any
    stamped_at: datetime | None = None
    #: open discovery quarantine rows this load marked resolved (Replacement.discovered_ok)
    resolved: int = 0

    def __getitem__(self, table: str) -> int:
        return self.inserted.get(table, 0)


def _with_lineage(declared: Table, rows: pa.Table, lineage: Mapping[str, str]) -> pa.Table:
    """Fill the declared lineage columns the batch does not carry from the run's lineage."""
    for name in declared.supplied("lineage"):
        if name in lineage and name not in rows.column_names:
            rows = rows.append_column(name, pa.array([lineage[name]] * rows.num_rows, pa.string()))
    return rows


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


def _insert_sql(name: str) -> str:
    """The statement that writes batch_rows into a table, from its declared load rule.

    An upsert's statement deletes the stored rows the batch replaces; the rows are inserted after it.
    """
    rule = table(name).load
    if rule.kind == "unique":
        keys = rule.key
        match = " AND ".join(f"t.{k} IS NOT DISTINCT FROM b.{k}" for k in keys)
        if rule.counts_when:
            match += f" AND {rule.counts_when}"
        return (
            f"INSERT INTO {name} BY NAME SELECT * FROM (SELECT DISTINCT ON ({', '.join(keys)}) * FROM batch_rows) b "
            f"WHERE NOT EXISTS (SELECT 1 FROM {name} t WHERE {match})"
        )
    if rule.kind == "group":
        (key,) = rule.key
        return (
            f"INSERT INTO {name} BY NAME SELECT * FROM batch_rows b "
            f"WHERE b.{key} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {name} t WHERE t.{key} = b.{key})"
        )
    if rule.kind == "upsert" and rule.writer == BATCH_WRITER:
        match = " AND ".join(f"{name}.{k} = b.{k}" for k in rule.key)
        return f"DELETE FROM {name} USING batch_rows b WHERE {match}"
    raise KeyError(f"no load policy for table {name!r}")


def _replaced_tables(stage: str) -> tuple[str, ...]:
    """Rows owned by a stage's run on an article, children first, for swapping them when the stage is re-run."""
    return tuple(t for t in reversed(LOAD_ORDER) if table(t).stage == stage and table(t).per_article)


def _owned_by_replaced(name: str) -> str:
    """Condition on a table's rows that belong to the replaced articles, directly or through their owner."""
    declared = table(name)
    if "article_id" in declared.columns:
        return "article_id IN (SELECT article_id FROM replaced_articles)"
    (key,) = declared.load.key
    return f"{key} IN (SELECT {key} FROM {declared.load.owner} WHERE {_owned_by_replaced(declared.load.owner)})"


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
            for name in _replaced_tables(stage):
                con.execute(f"DELETE FROM {name} WHERE {_owned_by_replaced(name)}")
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
    for name, rows in tables.items():
        if rows is not None and rows.num_rows:
            check_batch(name, rows, lineage)
    inserted: dict[str, int] = {}
    stamped_at: datetime | None = None
    resolved = 0
    with transaction(con):
        crash_point("load:begin")
        docs = rollups.affected_docs(con, tables, replacement.article_ids if replacement else ())
        before = rollups.contributions(con, docs)
        if replacement is not None:
            _delete_replaced(con, replacement)
            resolved = _resolve_discoveries(con, replacement.discovered_ok, lineage["run_id"])
        for name in LOAD_ORDER:
            rows = tables.get(name)
            if rows is None or rows.num_rows == 0:
                continue
            declared = table(name)
            rows = _with_lineage(declared, rows, lineage)
            if "published_date" in declared.supplied("article"):
                rows = _with_publication_day(con, rows)
            if name == "run_batches":
                stamped_at = datetime.now(UTC)
                rows = _stamped(rows, stamped_at)
            con.register("batch_rows", rows)
            try:
                result = con.execute(_insert_sql(name)).fetchone()
                if declared.load.kind == "upsert":
                    result = con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM batch_rows").fetchone()
            finally:
                con.unregister("batch_rows")
            inserted[name] = int(result[0]) if result else 0
            crash_point(f"load:{name}")
        rollups.update_superseded(con, docs, lineage["run_id"])
        rollups.apply_changes(con, before, rollups.contributions(con, docs), lineage["run_id"])
        crash_point("load:rollups")
        crash_point("load:commit")
    crash_point("load:committed")
    return LoadResult(inserted, stamped_at, resolved)
