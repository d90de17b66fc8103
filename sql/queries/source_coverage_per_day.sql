-- name: source_coverage_per_day
-- answers: How many articles each outlet published per day, with their words and claims.
-- param: from (date, default 1900-01-01) First publication day.
-- param: to (date, default 2999-12-31) Last publication day.
WITH claim_counts AS (
    SELECT article_id, count(*) AS claims FROM claim_rows GROUP BY article_id
)
SELECT a.published_date AS day,
       coalesce(a.site_name, a.source) AS outlet,
       count(*) AS articles,
       sum(a.word_count) AS words,
       coalesce(sum(c.claims), 0) AS claims
FROM articles AS a
LEFT JOIN claim_counts AS c USING (article_id)
WHERE a.published_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
GROUP BY ALL
ORDER BY day, outlet;
