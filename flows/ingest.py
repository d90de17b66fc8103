"""The ingest flow: discover -> fetch -> extract -> transform -> load, one Prefect task per batch and stage."""

from __future__ import annotations

import time
from collections.abc import Callable

import pyarrow as pa
from prefect import flow

from acquisition import incremental as incremental_state
from acquisition.fetching import FetchConfig
from acquisition.records import Item, Source
from acquisition.warc import WarcTally
from flows import progress, tasks
from flows.discovery import fetch_config, local_pages, take_discovered
from flows.executors import make_executor, parallelism
from flows.pipeline import Pipeline, batched
from flows.settings import load_settings
from warehouse import state
from warehouse.lake import DEFAULT_LOAD_WAIT_S, open_writer
from warehouse.load import Replacement, load_batch


def ingest_remote(
    pipeline: Pipeline,
    remote: list[Source],
    url_files: list[str],
    config: FetchConfig,
    batch_size: int,
    incremental: bool = True,
    keep: Callable[[Item], bool] | None = None,
) -> None:
    """Discover, skip what the sources already delivered, then fetch and process batch by batch.

    Item watermarks go into the same transaction as the items' rows; the feed and sitemap validators are
    stored only after every batch has landed, so a crash never hides an item from the next run.
    """
    con = pipeline.con
    t0 = time.perf_counter()
    ahead = take_discovered(remote, url_files, incremental)
    if ahead is not None:  # the CLI discovered before starting Prefect, to skip Prefect when nothing is new
        discovered, seconds = ahead
        t0 -= seconds
    else:
        stored = state.document_validators(con) if incremental else {}
        children = state.sitemap_children(con) if incremental else None
        discovered = tasks.discover_task(remote, url_files, config, stored, children)
    items, failures = discovered.items, discovered.failures
    if keep is not None:
        items = [i for i in items if keep(i)]
    if incremental:
        items = incremental_state.new_items(items, state.seen_items(con, [s.location for s in remote]))
    listed_by: dict[str, list[Item]] = {}
    for item in items:
        listed_by.setdefault(item.url, []).append(item)
    unique = [listed[0] for listed in listed_by.values()]
    pipeline.timed("discover", t0)
    progress.reporter.start("ingest", len(unique))
    if not unique and failures:
        pipeline.run_pages([], 0, extra_quarantine=failures)
    for index, batch in enumerate(batched(unique, batch_size)):
        t0 = time.perf_counter()
        validators = state.validators_for(con, [i.url for i in batch])
        pages = tasks.fetch_task(batch, config, validators, pipeline.summary.batches)
        pipeline.timed("fetch", t0)
        # items whose fetch failed stay unseen, so the next run tries them again (quarantine keeps one row)
        delivered = {page.url for page in pages if not page.failed}
        every_listing = [listing for item in batch if item.url in delivered for listing in listed_by[item.url]]
        pipeline.submit_pages(
            pages,
            len(batch),
            failures if index == 0 else None,
            watermarks=incremental_state.item_watermarks(every_listing),
        )
    pipeline.drain()
    marks = incremental_state.source_watermarks(discovered.validators, discovered.children)
    if marks or discovered.read:
        # the sources read without failing resolve their open discovery failures in the same transaction
        tables = {"watermarks": pa.Table.from_pylist(marks)} if marks else {}
        with pipeline.locked():
            loaded = load_batch(con, tables, pipeline.lineage, Replacement(discovered_ok=tuple(discovered.read)))
        pipeline.summary.quarantine_resolved += loaded.resolved


@flow(name="ingest", log_prints=True)
def ingest_flow(
    feeds: list[str] | None = None,
    sitemaps: list[str] | None = None,
    url_files: list[str] | None = None,
    html_dirs: list[str] | None = None,
    warcs: list[str] | None = None,
    home: str | None = None,
    batch_size: int | None = None,
    allow_private: bool | None = None,
    user_agent: str | None = None,
    model: str | None = None,
    wait_for_lock_s: float = DEFAULT_LOAD_WAIT_S,
    incremental: bool = True,
    fetch_options: dict | None = None,
    workers: int = 1,
    dask_address: str | None = None,
) -> dict:
    """Ingest every given source into the warehouse at home; a re-run over the same input adds no rows.

    incremental=False fetches every listed item again (unchanged pages are still skipped by content hash).
    fetch_options override FetchConfig fields (per_host_delay_s, timeout_s, ...). Parameters left at None take
    their value from the settings (wirehouse.toml, then WIREHOUSE_* variables).
    workers > 1 extracts and parses in that many worker processes; dask_address sends that work to a
    Dask cluster instead. Loads always happen here, one transaction per batch.
    """
    params = {
        k: v
        for k, v in dict(feeds=feeds, sitemaps=sitemaps, url_files=url_files, html_dirs=html_dirs, warcs=warcs).items()
        if v
    }
    settings = load_settings(home=home, batch_size=batch_size, allow_private=allow_private, spacy_model=model)
    batch_size = settings.batch_size
    config = fetch_config(settings, user_agent, fetch_options)
    warehouse_home = settings.lake_home()
    executor = make_executor(workers, dask_address)
    with open_writer(warehouse_home, wait_s=wait_for_lock_s, hold_lock=False) as con, executor:
        pipeline = Pipeline(
            con,
            warehouse_home,
            "ingest",
            params,
            settings,
            lock_wait_s=wait_for_lock_s,
            executor=executor,
            in_flight=parallelism(executor, workers),
        )
        remote = [Source("feed", u) for u in feeds or []] + [Source("sitemap", u) for u in sitemaps or []]
        if remote or url_files:
            ingest_remote(pipeline, remote, list(url_files or []), config, batch_size, incremental)
        tallies: dict[str, WarcTally] = {}
        for batch in batched(local_pages(html_dirs or [], warcs or [], settings.allow_private, tallies), batch_size):
            pipeline.submit_pages(batch, len(batch))
        if tallies:
            pipeline.reconcile_files(tallies)
        return pipeline.finish()
