"""The library API: one function per `wirehouse` command that does the work and returns data, printing nothing.

It lives in flows/, the orchestration room, because several commands start flows and flows may use every room
below it; shell/cli.py parses options, makes one call here and prints what comes back, so Python users and
the command line share one path. A failure meant for the user is a WirehouseError, whose message the command
line shows as it is. Imports stay inside the functions: `wirehouse sql` must start without Prefect, pyarrow
or spaCy.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import datetime as dt

    import pyarrow as pa

    from demo_site import DemoSite
    from flows.settings import Settings
    from report.data import ReportData
    from warehouse.maintenance import CompactionResult
    from warehouse.paths import Home
    from warehouse.queries import NamedQuery
    from warehouse.results import Rows
    from warehouse.status import Status

    #: A warehouse: a resolved Home, its directory, or None for the settings' home.
    HomeRef = Home | str | os.PathLike[str] | None


#: The named queries the demo answers after its ingest.
DEMO_QUERIES = ("most_mentioned_entities", "latest_claims", "conflicting_figures")


class WirehouseError(Exception):
    """A failure the user can act on, said in one line (the command line prints it without a traceback)."""


class NoSource(WirehouseError):
    """A call names no source to read (the command line reports it as a usage error)."""


def lake_home(home: HomeRef = None) -> Home:
    """The warehouse home: a Home as it is, else the settings' home (the given directory first)."""
    from warehouse.paths import Home

    if isinstance(home, Home):
        return home
    from flows.settings import load_settings

    return load_settings(home=None if home is None else os.fspath(home)).lake_home()


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]


def run_sql(
    home: HomeRef,
    query: str,
    write: bool = False,
    as_of: str | None = None,
    snapshot: int | None = None,
    arrow: bool = False,
) -> Rows | pa.Table:
    """Run one statement: read-only (at a snapshot or a time, if given) unless write; Arrow if asked."""
    import duckdb

    from warehouse.lake import connect, open_writer
    from warehouse.queries import QueryError, check_read_only
    from warehouse.results import fetch_result

    lake = lake_home(home)
    try:
        if write:
            with open_writer(lake) as con:
                return fetch_result(con.execute(query), arrow)
        con = connect(lake, read_only=True, snapshot_time=as_of, snapshot_version=snapshot)
        check_read_only(con, query)
        return fetch_result(con.execute(query), arrow)
    except QueryError as exc:
        raise WirehouseError(str(exc)) from None
    except duckdb.Error as exc:
        first_line = _first_line(exc)
        read_only = "read-only" in first_line.lower() or "read only" in first_line.lower()
        hint = " (the warehouse is read-only here; add --write)" if read_only else ""
        raise WirehouseError(f"{first_line}{hint}") from None


def list_named_queries() -> list[NamedQuery]:
    """The named queries of sql/queries/, each with what it answers and its parameters."""
    from warehouse.queries import named_queries

    return list(named_queries().values())


def run_named_query(
    home: HomeRef, name: str, params: dict[str, str] | None = None, arrow: bool = False
) -> tuple[NamedQuery, Rows | pa.Table]:
    """Run a named query with its parameters given as text (checked and typed by the query's header)."""
    import duckdb

    from warehouse.lake import connect
    from warehouse.queries import QueryError, get_query, run_query
    from warehouse.results import fetch_result

    try:
        named = get_query(name)
        con = connect(lake_home(home), read_only=True)
        return named, fetch_result(run_query(con, named, params or {}), arrow)
    except QueryError as exc:
        raise WirehouseError(str(exc)) from None
    except duckdb.Error as exc:
        raise WirehouseError(f"query {name!r} failed: {_first_line(exc)}") from None


def status_data(home: HomeRef = None) -> Status:
    """Size, rows per table, latest runs and snapshots, quarantine counts and source watermarks."""
    from warehouse.lake import connect
    from warehouse.status import read_status

    lake = lake_home(home)
    return read_status(connect(lake, read_only=True), lake)


