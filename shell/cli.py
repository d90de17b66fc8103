"""The wirehouse command line: ingest, query and look after a news warehouse."""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from flows.settings import Settings
    from warehouse.paths import Home

SQL_FORMATS = ("table", "csv", "json", "parquet")


class FriendlyGroup(click.Group):
    """Every error becomes one line saying what went wrong; --verbose shows the traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - the CLI boundary
            if ctx.obj and ctx.obj.get("verbose"):
                traceback.print_exc()
            message = " ".join(str(exc).split()) or type(exc).__name__
            click.echo(f"error: {message}", err=True)
            sys.exit(1)


def _home_option(func):
    return click.option(
        "--home",
        default=None,
        help="Warehouse home directory (default: setting home, env WIREHOUSE_HOME, else ./data).",
    )(func)


def _settings(config: str | None = None, require_config: bool = False, **flags) -> Settings:
    """The settings with this command's flags on top (None: not given); arms the crash-test hook if set."""
    from flows.settings import load_settings
    from warehouse.faults import arm

    settings = load_settings(config, require_config=require_config, **flags)
    arm(settings.crash_at)
    return settings


def _lake(home: str | None, config: str | None = None) -> Home:
    """The warehouse home of the settings, --home first."""
    return _settings(config, home=home).lake_home()


@click.group(cls=FriendlyGroup)
@click.option("--verbose", is_flag=True, help="Show tracebacks and Prefect logs.")
@click.option("--quiet", is_flag=True, help="No progress output.")
@click.pass_context
def main(ctx: click.Context, verbose: bool, quiet: bool) -> None:
    """wirehouse: news feeds, sitemaps and WARC archives into a DuckLake warehouse you query with SQL."""
    from flows import progress

    ctx.obj = {"verbose": verbose}
    progress.install(quiet)
    # One BLAS thread per process: each worker process is one core's worth of NLP, and OpenBLAS threads would
    # only fight the other workers (and the loader) for the same cores. Read when numpy loads, hence here.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # On a busy two-core machine the temporary Prefect server can take longer than Prefect's 20 s default.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    # The local server must not try to phone home: there may be no network at all.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        os.environ.setdefault("PREFECT_LOGGING_LOG_PRINTS", "false")


def _use_served_prefect(home: str | None) -> None:
    """Run flows on the Prefect server `wirehouse serve` keeps for this home, if one answers.

    Otherwise Prefect starts a temporary server for this one command (10-20 s on two cores).
    """
    from flows.local_server import use_running_server

    use_running_server(home)


def _empty_ingest(sources: dict, settings: Settings, wait_s: float, incremental: bool) -> dict | None:
    """The run's summary when there is nothing new to fetch, recorded without starting Prefect; else None."""
    from flows.empty_run import try_empty_ingest

    summary = try_empty_ingest(**sources, settings=settings, wait_s=wait_s, incremental=incremental)
    if summary is not None:
        click.echo(f"nothing new to ingest: run {summary['run_id']} recorded without starting Prefect", err=True)
    return summary


def _print_summary(summary: dict) -> None:
    from report.run_summary import print_run_summary

    print_run_summary(summary)


@main.command()
@click.option("--feed", "feeds", multiple=True, help="RSS/Atom feed URL (repeatable).")
@click.option("--sitemap", "sitemaps", multiple=True, help="Sitemap or news sitemap URL (repeatable).")
@click.option(
    "--urls",
    "url_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="File with one URL per line (repeatable).",
)
@click.option(
    "--html-dir",
    "html_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="Directory of .html / .html.gz files (repeatable).",
)
@click.option(
    "--warc",
    "warcs",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="WARC file, .warc or .warc.gz (repeatable).",
)
@click.option("--batch-size", type=int, default=None, help="Articles per task (default: the batch_size setting).")
@click.option("--allow-private", is_flag=True, help="Allow fetching from private and loopback addresses.")
@click.option("--model", default=None, help="spaCy pipeline name or path (default: setting spacy_model).")
@click.option("--wait", "wait_s", default=600.0, show_default=True, help="Seconds a load waits for another commit.")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
@click.option("--workers", default=1, show_default=True, help="Worker processes for extraction and NLP.")
@click.option("--dask-address", default=None, help="Run extraction and NLP on this Dask scheduler (tcp://...).")
@click.option("--full", is_flag=True, help="Fetch every listed item, not only those new since the last run.")
@_home_option
def ingest(
    feeds,
    sitemaps,
    url_files,
    html_dirs,
    warcs,
    batch_size,
    allow_private,
    model,
    wait_s,
    as_json,
    workers,
    dask_address,
    full,
    home,
):
    """Discover, fetch, extract, transform and load the given sources."""
    if not any((feeds, sitemaps, url_files, html_dirs, warcs)):
        raise click.UsageError("give at least one source: --feed, --sitemap, --urls, --html-dir or --warc")
    settings = _settings(home=home, batch_size=batch_size, allow_private=allow_private or None, spacy_model=model)
    settings = _settings(home=home, batch_size=batch_size, allow_private=allow_private or None, spacy_model=model)
    sources = dict(
        feeds=list(feeds),
        sitemaps=list(sitemaps),
        url_files=list(url_files),
        html_dirs=list(html_dirs),
        warcs=list(warcs),
    )
    summary = _empty_ingest(sources, settings, wait_s, incremental=not full)
    if summary is None:
        _use_served_prefect(settings.home)
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
            incremental=not full,
        )
    if as_json:
        import json

        click.echo(json.dumps(summary, default=str))
    else:
        _print_summary(summary)


