"""The wirehouse command line: ingest, query and look after a news warehouse."""

from __future__ import annotations

import os
import sys
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
            from flows.api import WirehouseError

            if isinstance(exc, WirehouseError):
                raise click.ClickException(str(exc)) from None
            if ctx.obj and ctx.obj.get("verbose"):
                import traceback  # only on this path: every command would pay for its import otherwise

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


def _read_lake(home: str | None, config: str | None = None) -> Home:
    """The warehouse home for a command that only reads it: the lake's own settings, with the same layers and
    precedence, without building the whole Settings (pydantic costs a quick read a quarter second of start-up)."""
    from flows.settings_file import lake_home

    return lake_home(config, home=home) or _lake(home, config)  # a value of the wrong type: Settings says which


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
    from flows.api import ingest as run_ingest

    settings = _settings(home=home, batch_size=batch_size, allow_private=allow_private or None, spacy_model=model)
    summary, started = run_ingest(
        settings,
        feeds=feeds,
        sitemaps=sitemaps,
        url_files=url_files,
        html_dirs=html_dirs,
        warcs=warcs,
        wait_s=wait_s,
        workers=workers,
        dask_address=dask_address,
        incremental=not full,
    )
    if not started:
        click.echo(f"nothing new to ingest: run {summary['run_id']} recorded without starting Prefect", err=True)
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
    from flows.api import run_sql
    from shell.output import output_path_ok, write_result

    output_path_ok(output)
    lake = _lake(home) if write else _read_lake(home)
    result = run_sql(lake, query, write=write, as_of=as_of, snapshot=snapshot, arrow=fmt == "parquet")
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
    from flows.api import list_named_queries, run_named_query
    from shell.output import write_result

    if list_queries or not name:
        for q in list_named_queries():
            args = " ".join(f"--param {p.name}=<{p.type}>" for p in q.params)
            click.echo(f"{q.name}: {q.answers}" + (f"\n    {args}" if args else ""))
        return
    given = {}
    for item in params:
        if "=" not in item:
            raise click.UsageError(f"--param takes key=value, got {item!r}")
        key, value = item.split("=", 1)
        given[key.strip()] = value
    named, result = run_named_query(_lake(home), name, given, arrow=fmt == "parquet")
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
    run_demo(_settings(home=home).home)


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

    print_status(_read_lake(home, config_path), config_path=Path(config_path))


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
    from flows.api import reprocess as run_reprocess

    settings = _settings(home=home, batch_size=batch_size, spacy_model=model)
    _print_summary(run_reprocess(settings, since=since, stage=stage))


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
    from flows.api import quarantine_rows
    from shell.output import write_result

    rows = quarantine_rows(_lake(home), stage, limit, include_resolved, arrow=fmt == "parquet")
    write_result(rows, fmt)


@main.command("retry-quarantined")
@click.option("--stage", default=None, help="Only this stage (fetch or extract).")
@click.option("--allow-private", is_flag=True, help="Allow fetching from private and loopback addresses.")
@_home_option
def retry_quarantined(stage, allow_private, home):
    """Try quarantined inputs again; those that succeed leave quarantine."""
    from flows.api import retry_quarantined as run_retry

    settings = _settings(home=home, allow_private=allow_private or None)
    _print_summary(run_retry(settings, stage=stage))


@main.command()
@click.option(
    "--expire-older-than", default="7 days", show_default=True, help="Keep snapshots (time travel) this far back."
)
@_home_option
def compact(expire_older_than, home):
    """Merge small Parquet files, expire old snapshots and delete unreferenced files."""
    from flows.api import compact as compact_lake

    result = compact_lake(_lake(home), expire_older_than)
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
    from flows.api import add_alias

    entity_id = add_alias(_lake(home), surface, canonical)
    click.echo(f"{surface!r} -> {entity_id}; run 'wirehouse reprocess --stage entities' to apply it to stored rows")


@alias.command("merge")
@click.argument("keep")
@click.argument("other")
@_home_option
def alias_merge(keep, other, home):
    """Merge entity OTHER into KEEP: every way OTHER was written becomes an alias of KEEP."""
    from flows.api import merge_entities

    other_id, keep_id, merged = merge_entities(_lake(home), keep, other)
    click.echo(f"{other_id} -> {keep_id} ({merged} aliases); run 'wirehouse reprocess --stage entities'")


@alias.command("list")
@click.option("--format", "fmt", type=click.Choice(SQL_FORMATS), default="table", show_default=True)
@_home_option
def alias_list(fmt, home):
    """Show the alias table."""
    from flows.api import list_aliases
    from shell.output import write_table

    write_table(list_aliases(_lake(home)), fmt)


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
    from flows.api import NoSource
    from flows.api import backfill as run_backfill

    settings = _settings(config_path, require_config=bool(source_name), home=home, allow_private=allow_private or None)
    try:
        result = run_backfill(
            settings,
            date_from,
            date_to,
            source_name=source_name,
            sitemaps=sitemaps,
            url_files=url_files,
            warc_list=warc_list,
            warc_base_url=warc_base_url,
            warcs=warcs,
            window=window,
            concurrency=concurrency,
        )
    except NoSource as exc:
        raise click.UsageError(str(exc)) from None
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
    from flows.api import write_report

    start, end = (d.date() if d else None for d in (date_from, date_to))
    if start and end and start > end:
        raise click.UsageError(f"--from {start} is after --to {end}")
    data = write_report(_lake(home), output, start, end, entity)
    click.echo(f"wrote {output} ({data.totals['articles']} articles, {len(data.timeline.claims)} timeline claims)")


if __name__ == "__main__":
    main()
