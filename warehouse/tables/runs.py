"""What runs did: processing stamps, quarantine, incremental state, ledgers and checks."""

from __future__ import annotations

from warehouse.tables.model import Field, Table, unique, upsert, written_by

ARTICLE_PROCESSING = Table(
    "article_processing",
    "One row per article version and NLP stage run: reprocess finds articles whose version is stale.",
    (
        Field("article_id", "VARCHAR", "Article version that was processed.", nullable=False),
        Field("stage", "VARCHAR", "entities or claims.", nullable=False),
        Field(
            "transform_version",
            "VARCHAR",
            "Code version of the stage, including the alias table fingerprint for entities.",
            nullable=False,
        ),
        Field("run_id", "VARCHAR", "Run that processed it.", supply="lineage"),
        Field("processed_at", "TIMESTAMPTZ", "When it was processed."),
    ),
    load=unique("article_id", "stage", "transform_version"),
    primary_key=("article_id", "stage", "transform_version"),
)

QUARANTINE = Table(
    "quarantine",
    "Every input that failed a stage, with its reason; nothing is dropped silently.",
    (
        Field(
            "quarantine_id",
            "VARCHAR",
            "Hash of stage, url, source_ref, reason and raw hash: one open row per failure kind per input (a "
            "failure that returns after being resolved opens a new row with the same id).",
            nullable=False,
        ),
        Field("run_id", "VARCHAR", "Run where it failed.", supply="lineage"),
        Field("stage", "VARCHAR", "discover, fetch, extract, entities, claims or load."),
        Field("url", "VARCHAR", "URL or file of the input."),
        Field("source_kind", "VARCHAR", "feed, sitemap, urls, html_dir or warc."),
        Field("source", "VARCHAR", "Source the input came from."),
        Field("source_ref", "VARCHAR", "Position inside the source."),
        Field("error_class", "VARCHAR", "Short reason class (http_404, no_main_text, not_html, truncated_record)."),
        Field("message", "VARCHAR", "One-line human-readable reason."),
        Field("raw_sha256", "VARCHAR", "Pointer to the raw bytes in raw_pages, when they were kept."),
        Field("created_at", "TIMESTAMPTZ", "When it was quarantined."),
        Field("code_version", "VARCHAR", "Code version that quarantined it.", supply="lineage"),
        Field(
            "resolved_at",
            "TIMESTAMPTZ",
            "When a later run read the same input without failing (discover stage); NULL while the failure stands.",
            supply="update",
        ),
        Field(
            "resolved_by_run",
            "VARCHAR",
            "Run that read the input successfully and resolved the row; NULL while the failure stands.",
            supply="update",
        ),
    ),
    load=unique("quarantine_id", counts_when="t.resolved_at IS NULL"),
)

WATERMARKS = Table(
    "watermarks",
    "Incremental state per source: seen feed items, validators, sitemap lastmod, finished WARC files.",
    (
        Field("source", "VARCHAR", "Source (feed URL, sitemap URL, WARC file).", nullable=False),
        Field(
            "item_key",
            "VARCHAR",
            "Item within the source: feed item id, page URL, or * for the source itself.",
            nullable=False,
        ),
        Field("etag", "VARCHAR", "Last ETag seen.", supply="optional"),
        Field("last_modified", "VARCHAR", "Last Last-Modified seen.", supply="optional"),
        Field("lastmod", "VARCHAR", "Sitemap lastmod or feed item date last seen.", supply="optional"),
        Field("run_id", "VARCHAR", "Run that advanced the watermark.", supply="lineage"),
        Field("updated_at", "TIMESTAMPTZ", "When it was advanced."),
        Field(
            "children",
            "VARCHAR[]",
            "On a sitemap's * row: the sitemaps it listed when last read in full (empty for a sitemap of pages), "
            "walked with their own validators when it answers 304; NULL for feeds.",
            supply="optional",
        ),
    ),
    load=upsert("source", "item_key"),
    primary_key=("source", "item_key"),
)

