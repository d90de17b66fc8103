-- Articles per publication day and outlet in the window.
-- param: date_from, date_to
SELECT published_date AS day, coalesce(site_name, source, 'unknown') AS outlet, count(*) AS articles
FROM articles
WHERE published_date BETWEEN $date_from AND $date_to
GROUP BY ALL
ORDER BY day, outlet
