"""The batch runner shared by ingest, backfill, reprocess and retry: extract, transform, load, summarise."""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice

from prefect.runtime import flow_run
from prefect.utilities.annotations import quote

from acquisition.records import Page
from flows import progress, tasks
from flows.executors import InlineExecutor
from flows.memory import release_freed_memory
from flows.settings import Settings
from flows.summary import RunSummary
from flows.versions import code_version
from warehouse import state
from warehouse.lake import DEFAULT_LOAD_WAIT_S, write_lock
from warehouse.load import Replacement
from warehouse.maintenance import RunMerges
from warehouse.paths import Home
from warehouse.tables import stage_tables


def batched(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def current_run_id() -> str:
    return flow_run.id or str(uuid.uuid4())


@dataclass
class PendingBatch:
    """A batch whose extract and transform work is running somewhere; loaded in submission order."""

    future: object
    discovered: int
    fetched: int
    extra_quarantine: list[dict]
    watermarks: list[dict]
    replacement: Replacement | None


class Pipeline:
    """Runs batches through extract, transform and load on one writer connection, keeping the summary.

    Extract and transform run on the executor (this process, worker processes or a Dask cluster) with
    up to in_flight batches at once; loads happen here, one transaction per batch, in submission order.
    """

    def __init__(
        self,
        con,
        home: Home,
        flow_name: str,
        params: dict,
        settings: Settings,
        lock_wait_s: float = DEFAULT_LOAD_WAIT_S,
        executor: Executor | None = None,
        in_flight: int = 1,
    ) -> None:
        self.con, self.home, self.params, self.lock_wait_s = con, home, params, lock_wait_s
        self.nlp = settings.nlp()
        self.merges = RunMerges(settings.auto_compact_files)
        self._inline = InlineExecutor()
        self.executor = executor or self._inline
        self.in_flight = max(1, in_flight)
        self.summary = RunSummary(run_id=current_run_id(), flow=flow_name, started_at=datetime.now(UTC))
        self.aliases = state.user_aliases(con)
        self.lineage = {"run_id": self.summary.run_id, "code_version": code_version()}
        self._clock = time.perf_counter()
        #: where the next batch's share of the run begins: batches tile the run, so their durations sum to it
        self._batch_mark = self.summary.started_at
        self._pending: deque[PendingBatch] = deque()
        #: per source location: page outcomes (articles, quarantined, unchanged) of the batches loaded so far
        self.outcomes: dict[str, Counter] = {}
        self._submitted = 0
        progress.reporter.start(flow_name, None)

    def locked(self) -> AbstractContextManager:
        """Hold the writer lock for one transaction."""
        return write_lock(self.home, self.lock_wait_s)

    def timed(self, stage: str, started: float) -> None:
        self.summary.stage_seconds[stage] += time.perf_counter() - started

    def submit_pages(
        self,
        pages: list[Page],
        discovered: int,
        extra_quarantine: list[dict] | None = None,
        replacement: Replacement | None = None,
        skip_known: bool = True,
        watermarks: list[dict] | None = None,
        keep_article: Callable[[dict], bool] | None = None,
    ) -> None:
        """Start extract and transform for a batch; loads the oldest batches once too many are in flight.

        Raw bytes already stored are skipped before parsing. keep_article drops extracted articles (and their
        raw bytes, so another backfill window can take them).
        """
        hashes = [p.body_sha256 for p in pages if p.body] if skip_known else []
        known = state.known_raw_hashes(self.con, hashes)
        # a batch with nothing new only skips its pages: no reason to wake worker processes and their models
        nothing_new = bool(hashes) and set(hashes) <= known
        future = tasks.process_task.submit(
            self._inline if nothing_new else self.executor,
            quote(pages),  # quote: Prefect would otherwise walk every page of the batch to resolve inputs
            known,
            self.aliases,
            self.nlp,
            keep_article,
            self._submitted,
        )
        self._submitted += 1
        fetched = sum(1 for p in pages if not p.failed and not p.not_modified)
        self._pending.append(
            PendingBatch(future, discovered, fetched, extra_quarantine or [], watermarks or [], replacement)
        )
        while len(self._pending) >= self.in_flight:
            self._land(self._pending.popleft())

    def process_now(self, pages: list[Page]) -> dict[str, list[dict]]:
        """Extract and transform one batch by the route ingest takes (one task on the executor), without loading
        it: reprocess and retry decide what the batch replaces from what was extracted."""
        rows = tasks.process_task(
            self.executor, quote(pages), frozenset(), self.aliases, self.nlp, None, self._submitted
        )
        self._submitted += 1
        for timings in rows.pop("stage_seconds", []):
            for stage, seconds in timings.items():
                self.summary.stage_seconds[stage] += seconds
        return rows

    def drain(self) -> None:
        """Load every batch still in flight."""
        while self._pending:
            self._land(self._pending.popleft())

    def release_workers(self) -> None:
        """Stop this machine's worker processes once every batch is loaded: what is left of the run (clustering,
        checks, compaction) happens in this process, and each worker still holds its spaCy model (about 550 MB),
        which would otherwise add to the run's peak memory just when the clustering needs the most."""
        if isinstance(self.executor, ProcessPoolExecutor):
            self.executor.shutdown(wait=True)

    def run_pages(self, pages: list[Page], discovered: int, **options) -> None:
        """One batch, start to finish (for callers that need it loaded before going on)."""
        self.submit_pages(pages, discovered, **options)
        self.drain()

    def _land(self, pending: PendingBatch) -> None:
        rows = pending.future.result()
        for timings in rows.pop("stage_seconds", []):
            for stage, seconds in timings.items():
                self.summary.stage_seconds[stage] += seconds
        rows["quarantine"].extend(pending.extra_quarantine)
        rows["watermarks"] = pending.watermarks
        self.load(rows, pending.discovered, pending.fetched, pending.replacement)
        del rows
        release_freed_memory()

    def run_articles(
        self,
        rows: dict[str, list[dict]],
        discovered: int = 0,
        fetched: int = 0,
        replacement: Replacement | None = None,
        keep_stages: tuple[str, ...] = ("entities", "claims"),
        stored_articles: list[dict] | None = None,
    ) -> dict[str, int]:
        """Transform the batch's articles and load everything in one transaction with its ledger row.

        stored_articles are articles already in the warehouse whose NLP rows are being redone.
        """
        t0 = time.perf_counter()
        to_analyse = stored_articles if stored_articles is not None else rows.get("article_versions", [])
        derived = tasks.transform_task(quote(to_analyse), self.aliases, self.nlp, self.summary.batches)
        self.timed("transform", t0)
        _merge(rows, derived, keep_stages)
        return self.load(rows, discovered, fetched, replacement)

    def load(
        self, rows: dict[str, list[dict]], discovered: int, fetched: int, replacement: Replacement | None
    ) -> dict[str, int]:
        """Load one batch with its ledger row in one transaction, and add it to the summary."""
        summary, index = self.summary, self.summary.batches
        summary.nlp_reused += sum(r["articles"] for r in rows.pop("nlp_reused", []))
        batch_started = self._batch_mark
        unchanged = len(rows.get("unchanged", []))
        reasons = Counter(q["error_class"] for q in rows.get("quarantine", []))
        # finished_at and duration_s are stamped by the load itself, as the row is written
        run_row = {
            "run_id": summary.run_id,
            "batch_index": index,
            "flow": summary.flow,
            "started_at": batch_started,
            "finished_at": None,
            "status": "completed",
            "code_version": self.lineage["code_version"],
            "params": json.dumps(self.params, default=str),
            "discovered": discovered,
            "fetched": fetched,
            "unchanged": unchanged,
            "extracted": len(rows.get("article_versions", [])),
            "quarantined": len(rows.get("quarantine", [])),
            "articles": len(rows.get("article_versions", [])),
            "mentions": len(rows.get("mentions", [])),
            "claims": len(rows.get("claim_rows", [])),
            "stage_seconds": json.dumps({k: round(v, 3) for k, v in summary.stage_seconds.items()}),
            "duration_s": None,
        }
        t0 = time.perf_counter()
        loaded = tasks.load_task(
            self.con, quote({**rows, "run_batches": [run_row]}), self.lineage, replacement, index, self.locked
        )
        self.timed("load", t0)
        if self.merges.due(self.con):
            t0 = time.perf_counter()
            tasks.merge_task(self.con, self.locked, self.merges)
            self.timed("merge", t0)
        inserted = loaded.inserted
        self._batch_mark = loaded.stamped_at or datetime.now(UTC)
        self._count_outcomes(rows)
        summary.batches += 1
        summary.discovered += discovered
        summary.fetched += fetched
        summary.unchanged += unchanged
        summary.extracted += len(rows.get("article_versions", []))
        summary.quarantined += inserted.get("quarantine", 0)
        summary.quarantine_reasons.update(reasons)
        summary.articles += inserted.get("article_versions", 0)
        summary.entities += inserted.get("entities", 0)
        summary.mentions += inserted.get("mentions", 0)
        summary.claims += inserted.get("claim_rows", 0)
        progress.reporter.advance(
            max(discovered, len(rows.get("article_versions", []))),
            f"{summary.articles} new articles, {summary.quarantined} quarantined",
        )
        return inserted

    def _count_outcomes(self, rows: dict[str, list[dict]]) -> None:
        """What became of each page, by source: one article, quarantine row (fetch or extract) or unchanged."""
        for table, outcome in (
            ("article_versions", "articles"),
            ("quarantine", "quarantined"),
            ("unchanged", "unchanged"),
        ):
            for row in rows.get(table, []):
                if table == "quarantine" and row.get("stage") not in ("fetch", "extract"):
                    continue
                if row.get("source"):
                    self.outcomes.setdefault(row["source"], Counter())[outcome] += 1

    def reconcile_files(self, tallies: dict) -> None:
        """Per WARC file: records read + damaged ranges = articles + quarantined + unchanged + skipped."""
        self.drain()
        for location, tally in tallies.items():
            outcome = self.outcomes.get(location, Counter())
            row = {**tally.as_dict(), **{k: outcome[k] for k in ("articles", "quarantined", "unchanged")}}
            accounted = row["articles"] + row["quarantined"] + row["unchanged"] + sum(row["skipped"].values())
            row["reconciled"] = accounted == row["records"] + row["damaged_ranges"]
            self.summary.files[location] = row

    def finish(self) -> dict:
        """Load what is in flight, cluster claims across outlets, run the checks, publish the summary."""
        self.drain()
        self.release_workers()
        t0 = time.perf_counter()
        tasks.cluster_task(self.con, self.summary.run_id, self.locked)
        self.timed("cluster", t0)
        self.summary.checks = tasks.checks_task(self.con, self.summary.run_id, self.locked)
        t0 = time.perf_counter()
        tasks.compact_task(self.con, self.locked, self.merges.threshold)
        self.timed("compact", t0)
        progress.reporter.stop()
        self.summary.duration_s = time.perf_counter() - self._clock
        result = self.summary.as_dict()
        tasks.publish_summary(result)
        return result


NLP_TABLES = {stage: stage_tables(stage) for stage in ("entities", "claims")}


def _merge(rows: dict[str, list[dict]], derived: dict[str, list[dict]], keep_stages: tuple[str, ...]) -> None:
    """Add the derived rows of the stages being written (reprocessing claims keeps the stored mentions)."""
    dropped = {t for stage, tables in NLP_TABLES.items() if stage not in keep_stages for t in tables}
    for name, values in derived.items():
        if name in dropped:
            continue
        if name == "article_processing":
            values = [v for v in values if v["stage"] in keep_stages]
        rows.setdefault(name, []).extend(values)
