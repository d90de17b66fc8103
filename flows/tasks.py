"""Prefect tasks: each handles a whole batch (a task run costs milliseconds; an article must not)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from contextlib import AbstractContextManager

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext

from acquisition.fetching import FetchConfig, Validators, fetch_many
from acquisition.records import Item, Page, Source
from flows.discovery import Discovered, discover_sources
from flows.settings import NlpOptions
from flows.stages import analyse_articles, process_pages, shared_nlp, to_arrow
from warehouse import state
from warehouse.checks import run_checks
from warehouse.faults import crash_point
from warehouse.load import LoadResult, Replacement, load_batch
from warehouse.maintenance import CompactionResult, RunMerges, compact, needs_compaction


@task(name="discover", cache_policy=NO_CACHE)
def discover_task(
    remote_sources: Sequence[Source],
    url_files: Sequence[str],
    config: FetchConfig,
    validators: dict,
    children: dict[str, list[str]] | None = None,
) -> Discovered:
    """Discovery as a task run (the work itself lives in flows.discovery, which needs no Prefect)."""
    return discover_sources(remote_sources, url_files, config, validators, children)


@task(name="fetch", cache_policy=NO_CACHE, task_run_name="fetch-batch-{batch_index}")
def fetch_task(items: list[Item], config: FetchConfig, validators: dict, batch_index: int) -> list[Page]:
    """Fetch one batch politely; failures come back as failed pages, never as exceptions."""
    results = fetch_many([i.url for i in items], config, {u: Validators(*v) for u, v in validators.items()})
    crash_point("fetch:done")
    return [
        Page(
            url=item.url,
            source=item.source,
            source_ref=item.source_ref,
            fetched_at=result.fetched_at,
            body=result.body,
            final_url=result.final_url,
            http_status=result.status,
            content_type=result.headers.get("content-type"),
            etag=result.headers.get("etag"),
            last_modified=result.headers.get("last-modified"),
            error_class=result.error,
            error_message=result.error_message,
            not_modified=result.not_modified,
        )
        for item, result in zip(items, results, strict=True)
    ]


@task(name="extract-transform", cache_policy=NO_CACHE, task_run_name="extract-transform-batch-{batch_index}")
def process_task(
    executor: Executor,
    pages: list[Page],
    known_raw: frozenset[str],
    aliases: dict[str, str],
    nlp: NlpOptions,
    keep_article: Callable[[dict], bool] | None,
    batch_index: int,
) -> dict[str, list[dict]]:
    """Extract and transform one batch on the executor (here, a worker process or a Dask worker)."""
    rows = executor.submit(process_pages, pages, known_raw, aliases, nlp, keep_article).result()
    crash_point("extract:done")
    if any(nlp.reads(a) for a in rows["article_versions"]):
        crash_point("transform:done")
    return rows


@task(name="transform", cache_policy=NO_CACHE, task_run_name="transform-batch-{batch_index}")
def transform_task(articles: list[dict], aliases: dict[str, str], nlp: NlpOptions, batch_index: int):
    if not any(nlp.reads(a) for a in articles):
        return {}
    rows = analyse_articles(articles, shared_nlp(nlp.model, nlp.use_blis), aliases, options=nlp)
    crash_point("transform:done")
    return rows


@task(name="load", cache_policy=NO_CACHE, task_run_name="load-batch-{batch_index}")
def load_task(
    con,
    rows: dict[str, list[dict]],
    lineage: dict[str, str],
    replacement: Replacement | None,
    batch_index: int,
    lock: Callable[[], AbstractContextManager],
) -> LoadResult:
    tables = to_arrow(rows)
    with lock():
        return load_batch(con, tables, lineage, replacement)


@task(name="cluster-claims", cache_policy=NO_CACHE)
def cluster_task(con, run_id: str, lock: Callable[[], AbstractContextManager]) -> int:
    """Group the same claim across outlets over the whole warehouse."""
    from transforms.dedup import DEDUP_VERSION

    with lock():
        assignments = cluster_by_speaker(state.claims_by_speaker(con, unnamed=False))
        assignments = dict(sorted({**assignments, **cluster_unnamed(con)}.items()))
        return state.replace_clusters(con, assignments, {"run_id": run_id, "transform_version": DEDUP_VERSION})


def cluster_by_speaker(groups: Iterable[list[dict]]) -> dict[str, str]:
    """cluster_claims over every claim, given one speaker's claims at a time; only claims that share a cluster.

    cluster_claims never compares claims of two speakers, so the union of the groups' clusterings is the whole
    one; keeping only shared clusters (all the warehouse stores) leaves one group's state in memory at a time.
    """
    from transforms.dedup import cluster_claims

    shared: dict[str, str] = {}
    for group in groups:
        clusters = cluster_claims(group)
        sizes = Counter(clusters.values())
        shared.update((claim, cluster) for claim, cluster in clusters.items() if sizes[cluster] > 1)
    return dict(sorted(shared.items()))


def cluster_unnamed(con, fetch_rows: int = state.CLUSTER_FETCH_ROWS) -> dict[str, str]:
    """cluster_claims over the claims without a speaker, in memory bounded by fetch_rows; only shared clusters.

    That group holds about half of all claims, so comparing it in Python at once grew with the warehouse. Its
    candidates are the pairs sharing an LSH band key, and the keys do not depend on which claims are indexed
    together: each chunk's signatures go to DuckDB, which joins the keys and counts shared bigrams (under the
    writer's memory cap), and Python applies the rule to the streamed pairs and joins them, holding only the
    clustered claim ids. Same candidates, same rule, same components: the same clusters. A group small enough
    for cluster_claims' pair-by-pair comparison (no LSH) is still compared that way.
    """
    from transforms.dedup import same_unnamed_claim, shared_clusters, unnamed_brute_force, unnamed_signatures

    try:
        count = state.stage_unnamed_claims(con)
        if unnamed_brute_force(count):
            rows = [row | {"speaker_entity_id": None} for chunk in state.unnamed_claims(con) for row in chunk]
            return cluster_by_speaker([rows])
        state.start_unnamed_signatures(con)
        for chunk in state.unnamed_claims(con, fetch_rows):
            signatures = list(unnamed_signatures([row["content"] for row in chunk]))
            numbers = [row["n"] for row in chunk]
            state.add_unnamed_signatures(con, numbers, [s.shingles for s in signatures], [s.bands for s in signatures])
        pairs = state.unnamed_candidate_pairs(con, fetch_rows)
        return shared_clusters((a, b) for a, b, *counts in pairs if same_unnamed_claim(*counts))
    finally:
        state.drop_unnamed_tables(con)


@task(name="compact", cache_policy=NO_CACHE)
def compact_task(con, lock: Callable[[], AbstractContextManager], threshold: int) -> CompactionResult | None:
    """Merge small files once frequent runs have left more than threshold (DuckLake's own merge and cleanup)."""
    with lock():
        if not needs_compaction(con, threshold):
            return None
        return compact(con)


@task(name="merge-small-files", cache_policy=NO_CACHE)
def merge_task(con, lock: Callable[[], AbstractContextManager], merges: RunMerges) -> int:
    """Merge the small files the run's loads have left so far, so that later loads stay as fast as the first."""
    with lock():
        return merges.merge(con)


@task(name="quality-checks", cache_policy=NO_CACHE)
def checks_task(con, run_id: str, lock: Callable[[], AbstractContextManager]) -> list[dict]:
    with lock():
        return run_checks(con, run_id)


def publish_summary(summary: dict) -> None:
    """Attach the run summary to the flow run in the Prefect UI."""
    from report.run_summary import summary_markdown

    if FlowRunContext.get() is not None:
        create_markdown_artifact(
            key=f"{summary['flow']}-summary", markdown=summary_markdown(summary), description="wirehouse run summary"
        )
