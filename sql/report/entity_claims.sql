-- Claims the entity made (speaker) or that are about it (claim_entities), latest article versions only.
-- param: date_from, date_to, entity_id, limit
SELECT
    coalesce(a.published_at AT TIME ZONE 'UTC', CAST(a.published_date AS TIMESTAMP)) AS at_utc,
    coalesce(a.site_name, a.source, 'unknown') AS outlet,
    a.title,
    a.url,
    coalesce(sp.name, c.speaker_text, 'unnamed') AS speaker,
    c.speaker_entity_id IS NOT DISTINCT FROM $entity_id AS by_entity,
    c.cue,
    c.polarity,
    coalesce(c.hedged, false) AS hedged,
    coalesce(array_to_string(c.hedge_cues, ', '), '') AS hedge_cues,
    coalesce(c.is_direct, false) AS is_direct,
    c.content,
    (SELECT string_agg(q.surface, '; ' ORDER BY q.start_char) FROM claim_quantities AS q
     WHERE q.claim_id = c.claim_id) AS figures
FROM claims AS c
JOIN articles AS a USING (article_id)
LEFT JOIN entities AS sp ON sp.entity_id = c.speaker_entity_id
WHERE a.published_date BETWEEN $date_from AND $date_to
  AND (c.speaker_entity_id = $entity_id
       OR c.claim_id IN (SELECT claim_id FROM claim_entities WHERE entity_id = $entity_id))
ORDER BY at_utc, outlet, c.content_start
LIMIT $limit
