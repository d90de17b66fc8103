-- The most-mentioned entities of the window (limit of them), with their mentions on each day that has any.
-- param: date_from, date_to, limit
WITH m AS (
    SELECT a.published_date AS day, m.entity_id, m.article_id
    FROM mentions AS m
    JOIN articles AS a USING (article_id)
    WHERE a.published_date BETWEEN $date_from AND $date_to
),
top AS (
    SELECT entity_id, count(*) AS mentions, count(DISTINCT article_id) AS articles
    FROM m GROUP BY entity_id
    ORDER BY mentions DESC, articles DESC, entity_id
    LIMIT $limit
)
SELECT t.entity_id, coalesce(e.name, t.entity_id) AS name, e.kind, t.mentions, t.articles,
       m.day, count(*) AS day_mentions
FROM top AS t
JOIN m USING (entity_id)
LEFT JOIN entities AS e USING (entity_id)
GROUP BY ALL
ORDER BY t.mentions DESC, t.articles DESC, t.entity_id, m.day
