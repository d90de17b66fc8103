-- wirehouse schema, version 1: the tables every run writes.
-- Each base table carries lineage: run_id (runs.run_id) and the code version that produced the row.

CREATE TABLE run_batches (
    run_id VARCHAR,
    batch_index INTEGER,
    flow VARCHAR,
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    status VARCHAR,
    code_version VARCHAR,
    params VARCHAR,
    discovered BIGINT,
    fetched BIGINT,
    unchanged BIGINT,
    extracted BIGINT,
    quarantined BIGINT,
    articles BIGINT,
    mentions BIGINT,
    claims BIGINT,
    stage_seconds VARCHAR,
    duration_s DOUBLE,
    error VARCHAR
);
COMMENT ON TABLE run_batches IS 'Run ledger: one row per committed batch of a pipeline run, written in the batch''s own transaction.';
COMMENT ON COLUMN run_batches.batch_index IS 'Batch number within the run, from 0.';
COMMENT ON COLUMN run_batches.run_id IS 'Identifier of the pipeline run (the Prefect flow run id when run under Prefect).';
COMMENT ON COLUMN run_batches.flow IS 'Which flow wrote the rows: ingest, backfill, reprocess, retry.';
COMMENT ON COLUMN run_batches.started_at IS 'When the batch started processing.';
COMMENT ON COLUMN run_batches.finished_at IS 'When the batch was committed.';
COMMENT ON COLUMN run_batches.status IS 'completed, or failed with the error column set.';
COMMENT ON COLUMN run_batches.code_version IS 'wirehouse version plus extractor and transform versions.';
COMMENT ON COLUMN run_batches.params IS 'JSON of the run parameters (sources, window).';
COMMENT ON COLUMN run_batches.discovered IS 'Items discovered by the sources in this batch.';
COMMENT ON COLUMN run_batches.fetched IS 'Pages fetched or read successfully.';
COMMENT ON COLUMN run_batches.unchanged IS 'Pages skipped because their raw bytes or text were already loaded.';
COMMENT ON COLUMN run_batches.extracted IS 'Pages whose main text was extracted.';
COMMENT ON COLUMN run_batches.quarantined IS 'Inputs that failed a stage and went to quarantine.';
COMMENT ON COLUMN run_batches.articles IS 'New article versions loaded.';
COMMENT ON COLUMN run_batches.mentions IS 'Entity mentions loaded.';
COMMENT ON COLUMN run_batches.claims IS 'Claims loaded.';
COMMENT ON COLUMN run_batches.stage_seconds IS 'JSON object: seconds spent per stage.';
COMMENT ON COLUMN run_batches.duration_s IS 'Wall-clock seconds of the batch.';
COMMENT ON COLUMN run_batches.error IS 'Error message when the batch failed.';

CREATE TABLE raw_pages (
    raw_sha256 VARCHAR,
    url VARCHAR,
    final_url VARCHAR,
    source_kind VARCHAR,
    source VARCHAR,
    source_ref VARCHAR,
    fetched_at TIMESTAMPTZ,
    http_status INTEGER,
    content_type VARCHAR,
    etag VARCHAR,
    last_modified VARCHAR,
    body_gzip BLOB,
    body_bytes BIGINT,
    run_id VARCHAR,
    code_version VARCHAR
);
COMMENT ON TABLE raw_pages IS 'Raw fetched bytes, gzip-compressed, so every later stage can run again without fetching.';
COMMENT ON COLUMN raw_pages.raw_sha256 IS 'SHA-256 of the uncompressed body; the natural key.';
COMMENT ON COLUMN raw_pages.url IS 'URL as discovered.';
COMMENT ON COLUMN raw_pages.final_url IS 'URL after redirects.';
COMMENT ON COLUMN raw_pages.source_kind IS 'feed, sitemap, urls, html_dir or warc.';
COMMENT ON COLUMN raw_pages.source IS 'The source it came from: feed URL, sitemap URL, URL-list path, directory or WARC file.';
COMMENT ON COLUMN raw_pages.source_ref IS 'Position inside the source: WARC record offset, file name, feed item id.';
COMMENT ON COLUMN raw_pages.fetched_at IS 'When the bytes were fetched (WARC-Date for archives).';
COMMENT ON COLUMN raw_pages.http_status IS 'HTTP status of the response, NULL for local files.';
COMMENT ON COLUMN raw_pages.content_type IS 'Content-Type header.';
COMMENT ON COLUMN raw_pages.etag IS 'ETag validator for conditional GET.';
COMMENT ON COLUMN raw_pages.last_modified IS 'Last-Modified validator for conditional GET.';
COMMENT ON COLUMN raw_pages.body_gzip IS 'Body bytes, gzip-compressed.';
COMMENT ON COLUMN raw_pages.body_bytes IS 'Uncompressed body size in bytes.';
COMMENT ON COLUMN raw_pages.run_id IS 'Run that stored the bytes.';
COMMENT ON COLUMN raw_pages.code_version IS 'Code version that stored the bytes.';