@main.command()
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(SQL_FORMATS), default="table", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), default=None, help="Write to this file.")
@click.option("--write", is_flag=True, help="Allow statements that change the warehouse.")
@click.option("--as-of", "as_of", default=None, help="Query the warehouse as it was at this time (ISO timestamp).")
@click.option("--snapshot", type=int, default=None, help="Query the warehouse as of this DuckLake snapshot id.")
@_home_option
def sql(query, fmt, output, write, as_of, snapshot, home):
    """Run one SQL statement against the warehouse (read-only unless --write)."""
    import duckdb

    from shell.output import fetch_result, output_path_ok, write_result
    from warehouse.lake import connect, open_writer
    from warehouse.queries import QueryError, check_read_only

    output_path_ok(output)
    lake = _lake(home)
    try:
        if write:
            with open_writer(lake) as con:
                result = fetch_result(con.execute(query), fmt)
        else:
            con = connect(lake, read_only=True, snapshot_time=as_of, snapshot_version=snapshot)
            check_read_only(con, query)
            result = fetch_result(con.execute(query), fmt)
    except QueryError as exc:
        raise click.ClickException(str(exc)) from None
    except duckdb.Error as exc:
        first_line = str(exc).strip().splitlines()[0]
        hint = (
            " (the warehouse is read-only here; add --write)"
            if "read-only" in first_line.lower() or "read only" in first_line.lower()
            else ""
        )
        raise click.ClickException(f"{first_line}{hint}") from None
    write_result(result, fmt, output)


@main.command()
@click.argument("name", required=False)
@click.option("--param", "params", multiple=True, help="Parameter as key=value (repeatable).")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries.")
@click.option("--format", "fmt", type=click.Choice(SQL_FORMATS), default="table", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), default=None)
@_home_option
def query(name, params, list_queries, fmt, output, home):
    """Run a named analysis query from sql/queries/."""
    import duckdb

    from shell.output import fetch_result, write_result
    from warehouse.lake import connect
    from warehouse.queries import QueryError, get_query, named_queries, run_query

    if list_queries or not name:
        for q in named_queries().values():
            args = " ".join(f"--param {p.name}=<{p.type}>" for p in q.params)
            click.echo(f"{q.name}: {q.answers}" + (f"\n    {args}" if args else ""))
        return
    given = {}
    for item in params:
        if "=" not in item:
            raise click.UsageError(f"--param takes key=value, got {item!r}")
        key, value = item.split("=", 1)
        given[key.strip()] = value
    try:
        named = get_query(name)
        con = connect(_lake(home), read_only=True)
        result = fetch_result(run_query(con, named, given), fmt)
    except QueryError as exc:
        raise click.ClickException(str(exc)) from None
    except duckdb.Error as exc:
        raise click.ClickException(f"query {name!r} failed: {str(exc).strip().splitlines()[0]}") from None
    write_result(result, fmt, output, title=named.answers if fmt == "table" else None)


@main.command()
@click.option("--serve", is_flag=True, help="Only serve the demo site until Ctrl-C.")
@click.option("--port", default=8765, show_default=True, help="Port for --serve.")
@_home_option
def demo(serve, port, home):
    """Serve the built-in demo news site on 127.0.0.1, ingest it and print answers."""
    from demo_site import serve_forever
    from shell.demo import run_demo

    if serve:
        serve_forever(port=port)
        return
    home = _settings(home=home).home
    _use_served_prefect(home)
    run_demo(home)


@main.command()
@click.option(
    "--config",
    "config_path",
    default="wirehouse.toml",
    show_default=True,
    help="Show the schedules of this configuration too, when it exists.",
)
@_home_option
def status(config_path, home):
    """Warehouse size, rows per table, latest runs and snapshots, sources, schedules, quarantine counts."""
    from shell.status import print_status

    print_status(_lake(home, config_path), config_path=Path(config_path))


