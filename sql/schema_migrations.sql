-- The schema-version table: one row per applied migration (version >= 1) or view definition (version 0).
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER,
    name VARCHAR,
    checksum VARCHAR,
    applied_at TIMESTAMPTZ
);
COMMENT ON TABLE schema_migrations IS 'Applied schema migrations and view definitions; opening a warehouse applies what is missing.';
COMMENT ON COLUMN schema_migrations.version IS 'Migration number from sql/migrations/NNN_name.sql; 0 for a view from sql/views/.';
COMMENT ON COLUMN schema_migrations.name IS 'File name of the migration or view.';
COMMENT ON COLUMN schema_migrations.checksum IS 'SHA-256 of the file text; a changed view is re-created.';
COMMENT ON COLUMN schema_migrations.applied_at IS 'When it was applied.';