CREATE TABLE article_versions (
    article_id VARCHAR,
    doc_id VARCHAR,
    url VARCHAR,
    canonical_url VARCHAR,
    title VARCHAR,
    author VARCHAR,
    published_at TIMESTAMPTZ,
    published_date DATE,
    source VARCHAR,
    source_kind VARCHAR,
    source_ref VARCHAR,
    site_name VARCHAR,
    language VARCHAR,
    description VARCHAR,
    text VARCHAR,
    word_count INTEGER,
    text_sha256 VARCHAR,
    raw_sha256 VARCHAR,
    fetched_at TIMESTAMPTZ,
    run_id VARCHAR,
    extractor_version VARCHAR,
    code_version VARCHAR
);
COMMENT ON TABLE article_versions IS 'Every extracted version of every article; the articles view shows the latest.';
COMMENT ON COLUMN article_versions.article_id IS 'Version key: hash of canonical URL and text hash.';
COMMENT ON COLUMN article_versions.doc_id IS 'Document key: hash of the canonical URL, shared by all versions.';
COMMENT ON COLUMN article_versions.url IS 'URL the page was fetched from.';
COMMENT ON COLUMN article_versions.canonical_url IS 'Normalised canonical URL (rel=canonical when present).';
COMMENT ON COLUMN article_versions.title IS 'Headline.';
COMMENT ON COLUMN article_versions.author IS 'Byline as extracted.';
COMMENT ON COLUMN article_versions.published_at IS 'Publication time from the page metadata, UTC.';
COMMENT ON COLUMN article_versions.published_date IS 'Publication day, the partition key.';
COMMENT ON COLUMN article_versions.source IS 'Source the page came from (feed, sitemap, file, WARC).';
COMMENT ON COLUMN article_versions.source_kind IS 'feed, sitemap, urls, html_dir or warc.';
COMMENT ON COLUMN article_versions.source_ref IS 'Position inside the source (WARC offset, file name).';
COMMENT ON COLUMN article_versions.site_name IS 'Outlet name from the page metadata.';
COMMENT ON COLUMN article_versions.language IS 'ISO 639-1 language of the text.';
COMMENT ON COLUMN article_versions.description IS 'Summary from the page metadata.';
COMMENT ON COLUMN article_versions.text IS 'Main text, paragraphs separated by newlines, boilerplate removed.';
COMMENT ON COLUMN article_versions.word_count IS 'Words in text.';
COMMENT ON COLUMN article_versions.text_sha256 IS 'SHA-256 of text; a new hash is a new version.';
COMMENT ON COLUMN article_versions.raw_sha256 IS 'Raw bytes this version was extracted from (raw_pages).';
COMMENT ON COLUMN article_versions.fetched_at IS 'When the raw bytes were fetched.';
COMMENT ON COLUMN article_versions.run_id IS 'Run that loaded the row.';
COMMENT ON COLUMN article_versions.extractor_version IS 'Extraction code and trafilatura version.';
COMMENT ON COLUMN article_versions.code_version IS 'wirehouse version that loaded the row.';

CREATE TABLE entities (
    entity_id VARCHAR,
    kind VARCHAR,
    name VARCHAR,
    country_code VARCHAR,
    geonames_id BIGINT,
    wikidata_id VARCHAR,
    run_id VARCHAR,
    transform_version VARCHAR
);
COMMENT ON TABLE entities IS 'Canonical entities shared across the warehouse; one row per entity_id.';
COMMENT ON COLUMN entities.entity_id IS 'Stable id from an authority (iso:KP, gn:<id>, wd:<Q>) or from kind and normalised name.';
COMMENT ON COLUMN entities.kind IS 'PERSON, ORG, GPE, LOC or NORP.';
COMMENT ON COLUMN entities.name IS 'Canonical display name.';
COMMENT ON COLUMN entities.country_code IS 'ISO 3166-1 alpha-2 code for countries and places in a country.';
COMMENT ON COLUMN entities.geonames_id IS 'GeoNames id for places.';
COMMENT ON COLUMN entities.wikidata_id IS 'Wikidata id where known.';
COMMENT ON COLUMN entities.run_id IS 'Run that first loaded the entity.';
COMMENT ON COLUMN entities.transform_version IS 'Entity code version that created the row.';

