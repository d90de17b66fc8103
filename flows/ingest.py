"""The ingest flow: discover -> fetch -> extract -> transform -> load, one Prefect task per batch and stage."""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from itertools import islice
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from flows import sources
from flows.fetching import FetchConfig, Validators, fetch_many
from flows.records import Item, Page, Source
from flows.stages import analyse_articles, extract_pages, quarantine_row, sha256_bytes, to_arrow
from flows.versions import code_version
from warehouse import state
from warehouse.lake import open_writer
from warehouse.load import load_batch
from warehouse.paths import Home

DEFAULT_BATCH_SIZE = 100


@dataclass
class RunSummary:
    """What a run did, for the CLI, the Prefect artifact and the runs table."""

    run_id: str
    started_at: datetime
    discovered: int = 0
    fetched: int = 0
    unchanged: int = 0
    extracted: int = 0
    quarantined: int = 0
    articles: int = 0
    entities: int = 0
    mentions: int = 0
    claims: int = 0
    batches: int = 0
    duration_s: float = 0.0
    quarantine_reasons: Counter = field(default_factory=Counter)
    stage_seconds: Counter = field(default_factory=Counter)
    checks: list[dict] = field(default_factory=list)

    @property
    def articles_per_second(self) -> float:
        return self.extracted / self.duration_s if self.duration_s else 0.0

    def as_dict(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if not isinstance(v, Counter)}
        data["started_at"] = self.started_at.isoformat()
        data["quarantine_reasons"] = dict(self.quarantine_reasons)
        data["stage_seconds"] = {k: round(v, 3) for k, v in self.stage_seconds.items()}
        data["articles_per_second"] = round(self.articles_per_second, 2)
        return data


@lru_cache(maxsize=2)
def shared_nlp(name: str | None):
    """One spaCy pipeline per process, loaded on first use."""
    from transforms.nlp import load_nlp

    return load_nlp(name)


