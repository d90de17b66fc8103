-- runs: one row per pipeline run, summing its committed batches (run_batches).
CREATE OR REPLACE VIEW runs AS
SELECT
    run_id,
    any_value(flow) AS flow,
    min(started_at) AS started_at,
    max(finished_at) AS finished_at,
    CASE WHEN bool_or(status = 'failed') THEN 'failed' ELSE 'completed' END AS status,
    any_value(code_version) AS code_version,
    any_value(params) AS params,
    count(*) AS batches,
    sum(discovered) AS discovered,
    sum(fetched) AS fetched,
    sum(unchanged) AS unchanged,
    sum(extracted) AS extracted,
    sum(quarantined) AS quarantined,
    sum(articles) AS articles,
    sum(mentions) AS mentions,
    sum(claims) AS claims,
    sum(duration_s) AS duration_s,
    string_agg(error, '; ') AS errors
FROM run_batches
GROUP BY run_id;
