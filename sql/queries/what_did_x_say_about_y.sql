-- name: what_did_x_say_about_y
-- answers: What a speaker said about an entity or topic between two publication days: every claim with its
-- answers: outlet, cue, polarity, hedging, figures and resolved dates, oldest first.
-- param: speaker (text) Speaker name, entity_id or description, matched as a case-insensitive substring ("Berg", "person:anna-berg", "spokesman").
-- param: about (text) An entity the claim mentions (name or entity_id substring) or a word of its content ("Valdoria", "troops").
-- param: from (date, default 1900-01-01) First publication day.
-- param: to (date, default 2999-12-31) Last publication day.
WITH entity_names AS (
    SELECT entity_id, any_value(name) AS name FROM entities GROUP BY entity_id
),
about_claims AS (
    SELECT claim_id
    FROM claim_entities
    WHERE entity_id IN (
        SELECT entity_id FROM entity_names
        WHERE contains(lower(coalesce(name, '')), lower($about)) OR contains(lower(entity_id), lower($about))
    )
),
matched AS (
    SELECT c.*, a.published_at, coalesce(a.site_name, a.source) AS outlet, a.url,
           coalesce(sp.name, c.speaker_text) AS speaker
    FROM claim_rows AS c
    JOIN articles AS a USING (article_id)
    LEFT JOIN entity_names AS sp ON sp.entity_id = c.speaker_entity_id
    WHERE c.published_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND a.published_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND (contains(lower(coalesce(sp.name, '')), lower($speaker))
           OR contains(lower(coalesce(c.speaker_entity_id, '')), lower($speaker))
           OR contains(lower(c.speaker_text), lower($speaker)))
      AND (contains(lower(c.content), lower($about)) OR c.claim_id IN (SELECT claim_id FROM about_claims))
)
SELECT
    m.published_at,
    m.outlet,
    m.speaker,
    m.speaker_kind,
    m.cue,
    m.polarity,
    m.hedged,
    m.is_direct,
    m.content,
    (SELECT string_agg(q.surface, '; ' ORDER BY q.start_char) FROM claim_quantities AS q
     WHERE q.claim_id = m.claim_id) AS figures,
    (SELECT string_agg(d.surface || ' = ' || CAST(d.date_from AS VARCHAR)
                       || CASE WHEN d.date_to <> d.date_from THEN '..' || CAST(d.date_to AS VARCHAR) ELSE '' END,
                       '; ' ORDER BY d.date_from)
     FROM claim_dates AS d WHERE d.claim_id = m.claim_id) AS dates,
    coalesce(k.cluster_id, m.claim_id) AS cluster_id,  -- as the claims view gives it
    m.url
FROM matched AS m
LEFT JOIN claim_clusters AS k USING (claim_id)
ORDER BY m.published_at NULLS LAST, m.article_id, m.content_start;