def quarantine_rows(
    home: HomeRef = None,
    stage: str | None = None,
    limit: int = 50,
    include_resolved: bool = False,
    arrow: bool = False,
) -> Rows | pa.Table:
    """Quarantined inputs, newest first: open ones, and with include_resolved the resolved history too."""
    from warehouse.lake import connect
    from warehouse.results import fetch_result

    con = connect(lake_home(home), read_only=True)
    columns = "stage, error_class, url, message, source, source_ref, raw_sha256, created_at"
    if include_resolved:
        columns += ", resolved_at, resolved_by_run"
    cursor = con.execute(
        f"SELECT {columns} FROM quarantine "
        "WHERE ($stage IS NULL OR stage = $stage) AND (resolved_at IS NULL OR $resolved) "
        "ORDER BY created_at DESC LIMIT $limit",
        {"stage": stage, "limit": limit, "resolved": include_resolved},
    )
    return fetch_result(cursor, arrow)


def add_alias(home: HomeRef, surface: str, canonical: str) -> str:
    """Make surface resolve to canonical (an entity id or name); the entity id. Reprocess entities to apply it."""
    from transforms.names import normalise_name
    from warehouse.aliases import add_aliases, resolve_entity
    from warehouse.lake import open_writer

    with open_writer(lake_home(home)) as con:
        entity_id = resolve_entity(con, canonical, normalise_name(canonical))
        add_aliases(con, [(surface, normalise_name(surface))], entity_id, "user")
    return entity_id


def merge_entities(home: HomeRef, keep: str, other: str) -> tuple[str, str, int]:
    """Make every way other was written an alias of keep: (other's id, keep's id, aliases added)."""
    from transforms.names import normalise_name
    from warehouse.aliases import add_aliases, resolve_entity, surfaces_of
    from warehouse.lake import open_writer

    with open_writer(lake_home(home)) as con:
        keep_id = resolve_entity(con, keep, normalise_name(keep))
        other_id = resolve_entity(con, other, normalise_name(other))
        if keep_id == other_id:
            raise WirehouseError(f"{keep!r} and {other!r} are already the same entity ({keep_id})")
        surfaces = surfaces_of(con, other_id)
        add_aliases(con, [(s, normalise_name(s)) for s in surfaces], keep_id, "merge")
    return other_id, keep_id, len(surfaces)


def list_aliases(home: HomeRef = None) -> pa.Table:
    """The alias table."""
    from warehouse.aliases import list_aliases as read_aliases
    from warehouse.lake import connect

    return read_aliases(connect(lake_home(home), read_only=True))


def compact(home: HomeRef = None, expire_older_than: str = "7 days") -> CompactionResult:
    """Merge small Parquet files, expire snapshots older than expire_older_than and delete unreferenced files."""
    from warehouse.lake import open_writer
    from warehouse.maintenance import compact as compact_lake

    with open_writer(lake_home(home)) as con:
        return compact_lake(con, expire_older_than)


def report_data(
    home: HomeRef = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    entity: str | None = None,
) -> ReportData:
    """What the HTML report shows, for publication days start..end and a claim-timeline entity."""
    from report.data import EntityNotFound, load_report
    from warehouse.lake import connect

    if start and end and start > end:
        raise WirehouseError(f"--from {start} is after --to {end}")
    con = connect(lake_home(home), read_only=True)
    try:
        return load_report(con, start, end, entity)
    except EntityNotFound as exc:
        raise WirehouseError(str(exc)) from None
    finally:
        con.close()


def write_report(
    home: HomeRef,
    output: str | os.PathLike[str],
    start: dt.date | None = None,
    end: dt.date | None = None,
    entity: str | None = None,
) -> ReportData:
    """Write the self-contained HTML report to output; the data it shows."""
    from report.page import render_report

    data = report_data(home, start, end, entity)
    Path(output).write_text(render_report(data), encoding="utf-8")
    return data


def use_served_prefect(home: str | None) -> None:
    """Run flows on the Prefect server `wirehouse serve` keeps for this home, if one answers.

    Otherwise Prefect starts a temporary server for this one call (10-20 s on two cores).
    """
    from flows.local_server import use_running_server

    use_running_server(home)


