-- name: latest_claims
-- answers: The most recent claims with their speakers, outlets and figures (claims of articles without a
-- answers: publication date have no place in time and are left out).
-- param: limit (integer, default 10) How many claims.
WITH since AS (
    -- the latest publication day from which on there are at least $limit claims (outlet_day_counts knows the
    -- claims per day), so only the files of those days are read; every day when there are fewer claims
    SELECT coalesce(max(published_date), DATE '0001-01-01') AS day
    FROM (
        SELECT published_date, sum(sum(claims)) OVER (ORDER BY published_date DESC) AS claims_since
        FROM outlet_day_counts
        WHERE published_date IS NOT NULL
        GROUP BY published_date
        HAVING sum(claims) > 0
    )
    WHERE claims_since >= CAST($limit AS INTEGER)
)
SELECT a.published_at, a.site_name AS outlet,
       coalesce(e.name, c.speaker_text) AS speaker, c.cue, c.polarity, c.hedged,
       c.content,
       (SELECT string_agg(q.surface, '; ') FROM claim_quantities AS q WHERE q.claim_id = c.claim_id) AS figures
FROM claim_rows AS c
JOIN articles AS a USING (article_id)
LEFT JOIN entities AS e ON e.entity_id = c.speaker_entity_id
WHERE c.published_date >= (SELECT day FROM since)
  AND a.published_date >= (SELECT day FROM since)
ORDER BY a.published_at DESC NULLS LAST, c.content_start
LIMIT CAST($limit AS INTEGER);
