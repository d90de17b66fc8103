-- figure_conflicts: sources (outlets or speakers) that state different numbers for the same measured thing (10,000 vs
-- 12,000 troops sent; not 24 killed vs 10,000 deployed), within one cross-outlet claim cluster or across claims about
-- one entity in one week; one row per disagreement, with the entity it is about. How they are found is in
-- sql/derived/figure_conflicts.sql; the rows are recomputed with the claim clusters after each run.
-- Columns: cluster_or_topic, unit, value_min, value_max, outlets, claims, first_published, last_published, basis,
-- entity_id, figures (as written), claim_ids.
CREATE OR REPLACE VIEW figure_conflicts AS
SELECT * EXCLUDE (run_id) FROM figure_conflict_rows;