@main.command()
@click.option("--since", default=None, help="Only pages fetched on or after this date (YYYY-MM-DD).")
@click.option(
    "--stage",
    type=click.Choice(("extract", "entities", "claims")),
    default=None,
    help="Only this stage (default: every stale stage).",
)
@click.option("--batch-size", type=int, default=None, help="Articles per task (default: the batch_size setting).")
@click.option("--model", default=None, help="spaCy pipeline name or path (default: setting spacy_model).")
@_home_option
def reprocess(since, stage, batch_size, model, home):
    """Re-run stages whose code version changed, from stored raw bytes, without fetching."""
    settings = _settings(home=home, batch_size=batch_size, spacy_model=model)
    _use_served_prefect(settings.home)
    from flows.reprocess import reprocess_flow

    summary = reprocess_flow(
        home=settings.home, since=since, stage=stage, batch_size=settings.batch_size, model=settings.spacy_model
    )
    _print_summary(summary)


@main.command("quarantine")
@click.option("--stage", default=None, help="Only this stage (discover, fetch, extract, entities, claims).")
@click.option("--format", "fmt", type=click.Choice(SQL_FORMATS), default="table", show_default=True)
@click.option("--limit", default=50, show_default=True)
@click.option(
    "--resolved",
    "include_resolved",
    is_flag=True,
    help="Also list failures a later run resolved (kept as history, with resolved_at).",
)
@_home_option
def quarantine_cmd(stage, fmt, limit, include_resolved, home):
    """List quarantined inputs with their stage and reason (open ones; --resolved adds resolved history)."""
    from shell.output import fetch_result, write_result
    from warehouse.lake import connect

    con = connect(_lake(home), read_only=True)
    columns = "stage, error_class, url, message, source, source_ref, raw_sha256, created_at"
    if include_resolved:
        columns += ", resolved_at, resolved_by_run"
    cursor = con.execute(
        f"SELECT {columns} FROM quarantine "
        "WHERE ($stage IS NULL OR stage = $stage) AND (resolved_at IS NULL OR $resolved) "
        "ORDER BY created_at DESC LIMIT $limit",
        {"stage": stage, "limit": limit, "resolved": include_resolved},
    )
    write_result(fetch_result(cursor, fmt), fmt)


@main.command("retry-quarantined")
@click.option("--stage", default=None, help="Only this stage (fetch or extract).")
@click.option("--allow-private", is_flag=True, help="Allow fetching from private and loopback addresses.")
@_home_option
def retry_quarantined(stage, allow_private, home):
    """Try quarantined inputs again; those that succeed leave quarantine."""
    settings = _settings(home=home, allow_private=allow_private or None)
    _use_served_prefect(settings.home)
    from flows.reprocess import retry_quarantined_flow

    _print_summary(retry_quarantined_flow(home=settings.home, stage=stage, allow_private=settings.allow_private))


@main.command()
@click.option(
    "--expire-older-than", default="7 days", show_default=True, help="Keep snapshots (time travel) this far back."
)
@_home_option
def compact(expire_older_than, home):
    """Merge small Parquet files, expire old snapshots and delete unreferenced files."""
    from warehouse.lake import open_writer
    from warehouse.maintenance import compact as compact_lake

    with open_writer(_lake(home)) as con:
        result = compact_lake(con, expire_older_than)
    click.echo(
        f"data files {result.files_before} -> {result.files_after}; "
        f"snapshots expired {result.snapshots_expired}; files deleted {result.files_deleted}"
    )


@main.group()
def alias():
    """The user alias table: make a surface form resolve to an entity."""


@alias.command("add")
@click.argument("surface")
@click.argument("canonical")
@_home_option
def alias_add(surface, canonical, home):
    """Make SURFACE resolve to CANONICAL (an entity id or name); apply with 'reprocess --stage entities'."""
    from transforms.names import normalise_name
    from warehouse.aliases import add_aliases, resolve_entity
    from warehouse.lake import open_writer

    with open_writer(_lake(home)) as con:
        entity_id = resolve_entity(con, canonical, normalise_name(canonical))
        add_aliases(con, [(surface, normalise_name(surface))], entity_id, "user")
    click.echo(f"{surface!r} -> {entity_id}; run 'wirehouse reprocess --stage entities' to apply it to stored rows")


@alias.command("merge")
@click.argument("keep")
@click.argument("other")
@_home_option
def alias_merge(keep, other, home):
    """Merge entity OTHER into KEEP: every way OTHER was written becomes an alias of KEEP."""
    from transforms.names import normalise_name
    from warehouse.aliases import add_aliases, resolve_entity, surfaces_of
    from warehouse.lake import open_writer

    with open_writer(_lake(home)) as con:
        keep_id = resolve_entity(con, keep, normalise_name(keep))
        other_id = resolve_entity(con, other, normalise_name(other))
        if keep_id == other_id:
            raise click.ClickException(f"{keep!r} and {other!r} are already the same entity ({keep_id})")
        surfaces = surfaces_of(con, other_id)
        add_aliases(con, [(s, normalise_name(s)) for s in surfaces], keep_id, "merge")
    click.echo(f"{other_id} -> {keep_id} ({len(surfaces)} aliases); run 'wirehouse reprocess --stage entities'")


