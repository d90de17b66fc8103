"""Re-running stages from stored raw bytes when their code changed, and retrying quarantined inputs."""

from __future__ import annotations

import gzip

from prefect import flow

from acquisition.records import Item, Page, Source
from flows import tasks
from flows.ingest import fetch_config
from flows.pipeline import Pipeline, batched
from flows.settings import load_settings
from flows.versions import claims_version, entities_stage_version
from transforms.extraction import EXTRACTOR_VERSION
from warehouse import state
from warehouse.lake import DEFAULT_LOAD_WAIT_S, open_writer
from warehouse.load import Replacement

STAGES = ("extract", "entities", "claims")


def _page_from_raw(row: dict, body_gzip: bytes) -> Page:
    return Page(
        url=row["url"],
        source=Source(row["source_kind"], row["source"]),
        fetched_at=row["fetched_at"],
        body=gzip.decompress(body_gzip),
        final_url=row["final_url"],
        source_ref=row["source_ref"],
        http_status=row["http_status"],
        content_type=row["content_type"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        truncated=bool(row.get("truncated")),
    )


def reextract(pipeline: Pipeline, since: str | None, batch_size: int) -> None:
    """Pages whose article came from an older extractor: extract again, swap the article and its rows."""
    stale = state.stale_for_extract(pipeline.con, EXTRACTOR_VERSION, since)
    for batch in batched(stale, batch_size):
        bodies = state.raw_bodies(pipeline.con, [r["raw_sha256"] for r in batch])
        pages = [_page_from_raw(r, bodies[r["raw_sha256"]]) for r in batch]
        rows = pipeline.process_now(pages)
        extracted = {a["raw_sha256"] for a in rows["article_versions"]}
        old_ids = tuple(r["old_article_id"] for r in batch if r["raw_sha256"] in extracted)
        rows["raw_pages"] = []
        pipeline.load(rows, 0, len(pages), Replacement(old_ids, ("extract",)))


def rerun_nlp(pipeline: Pipeline, stage: str, since: str | None, batch_size: int) -> None:
    """Articles whose entity or claim rows came from other code (or another alias table): swap them."""
    version = entities_stage_version(pipeline.aliases) if stage == "entities" else claims_version()
    stages = ("entities", "claims") if stage == "entities" else ("claims",)
    for batch in batched(state.stale_for_stage(pipeline.con, stage, version, since), batch_size):
        ids = tuple(a["article_id"] for a in batch)
        pipeline.run_articles({}, replacement=Replacement(ids, stages), keep_stages=stages, stored_articles=batch)


@flow(name="reprocess", log_prints=True)
def reprocess_flow(
    home: str | None = None,
    since: str | None = None,
    stage: str | None = None,
    batch_size: int | None = None,
    model: str | None = None,
    wait_for_lock_s: float = DEFAULT_LOAD_WAIT_S,
) -> dict:
    """Re-run stale stages without fetching: extract from raw bytes, entities and claims from stored text."""
    if stage is not None and stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; choose one of {', '.join(STAGES)}")
    settings = load_settings(home=home, batch_size=batch_size, spacy_model=model)
    batch_size = settings.batch_size
    warehouse_home = settings.lake_home()
    with open_writer(warehouse_home, wait_s=wait_for_lock_s, hold_lock=False) as con:
        params = {"since": since, "stage": stage}
        pipeline = Pipeline(con, warehouse_home, "reprocess", params, settings, wait_for_lock_s)
        if stage in (None, "extract"):
            reextract(pipeline, since, batch_size)
        for nlp_stage in ("entities", "claims"):
            if stage in (None, nlp_stage):
                rerun_nlp(pipeline, nlp_stage, since, batch_size)
        return pipeline.finish()


@flow(name="retry-quarantined", log_prints=True)
def retry_quarantined_flow(
    home: str | None = None,
    stage: str | None = None,
    allow_private: bool | None = None,
    batch_size: int | None = None,
    model: str | None = None,
) -> dict:
    """Try quarantined inputs again; each one that now succeeds leaves quarantine in the same transaction."""
    settings = load_settings(home=home, batch_size=batch_size, allow_private=allow_private, spacy_model=model)
    batch_size = settings.batch_size
    config = fetch_config(settings)
    warehouse_home = settings.lake_home()
    with open_writer(warehouse_home, wait_s=DEFAULT_LOAD_WAIT_S, hold_lock=False) as con:
        pipeline = Pipeline(con, warehouse_home, "retry-quarantined", {"stage": stage}, settings)
        rows = state.quarantined(con, stage)
        fetch_rows = [r for r in rows if r["stage"] == "fetch"]
        raw_rows = [r for r in rows if r["stage"] == "extract" and r["raw_sha256"]]
        for batch in batched(fetch_rows, batch_size):
            items = [
                Item(r["url"], Source(r["source_kind"] or "urls", r["source"] or r["url"]), r["source_ref"])
                for r in batch
            ]
            pages = tasks.fetch_task(items, config, {}, pipeline.summary.batches)
            resolved = tuple(r["quarantine_id"] for r, p in zip(batch, pages, strict=True) if not p.failed)
            pipeline.run_pages(pages, len(batch), replacement=Replacement(quarantine_ids=resolved), skip_known=False)
        for batch in batched(raw_rows, batch_size):
            bodies = state.raw_bodies(con, [r["raw_sha256"] for r in batch])
            pages = [
                _page_from_raw(
                    {
                        **r,
                        "fetched_at": r["created_at"],
                        "final_url": r["url"],
                        "http_status": None,
                        "content_type": None,
                        "etag": None,
                        "last_modified": None,
                    },
                    bodies[r["raw_sha256"]],
                )
                for r in batch
                if r["raw_sha256"] in bodies
            ]
            rows_out = pipeline.process_now(pages)
            extracted = {a["raw_sha256"] for a in rows_out["article_versions"]}
            resolved = tuple(r["quarantine_id"] for r in batch if r["raw_sha256"] in extracted)
            rows_out["raw_pages"] = []
            pipeline.load(rows_out, 0, 0, Replacement(quarantine_ids=resolved))
        return pipeline.finish()
