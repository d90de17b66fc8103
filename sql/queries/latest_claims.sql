-- name: latest_claims
-- answers: The most recent claims with their speakers, outlets and figures.
-- param: limit (integer, default 10) How many claims.
WITH recent_articles AS (
    -- Each of these articles has at least one claim, so the newest $limit claims are all among them.
    SELECT a.article_id, a.published_at, a.site_name
    FROM articles AS a
    WHERE a.article_id IN (SELECT article_id FROM claim_rows)
    ORDER BY a.published_at DESC NULLS LAST
    LIMIT CAST($limit AS INTEGER)
)
SELECT a.published_at, a.site_name AS outlet,
       coalesce(e.name, c.speaker_text) AS speaker, c.cue, c.polarity, c.hedged,
       c.content,
       (SELECT string_agg(q.surface, '; ') FROM claim_quantities AS q WHERE q.claim_id = c.claim_id) AS figures
FROM claims AS c
JOIN recent_articles AS a USING (article_id)
LEFT JOIN entities AS e ON e.entity_id = c.speaker_entity_id
ORDER BY a.published_at DESC NULLS LAST, c.content_start
LIMIT CAST($limit AS INTEGER);
