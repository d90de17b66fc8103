"""wirehouse status: what is in the warehouse and how it got there."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from shell.output import fetch_rows
from warehouse.lake import connect
from warehouse.paths import Home

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


def _size(home: Home) -> int:
    return sum(p.stat().st_size for p in home.root.rglob("*") if p.is_file())


def next_run(cron: str | None, interval, after: datetime) -> datetime | None:
    """When a schedule fires next after a moment (cron via cronsim, which Prefect also uses)."""
    if cron:
        from cronsim import CronSim

        return next(CronSim(cron, after))
    if interval:
        return after + interval
    return None


def print_schedules(config_path: Path, console: Console) -> None:
    from flows.settings import load_settings

    config = load_settings(config_path, require_config=True)
    table = Table(title=f"schedules ({config_path})", header_style="bold")
    for column in ("source", "schedule", "next run (UTC)"):
        table.add_column(column)
    now = datetime.now(UTC)
    for source in config.sources:
        when = next_run(source.cron, source.interval, now)
        schedule = source.cron or (f"every {source.interval}" if source.interval else "manual")
        table.add_row(source.name, schedule, when.isoformat(timespec="minutes") if when else "-")
    console.print(table)


def print_status(home: Home, console: Console | None = None, config_path: Path | None = None) -> None:
    console = console or Console()
    con = connect(home, read_only=True)
    console.print(f"warehouse {home.root}: {_size(home) / 1e6:.1f} MB")
    counts = Table(title="rows", header_style="bold")
    counts.add_column("table")
    counts.add_column("rows", justify="right")
    # One statement for every count: each statement on a DuckLake costs a catalog round trip.
    union = " UNION ALL ".join(f"SELECT {n}, count(*) FROM {name}" for n, name in enumerate(STATUS_TABLES))
    found = dict(con.execute(union).fetchall())
    for n, name in enumerate(STATUS_TABLES):
        counts.add_row(name, str(found[n]))
    console.print(counts)
    for title, sql in (
        (
            "latest runs",
            "SELECT run_id, flow, started_at, status, articles, claims, quarantined, "
            "round(duration_s, 1) AS seconds FROM runs ORDER BY started_at DESC LIMIT 5",
        ),
        (
            "latest snapshots",
            "SELECT snapshot_id, snapshot_time, changes FROM ducklake_snapshots('wh') "
            "ORDER BY snapshot_id DESC LIMIT 5",
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
    ):
        # Plain rows, not Arrow: status must start in well under a second and pyarrow alone takes half of that.
        columns, rows = fetch_rows(con.execute(sql))
        table = Table(title=title, header_style="bold")
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        console.print(table)
    if config_path is not None and config_path.exists():
        print_schedules(config_path, console)
