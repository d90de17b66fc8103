-- name: top_entities_per_day
-- answers: The most-mentioned entities on each publication day between two dates.
-- param: from (date, default 1900-01-01) First publication day.
-- param: to (date, default 2999-12-31) Last publication day.
-- param: per_day (integer, default 5) Entities per day.
WITH daily AS (
    SELECT a.published_date AS day, m.entity_id, count(DISTINCT m.article_id) AS articles, count(*) AS mentions
    FROM mentions AS m
    JOIN articles AS a USING (article_id)
    WHERE a.published_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
    GROUP BY ALL
)
SELECT day, e.name, e.kind, articles, mentions
FROM daily
JOIN entities AS e USING (entity_id)
QUALIFY row_number() OVER (PARTITION BY day ORDER BY articles DESC, mentions DESC, e.name) <= CAST($per_day AS INTEGER)
ORDER BY day, articles DESC, mentions DESC, e.name;