def _batched(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _current_run_id() -> str:
    return flow_run.id or str(uuid.uuid4())


@task(name="discover", cache_policy=NO_CACHE)
def discover_task(remote_sources: Sequence[Source], url_files: Sequence[str], config: FetchConfig):
    """Items from feeds, sitemaps and URL lists, de-duplicated by URL; unreadable sources are quarantined."""
    items: list[Item] = []
    failures: list[dict] = []
    for source in remote_sources:
        try:
            finder = sources.discover_feed if source.kind == "feed" else sources.discover_sitemap
            items.extend(finder(source.location, config))
        except sources.DiscoveryFailed as exc:
            failures.append(
                quarantine_row(
                    "discover",
                    source.location,
                    exc.error_class,
                    str(exc),
                    source_kind=source.kind,
                    source=source.location,
                )
            )
    for path in url_files:
        try:
            items.extend(sources.discover_url_file(path))
        except OSError as exc:
            failures.append(
                quarantine_row("discover", path, "unreadable_file", str(exc), source_kind="urls", source=path)
            )
    unique: dict[str, Item] = {}
    for item in items:
        unique.setdefault(item.url, item)
    return list(unique.values()), failures


@task(name="fetch", cache_policy=NO_CACHE, task_run_name="fetch-batch-{batch_index}")
def fetch_task(items: list[Item], config: FetchConfig, validators: dict, batch_index: int) -> list[Page]:
    """Fetch one batch politely; failures come back as failed pages, never as exceptions."""
    results = fetch_many([i.url for i in items], config, {u: Validators(*v) for u, v in validators.items()})
    pages = []
    for item, result in zip(items, results, strict=True):
        pages.append(
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
        )
    return pages


@task(name="extract", cache_policy=NO_CACHE, task_run_name="extract-batch-{batch_index}")
def extract_task(pages: list[Page], known_raw: frozenset[str], batch_index: int) -> dict[str, list[dict]]:
    return extract_pages(pages, known_raw)


@task(name="transform", cache_policy=NO_CACHE, task_run_name="transform-batch-{batch_index}")
def transform_task(articles: list[dict], aliases: dict[str, str], model: str | None, batch_index: int):
    if not any(a.get("language") == "en" for a in articles):
        return {}
    return analyse_articles(articles, shared_nlp(model), aliases)


@task(name="load", cache_policy=NO_CACHE, task_run_name="load-batch-{batch_index}")
def load_task(con, rows: dict[str, list[dict]], lineage: dict[str, str], batch_index: int) -> dict[str, int]:
    return load_batch(con, to_arrow(rows), lineage).inserted


class _Pipeline:
    """Runs batches of pages through extract, transform and load, keeping the summary."""

    def __init__(self, con, summary: RunSummary, flow_name: str, params: dict, model: str | None) -> None:
        self.con, self.summary, self.flow_name, self.params, self.model = con, summary, flow_name, params, model
        self.aliases = state.user_aliases(con)
        self.lineage = {"run_id": summary.run_id, "code_version": code_version()}

    def _timed(self, stage: str, started: float) -> None:
        self.summary.stage_seconds[stage] += time.perf_counter() - started

    def run_batch(self, pages: list[Page], discovered: int, extra_quarantine: list[dict] | None = None) -> None:
        summary, index = self.summary, self.summary.batches
        batch_started = datetime.now(UTC)
        t0 = time.perf_counter()
        known = state.known_raw_hashes(self.con, [sha256_bytes(p.body) for p in pages if p.body])
        rows = extract_task(pages, known, index)
        self._timed("extract", t0)
        t0 = time.perf_counter()
        derived = transform_task(rows["article_versions"], self.aliases, self.model, index)
        self._timed("transform", t0)
        for name, values in derived.items():
            rows.setdefault(name, []).extend(values)
        rows["quarantine"].extend(extra_quarantine or [])
        fetched = sum(1 for p in pages if not p.failed and not p.not_modified)
        reasons = Counter(q["error_class"] for q in rows["quarantine"])
        run_row = {
            "run_id": summary.run_id,
            "batch_index": index,
            "flow": self.flow_name,
            "started_at": batch_started,
            "status": "completed",
            "code_version": self.lineage["code_version"],
            "params": json.dumps(self.params),
            "discovered": discovered,
            "fetched": fetched,
            "unchanged": len(rows["unchanged"]),
            "extracted": len(rows["article_versions"]),
            "quarantined": len(rows["quarantine"]),
            "articles": len(rows["article_versions"]),
            "mentions": len(rows.get("mentions", [])),
            "claims": len(rows.get("claim_rows", [])),
            "stage_seconds": json.dumps(dict(summary.stage_seconds)),
        }
        t0 = time.perf_counter()
        run_row["finished_at"] = datetime.now(UTC)
        run_row["duration_s"] = (run_row["finished_at"] - batch_started).total_seconds()
        lineage = {**self.lineage, "transform_version": None}
        inserted = load_task(self.con, {**rows, "run_batches": [run_row]}, lineage, index)
        self._timed("load", t0)
        summary.batches += 1
        summary.discovered += discovered
        summary.fetched += fetched
        summary.unchanged += len(rows["unchanged"])
        summary.extracted += len(rows["article_versions"])
        summary.quarantined += inserted.get("quarantine", 0)
        summary.quarantine_reasons.update(reasons)
        summary.articles += inserted.get("article_versions", 0)
        summary.entities += inserted.get("entities", 0)
        summary.mentions += inserted.get("mentions", 0)
        summary.claims += inserted.get("claim_rows", 0)


def _local_pages(html_dirs: Sequence[str], warcs: Sequence[str]) -> Iterator[Page]:
    for directory in html_dirs:
        yield from sources.iter_html_dir(directory)
    for path in warcs:
        yield from sources.iter_warc(path)


@task(name="cluster-claims", cache_policy=NO_CACHE)
def cluster_task(con, run_id: str) -> int:
    """Group the same claim across outlets over the whole warehouse."""
    from transforms.dedup import DEDUP_VERSION, cluster_claims

    claims = state.claims_for_clustering(con)
    assignments = cluster_claims(claims)
    return state.replace_clusters(con, assignments, {"run_id": run_id, "transform_version": DEDUP_VERSION})


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
    config = FetchConfig(allow_private=allow_private, **({"user_agent": user_agent} if user_agent else {}))
    summary = RunSummary(run_id=_current_run_id(), started_at=datetime.now(UTC))
    started = time.perf_counter()
    with open_writer(Home.resolve(home), wait_s=wait_for_lock_s) as con:
        pipeline = _Pipeline(con, summary, "ingest", params, model)
        remote = [Source("feed", u) for u in feeds or []] + [Source("sitemap", u) for u in sitemaps or []]
        if remote or url_files:
            t0 = time.perf_counter()
            items, failures = discover_task(remote, list(url_files or []), config)
            summary.stage_seconds["discover"] += time.perf_counter() - t0
            if not items and failures:
                pipeline.run_batch([], 0, failures)
            for index, batch in enumerate(_batched(items, batch_size)):
                t0 = time.perf_counter()
                validators = state.validators_for(con, [i.url for i in batch])
                pages = fetch_task(batch, config, validators, summary.batches)
                summary.stage_seconds["fetch"] += time.perf_counter() - t0
                pipeline.run_batch(pages, len(batch), failures if index == 0 else None)
        for batch in _batched(_local_pages(html_dirs or [], warcs or []), batch_size):
            pipeline.run_batch(batch, len(batch))
        t0 = time.perf_counter()
        cluster_task(con, summary.run_id)
        summary.stage_seconds["cluster"] += time.perf_counter() - t0
    summary.duration_s = time.perf_counter() - started
    return summary.as_dict()


def ingest_paths_exist(paths: Iterable[str]) -> list[str]:
    """Local inputs that do not exist, for a clear error before a flow run starts."""
    return [p for p in paths if not Path(p).exists()]
