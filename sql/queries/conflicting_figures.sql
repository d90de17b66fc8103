-- name: conflicting_figures
-- answers: Where sources give different numbers for the same kind of figure - within one cross-outlet claim
-- answers: cluster, or across claims about one entity in one week (see sql/derived/figure_conflicts.sql) - widest spread first.
-- param: unit (text, default null) Only this unit (troops, people, USD); every unit when omitted.
-- param: limit (integer, default 100) How many rows, widest spread first.
SELECT cluster_or_topic, unit, value_min, value_max, figures, outlets, claims, first_published, last_published, basis,
       claim_ids
FROM figure_conflicts
WHERE CAST($unit AS VARCHAR) IS NULL OR unit = lower(CAST($unit AS VARCHAR))
ORDER BY (value_max - value_min) / greatest(abs(value_max), 1e-9) DESC, last_published DESC, cluster_or_topic, unit
LIMIT CAST($limit AS INTEGER);
