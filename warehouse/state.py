"""Look-ups a run needs from the warehouse before it loads: what is already known."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import duckdb
import pyarrow as pa

from warehouse.faults import crash_point
from warehouse.paths import sql_dir
from warehouse.tables.batches import arrow_schema


def _with_values(con: duckdb.DuckDBPyConnection, name: str, values: list[str]) -> None:
    con.register(name, pa.table({"value": pa.array(values, pa.string())}))


def known_raw_hashes(con: duckdb.DuckDBPyConnection, hashes: list[str]) -> frozenset[str]:
    """Raw bodies already stored: their pages were extracted (or quarantined) by an earlier run."""
    if not hashes:
        return frozenset()
    _with_values(con, "candidate_hashes", hashes)
    try:
        rows = con.execute(
            "SELECT raw_sha256 FROM raw_pages WHERE raw_sha256 IN (SELECT value FROM candidate_hashes)"
        ).fetchall()
    finally:
        con.unregister("candidate_hashes")
    return frozenset(r[0] for r in rows)


def validators_for(con: duckdb.DuckDBPyConnection, urls: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """Latest ETag and Last-Modified per URL, for conditional GET."""
    if not urls:
        return {}
    _with_values(con, "candidate_urls", urls)
    try:
        rows = con.execute(
            "SELECT url, arg_max(etag, fetched_at), arg_max(last_modified, fetched_at) FROM raw_pages "
            "WHERE url IN (SELECT value FROM candidate_urls) GROUP BY url"
        ).fetchall()
    finally:
        con.unregister("candidate_urls")
    return {url: (etag, modified) for url, etag, modified in rows if etag or modified}


def user_aliases(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """alias_norm -> entity_id from the user-editable alias table."""
    return dict(
        con.execute("SELECT alias_norm, arg_max(entity_id, created_at) FROM entity_aliases GROUP BY 1").fetchall()
    )


#: Claims of current articles with what the clustering compares: speaker, content, entities, outlet.
CLAIMS_FOR_CLUSTERING = """
    SELECT c.claim_id, c.speaker_entity_id, c.content, a.site_name AS article_source,
           list(DISTINCT ce.entity_id) FILTER (WHERE ce.entity_id IS NOT NULL) AS entity_ids
    FROM claim_rows c
    JOIN articles a USING (article_id)
    LEFT JOIN claim_entities ce USING (claim_id)
    GROUP BY ALL
"""
#: Rows fetched from DuckDB at a time while claims stream out one speaker at a time.
CLUSTER_FETCH_ROWS = 5_000


def claims_for_clustering(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Claims of current articles with what the clustering compares: speaker, content, entities, outlet."""
    return con.execute(CLAIMS_FOR_CLUSTERING + "ORDER BY c.claim_id").to_arrow_table().to_pylist()


def claims_by_speaker(con: duckdb.DuckDBPyConnection, fetch_rows: int = CLUSTER_FETCH_ROWS) -> Iterator[list[dict]]:
    """The rows of claims_for_clustering, one speaker's claims at a time (unnamed ones last, each group by claim_id).

    Clustering compares claims of one speaker only, so a group at a time gives the same clusters while Python holds
    one group's rows and comparison state, not the whole warehouse's claims at once.
    """
    cursor = con.execute(CLAIMS_FOR_CLUSTERING + "ORDER BY c.speaker_entity_id NULLS LAST, c.claim_id")
    columns = [d[0] for d in cursor.description]
    group: list[dict] = []
    while chunk := cursor.fetchmany(fetch_rows):
        for values in chunk:
            row = dict(zip(columns, values, strict=True))
            if group and row["speaker_entity_id"] != group[-1]["speaker_entity_id"]:
                yield group
                group = []
            group.append(row)
    if group:
        yield group


def replace_clusters(con: duckdb.DuckDBPyConnection, assignments: dict[str, str], lineage: dict[str, str]) -> int:
    """Swap the whole clustering in one transaction; readers see the old or the new one.

    Only claims that share their cluster are stored: a claim alone is its own cluster (the claims view says so),
    which keeps the table, and every join with it, small.
    """
    sizes = Counter(assignments.values())
    assignments = {claim: cluster for claim, cluster in assignments.items() if sizes[cluster] > 1}
    table = pa.table(
        {
            "claim_id": pa.array(list(assignments), pa.string()),
            "cluster_id": pa.array(list(assignments.values()), pa.string()),
            "run_id": pa.array([lineage["run_id"]] * len(assignments), pa.string()),
            "transform_version": pa.array([lineage["transform_version"]] * len(assignments), pa.string()),
        },
        schema=arrow_schema("claim_clusters"),
    )
    con.execute("BEGIN")
    try:
        con.execute("DELETE FROM claim_clusters")
        crash_point("cluster:deleted")
        con.register("new_clusters", table)
        con.execute("INSERT INTO claim_clusters BY NAME SELECT * FROM new_clusters")
        con.unregister("new_clusters")
        refresh_figure_conflicts(con, lineage["run_id"])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(assignments)


