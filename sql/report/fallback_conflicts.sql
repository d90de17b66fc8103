-- Used when the warehouse has no figure_conflicts view: outlets that give different values in the same
-- unit.
-- param: date_from, date_to, limit
WITH figures AS (
    SELECT q.unit, q.value, q.surface, coalesce(a.site_name, a.source, 'unknown') AS outlet,
           a.published_date, coalesce(e.name, c.speaker_text) AS speaker, c.content
    FROM claim_quantities AS q
    JOIN claims AS c USING (claim_id)
    JOIN articles AS a USING (article_id)
    LEFT JOIN entities AS e ON e.entity_id = c.speaker_entity_id
    WHERE q.unit IS NOT NULL AND q.value IS NOT NULL AND a.published_date BETWEEN $date_from AND $date_to
),
disputed AS (
    SELECT DISTINCT x.unit
    FROM figures AS x JOIN figures AS y ON x.unit = y.unit AND x.outlet <> y.outlet AND x.value <> y.value
)
SELECT unit, value, surface, outlet, published_date AS day, speaker, content
FROM figures
WHERE unit IN (SELECT unit FROM disputed)
ORDER BY unit, value, outlet, day
LIMIT $limit
