-- wirehouse schema, version 3: which article versions are current, and per-day rollups that the named queries
-- read instead of scanning every mention. warehouse/load.py keeps all four in step with each load batch, in the
-- batch's own transaction, so they never disagree with the rows they summarise.

CREATE TABLE superseded_versions (
    article_id VARCHAR,
    doc_id VARCHAR,
    run_id VARCHAR
);
COMMENT ON TABLE superseded_versions IS 'Article versions that a later fetch of the same document replaced; the articles view leaves them out.';
COMMENT ON COLUMN superseded_versions.article_id IS 'The replaced version (article_versions.article_id).';
COMMENT ON COLUMN superseded_versions.doc_id IS 'Its document: the canonical URL key shared by all versions.';
COMMENT ON COLUMN superseded_versions.run_id IS 'Run whose load found the newer version.';

CREATE TABLE entity_day_counts (
    published_date DATE,
    entity_id VARCHAR,
    articles BIGINT,
    mentions BIGINT,
    run_id VARCHAR
);
COMMENT ON TABLE entity_day_counts IS 'Per publication day and entity: current articles mentioning it and its mentions in them. One row per day and entity.';
COMMENT ON COLUMN entity_day_counts.published_date IS 'Publication day of the articles (NULL when unknown).';
COMMENT ON COLUMN entity_day_counts.entity_id IS 'Entity (entities.entity_id).';
COMMENT ON COLUMN entity_day_counts.articles IS 'Current article versions that mention the entity.';
COMMENT ON COLUMN entity_day_counts.mentions IS 'Mentions of the entity in those articles.';
COMMENT ON COLUMN entity_day_counts.run_id IS 'Run whose load last changed the row.';
ALTER TABLE entity_day_counts SET PARTITIONED BY (year(published_date), month(published_date));

CREATE TABLE entity_outlet_counts (
    entity_id VARCHAR,
    outlet VARCHAR,
    articles BIGINT,
    mentions BIGINT,
    run_id VARCHAR
);
COMMENT ON TABLE entity_outlet_counts IS 'Per entity and outlet, over all time: current articles mentioning it and its mentions. One row per entity and outlet.';
COMMENT ON COLUMN entity_outlet_counts.entity_id IS 'Entity (entities.entity_id).';
COMMENT ON COLUMN entity_outlet_counts.outlet IS 'Site name of the articles, else their source.';
COMMENT ON COLUMN entity_outlet_counts.articles IS 'Current article versions from the outlet that mention the entity.';
COMMENT ON COLUMN entity_outlet_counts.mentions IS 'Mentions of the entity in those articles.';
COMMENT ON COLUMN entity_outlet_counts.run_id IS 'Run whose load last changed the row.';

CREATE TABLE outlet_day_counts (
    published_date DATE,
    outlet VARCHAR,
    articles BIGINT,
    words BIGINT,
    claims BIGINT,
    run_id VARCHAR
);
COMMENT ON TABLE outlet_day_counts IS 'Per publication day and outlet: current articles, their words and their claims. One row per day and outlet.';
COMMENT ON COLUMN outlet_day_counts.published_date IS 'Publication day (NULL when unknown).';
COMMENT ON COLUMN outlet_day_counts.outlet IS 'Site name of the articles, else their source.';
COMMENT ON COLUMN outlet_day_counts.articles IS 'Current article versions.';
COMMENT ON COLUMN outlet_day_counts.words IS 'Sum of their word counts.';
COMMENT ON COLUMN outlet_day_counts.claims IS 'Claims extracted from them.';
COMMENT ON COLUMN outlet_day_counts.run_id IS 'Run whose load last changed the row.';
ALTER TABLE outlet_day_counts SET PARTITIONED BY (year(published_date), month(published_date));

CREATE TABLE figure_conflict_rows (
    cluster_or_topic VARCHAR,
    unit VARCHAR,
    value_min DOUBLE,
    value_max DOUBLE,
    outlets VARCHAR[],
    claims BIGINT,
    first_published TIMESTAMPTZ,
    last_published TIMESTAMPTZ,
    basis VARCHAR,
    entity_id VARCHAR,
    figures VARCHAR[],
    claim_ids VARCHAR[],
    run_id VARCHAR
);
COMMENT ON TABLE figure_conflict_rows IS 'Conflicting figures across outlets (sql/derived/figure_conflicts.sql), recomputed with the claim clusters; read it through the figure_conflicts view.';
COMMENT ON COLUMN figure_conflict_rows.cluster_or_topic IS 'The cluster id (basis cluster) or the entity''s name (basis entity).';
COMMENT ON COLUMN figure_conflict_rows.unit IS 'Normalised unit of the figures: troops, people, USD, percent ...';
COMMENT ON COLUMN figure_conflict_rows.value_min IS 'Smallest conflicting value.';
COMMENT ON COLUMN figure_conflict_rows.value_max IS 'Largest conflicting value.';
COMMENT ON COLUMN figure_conflict_rows.outlets IS 'Outlets that published the conflicting figures.';
COMMENT ON COLUMN figure_conflict_rows.claims IS 'How many claims take part.';
COMMENT ON COLUMN figure_conflict_rows.first_published IS 'Earliest publication time among them.';
COMMENT ON COLUMN figure_conflict_rows.last_published IS 'Latest publication time among them.';
COMMENT ON COLUMN figure_conflict_rows.basis IS 'cluster: one statement reported differently; entity: claims about one entity in one week.';
COMMENT ON COLUMN figure_conflict_rows.entity_id IS 'The entity (basis entity), else NULL.';
COMMENT ON COLUMN figure_conflict_rows.figures IS 'The figures as written.';
COMMENT ON COLUMN figure_conflict_rows.claim_ids IS 'The claims that take part.';
COMMENT ON COLUMN figure_conflict_rows.run_id IS 'Run that recomputed them.';

-- Claims carry their article's publication day, so queries over a date range read only those months' files.
ALTER TABLE claim_rows ADD COLUMN published_date DATE;
COMMENT ON COLUMN claim_rows.published_date IS 'Publication day of the article (copied from article_versions when the claim is loaded).';
UPDATE claim_rows SET published_date = a.published_date
FROM article_versions AS a
WHERE a.article_id = claim_rows.article_id;
ALTER TABLE claim_rows SET PARTITIONED BY (year(published_date), month(published_date));

-- An older warehouse gets superseded_versions, the rollups and figure_conflict_rows filled from its rows by warehouse/rollups.py
-- right after this migration, with the same code that maintains them on every load.
