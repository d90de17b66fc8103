-- The first and last publication days in the warehouse and how many articles have none.
SELECT min(published_date), max(published_date), count(*) FILTER (WHERE published_date IS NULL)
FROM articles
