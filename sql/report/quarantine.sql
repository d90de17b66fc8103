-- Open quarantine rows by stage and error class; NULL bounds mean all of them.
-- param: date_from, date_to (NULL or the window, compared with created_at)
SELECT stage, coalesce(error_class, 'unknown') AS error_class, count(*) AS inputs
FROM quarantine
WHERE resolved_at IS NULL
  AND ($date_from IS NULL OR CAST(created_at AT TIME ZONE 'UTC' AS DATE) >= $date_from)
  AND ($date_to IS NULL OR CAST(created_at AT TIME ZONE 'UTC' AS DATE) <= $date_to)
GROUP BY ALL
ORDER BY inputs DESC, stage, error_class
