"""Look-ups a run needs from the warehouse before it loads: what is already known."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import duckdb
import pyarrow as pa

from warehouse.faults import crash_point
from warehouse.paths import sql_dir
from warehouse.tables.batches import arrow_schema
from warehouse.transaction import transaction


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


_CLAIMS_SELECT = """
    SELECT c.claim_id, c.speaker_entity_id, c.content, a.site_name AS article_source,
           list(DISTINCT ce.entity_id) FILTER (WHERE ce.entity_id IS NOT NULL) AS entity_ids
    FROM claim_rows c
    JOIN articles a USING (article_id)
    LEFT JOIN claim_entities ce USING (claim_id)
"""
#: Claims of current articles with what the clustering compares: speaker, content, entities, outlet.
CLAIMS_FOR_CLUSTERING = _CLAIMS_SELECT + "GROUP BY ALL\n"
_NAMED_CLAIMS = _CLAIMS_SELECT + "WHERE c.speaker_entity_id IS NOT NULL GROUP BY ALL\n"
#: Rows fetched from DuckDB at a time while claims stream out one speaker at a time.
CLUSTER_FETCH_ROWS = 5_000


def claims_for_clustering(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Claims of current articles with what the clustering compares: speaker, content, entities, outlet."""
    return con.execute(CLAIMS_FOR_CLUSTERING + "ORDER BY c.claim_id").to_arrow_table().to_pylist()


def claims_by_speaker(
    con: duckdb.DuckDBPyConnection, fetch_rows: int = CLUSTER_FETCH_ROWS, unnamed: bool = True
) -> Iterator[list[dict]]:
    """The rows of claims_for_clustering, one speaker's claims at a time (unnamed ones last, each group by claim_id).

    Clustering compares claims of one speaker only, so a group at a time gives the same clusters while Python holds
    one group's rows and comparison state, not the whole warehouse's claims at once. unnamed=False leaves out the
    claims without a speaker, the one group that grows with the warehouse (`flows.tasks.cluster_unnamed` takes them).
    """
    query = CLAIMS_FOR_CLUSTERING if unnamed else _NAMED_CLAIMS
    cursor = con.execute(query + "ORDER BY c.speaker_entity_id NULLS LAST, c.claim_id")
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


def stage_unnamed_claims(con: duckdb.DuckDBPyConnection) -> int:
    """Copy the unnamed rows of claims_for_clustering to a temporary table, numbered by claim_id, and count them.

    The group grows with the whole warehouse, so Python reads it back a chunk at a time (`unnamed_claims`), each
    chunk its own query: the caller can write signatures on the same connection between chunks.
    """
    con.execute(
        "CREATE OR REPLACE TEMP TABLE unnamed_claims AS SELECT row_number() OVER (ORDER BY claim_id) AS n, "
        f"claim_id, content, article_source FROM ({CLAIMS_FOR_CLUSTERING}) WHERE speaker_entity_id IS NULL"
    )
    return con.execute("SELECT count(*) FROM unnamed_claims").fetchone()[0]


def unnamed_claims(con: duckdb.DuckDBPyConnection, fetch_rows: int = CLUSTER_FETCH_ROWS) -> Iterator[list[dict]]:
    """The staged unnamed claims (n, claim_id, content, article_source), by claim_id, fetch_rows at a time."""
    count = con.execute("SELECT count(*) FROM unnamed_claims").fetchone()[0]
    for start in range(1, count + 1, fetch_rows):
        yield (
            con.execute(
                "SELECT n, claim_id, content, article_source FROM unnamed_claims WHERE n BETWEEN $lo AND $hi "
                "ORDER BY n",
                {"lo": start, "hi": start + fetch_rows - 1},
            )
            .to_arrow_table()
            .to_pylist()
        )


def start_unnamed_signatures(con: duckdb.DuckDBPyConnection) -> None:
    """Empty temporary tables for the unnamed claims' bigram hashes and LSH band keys (DuckDB holds them, under
    the writer's memory cap, spilling to disk past it, instead of Python)."""
    con.execute("CREATE OR REPLACE TEMP TABLE unnamed_shingles (n BIGINT, shingles BIGINT[])")
    con.execute("CREATE OR REPLACE TEMP TABLE unnamed_bands (band USMALLINT, key BLOB, n BIGINT)")


def add_unnamed_signatures(
    con: duckdb.DuckDBPyConnection, numbers: list[int], shingles: list[list[int]], bands: list[list[bytes]]
) -> None:
    """Append one chunk's signatures; claims with no bigram are left out, as they match nothing."""
    kept = [i for i, s in enumerate(shingles) if s]
    band_rows = [(band, key, numbers[i]) for i in kept for band, key in enumerate(bands[i])]
    con.register(
        "new_shingles",
        pa.table(
            {
                "n": pa.array([numbers[i] for i in kept], pa.int64()),
                "shingles": pa.array([shingles[i] for i in kept], pa.list_(pa.int64())),
            }
        ),
    )
    con.register(
        "new_bands",
        pa.table(
            {
                "band": pa.array([r[0] for r in band_rows], pa.uint16()),
                "key": pa.array([r[1] for r in band_rows], pa.binary()),
                "n": pa.array([r[2] for r in band_rows], pa.int64()),
            }
        ),
    )
    try:
        con.execute("INSERT INTO unnamed_shingles SELECT * FROM new_shingles")
        con.execute("INSERT INTO unnamed_bands SELECT * FROM new_bands")
    finally:
        con.unregister("new_shingles")
        con.unregister("new_bands")


#: Pairs of unnamed claims that share an LSH band key, with what the rule needs: the number of bigrams they share,
#: their bigram counts and outlets.
UNNAMED_CANDIDATES = """
    WITH pairs AS (
        SELECT DISTINCT x.n AS a, y.n AS b
        FROM unnamed_bands x JOIN unnamed_bands y ON x.band = y.band AND x.key = y.key AND x.n < y.n
    )
    SELECT ca.claim_id, cb.claim_id, len(list_intersect(sa.shingles, sb.shingles)), len(sa.shingles),
           len(sb.shingles), ca.article_source, cb.article_source
    FROM pairs p
    JOIN unnamed_shingles sa ON sa.n = p.a JOIN unnamed_shingles sb ON sb.n = p.b
    JOIN unnamed_claims ca ON ca.n = p.a JOIN unnamed_claims cb ON cb.n = p.b
"""


def unnamed_candidate_pairs(
    con: duckdb.DuckDBPyConnection, fetch_rows: int = CLUSTER_FETCH_ROWS
) -> Iterator[tuple[str, str, int, int, int, str | None, str | None]]:
    """The candidate pairs of the stored signatures, streamed: the join and the bigram counting run in DuckDB, so
    Python holds fetch_rows pairs at a time. The caller must not run other statements on con while iterating."""
    cursor = con.execute(UNNAMED_CANDIDATES)
    while chunk := cursor.fetchmany(fetch_rows):
        yield from chunk


def drop_unnamed_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the temporary tables of the unnamed clustering (a no-op for those not made)."""
    for table in ("unnamed_bands", "unnamed_shingles", "unnamed_claims"):
        con.execute(f"DROP TABLE IF EXISTS temp.main.{table}")


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
    with transaction(con):
        con.execute("DELETE FROM claim_clusters")
        crash_point("cluster:deleted")
        con.register("new_clusters", table)
        con.execute("INSERT INTO claim_clusters BY NAME SELECT * FROM new_clusters")
        con.unregister("new_clusters")
        refresh_figure_conflicts(con, lineage["run_id"])
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
