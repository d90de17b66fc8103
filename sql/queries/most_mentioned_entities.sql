-- name: most_mentioned_entities
-- answers: Which people, organisations and places are mentioned in the most articles?
-- param: kind (text, default null) Only this entity kind (PERSON, ORG, GPE, LOC, NORP); all when omitted.
-- param: limit (integer, default 10) How many rows.
SELECT e.name, e.kind, e.entity_id, e.country_code,
       count(DISTINCT m.article_id) AS articles,
       count(*) AS mentions,
       count(DISTINCT a.site_name) AS outlets
FROM mentions AS m
JOIN articles AS a USING (article_id)
JOIN entities AS e USING (entity_id)
WHERE $kind IS NULL OR e.kind = upper($kind)
GROUP BY ALL
ORDER BY articles DESC, mentions DESC, e.name
LIMIT CAST($limit AS INTEGER);
