"""The run summary people read at the end of every run."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

SUMMARY_ROWS = (
    ("discovered", "discovered"),
    ("fetched", "fetched"),
    ("unchanged", "unchanged (skipped)"),
    ("extracted", "extracted"),
    ("quarantined", "quarantined"),
    ("quarantine_resolved", "quarantine resolved (source read again)"),
    ("articles", "new articles"),
    ("entities", "new entities"),
    ("mentions", "mentions"),
    ("claims", "claims"),
)


def summary_markdown(summary: dict) -> str:
    """The same summary as Markdown, for the Prefect artifact."""
    lines = ["| measure | value |", "|---|---|"]
    lines += [f"| {label} | {summary.get(key, 0)} |" for key, label in SUMMARY_ROWS]
    lines.append(f"| duration | {summary.get('duration_s', 0):.1f} s |")
    lines.append(f"| articles per second | {summary.get('articles_per_second', 0)} |")
    for reason, count in sorted(summary.get("quarantine_reasons", {}).items()):
        lines.append(f"| quarantined: {reason} | {count} |")
    return "\n".join(lines)


def print_run_summary(summary: dict, console: Console | None = None) -> None:
    console = console or Console()
    table = Table(title=f"run {summary['run_id']}", header_style="bold")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, label in SUMMARY_ROWS:
        table.add_row(label, str(summary.get(key, 0)))
    table.add_row("duration", f"{summary.get('duration_s', 0):.1f} s")
    table.add_row("articles per second", f"{summary.get('articles_per_second', 0)}")
    for reason, count in sorted(summary.get("quarantine_reasons", {}).items()):
        table.add_row(f"  quarantined: {reason}", str(count))
    console.print(table)
