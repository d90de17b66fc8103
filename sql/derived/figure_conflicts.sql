-- derived: figure_conflict_rows
-- Sources that state different numbers for the same measured thing (10,000 vs 12,000 troops sent to Russia).
-- Recomputed from base tables with the claim clustering, in the same transaction (warehouse/state.py); read through
-- the figure_conflicts view.
--
-- Each figure is read as the interval it allows: exact = the value, "about" = +/-5 %, "over"/"at least" = up to
-- +10 % above it, "under"/"up to" = down to -10 % below it, a range = low..high. Two figures conflict when they
-- measure the same thing and their intervals do not overlap. The measured thing is
--   the unit (claim_quantities.unit is already normalised: soldiers/troops/forces/personnel -> troops, money -> ISO
--     code), plus
--   what happened to what is counted, read from the words around the figure in its sentence: killed, wounded,
--     displaced, missing, arrested, else a plain count ("about two dozen soldiers may have been killed" is not a
--     figure of "about 10,000 soldiers are in the Kursk region"), plus
--   whether it is a part of something ("3,000 of them", "£7 billion of the UK share", "the remaining $500 million").
-- A conflict needs two sources: on each basis the sides are voices (outlet + speaker), and a figure takes part only
-- when a figure of another voice lies wholly above or below it. Figures are compared on two bases:
--   basis 'cluster': figures of claims in one cross-outlet cluster (the same statement reported by several
--     outlets), so an outlet that misquotes a figure shows up;
--   basis 'entity': figures of claims that mention the same entity (claim_entities), published in the same ISO
--     week; percentages are left out on this basis because unrelated percentages about one country or company are
--     the rule, not a conflict.
-- That is found from each topic's two most extreme voices, in time linear in the figures.
-- One row per disagreement: the claims of one disagreement mention several entities (North Korea, Russia, Ukraine),
-- so of the entity-basis rows whose claims are all in another row (a cluster row, or an entity row with more claims
-- or the same claims), only that other row is kept; among rows with the same claims the entity named closest to
-- the figures wins. Columns: cluster_or_topic (the cluster id, or the entity's name), unit, value_min, value_max,
-- outlets, claims, first_published, last_published, basis, entity_id, figures (as written), claim_ids.
WITH current_claims AS (
    SELECT
        r.claim_id,
        r.article_id,
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
figure_context AS (
    -- The figure's sentence on each side of it, up to the next figure: what is counted and what happened to it.
    -- The article text is joined here, for the figures only: carried on every current claim, it was copied once per
    -- claim (18 per article) and made the query's memory grow with the warehouse.
    SELECT
        q.claim_id,
        q.surface,
        q.value,
        q.unit,
        q.comparator,
        q.low,
        q.high,
        q.start_char,
        regexp_replace(
            regexp_replace(lower(coalesce(substr(a.text, q.end_char + 1, 120), '')), '[.;!?](\s|$).*$', ''),
            '[0-9].*$', ''
        ) AS after_text,
        regexp_replace(
            regexp_replace(
                lower(coalesce(substr(a.text, greatest(q.start_char - 80, 0) + 1,
                                      q.start_char - greatest(q.start_char - 80, 0)), '')),
                '^.*[.;!?]\s', ''
            ),
            '^.*[0-9]', ''
        ) AS before_text
    FROM claim_quantities AS q
    JOIN current_claims AS c USING (claim_id)
    JOIN article_versions AS a USING (article_id)
    WHERE q.unit IS NOT NULL AND q.value IS NOT NULL
),
figure_measures AS (
    -- What happened to what is counted: the first such word after the figure, else the last one before it
    -- (literal patterns, folded to constants, so each is compiled once).
    SELECT
        *,
        coalesce(
            nullif(regexp_extract(
                after_text,
                '\b' || '(kill\w*|dead|died|dies|die|deaths?|fatalit\w*|lives|bodies|wounded|injur\w*|hurt|casualt\w*|'
                    || 'evacuat\w*|displaced|fled|flee\w*|homeless|missing|arrest\w*|detain\w*)\b',
                1
            ), ''),
            nullif(regexp_extract(
                before_text,
                '^.*\b'
                    || '(kill\w*|dead|died|dies|die|deaths?|fatalit\w*|lives|bodies|wounded|injur\w*|hurt|casualt\w*|'
                    || 'evacuat\w*|displaced|fled|flee\w*|homeless|missing|arrest\w*|detain\w*)\b',
                1
            ), '')
        ) AS event_word,
        regexp_matches(after_text, '^\s*(\S+\s+){0,2}?of (them|the|those|whom|which|its|their|these|it)\b')
            OR regexp_matches(before_text, '\b(remaining|additional|another|extra|further|rest of the)\s*$')
            AS part_of
    FROM figure_context
),
figures AS (
    SELECT
        c.*,
        lower(q.unit) AS unit,
        CASE
            WHEN q.event_word IS NULL THEN 'count'
            WHEN regexp_matches(q.event_word, '^(kill|dead|died|dies|die|death|fatalit|lives|bodies)') THEN 'killed'
            WHEN regexp_matches(q.event_word, '^(wounded|injur|hurt|casualt)') THEN 'wounded'
            WHEN regexp_matches(q.event_word, '^(evacuat|displaced|fled|flee|homeless)') THEN 'displaced'
            WHEN q.event_word = 'missing' THEN 'missing'
            ELSE 'arrested'
        END || CASE WHEN q.part_of THEN ' (part)' ELSE '' END AS measure,
        q.surface,
        q.value,
        q.start_char AS figure_char,
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
    FROM figure_measures AS q
    JOIN current_claims AS c USING (claim_id)
),
topics AS (
    SELECT 'cluster' AS basis, f.cluster_id || ' ' || f.measure AS topic_key, f.cluster_id AS cluster_or_topic,
           CAST(NULL AS VARCHAR) AS entity_id, f.voice AS side, f.*
    FROM figures AS f
    WHERE f.cluster_id IN (SELECT cluster_id FROM claim_clusters GROUP BY cluster_id HAVING count(*) > 1)
    UNION ALL
    SELECT 'entity' AS basis, ce.entity_id || ' ' || CAST(f.week AS VARCHAR) || ' ' || f.measure AS topic_key,
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
),
closeness AS (
    -- How far (characters) each figure of an entity-basis row is from the nearest mention of that entity.
    SELECT t.basis, t.topic_key, t.unit, t.claim_id, t.figure_char,
           coalesce(min(abs(m.start_char - t.figure_char)), 100000) AS distance
    FROM involved AS t
    LEFT JOIN mentions AS m ON m.article_id = t.article_id AND m.entity_id = t.entity_id
    WHERE t.basis = 'entity'
    GROUP BY ALL
),
disagreements AS (
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
        list(DISTINCT t.claim_id ORDER BY t.claim_id) AS claim_ids,
        any_value(t.measure) AS measure,
        t.topic_key
    FROM involved AS t
    GROUP BY t.basis, t.topic_key, t.unit
),
scored AS (
    SELECT d.*, coalesce((
        SELECT avg(c.distance) FROM closeness AS c
        WHERE c.basis = d.basis AND c.topic_key = d.topic_key AND c.unit = d.unit
    ), 0) AS distance
    FROM disagreements AS d
)
SELECT d.* EXCLUDE (measure, topic_key, distance)
FROM scored AS d
WHERE d.basis = 'cluster' OR NOT EXISTS (
    SELECT 1
    FROM scored AS o
    WHERE o.unit = d.unit AND o.measure = d.measure AND o.topic_key <> d.topic_key
      AND list_has_all(o.claim_ids, d.claim_ids)
      AND (
          o.basis = 'cluster'
          OR o.claims > d.claims
          OR (o.claims = d.claims AND o.distance < d.distance)
          OR (o.claims = d.claims AND o.distance = d.distance AND o.entity_id < d.entity_id)
      )
)
