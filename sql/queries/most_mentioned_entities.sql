-- name: most_mentioned_entities
-- answers: Which people, organisations and places are mentioned in the most articles?
-- param: kind (text, default null) Only this entity kind (PERSON, ORG, GPE, LOC, NORP); all when omitted.
-- param: limit (integer, default 10) How many rows.
WITH totals AS (
    SELECT entity_id, sum(articles) AS articles, sum(mentions) AS mentions, count(outlet) AS outlets
    FROM entity_outlet_counts
    GROUP BY entity_id
)
SELECT e.name, e.kind, e.entity_id, e.country_code, t.articles, t.mentions, t.outlets
FROM totals AS t
JOIN entities AS e USING (entity_id)
WHERE $kind IS NULL OR e.kind = upper($kind)
ORDER BY t.articles DESC, t.mentions DESC, e.name
LIMIT CAST($limit AS INTEGER);