RUN_BATCHES = Table(
    "run_batches",
    "Run ledger: one row per committed batch of a pipeline run, written in the batch's own transaction.",
    (
        Field(
            "run_id",
            "VARCHAR",
            "Identifier of the pipeline run (the Prefect flow run id when run under Prefect).",
            nullable=False,
            supply="lineage",
        ),
        Field("batch_index", "INTEGER", "Batch number within the run, from 0.", nullable=False),
        Field("flow", "VARCHAR", "Which flow wrote the rows: ingest, backfill, reprocess, retry."),
        Field("started_at", "TIMESTAMPTZ", "When the batch started processing."),
        Field("finished_at", "TIMESTAMPTZ", "When the batch was committed.", supply="load"),
        Field("status", "VARCHAR", "completed, or failed with the error column set."),
        Field("code_version", "VARCHAR", "wirehouse version plus extractor and transform versions.", supply="lineage"),
        Field("params", "VARCHAR", "JSON of the run parameters (sources, window)."),
        Field("discovered", "BIGINT", "Items discovered by the sources in this batch."),
        Field("fetched", "BIGINT", "Pages fetched or read successfully."),
        Field("unchanged", "BIGINT", "Pages skipped because their raw bytes or text were already loaded."),
        Field("extracted", "BIGINT", "Pages whose main text was extracted."),
        Field("quarantined", "BIGINT", "Inputs that failed a stage and went to quarantine."),
        Field("articles", "BIGINT", "New article versions loaded."),
        Field("mentions", "BIGINT", "Entity mentions loaded."),
        Field("claims", "BIGINT", "Claims loaded."),
        Field("stage_seconds", "VARCHAR", "JSON object: seconds spent per stage."),
        Field("duration_s", "DOUBLE", "Wall-clock seconds of the batch.", supply="load"),
        Field("error", "VARCHAR", "Error message when the batch failed.", supply="optional"),
    ),
    load=unique("run_id", "batch_index"),
    primary_key=("run_id", "batch_index"),
)

CHECKS = Table(
    "checks",
    "Data-quality checks run after each load.",
    (
        Field("run_id", "VARCHAR", "Run whose load was checked."),
        Field("check_name", "VARCHAR", "Name of the check (sql/checks/<name>.sql)."),
        Field("failed_rows", "BIGINT", "Rows of the run that fail the check."),
        Field("passed", "BOOLEAN", "True when no row fails."),
        Field("detail", "VARCHAR", "What the check asserts."),
        Field("checked_at", "TIMESTAMPTZ", "When the check ran."),
    ),
    load=written_by("append", "warehouse/checks.py"),
)

BACKFILL_WINDOWS = Table(
    "backfill_windows",
    "Backfill ledger: one row per window and state change; the latest row per window says if it is done.",
    (
        Field("backfill_id", "VARCHAR", "Hash of the backfill sources: the same command resumes the same ledger."),
        Field("window_start", "DATE", "First day of the window."),
        Field("window_end", "DATE", "Last day of the window (inclusive)."),
        Field("status", "VARCHAR", "running, completed or failed."),
        Field("flow_run_id", "VARCHAR", "Prefect flow run of the window."),
        Field("attempts", "INTEGER", "How many times the window has been started."),
        Field("articles", "BIGINT", "Articles loaded by the window."),
        Field("error", "VARCHAR", "Why the window failed."),
        Field("updated_at", "TIMESTAMPTZ", "When the row was written."),
    ),
    load=written_by("append", "warehouse/ledger.py"),
)

SCHEMA_MIGRATIONS = Table(
    "schema_migrations",
    "Applied schema migrations and view definitions; opening a warehouse applies what is missing.",
    (
        Field("version", "INTEGER", "Migration number from sql/migrations/NNN_name.sql; 0 for a view from sql/views/."),
        Field("name", "VARCHAR", "File name of the migration or view."),
        Field("checksum", "VARCHAR", "SHA-256 of the file text; a changed view is re-created."),
        Field("applied_at", "TIMESTAMPTZ", "When it was applied."),
    ),
    load=written_by("catalog", "warehouse/migrations.py"),
    primary_key=("name",),
)

TABLES = (
    ARTICLE_PROCESSING,
    QUARANTINE,
    WATERMARKS,
    RUN_BATCHES,
    CHECKS,
    BACKFILL_WINDOWS,
    SCHEMA_MIGRATIONS,
)
