-- The most-mentioned person or place of the window: the timeline's entity when --entity is not given.
-- param: date_from, date_to
SELECT e.entity_id, e.name, e.kind
FROM mentions AS m
JOIN articles AS a USING (article_id)
JOIN entities AS e USING (entity_id)
WHERE e.kind IN ('PERSON', 'GPE') AND a.published_date BETWEEN $date_from AND $date_to
GROUP BY ALL
ORDER BY count(*) DESC, count(DISTINCT m.article_id) DESC, e.entity_id
LIMIT 1