def refresh_figure_conflicts(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """Recompute figure_conflict_rows from the current claims and clusters (inside the caller's transaction)."""
    sql = (sql_dir() / "derived" / "figure_conflicts.sql").read_text(encoding="utf-8")
    con.execute("DELETE FROM figure_conflict_rows")
    con.execute(
        f"INSERT INTO figure_conflict_rows BY NAME SELECT *, $run_id AS run_id FROM ({sql})", {"run_id": run_id}
    )


def stale_for_extract(con: duckdb.DuckDBPyConnection, extractor_version: str, since: str | None) -> list[dict]:
    """Stored pages whose article came from another extractor version (re-extract without fetching)."""
    return (
        con.execute(
            """
        SELECT r.raw_sha256, r.url, r.final_url, r.source_kind, r.source, r.source_ref, r.fetched_at,
               r.http_status, r.content_type, r.etag, r.last_modified, r.truncated, a.article_id AS old_article_id
        FROM raw_pages AS r JOIN article_versions AS a USING (raw_sha256)
        WHERE a.extractor_version <> $version AND ($since IS NULL OR r.fetched_at >= CAST($since AS TIMESTAMPTZ))
        ORDER BY r.fetched_at, r.raw_sha256
        """,
            {"version": extractor_version, "since": since},
        )
        .to_arrow_table()
        .to_pylist()
    )


def stale_for_stage(con: duckdb.DuckDBPyConnection, stage: str, version: str, since: str | None) -> list[dict]:
    """Current articles in an NLP language whose stage ran with another code version (or never)."""
    return (
        con.execute(
            """
        SELECT a.* FROM articles AS a
        WHERE a.language = 'en' AND ($since IS NULL OR a.fetched_at >= CAST($since AS TIMESTAMPTZ))
          AND NOT EXISTS (SELECT 1 FROM article_processing AS p
                          WHERE p.article_id = a.article_id AND p.stage = $stage AND p.transform_version = $version)
        ORDER BY a.fetched_at, a.article_id
        """,
            {"stage": stage, "version": version, "since": since},
        )
        .to_arrow_table()
        .to_pylist()
    )


def raw_bodies(con: duckdb.DuckDBPyConnection, hashes: list[str]) -> dict[str, bytes]:
    """Compressed raw bodies by hash, for re-running stages without fetching."""
    _with_values(con, "wanted_hashes", hashes)
    try:
        rows = con.execute(
            "SELECT raw_sha256, body_gzip FROM raw_pages WHERE raw_sha256 IN (SELECT value FROM wanted_hashes)"
        ).fetchall()
    finally:
        con.unregister("wanted_hashes")
    return dict(rows)


def quarantined(con: duckdb.DuckDBPyConnection, stage: str | None = None) -> list[dict]:
    """Open quarantine rows (not resolved by a later run), oldest first."""
    return (
        con.execute(
            "SELECT * FROM quarantine WHERE resolved_at IS NULL AND ($stage IS NULL OR stage = $stage) "
            "ORDER BY created_at, quarantine_id",
            {"stage": stage},
        )
        .to_arrow_table()
        .to_pylist()
    )


def seen_items(con: duckdb.DuckDBPyConnection, sources: list[str]) -> dict[tuple[str, str], str | None]:
    """(source, item key) -> stamp for every item the sources already delivered."""
    if not sources:
        return {}
    _with_values(con, "wanted_sources", sources)
    try:
        rows = con.execute(
            "SELECT source, item_key, lastmod FROM watermarks "
            "WHERE item_key <> '*' AND source IN (SELECT value FROM wanted_sources)"
        ).fetchall()
    finally:
        con.unregister("wanted_sources")
    return {(s, k): m for s, k, m in rows}


def document_validators(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str | None, str | None]]:
    """Stored ETag / Last-Modified of feed and sitemap documents."""
    rows = con.execute("SELECT source, etag, last_modified FROM watermarks WHERE item_key = '*'").fetchall()
    return {s: (e, m) for s, e, m in rows}


def sitemap_children(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Per sitemap document: the sitemaps it listed when last read in full (empty for a sitemap of pages)."""
    rows = con.execute("SELECT source, children FROM watermarks WHERE item_key = '*' AND children IS NOT NULL")
    return {s: list(c) for s, c in rows.fetchall()}


def finished_sources(con: duckdb.DuckDBPyConnection, item_key: str) -> set[str]:
    """Sources (WARC files) marked complete under a key, such as one backfill window."""
    rows = con.execute(
        "SELECT source FROM watermarks WHERE item_key = $key AND lastmod = 'complete'", {"key": item_key}
    ).fetchall()
    return {r[0] for r in rows}