CREATE TABLE entity_aliases (
    alias VARCHAR,
    alias_norm VARCHAR,
    entity_id VARCHAR,
    origin VARCHAR,
    created_at TIMESTAMPTZ
);
COMMENT ON TABLE entity_aliases IS 'User-editable aliases: a surface form that must resolve to an entity.';
COMMENT ON COLUMN entity_aliases.alias IS 'Surface form as the user wrote it.';
COMMENT ON COLUMN entity_aliases.alias_norm IS 'Normalised form used for matching (case, diacritics, honorifics removed).';
COMMENT ON COLUMN entity_aliases.entity_id IS 'Entity the alias resolves to.';
COMMENT ON COLUMN entity_aliases.origin IS 'user (wirehouse alias add) or merge (wirehouse alias merge).';
COMMENT ON COLUMN entity_aliases.created_at IS 'When the alias was added.';

CREATE TABLE mentions (
    article_id VARCHAR,
    entity_id VARCHAR,
    surface VARCHAR,
    start_char INTEGER,
    end_char INTEGER,
    sentence_index INTEGER,
    role VARCHAR,
    label VARCHAR,
    method VARCHAR,
    run_id VARCHAR,
    transform_version VARCHAR
);
COMMENT ON TABLE mentions IS 'Each entity mention in an article version, with character offsets into articles.text.';
COMMENT ON COLUMN mentions.article_id IS 'Article version (article_versions.article_id).';
COMMENT ON COLUMN mentions.entity_id IS 'Canonical entity (entities.entity_id).';
COMMENT ON COLUMN mentions.surface IS 'Text as written in the article.';
COMMENT ON COLUMN mentions.start_char IS 'Start offset in the article text.';
COMMENT ON COLUMN mentions.end_char IS 'End offset (exclusive) in the article text.';
COMMENT ON COLUMN mentions.sentence_index IS 'Sentence number in the article, from 0.';
COMMENT ON COLUMN mentions.role IS 'Title or role written with the name (Deputy Press Secretary).';
COMMENT ON COLUMN mentions.label IS 'Detector label (spaCy label or gazetteer kind).';
COMMENT ON COLUMN mentions.method IS 'How it was found: gazetteer, ner, or coref (surname resolved).';
COMMENT ON COLUMN mentions.run_id IS 'Run that loaded the row.';
COMMENT ON COLUMN mentions.transform_version IS 'Entity code version.';

CREATE TABLE claim_rows (
    claim_id VARCHAR,
    article_id VARCHAR,
    speaker_entity_id VARCHAR,
    speaker_text VARCHAR,
    speaker_kind VARCHAR,
    cue VARCHAR,
    content VARCHAR,
    content_start INTEGER,
    content_end INTEGER,
    is_direct BOOLEAN,
    polarity VARCHAR,
    hedged BOOLEAN,
    hedge_cues VARCHAR[],
    sentence_index INTEGER,
    run_id VARCHAR,
    transform_version VARCHAR
);
COMMENT ON TABLE claim_rows IS 'Attributed statements as extracted; the claims view adds the cross-outlet cluster.';
COMMENT ON COLUMN claim_rows.claim_id IS 'Hash of article version, speaker and content span.';
COMMENT ON COLUMN claim_rows.article_id IS 'Article version the claim is in.';
COMMENT ON COLUMN claim_rows.speaker_entity_id IS 'Canonical entity of the speaker, NULL when unnamed.';
COMMENT ON COLUMN claim_rows.speaker_text IS 'Speaker as written (or the resolved name for pronouns).';
COMMENT ON COLUMN claim_rows.speaker_kind IS 'PERSON, ORG, UNNAMED or DOCUMENT.';
COMMENT ON COLUMN claim_rows.cue IS 'Reporting verb lemma, or according_to.';
COMMENT ON COLUMN claim_rows.content IS 'What was claimed.';
COMMENT ON COLUMN claim_rows.content_start IS 'Start offset of content in the article text.';
COMMENT ON COLUMN claim_rows.content_end IS 'End offset (exclusive) of content in the article text.';
COMMENT ON COLUMN claim_rows.is_direct IS 'True for a direct quote.';
COMMENT ON COLUMN claim_rows.polarity IS 'asserted, denied, declined_to_confirm or questioned.';
COMMENT ON COLUMN claim_rows.hedged IS 'True when the claim is hedged (may, reportedly, believes).';
COMMENT ON COLUMN claim_rows.hedge_cues IS 'The hedging words found.';
COMMENT ON COLUMN claim_rows.sentence_index IS 'Sentence of the attribution, from 0.';
COMMENT ON COLUMN claim_rows.run_id IS 'Run that loaded the row.';
COMMENT ON COLUMN claim_rows.transform_version IS 'Claims code version.';

