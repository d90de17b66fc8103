"""What is in the warehouse and how it got there: row counts, latest runs and snapshots, quarantine, sources."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

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
        "FROM watermarks GROUP BY source ORDER BY last_advanced DESC LIMIT 20",
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


def read_status(con: duckdb.DuckDBPyConnection, home: Home) -> Status:
    """The status from a read connection; plain rows, not Arrow, so that it needs no pyarrow."""
    # One statement for every count: each statement on a DuckLake costs a catalog round trip.
    union = " UNION ALL ".join(f"SELECT {n}, count(*) FROM {name}" for n, name in enumerate(STATUS_TABLES))
    found = dict(con.execute(union).fetchall())
    counts = {name: found[n] for n, name in enumerate(STATUS_TABLES)}
    sections = [Section(title, *fetch_rows(con.execute(sql))) for title, sql in SECTIONS]
    return Status(str(home.root), size_bytes(home), counts, sections)
