"""The ingest flow: discover -> fetch -> extract -> transform -> load, one Prefect task per batch and stage."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence

from prefect import flow

from flows import sources, tasks
from flows.fetching import FetchConfig
from flows.pipeline import Pipeline, batched
from flows.records import Page, Source
from warehouse import state
from warehouse.lake import open_writer
from warehouse.paths import Home

DEFAULT_BATCH_SIZE = 100


def local_pages(html_dirs: Sequence[str], warcs: Sequence[str]) -> Iterator[Page]:
    for directory in html_dirs:
        yield from sources.iter_html_dir(directory)
    for path in warcs:
        yield from sources.iter_warc(path)


def fetch_config(allow_private: bool, user_agent: str | None) -> FetchConfig:
    return FetchConfig(allow_private=allow_private, **({"user_agent": user_agent} if user_agent else {}))


def ingest_remote(
    pipeline: Pipeline, remote: list[Source], url_files: list[str], config: FetchConfig, batch_size: int
) -> None:
    """Discover once, then fetch and process batch by batch (conditional GET with stored validators)."""
    t0 = time.perf_counter()
    items, failures = tasks.discover_task(remote, url_files, config)
    pipeline.timed("discover", t0)
    if not items and failures:
        pipeline.run_pages([], 0, failures)
    for index, batch in enumerate(batched(items, batch_size)):
        t0 = time.perf_counter()
        validators = state.validators_for(pipeline.con, [i.url for i in batch])
        pages = tasks.fetch_task(batch, config, validators, pipeline.summary.batches)
        pipeline.timed("fetch", t0)
        pipeline.run_pages(pages, len(batch), failures if index == 0 else None)


@flow(name="ingest", log_prints=True)
def ingest_flow(
    feeds: list[str] | None = None,
    sitemaps: list[str] | None = None,
    url_files: list[str] | None = None,
    html_dirs: list[str] | None = None,
    warcs: list[str] | None = None,
    home: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    allow_private: bool = False,
    user_agent: str | None = None,
    model: str | None = None,
    wait_for_lock_s: float = 0.0,
) -> dict:
    """Ingest every given source into the warehouse at home; a re-run over the same input adds no rows."""
    params = {
        k: v
        for k, v in dict(feeds=feeds, sitemaps=sitemaps, url_files=url_files, html_dirs=html_dirs, warcs=warcs).items()
        if v
    }
    config = fetch_config(allow_private, user_agent)
    with open_writer(Home.resolve(home), wait_s=wait_for_lock_s) as con:
        pipeline = Pipeline(con, "ingest", params, model)
        remote = [Source("feed", u) for u in feeds or []] + [Source("sitemap", u) for u in sitemaps or []]
        if remote or url_files:
            ingest_remote(pipeline, remote, list(url_files or []), config, batch_size)
        for batch in batched(local_pages(html_dirs or [], warcs or []), batch_size):
            pipeline.run_pages(batch, len(batch))
        return pipeline.finish()