@alias.command("list")
@click.option("--format", "fmt", type=click.Choice(SQL_FORMATS), default="table", show_default=True)
@_home_option
def alias_list(fmt, home):
    """Show the alias table."""
    from shell.output import write_table
    from warehouse.aliases import list_aliases
    from warehouse.lake import connect

    write_table(list_aliases(connect(_lake(home), read_only=True)), fmt)


@main.command()
@click.option("--from", "date_from", required=True, help="First publication day (YYYY-MM-DD).")
@click.option("--to", "date_to", required=True, help="Last publication day (YYYY-MM-DD).")
@click.option("--source", "source_name", default=None, help="A source from the configuration file.")
@click.option("--sitemap", "sitemaps", multiple=True, help="Sitemap with lastmod dates (repeatable).")
@click.option(
    "--urls",
    "url_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="File of 'URL DATE' lines (repeatable).",
)
@click.option(
    "--warc-list",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="warc.paths file (CC-NEWS layout): paths or URLs, one per line.",
)
@click.option("--warc-base-url", default=None, help="Prefix for relative paths in --warc-list.")
@click.option("--warc", "warcs", multiple=True, help="WARC file or URL (repeatable).")
@click.option("--window", default="1d", show_default=True, help="Window size: 1d, 7d, 2w ...")
@click.option("--concurrency", default=1, show_default=True, help="Windows run at once (loads still queue).")
@click.option("--allow-private", is_flag=True, help="Allow fetching from private and loopback addresses.")
@click.option("--config", "config_path", default="wirehouse.toml", show_default=True)
@_home_option
def backfill(
    date_from,
    date_to,
    source_name,
    sitemaps,
    url_files,
    warc_list,
    warc_base_url,
    warcs,
    window,
    concurrency,
    allow_private,
    config_path,
    home,
):
    """Ingest a date range window by window; re-running resumes where it stopped."""
    settings = _settings(config_path, require_config=bool(source_name), home=home, allow_private=allow_private or None)
    _use_served_prefect(settings.home)
    from flows.backfill import backfill_flow

    sitemaps, url_files, warcs = list(sitemaps), list(url_files), list(warcs)
    if source_name:
        source = settings.source(source_name)
        sitemaps += source.sitemaps
        url_files += source.url_files
        warcs += source.warcs
    if not (sitemaps or url_files or warcs or warc_list):
        raise click.UsageError("give a source: --source, --sitemap, --urls, --warc-list or --warc")
    result = backfill_flow(
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
    click.echo(
        f"backfill {result['backfill_id']}: {result['windows']} windows, {result['skipped']} skipped (done before), "
        f"{result['completed']} completed, {len(result['failed'])} failed"
        + (f" ({', '.join(result['failed'])}); run the same command again to retry them" if result["failed"] else "")
    )
    if result["failed"]:
        sys.exit(1)


@main.command()
@click.option(
    "--config",
    "config_path",
    default="wirehouse.toml",
    show_default=True,
    help="Sources and schedules (see wirehouse.example.toml).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Flow runs at a time; runs due meanwhile wait their turn.",
)
def serve(config_path, limit):
    """Run the configured sources on their schedules (starts a local Prefect server unless PREFECT_API_URL)."""
    from flows.schedules import serve as serve_schedules

    serve_schedules(_settings(config_path, require_config=True), limit=limit)


@main.command()
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), default=None, help="First publication day.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Last publication day.")
@click.option("--entity", default=None, help="Claim timeline entity (name, alias or id); default: top person/place.")
@click.option("--output", type=click.Path(dir_okay=False), default="report.html", show_default=True, help="HTML file.")
@_home_option
def report(date_from, date_to, entity, output, home):
    """Write a self-contained HTML report: coverage, top entities, claim timeline, conflicting figures, quarantine."""
    from pathlib import Path

    from report.data import EntityNotFound, load_report
    from report.page import render_report
    from warehouse.lake import connect

    start, end = (d.date() if d else None for d in (date_from, date_to))
    if start and end and start > end:
        raise click.UsageError(f"--from {start} is after --to {end}")
    con = connect(_lake(home), read_only=True)
    try:
        data = load_report(con, start, end, entity)
    except EntityNotFound as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        con.close()
    Path(output).write_text(render_report(data), encoding="utf-8")
    click.echo(f"wrote {output} ({data.totals['articles']} articles, {len(data.timeline.claims)} timeline claims)")


if __name__ == "__main__":
    main()