def ingest(
    settings: Settings,
    feeds: Sequence[str] = (),
    sitemaps: Sequence[str] = (),
    url_files: Sequence[str] = (),
    html_dirs: Sequence[str] = (),
    warcs: Sequence[str] = (),
    wait_s: float = 600.0,
    workers: int = 1,
    dask_address: str | None = None,
    incremental: bool = True,
) -> tuple[dict[str, Any], bool]:
    """Discover, fetch, extract, transform and load the sources: (run summary, whether Prefect was started).

    When discovery finds nothing new the run is recorded without starting Prefect at all.
    """
    from flows.empty_run import try_empty_ingest

    sources = dict(
        feeds=list(feeds),
        sitemaps=list(sitemaps),
        url_files=list(url_files),
        html_dirs=list(html_dirs),
        warcs=list(warcs),
    )
    summary = try_empty_ingest(**sources, settings=settings, wait_s=wait_s, incremental=incremental)
    if summary is not None:
        return summary, False
    use_served_prefect(settings.home)
    from flows.ingest import ingest_flow

    summary = ingest_flow(
        **sources,
        home=settings.home,
        batch_size=settings.batch_size,
        allow_private=settings.allow_private,
        model=settings.spacy_model,
        fetch_options=settings.fetch_options(),
        wait_for_lock_s=wait_s,
        workers=workers,
        dask_address=dask_address,
        incremental=incremental,
    )
    return summary, True


def reprocess(settings: Settings, since: str | None = None, stage: str | None = None) -> dict[str, Any]:
    """Re-run stages whose code version changed, from stored raw bytes; the run summary."""
    use_served_prefect(settings.home)
    from flows.reprocess import reprocess_flow

    return reprocess_flow(
        home=settings.home, since=since, stage=stage, batch_size=settings.batch_size, model=settings.spacy_model
    )


def retry_quarantined(settings: Settings, stage: str | None = None) -> dict[str, Any]:
    """Try quarantined inputs again (those that succeed leave quarantine); the run summary."""
    use_served_prefect(settings.home)
    from flows.reprocess import retry_quarantined_flow

    return retry_quarantined_flow(home=settings.home, stage=stage, allow_private=settings.allow_private)


def backfill(
    settings: Settings,
    date_from: str,
    date_to: str,
    source_name: str | None = None,
    sitemaps: Sequence[str] = (),
    url_files: Sequence[str] = (),
    warc_list: str | None = None,
    warc_base_url: str | None = None,
    warcs: Sequence[str] = (),
    window: str = "1d",
    concurrency: int = 1,
) -> dict[str, Any]:
    """Ingest publication days date_from..date_to window by window; a second call resumes where one stopped.

    source_name adds the sitemaps, URL files and WARCs of that source of the configuration.
    """
    use_served_prefect(settings.home)
    sitemaps, url_files, warcs = list(sitemaps), list(url_files), list(warcs)
    if source_name:
        source = settings.source(source_name)
        sitemaps += source.sitemaps
        url_files += source.url_files
        warcs += source.warcs
    if not (sitemaps or url_files or warcs or warc_list):
        raise NoSource("give a source: --source, --sitemap, --urls, --warc-list or --warc")
    from flows.backfill import backfill_flow

    return backfill_flow(
        date_from=date_from,
        date_to=date_to,
        window=window,
        sitemaps=sitemaps,
        url_files=url_files,
        warc_list=warc_list,
        warc_base_url=warc_base_url,
        warcs=warcs,
        home=settings.home,
        concurrency=concurrency,
        allow_private=settings.allow_private,
        fetch_options=settings.fetch_options(),
    )


def demo(
    home: str | None = None, on_site: Callable[[DemoSite], None] | None = None
) -> tuple[dict[str, Any], list[tuple[NamedQuery, pa.Table]]]:
    """Serve the demo news site on loopback and ingest it: (run summary, the demo queries with their answers).

    on_site is called once the site is up, before the ingest starts (the command line says where it runs).
    """
    from demo_site import DemoSite

    use_served_prefect(home)
    from flows.ingest import ingest_flow

    with DemoSite() as site:
        if on_site is not None:
            on_site(site)
        summary = ingest_flow(feeds=site.feed_urls(), sitemaps=site.sitemap_urls(), home=home, allow_private=True)
    from warehouse.lake import connect
    from warehouse.queries import named_queries, run_query

    con = connect(lake_home(home), read_only=True)
    queries = named_queries()
    answers = [(queries[n], run_query(con, queries[n], {}).to_arrow_table()) for n in DEMO_QUERIES if n in queries]
    return summary, answers
