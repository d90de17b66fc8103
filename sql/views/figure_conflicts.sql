-- figure_conflicts: sources that state different numbers for the same kind of figure (10,000 vs 12,000 troops).
--
-- Each figure is read as the interval it allows: exact = the value, "about" = +/-5 %, "over"/"at least" = up to
-- +10 % above it, "under"/"up to" = down to -10 % below it, a range = low..high. Two figures conflict when they have
-- the same unit (claim_quantities.unit is already normalised: soldiers/troops/forces/personnel -> troops, money ->
-- ISO code) and their intervals do not overlap. Figures are compared on two bases:
--   basis 'cluster': claims of one cross-outlet cluster (the same statement reported by several outlets), so an
--     outlet that misquotes a figure shows up;
--   basis 'entity': different claims (not in one cluster) that mention the same entity (claim_entities), published
--     in the same ISO week, by a different speaker or in a different outlet; percentages are left out on this
--     basis because unrelated percentages about one country or company are the rule, not a conflict.
-- One row per basis, cluster or entity-week, and unit, summarising the figures that take part in a conflict:
-- cluster_or_topic (the cluster id, or the entity's name), unit, value_min, value_max, outlets, claims,
-- first_published, last_published, basis, entity_id, figures (as written), claim_ids.
CREATE OR REPLACE VIEW figure_conflicts AS
WITH figures AS (
    SELECT
        c.claim_id,
        c.cluster_id,
        coalesce(c.speaker_entity_id, lower(c.speaker_text)) AS speaker_key,
        coalesce(a.site_name, a.source) AS outlet,
        a.published_at,
        date_trunc('week', coalesce(a.published_date, CAST(a.published_at AS DATE))) AS week,
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
    FROM claims AS c
    JOIN claim_quantities AS q USING (claim_id)
    JOIN articles AS a USING (article_id)
    WHERE q.unit IS NOT NULL AND q.value IS NOT NULL
),
topics AS (
    SELECT 'cluster' AS basis, f.cluster_id AS topic_key, f.cluster_id AS cluster_or_topic,
           CAST(NULL AS VARCHAR) AS entity_id, f.*
    FROM figures AS f
    UNION ALL
    SELECT 'entity' AS basis, ce.entity_id || ' ' || CAST(f.week AS VARCHAR) AS topic_key,
           coalesce(e.name, ce.entity_id) AS cluster_or_topic, ce.entity_id, f.*
    FROM figures AS f
    JOIN claim_entities AS ce USING (claim_id)
    LEFT JOIN (SELECT entity_id, any_value(name) AS name FROM entities GROUP BY entity_id) AS e USING (entity_id)
    WHERE f.unit NOT IN ('percent', 'percentage points')
),
conflicting_pairs AS (
    SELECT x.basis, x.topic_key, x.unit, x.claim_id AS claim_a, y.claim_id AS claim_b
    FROM topics AS x
    JOIN topics AS y
      ON x.basis = y.basis AND x.topic_key = y.topic_key AND x.unit = y.unit AND x.claim_id < y.claim_id
    WHERE (x.hi < y.lo OR y.hi < x.lo)
      AND (x.basis = 'cluster'
           OR (x.cluster_id <> y.cluster_id
               AND (x.outlet IS DISTINCT FROM y.outlet OR x.speaker_key IS DISTINCT FROM y.speaker_key)))
),
involved AS (
    SELECT DISTINCT basis, topic_key, unit, claim_a AS claim_id FROM conflicting_pairs
    UNION
    SELECT DISTINCT basis, topic_key, unit, claim_b AS claim_id FROM conflicting_pairs
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
FROM topics AS t
JOIN involved AS i USING (basis, topic_key, unit, claim_id)
GROUP BY t.basis, t.topic_key, t.unit;
