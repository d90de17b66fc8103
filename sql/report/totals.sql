-- Articles, outlets, entities and claims of the articles published in the window.
-- param: date_from, date_to
WITH a AS (SELECT * FROM articles WHERE published_date BETWEEN $date_from AND $date_to)
SELECT
    (SELECT count(*) FROM a) AS articles,
    (SELECT count(DISTINCT coalesce(site_name, source)) FROM a) AS outlets,
    (SELECT count(DISTINCT entity_id) FROM mentions WHERE article_id IN (SELECT article_id FROM a)) AS entities,
    (SELECT count(*) FROM claims WHERE article_id IN (SELECT article_id FROM a)) AS claims
