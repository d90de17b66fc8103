-- name: hedged_or_denied_claims
-- answers: Claims by or about an entity that are not plain assertions: hedged (may, reportedly, estimated ...),
-- answers: denied, declined to confirm, or questioned - newest first.
-- param: entity (text) Name or entity_id substring of the speaker or of an entity the claim mentions ("Norvane", "iso:RU").
-- param: from (date, default 1900-01-01) First publication day.
-- param: to (date, default 2999-12-31) Last publication day.
WITH entity_names AS (
    SELECT entity_id, any_value(name) AS name FROM entities GROUP BY entity_id
),
matched_entities AS (
    SELECT entity_id FROM entity_names
    WHERE contains(lower(coalesce(name, '')), lower($entity)) OR contains(lower(entity_id), lower($entity))
),
by_entity AS (
    SELECT claim_id, 'speaker' AS relation
    FROM claim_rows
    WHERE speaker_entity_id IN (SELECT entity_id FROM matched_entities)
       OR contains(lower(coalesce(speaker_entity_id, '')), lower($entity))
       OR contains(lower(speaker_text), lower($entity))
    UNION
    SELECT claim_id, 'about' AS relation
    FROM claim_entities
    WHERE entity_id IN (SELECT entity_id FROM matched_entities)
),
relations AS (
    SELECT claim_id, string_agg(DISTINCT relation, ', ' ORDER BY relation) AS relation
    FROM by_entity
    GROUP BY claim_id
)
SELECT
    a.published_at,
    coalesce(a.site_name, a.source) AS outlet,
    r.relation,
    coalesce(sp.name, c.speaker_text) AS speaker,
    c.cue,
    c.polarity,
    c.hedged,
    array_to_string(c.hedge_cues, ', ') AS hedge_cues,
    c.content,
    c.cluster_id,
    a.url
FROM claims AS c
JOIN relations AS r USING (claim_id)
JOIN articles AS a USING (article_id)
LEFT JOIN entity_names AS sp ON sp.entity_id = c.speaker_entity_id
WHERE (c.hedged OR c.polarity IN ('denied', 'declined_to_confirm', 'questioned'))
  AND c.published_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
  AND a.published_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
ORDER BY a.published_at DESC NULLS LAST, c.content_start;
