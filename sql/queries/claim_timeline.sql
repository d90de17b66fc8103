-- name: claim_timeline
-- answers: The claims by or about an entity on a time line: when the thing claimed happens (the resolved dates in
-- answers: the claim, else the publication day), who said it, where, how sure; one row per claim and date.
-- param: entity (text) Name or entity_id substring of the speaker or of an entity the claim mentions ("Berg", "gpe:valdoria").
-- param: from (date, default 1900-01-01) First publication day.
-- param: to (date, default 2999-12-31) Last publication day.
WITH entity_names AS (
    SELECT entity_id, any_value(name) AS name FROM entities GROUP BY entity_id
),
matched_entities AS (
    SELECT entity_id FROM entity_names
    WHERE contains(lower(coalesce(name, '')), lower($entity)) OR contains(lower(entity_id), lower($entity))
),
selected AS (
    SELECT claim_id
    FROM claim_rows
    WHERE speaker_entity_id IN (SELECT entity_id FROM matched_entities)
       OR contains(lower(coalesce(speaker_entity_id, '')), lower($entity))
       OR contains(lower(speaker_text), lower($entity))
    UNION
    SELECT claim_id FROM claim_entities WHERE entity_id IN (SELECT entity_id FROM matched_entities)
)
SELECT
    coalesce(d.date_from, a.published_date, CAST(a.published_at AS DATE)) AS event_from,
    coalesce(d.date_to, a.published_date, CAST(a.published_at AS DATE)) AS event_to,
    coalesce(d.surface, 'published') AS event,
    a.published_at,
    coalesce(a.site_name, a.source) AS outlet,
    coalesce(sp.name, c.speaker_text) AS speaker,
    c.cue,
    c.polarity,
    c.hedged,
    c.content,
    c.cluster_id
FROM claims AS c
JOIN selected USING (claim_id)
JOIN articles AS a USING (article_id)
LEFT JOIN claim_dates AS d USING (claim_id)
LEFT JOIN entity_names AS sp ON sp.entity_id = c.speaker_entity_id
WHERE c.published_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
  AND a.published_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
ORDER BY event_from, event_to, a.published_at, c.content_start;
