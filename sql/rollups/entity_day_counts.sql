-- rollup: entity_day_counts
-- keys: published_date, entity_id
-- What a set of current article versions (scope_articles, with their mentions in scope_mentions) adds to
-- entity_day_counts. An article has one publication day, so the counts of disjoint sets simply add up.
SELECT a.published_date, m.entity_id, count(DISTINCT m.article_id) AS articles, count(*) AS mentions
FROM scope_mentions AS m
JOIN scope_articles AS a USING (article_id)
GROUP BY ALL
