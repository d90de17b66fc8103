-- Whether the warehouse has a view of this name (older warehouses lack figure_conflicts).
-- param: name
SELECT count(*) FROM duckdb_views()
WHERE view_name = $name AND NOT internal AND database_name IN (current_database(), 'temp')
