"""Current versions and per-day rollups, kept exact by every load inside the load's own transaction.

The named queries read small rollup tables (one row per day and entity, entity and outlet, day and outlet)
instead of joining every mention with every article version. A load batch touches a set of documents: the
contributions of their current versions are taken before the batch changes anything and again afterwards, and
the difference is merged into each rollup. So a new article adds to the counts, a newer version of a document
moves its counts from the old version to the new one, and re-processed entities or claims swap theirs.
What each rollup counts is declared once, in sql/rollups/*.sql.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import pyarrow as pa

from warehouse.paths import sql_dir

KEYS_LINE = re.compile(r"^--\s*keys:\s*(.+)$", re.M)

#: Which version of a document is current: the latest fetch, ties broken by article_id (as the articles view says).
SUPERSEDED_SQL = """
SELECT article_id, doc_id
FROM (
    SELECT article_id, doc_id,
           row_number() OVER (PARTITION BY doc_id ORDER BY fetched_at DESC, article_id) AS version_rank
    FROM article_versions
    WHERE {docs}
)
WHERE version_rank > 1
"""
SCOPE_ARTICLES_SQL = """
SELECT v.article_id, v.published_date, coalesce(v.site_name, v.source) AS outlet, v.word_count
FROM article_versions AS v
WHERE {docs}
  AND NOT EXISTS (SELECT 1 FROM superseded_versions AS s WHERE s.article_id = v.article_id)
"""
SCOPE_MENTIONS_SQL = (
    "SELECT article_id, entity_id FROM mentions WHERE article_id IN (SELECT article_id FROM scope_articles)"
)
SCOPE_CLAIMS_SQL = (
    "SELECT article_id, count(*) AS claims FROM claim_rows "
    "WHERE article_id IN (SELECT article_id FROM scope_articles) GROUP BY article_id"
)
ALL_DOCS = "true"
#: Registered in place of the affected documents when every document is in scope (ALL_DOCS ignores it).
NO_DOCS = pa.table({"doc_id": pa.array([], pa.string())})
AFFECTED_DOCS = "doc_id IN (SELECT doc_id FROM affected_docs)"


@dataclass(frozen=True)
class Rollup:
    table: str
    keys: tuple[str, ...]
    sql: str


@cache
def rollups(root: Path | None = None) -> tuple[Rollup, ...]:
    found = []
    for path in sorted((root or sql_dir() / "rollups").glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        keys = KEYS_LINE.search(text)
        if not keys:
            raise ValueError(f"{path} has no '-- keys:' header")
        found.append(Rollup(path.stem, tuple(k.strip() for k in keys.group(1).split(",")), text))
    return tuple(found)


@contextmanager
def _registered(con: duckdb.DuckDBPyConnection, **tables: pa.Table) -> Iterator[None]:
    for name, table in tables.items():
        con.register(name, table)
    try:
        yield
    finally:
        for name in tables:
            con.unregister(name)


def _column(table: pa.Table | None, name: str) -> list[str]:
    if table is None or name not in table.column_names:
        return []
    return [v for v in table.column(name).to_pylist() if v is not None]


def affected_docs(
    con: duckdb.DuckDBPyConnection, tables: Mapping[str, pa.Table], replaced_article_ids: tuple[str, ...] = ()
) -> pa.Table:
    """Documents whose current version or whose derived rows a batch changes (looked up before it loads)."""
    docs = set(_column(tables.get("article_versions"), "doc_id"))
    article_ids = set(_column(tables.get("mentions"), "article_id"))
    article_ids |= set(_column(tables.get("claim_rows"), "article_id"))
    article_ids |= set(replaced_article_ids)
    article_ids -= set(_column(tables.get("article_versions"), "article_id"))
    if article_ids:
        ids = pa.table({"article_id": pa.array(sorted(article_ids), pa.string())})
        with _registered(con, known_ids=ids):
            found = con.execute(
                "SELECT DISTINCT doc_id FROM article_versions WHERE article_id IN (SELECT article_id FROM known_ids)"
            ).fetchall()
        docs |= {doc for (doc,) in found if doc is not None}
    return pa.table({"doc_id": pa.array(sorted(docs), pa.string())})


def contributions(con: duckdb.DuckDBPyConnection, docs: pa.Table | None) -> dict[str, pa.Table]:
    """Each rollup's rows for the current versions of the given documents (all documents when None)."""
    if docs is not None and docs.num_rows == 0:
        return {}
    with _registered(con, affected_docs=docs if docs is not None else NO_DOCS):
        scope = con.execute(
            SCOPE_ARTICLES_SQL.format(docs=ALL_DOCS if docs is None else AFFECTED_DOCS)
        ).to_arrow_table()
    if scope.num_rows == 0:
        return {}
    with _registered(con, scope_articles=scope):
        mentions = con.execute(SCOPE_MENTIONS_SQL).to_arrow_table()
        claims = con.execute(SCOPE_CLAIMS_SQL).to_arrow_table()
        with _registered(con, scope_mentions=mentions, scope_claims=claims):
            return {r.table: con.execute(r.sql).to_arrow_table() for r in rollups()}


