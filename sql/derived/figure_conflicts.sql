-- derived: figure_conflict_rows
-- Sources that state different numbers for the same kind of figure (10,000 vs 12,000 troops). Recomputed from
-- base tables with the claim clustering, in the same transaction (warehouse/state.py); read through the
-- figure_conflicts view.
--
-- Each figure is read as the interval it allows: exact = the value, "about" = +/-5 %, "over"/"at least" = up to
-- +10 % above it, "under"/"up to" = down to -10 % below it, a range = low..high. Two figures conflict when they have
-- the same unit (claim_quantities.unit is already normalised: soldiers/troops/forces/personnel -> troops, money ->
-- ISO code) and their intervals do not overlap. Figures are compared on two bases:
--   basis 'cluster': figures of different claims in one cross-outlet cluster (the same statement reported by
--     several outlets), so an outlet that misquotes a figure shows up;
--   basis 'entity': figures of claims that mention the same entity (claim_entities), published in the same ISO
--     week, from a different outlet or speaker (a "voice"); percentages are left out on this basis because
--     unrelated percentages about one country or company are the rule, not a conflict.
-- A figure takes part when some figure of another claim (cluster) or voice (entity) in its topic lies wholly above
-- or below it. That is found from each topic's two most extreme claims or voices, in time linear in the figures.
-- One row per basis, cluster or entity-week, and unit: cluster_or_topic (the cluster id, or the entity's name),
-- unit, value_min, value_max, outlets, claims, first_published, last_published, basis, entity_id, figures (as
-- written), claim_ids.
WITH current_claims AS (
    SELECT
        r.claim_id,
        coalesce(k.cluster_id, r.claim_id) AS cluster_id,
        coalesce(a.site_name, a.source) AS outlet,
        coalesce(a.site_name, a.source, '') || chr(31) || coalesce(r.speaker_entity_id, lower(r.speaker_text), '')
            AS voice,
        a.published_at,
        date_trunc('week', coalesce(a.published_date, CAST(a.published_at AS DATE))) AS week
    FROM claim_rows AS r
    JOIN article_versions AS a USING (article_id)
    LEFT JOIN claim_clusters AS k USING (claim_id)
    WHERE NOT EXISTS (SELECT 1 FROM superseded_versions AS s WHERE s.article_id = a.article_id)
),
figures AS (
    SELECT
        c.*,
        lower(q.unit) AS unit,
        q.surface,
        q.value,
        CASE q.comparator
            WHEN 'range' THEN coalesce(q.low, q.value)
            WHEN 'about' THEN q.value * 0.95
            WHEN 'under' THEN q.value * 0.9
            WHEN 'up_to' THEN q.value * 0.9
            ELSE q.value
        END AS lo,
        CASE q.comparator
            WHEN 'range' THEN coalesce(q.high, q.value)
            WHEN 'about' THEN q.value * 1.05
            WHEN 'over' THEN q.value * 1.1
            WHEN 'at_least' THEN q.value * 1.1
            ELSE q.value
        END AS hi
    FROM claim_quantities AS q
    JOIN current_claims AS c USING (claim_id)
    WHERE q.unit IS NOT NULL AND q.value IS NOT NULL
),
topics AS (
    SELECT 'cluster' AS basis, f.cluster_id AS topic_key, f.cluster_id AS cluster_or_topic,
           CAST(NULL AS VARCHAR) AS entity_id, f.claim_id AS side, f.*
    FROM figures AS f
    WHERE f.cluster_id IN (SELECT cluster_id FROM claim_clusters GROUP BY cluster_id HAVING count(*) > 1)
    UNION ALL
    SELECT 'entity' AS basis, ce.entity_id || ' ' || CAST(f.week AS VARCHAR) AS topic_key,
           coalesce(e.name, ce.entity_id) AS cluster_or_topic, ce.entity_id, f.voice AS side, f.*
    FROM figures AS f
    JOIN (SELECT DISTINCT claim_id, entity_id FROM claim_entities) AS ce USING (claim_id)
    LEFT JOIN (SELECT entity_id, any_value(name) AS name FROM entities GROUP BY entity_id) AS e USING (entity_id)
    WHERE f.unit NOT IN ('percent', 'percentage points')
),
sides AS (
    SELECT basis, topic_key, unit, side, max(lo) AS side_lo, min(hi) AS side_hi
    FROM topics
    GROUP BY ALL
),
ranked_sides AS (
    SELECT *,
           row_number() OVER (PARTITION BY basis, topic_key, unit ORDER BY side_lo DESC, side) AS lo_rank,
           row_number() OVER (PARTITION BY basis, topic_key, unit ORDER BY side_hi ASC, side) AS hi_rank
    FROM sides
),
extremes AS (
    -- the highest low end and the lowest high end, and the runners-up from another side
    SELECT basis, topic_key, unit,
           any_value(side) FILTER (WHERE lo_rank = 1) AS top_side,
           max(side_lo) FILTER (WHERE lo_rank = 1) AS top_lo,
           max(side_lo) FILTER (WHERE lo_rank = 2) AS next_lo,
           any_value(side) FILTER (WHERE hi_rank = 1) AS bottom_side,
           min(side_hi) FILTER (WHERE hi_rank = 1) AS bottom_hi,
           min(side_hi) FILTER (WHERE hi_rank = 2) AS next_hi
    FROM ranked_sides
    WHERE lo_rank <= 2 OR hi_rank <= 2
    GROUP BY ALL
    HAVING count(*) > 1
),
involved AS (
    SELECT t.*
    FROM topics AS t
    JOIN extremes AS x USING (basis, topic_key, unit)
    WHERE CASE WHEN t.side = x.top_side THEN x.next_lo ELSE x.top_lo END > t.hi
       OR CASE WHEN t.side = x.bottom_side THEN x.next_hi ELSE x.bottom_hi END < t.lo
)
SELECT
    any_value(t.cluster_or_topic) AS cluster_or_topic,
    t.unit,
    min(t.value) AS value_min,
    max(t.value) AS value_max,
    list(DISTINCT t.outlet ORDER BY t.outlet) FILTER (WHERE t.outlet IS NOT NULL) AS outlets,
    count(DISTINCT t.claim_id) AS claims,
    min(t.published_at) AS first_published,
    max(t.published_at) AS last_published,
    t.basis,
    any_value(t.entity_id) AS entity_id,
    list(DISTINCT t.surface ORDER BY t.surface) AS figures,
    list(DISTINCT t.claim_id ORDER BY t.claim_id) AS claim_ids
FROM involved AS t
GROUP BY t.basis, t.topic_key, t.unit
