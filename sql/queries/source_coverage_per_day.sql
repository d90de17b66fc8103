-- name: source_coverage_per_day
-- answers: How many articles each outlet published per day, with their words and claims.
-- param: from (date, default 1900-01-01) First publication day.
-- param: to (date, default 2999-12-31) Last publication day.
SELECT published_date AS day, outlet, articles, words, claims
FROM outlet_day_counts
WHERE published_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
ORDER BY day, outlet;