def update_superseded(con: duckdb.DuckDBPyConnection, docs: pa.Table | None, run_id: str) -> None:
    """Mark every version of the documents but the current one as superseded (all documents when None)."""
    if docs is not None and docs.num_rows == 0:
        return
    where = ALL_DOCS if docs is None else AFFECTED_DOCS
    with _registered(con, affected_docs=docs if docs is not None else NO_DOCS):
        wanted = con.execute(SUPERSEDED_SQL.format(docs=where)).to_arrow_table()
        with _registered(con, wanted_superseded=wanted):
            con.execute(
                f"DELETE FROM superseded_versions WHERE {where} "
                "AND article_id NOT IN (SELECT article_id FROM wanted_superseded)"
            )
            con.execute(
                "INSERT INTO superseded_versions SELECT article_id, doc_id, $run_id AS run_id FROM wanted_superseded "
                f"WHERE article_id NOT IN (SELECT article_id FROM superseded_versions WHERE {where})",
                {"run_id": run_id},
            )


def _match(keys: tuple[str, ...], left: str, right: str) -> str:
    return " AND ".join(f"{left}.{k} IS NOT DISTINCT FROM {right}.{k}" for k in keys)


def apply_changes(
    con: duckdb.DuckDBPyConnection, before: dict[str, pa.Table], after: dict[str, pa.Table], run_id: str
) -> None:
    """Merge after - before into each rollup: the rows of touched keys are rewritten with their new totals."""
    for rollup in rollups():
        old, new = before.get(rollup.table), after.get(rollup.table)
        if old is None and new is None:
            continue
        old = old if old is not None else new.schema.empty_table()
        new = new if new is not None else old.schema.empty_table()
        measures = [c for c in new.column_names if c not in rollup.keys]
        keys = ", ".join(rollup.keys)
        delta_sql = (
            f"SELECT {keys}, {', '.join(f'sum({m}) AS {m}' for m in measures)} FROM ("
            f"SELECT {keys}, {', '.join(measures)} FROM rollup_after UNION ALL "
            f"SELECT {keys}, {', '.join(f'-{m}' for m in measures)} FROM rollup_before) GROUP BY ALL "
            f"HAVING {' OR '.join(f'sum({m}) <> 0' for m in measures)}"
        )
        with _registered(con, rollup_before=old, rollup_after=new):
            delta = con.execute(delta_sql).to_arrow_table()
        if delta.num_rows == 0:
            continue
        with _registered(con, rollup_delta=delta):
            merged = con.execute(
                f"SELECT {keys}, {', '.join(f'sum({m}) AS {m}' for m in measures)} FROM ("
                f"SELECT {keys}, {', '.join(measures)} FROM {rollup.table} AS t "
                f"WHERE EXISTS (SELECT 1 FROM rollup_delta AS d WHERE {_match(rollup.keys, 't', 'd')}) "
                f"UNION ALL SELECT {keys}, {', '.join(measures)} FROM rollup_delta) GROUP BY ALL "
                f"HAVING {' OR '.join(f'sum({m}) <> 0' for m in measures)}"
            ).to_arrow_table()
            con.execute(
                f"DELETE FROM {rollup.table} AS t USING rollup_delta AS d WHERE {_match(rollup.keys, 't', 'd')}"
            )
        with _registered(con, rollup_merged=merged):
            con.execute(
                f"INSERT INTO {rollup.table} BY NAME SELECT *, $run_id AS run_id FROM rollup_merged", {"run_id": run_id}
            )


def rebuild(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """Recompute superseded_versions and every rollup from all rows (after a migration, or to repair)."""
    update_superseded(con, None, run_id)
    for rollup in rollups():
        con.execute(f"DELETE FROM {rollup.table}")
    apply_changes(con, {}, contributions(con, None), run_id)