CREATE TABLE claim_quantities (
    claim_id VARCHAR,
    surface VARCHAR,
    value DOUBLE,
    unit VARCHAR,
    approximate BOOLEAN,
    comparator VARCHAR,
    low DOUBLE,
    high DOUBLE,
    start_char INTEGER,
    end_char INTEGER,
    run_id VARCHAR,
    transform_version VARCHAR
);
COMMENT ON TABLE claim_quantities IS 'Figures inside claims, as numbers: around 10,000 soldiers is 10000, soldiers, approximate.';
COMMENT ON COLUMN claim_quantities.claim_id IS 'Claim the figure is in.';
COMMENT ON COLUMN claim_quantities.surface IS 'Figure as written.';
COMMENT ON COLUMN claim_quantities.value IS 'Number (midpoint for ranges).';
COMMENT ON COLUMN claim_quantities.unit IS 'What is counted or the currency (soldiers, USD, percent).';
COMMENT ON COLUMN claim_quantities.approximate IS 'True for around, about, some, nearly.';
COMMENT ON COLUMN claim_quantities.comparator IS 'about, over, under, at_least, up_to, range, or exact.';
COMMENT ON COLUMN claim_quantities.low IS 'Lower bound where known.';
COMMENT ON COLUMN claim_quantities.high IS 'Upper bound where known.';
COMMENT ON COLUMN claim_quantities.start_char IS 'Start offset in the article text.';
COMMENT ON COLUMN claim_quantities.end_char IS 'End offset in the article text.';
COMMENT ON COLUMN claim_quantities.run_id IS 'Run that loaded the row.';
COMMENT ON COLUMN claim_quantities.transform_version IS 'Claims code version.';

CREATE TABLE claim_dates (
    claim_id VARCHAR,
    surface VARCHAR,
    date_from DATE,
    date_to DATE,
    granularity VARCHAR,
    run_id VARCHAR,
    transform_version VARCHAR
);
COMMENT ON TABLE claim_dates IS 'Dates inside claims and their attributions, resolved against the publication date.';
COMMENT ON COLUMN claim_dates.claim_id IS 'Claim the date belongs to.';
COMMENT ON COLUMN claim_dates.surface IS 'Date as written (Monday, over the weekend, Oct. 28).';
COMMENT ON COLUMN claim_dates.date_from IS 'First day of the resolved date or range.';
COMMENT ON COLUMN claim_dates.date_to IS 'Last day of the resolved date or range.';
COMMENT ON COLUMN claim_dates.granularity IS 'day, week, month, year or range.';
COMMENT ON COLUMN claim_dates.run_id IS 'Run that loaded the row.';
COMMENT ON COLUMN claim_dates.transform_version IS 'Claims code version.';

CREATE TABLE claim_entities (
    claim_id VARCHAR,
    entity_id VARCHAR,
    run_id VARCHAR,
    transform_version VARCHAR
);
COMMENT ON TABLE claim_entities IS 'Entities mentioned inside a claim''s content: what the claim is about.';
COMMENT ON COLUMN claim_entities.claim_id IS 'Claim.';
COMMENT ON COLUMN claim_entities.entity_id IS 'Entity mentioned in the content.';
COMMENT ON COLUMN claim_entities.run_id IS 'Run that loaded the row.';
COMMENT ON COLUMN claim_entities.transform_version IS 'Claims code version.';

