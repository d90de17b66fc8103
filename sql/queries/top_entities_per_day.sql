-- name: top_entities_per_day
-- answers: The most-mentioned entities on each publication day between two dates.
-- param: from (date, default 1900-01-01) First publication day.
-- param: to (date, default 2999-12-31) Last publication day.
-- param: per_day (integer, default 5) Entities per day.
SELECT d.published_date AS day, e.name, e.kind, d.articles, d.mentions
FROM entity_day_counts AS d
JOIN entities AS e USING (entity_id)
WHERE d.published_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
QUALIFY row_number() OVER (PARTITION BY day ORDER BY d.articles DESC, d.mentions DESC, e.name) <= CAST($per_day AS INTEGER)
ORDER BY day, d.articles DESC, d.mentions DESC, e.name;
