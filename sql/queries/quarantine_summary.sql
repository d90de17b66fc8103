-- name: quarantine_summary
-- answers: Why inputs are quarantined: open (unresolved) rows per stage and reason, with an example and the latest time; with include_resolved=true also the discovery failures a later run resolved.
-- param: include_resolved (boolean, default false) Count rows resolved by a later run too (the resolved column says how many).
SELECT stage, error_class, count(*) AS inputs,
       count(*) FILTER (WHERE resolved_at IS NOT NULL) AS resolved,
       any_value(message) AS example_message,
       any_value(url) AS example_url,
       max(created_at) AS latest
FROM quarantine
WHERE resolved_at IS NULL OR CAST($include_resolved AS BOOLEAN)
GROUP BY ALL
ORDER BY inputs DESC, stage, error_class;
