-- rollup: outlet_day_counts
-- keys: published_date, outlet
-- What a set of current article versions (scope_articles, with their claim counts in scope_claims) adds to
-- outlet_day_counts.
SELECT a.published_date, a.outlet, count(*) AS articles, coalesce(sum(a.word_count), 0) AS words,
       coalesce(sum(c.claims), 0) AS claims
FROM scope_articles AS a
LEFT JOIN scope_claims AS c USING (article_id)
GROUP BY ALL