CREATE TABLE claim_clusters (
    claim_id VARCHAR,
    cluster_id VARCHAR,
    run_id VARCHAR,
    transform_version VARCHAR
);
COMMENT ON TABLE claim_clusters IS 'The same claim across articles and outlets shares a cluster_id; rebuilt after each load.';
COMMENT ON COLUMN claim_clusters.claim_id IS 'Claim.';
COMMENT ON COLUMN claim_clusters.cluster_id IS 'Cluster id: the smallest claim_id of the cluster.';
COMMENT ON COLUMN claim_clusters.run_id IS 'Run that computed the clustering.';
COMMENT ON COLUMN claim_clusters.transform_version IS 'Dedup code version.';

CREATE TABLE quarantine (
    quarantine_id VARCHAR,
    run_id VARCHAR,
    stage VARCHAR,
    url VARCHAR,
    source_kind VARCHAR,
    source VARCHAR,
    source_ref VARCHAR,
    error_class VARCHAR,
    message VARCHAR,
    raw_sha256 VARCHAR,
    created_at TIMESTAMPTZ,
    code_version VARCHAR
);
COMMENT ON TABLE quarantine IS 'Every input that failed a stage, with its reason; nothing is dropped silently.';
COMMENT ON COLUMN quarantine.quarantine_id IS 'Hash of stage, url, source_ref and raw hash: one row per failure kind per input.';
COMMENT ON COLUMN quarantine.run_id IS 'Run where it failed.';
COMMENT ON COLUMN quarantine.stage IS 'discover, fetch, extract, entities, claims or load.';
COMMENT ON COLUMN quarantine.url IS 'URL or file of the input.';
COMMENT ON COLUMN quarantine.source_kind IS 'feed, sitemap, urls, html_dir or warc.';
COMMENT ON COLUMN quarantine.source IS 'Source the input came from.';
COMMENT ON COLUMN quarantine.source_ref IS 'Position inside the source.';
COMMENT ON COLUMN quarantine.error_class IS 'Short reason class (http_404, no_main_text, not_html, truncated_record).';
COMMENT ON COLUMN quarantine.message IS 'One-line human-readable reason.';
COMMENT ON COLUMN quarantine.raw_sha256 IS 'Pointer to the raw bytes in raw_pages, when they were kept.';
COMMENT ON COLUMN quarantine.created_at IS 'When it was quarantined.';
COMMENT ON COLUMN quarantine.code_version IS 'Code version that quarantined it.';

CREATE TABLE checks (
    run_id VARCHAR,
    check_name VARCHAR,
    failed_rows BIGINT,
    passed BOOLEAN,
    detail VARCHAR,
    checked_at TIMESTAMPTZ
);
COMMENT ON TABLE checks IS 'Data-quality checks run after each load.';
COMMENT ON COLUMN checks.run_id IS 'Run whose load was checked.';
COMMENT ON COLUMN checks.check_name IS 'Name of the check (sql/checks/<name>.sql).';
COMMENT ON COLUMN checks.failed_rows IS 'Rows of the run that fail the check.';
COMMENT ON COLUMN checks.passed IS 'True when no row fails.';
COMMENT ON COLUMN checks.detail IS 'What the check asserts.';
COMMENT ON COLUMN checks.checked_at IS 'When the check ran.';

CREATE TABLE watermarks (
    source VARCHAR,
    item_key VARCHAR,
    etag VARCHAR,
    last_modified VARCHAR,
    lastmod VARCHAR,
    run_id VARCHAR,
    updated_at TIMESTAMPTZ
);
COMMENT ON TABLE watermarks IS 'Incremental state per source: seen feed items, validators, sitemap lastmod, finished WARC files.';
COMMENT ON COLUMN watermarks.source IS 'Source (feed URL, sitemap URL, WARC file).';
COMMENT ON COLUMN watermarks.item_key IS 'Item within the source: feed item id, page URL, or * for the source itself.';
COMMENT ON COLUMN watermarks.etag IS 'Last ETag seen.';
COMMENT ON COLUMN watermarks.last_modified IS 'Last Last-Modified seen.';
COMMENT ON COLUMN watermarks.lastmod IS 'Sitemap lastmod or feed item date last seen.';
COMMENT ON COLUMN watermarks.run_id IS 'Run that advanced the watermark.';
COMMENT ON COLUMN watermarks.updated_at IS 'When it was advanced.';

-- Articles are read by publication period far more than by anything else: partition their Parquet files by month.
ALTER TABLE article_versions SET PARTITIONED BY (year(published_date), month(published_date));
