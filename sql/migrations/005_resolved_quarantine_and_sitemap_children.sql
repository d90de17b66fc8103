-- wirehouse schema, version 5: a discovery failure is marked resolved (not deleted) once its source is read again,
-- and each sitemap document remembers the sitemaps it listed, so that an index answering 304 Not Modified still
-- has its children asked for with their own validators.

ALTER TABLE quarantine ADD COLUMN resolved_at TIMESTAMPTZ;
COMMENT ON COLUMN quarantine.resolved_at IS 'When a later run read the same input without failing (discover stage); NULL while the failure stands.';
ALTER TABLE quarantine ADD COLUMN resolved_by_run VARCHAR;
COMMENT ON COLUMN quarantine.resolved_by_run IS 'Run that read the input successfully and resolved the row; NULL while the failure stands.';
COMMENT ON COLUMN quarantine.quarantine_id IS 'Hash of stage, url, source_ref, reason and raw hash: one open row per failure kind per input (a failure that returns after being resolved opens a new row with the same id).';

ALTER TABLE watermarks ADD COLUMN children VARCHAR[];
COMMENT ON COLUMN watermarks.children IS 'On a sitemap''s * row: the sitemaps it listed when last read in full (empty for a sitemap of pages), walked with their own validators when it answers 304; NULL for feeds.';
