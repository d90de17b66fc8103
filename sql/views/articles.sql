-- articles: the latest extracted version of each document (by canonical URL), with its lineage.
-- Which version is the latest (the newest fetch) is decided once per load and kept in superseded_versions.
CREATE OR REPLACE VIEW articles AS
SELECT v.*
FROM article_versions AS v
WHERE NOT EXISTS (SELECT 1 FROM superseded_versions AS s WHERE s.article_id = v.article_id);
