"""An ingest with nothing new to fetch, finished without Prefect.

Starting Prefect costs seconds of imports, and without a `wirehouse serve` server for the home a temporary
Prefect server too (tens of seconds on two cores); the worker pool and its spaCy models cost more. A scheduled
or scripted ingest often finds nothing new: an empty WARC or URL list, a feed that lists nothing new. The CLI
asks here first. When there is work, discovery is handed to the flow (flows.discovery.hand_over), so the
sources are read once, and the flow runs as before. When there is none, the run is recorded here with the
rows an empty flow run writes:

- the schema brought up to date (a new home becomes an empty warehouse);
- the feed and sitemap validators read, and the open discovery failures of the sources read resolved;
- the quality checks' rows for the run;
- compaction when the lake has too many files.

What differs: the run id is a fresh UUID instead of a Prefect flow run id, there is no flow run and no summary
artifact in Prefect, and claims are not clustered again (an empty run changes no claim; a flow run would
rewrite the same clusters under its own run id).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from contextlib import closing
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from acquisition import incremental as incremental_state
from acquisition.records import Source
from acquisition.warc import WarcTally
from flows.discovery import Discovered, discover_sources, fetch_config, hand_over, local_pages
from flows.summary import RunSummary
from warehouse.lake import open_writer, write_lock
from warehouse.paths import Home

if TYPE_CHECKING:
    from duckdb import DuckDBPyConnection

    from flows.settings import Settings


def local_tallies_if_empty(
    html_dirs: Sequence[str], warcs: Sequence[str], allow_private: bool
) -> dict[str, WarcTally] | None:
    """Per WARC, what its reader found, when no directory or WARC holds a single page; None otherwise.

    Only the first page is read: a file with pages is read again, from its start, by the flow.
    """
    tallies: dict[str, WarcTally] = {}
    with closing(local_pages(html_dirs, warcs, allow_private, tallies)) as pages:
        if next(pages, None) is not None:
            return None
    return tallies


def has_new_items(con: DuckDBPyConnection, discovered: Discovered, remote: Sequence[Source], incremental: bool) -> bool:
    """Whether the flow would fetch or quarantine anything (the same filters as flows.ingest.ingest_remote)."""
    if discovered.failures:
        return True
    items = discovered.items
    if incremental and items:
        from warehouse import state

        items = incremental_state.new_items(items, state.seen_items(con, [s.location for s in remote]))
    return bool(items)


def discover(
    con: DuckDBPyConnection, remote: Sequence[Source], url_files: Sequence[str], settings: Settings, incremental: bool
) -> tuple[Discovered, float]:
    """Read the sources the way the flow's discover task does, with the validators stored in the warehouse."""
    from warehouse import state

    started = time.perf_counter()
    stored = state.document_validators(con) if incremental else {}
    children = state.sitemap_children(con) if incremental else None
    discovered = discover_sources(remote, url_files, fetch_config(settings), stored, children)
    return discovered, time.perf_counter() - started


def record_sources_read(con: DuckDBPyConnection, home: Home, discovered: Discovered, run_id: str, wait_s: float) -> int:
    """Store the validators read and resolve the open discovery failures of the sources read (one transaction)."""
    marks = incremental_state.source_watermarks(discovered.validators, discovered.children)
    if not (marks or discovered.read):
        return 0
    import pyarrow as pa

    from flows.versions import code_version  # imports the extractor: only runs that read sources pay for it
    from warehouse.load import Replacement, load_batch

    lineage = {"run_id": run_id, "code_version": code_version()}
    tables = {"watermarks": pa.Table.from_pylist(marks)} if marks else {}
    with write_lock(home, wait_s):
        loaded = load_batch(con, tables, lineage, Replacement(discovered_ok=tuple(discovered.read)))
    return loaded.resolved


def finish_run(con: DuckDBPyConnection, home: Home, summary: RunSummary, wait_s: float, compact_after: int) -> None:
    """The end of every run: the quality checks' rows, then compaction if the lake needs it."""
    from warehouse.checks import run_checks
    from warehouse.maintenance import compact, needs_compaction

    with write_lock(home, wait_s):
        summary.checks = run_checks(con, summary.run_id)
    started = time.perf_counter()
    with write_lock(home, wait_s):
        if needs_compaction(con, compact_after):
            compact(con)
    summary.stage_seconds["compact"] += time.perf_counter() - started


def reconcile(summary: RunSummary, tallies: dict[str, WarcTally]) -> None:
    """Per WARC file, as Pipeline.reconcile_files does when no record became a page."""
    for location, tally in tallies.items():
        row = {**tally.as_dict(), "articles": 0, "quarantined": 0, "unchanged": 0}
        row["reconciled"] = sum(row["skipped"].values()) == row["records"] + row["damaged_ranges"]
        summary.files[location] = row


def try_empty_ingest(
    *,
    feeds: Sequence[str],
    sitemaps: Sequence[str],
    url_files: Sequence[str],
    html_dirs: Sequence[str],
    warcs: Sequence[str],
    settings: Settings,
    wait_s: float,
    incremental: bool,
) -> dict | None:
    """The summary of an ingest that found nothing new, recorded without Prefect; None when there is work.

    With work, what discovery found is handed to the flow this process starts next.
    """
    clock = time.perf_counter()
    tallies = local_tallies_if_empty(html_dirs, warcs, settings.allow_private)
    if tallies is None:
        return None
    remote = [Source("feed", u) for u in feeds] + [Source("sitemap", u) for u in sitemaps]
    warehouse_home = settings.lake_home()
    with open_writer(warehouse_home, wait_s=wait_s, hold_lock=False) as con:
        discovered, seconds = Discovered(), 0.0
        if remote or url_files:
            discovered, seconds = discover(con, remote, url_files, settings, incremental)
            if has_new_items(con, discovered, remote, incremental):
                hand_over(remote, url_files, incremental, discovered, seconds)
                return None
        summary = RunSummary(run_id=str(uuid.uuid4()), flow="ingest", started_at=datetime.now(UTC))
        if remote or url_files:
            summary.stage_seconds["discover"] += seconds
        summary.quarantine_resolved += record_sources_read(con, warehouse_home, discovered, summary.run_id, wait_s)
        reconcile(summary, tallies)
        finish_run(con, warehouse_home, summary, wait_s, settings.auto_compact_files)
    summary.duration_s = time.perf_counter() - clock
    return summary.as_dict()
