-- rollup: entity_outlet_counts
-- keys: entity_id, outlet
-- What a set of current article versions (scope_articles, with their mentions in scope_mentions) adds to
-- entity_outlet_counts. An article has one outlet, so the counts of disjoint sets simply add up.
SELECT m.entity_id, a.outlet, count(DISTINCT m.article_id) AS articles, count(*) AS mentions
FROM scope_mentions AS m
JOIN scope_articles AS a USING (article_id)
GROUP BY ALL
