"""wirehouse status: what is in the warehouse and how it got there."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from warehouse.paths import Home


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
    from flows.api import status_data

    console = console or Console()
    data = status_data(home)
    console.print(f"warehouse {data.root}: {data.size_bytes / 1e6:.1f} MB")
    counts = Table(title="rows", header_style="bold")
    counts.add_column("table")
    counts.add_column("rows", justify="right")
    for name, count in data.counts.items():
        counts.add_row(name, str(count))
    console.print(counts)
    for section in data.sections:
        table = Table(title=section.title, header_style="bold")
        for column in section.columns:
            table.add_column(column, overflow="fold")
        for row in section.rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        console.print(table)
    if config_path is not None and config_path.exists():
        print_schedules(config_path, console)
