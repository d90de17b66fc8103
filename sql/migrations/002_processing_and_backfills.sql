-- wirehouse schema, version 2: which code version processed each article, and the backfill window ledger.

CREATE TABLE article_processing (
    article_id VARCHAR,
    stage VARCHAR,
    transform_version VARCHAR,
    run_id VARCHAR,
    processed_at TIMESTAMPTZ
);
COMMENT ON TABLE article_processing IS 'One row per article version and NLP stage run: reprocess finds articles whose version is stale.';
COMMENT ON COLUMN article_processing.article_id IS 'Article version that was processed.';
COMMENT ON COLUMN article_processing.stage IS 'entities or claims.';
COMMENT ON COLUMN article_processing.transform_version IS 'Code version of the stage, including the alias table fingerprint for entities.';
COMMENT ON COLUMN article_processing.run_id IS 'Run that processed it.';
COMMENT ON COLUMN article_processing.processed_at IS 'When it was processed.';

CREATE TABLE backfill_windows (
    backfill_id VARCHAR,
    window_start DATE,
    window_end DATE,
    status VARCHAR,
    flow_run_id VARCHAR,
    attempts INTEGER,
    articles BIGINT,
    error VARCHAR,
    updated_at TIMESTAMPTZ
);
COMMENT ON TABLE backfill_windows IS 'Backfill ledger: one row per window and state change; the latest row per window says if it is done.';
COMMENT ON COLUMN backfill_windows.backfill_id IS 'Hash of the backfill sources: the same command resumes the same ledger.';
COMMENT ON COLUMN backfill_windows.window_start IS 'First day of the window.';
COMMENT ON COLUMN backfill_windows.window_end IS 'Last day of the window (inclusive).';
COMMENT ON COLUMN backfill_windows.status IS 'running, completed or failed.';
COMMENT ON COLUMN backfill_windows.flow_run_id IS 'Prefect flow run of the window.';
COMMENT ON COLUMN backfill_windows.attempts IS 'How many times the window has been started.';
COMMENT ON COLUMN backfill_windows.articles IS 'Articles loaded by the window.';
COMMENT ON COLUMN backfill_windows.error IS 'Why the window failed.';
COMMENT ON COLUMN backfill_windows.updated_at IS 'When the row was written.';
