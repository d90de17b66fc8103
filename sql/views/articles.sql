-- articles: the latest extracted version of each document (by canonical URL), with its lineage.
CREATE OR REPLACE VIEW articles AS
SELECT * EXCLUDE (version_rank)
FROM (
    SELECT *, row_number() OVER (PARTITION BY doc_id ORDER BY fetched_at DESC, article_id) AS version_rank
    FROM article_versions
)
WHERE version_rank = 1;
