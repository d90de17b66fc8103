-- name: quarantine_summary
-- answers: Why inputs were quarantined: counts per stage and reason, with an example and the latest time.
SELECT stage, error_class, count(*) AS inputs,
       any_value(message) AS example_message,
       any_value(url) AS example_url,
       max(created_at) AS latest
FROM quarantine
GROUP BY ALL
ORDER BY inputs DESC, stage, error_class;
