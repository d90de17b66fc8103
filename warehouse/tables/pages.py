"""Raw bytes and the article versions extracted from them."""

from __future__ import annotations

from warehouse.tables.model import Field, Table, unique

RAW_PAGES = Table(
    "raw_pages",
    "Raw fetched bytes, gzip-compressed, so every later stage can run again without fetching.",
    (
        Field("raw_sha256", "VARCHAR", "SHA-256 of the uncompressed body; the natural key.", nullable=False),
        Field("url", "VARCHAR", "URL as discovered."),
        Field("final_url", "VARCHAR", "URL after redirects."),
        Field("source_kind", "VARCHAR", "feed, sitemap, urls, html_dir or warc."),
        Field(
            "source",
            "VARCHAR",
            "The source it came from: feed URL, sitemap URL, URL-list path, directory or WARC file.",
        ),
        Field("source_ref", "VARCHAR", "Position inside the source: WARC record offset, file name, feed item id."),
        Field("fetched_at", "TIMESTAMPTZ", "When the bytes were fetched (WARC-Date for archives)."),
        Field("http_status", "INTEGER", "HTTP status of the response, NULL for local files."),
        Field("content_type", "VARCHAR", "Content-Type header."),
        Field("etag", "VARCHAR", "ETag validator for conditional GET."),
        Field("last_modified", "VARCHAR", "Last-Modified validator for conditional GET."),
        Field("body_gzip", "BLOB", "Body bytes, gzip-compressed."),
        Field("body_bytes", "BIGINT", "Uncompressed body size in bytes."),
        Field("run_id", "VARCHAR", "Run that stored the bytes.", supply="lineage"),
        Field("code_version", "VARCHAR", "Code version that stored the bytes.", supply="lineage"),
        Field(
            "truncated",
            "BOOLEAN",
            "True when the source holds fewer bytes than it declared (WARC-Truncated, or a file cut short); the "
            "body is what was there.",
        ),
    ),
    load=unique("raw_sha256"),
    primary_key=("raw_sha256",),
    stage="fetch",
)

ARTICLE_VERSIONS = Table(
    "article_versions",
    "Every extracted version of every article; the articles view shows the latest.",
    (
        Field("article_id", "VARCHAR", "Version key: hash of canonical URL and text hash.", nullable=False),
        Field("doc_id", "VARCHAR", "Document key: hash of the canonical URL, shared by all versions."),
        Field("url", "VARCHAR", "URL the page was fetched from."),
        Field("canonical_url", "VARCHAR", "Normalised canonical URL (rel=canonical when present)."),
        Field("title", "VARCHAR", "Headline."),
        Field("author", "VARCHAR", "Byline as extracted."),
        Field("published_at", "TIMESTAMPTZ", "Publication time from the page metadata, UTC."),
        Field("published_date", "DATE", "Publication day, the partition key."),
        Field("source", "VARCHAR", "Source the page came from (feed, sitemap, file, WARC)."),
        Field("source_kind", "VARCHAR", "feed, sitemap, urls, html_dir or warc."),
        Field("source_ref", "VARCHAR", "Position inside the source (WARC offset, file name)."),
        Field("site_name", "VARCHAR", "Outlet name from the page metadata."),
        Field("language", "VARCHAR", "ISO 639-1 language of the text."),
        Field("description", "VARCHAR", "Summary from the page metadata."),
        Field("text", "VARCHAR", "Main text, paragraphs separated by newlines, boilerplate removed."),
        Field("word_count", "INTEGER", "Words in text."),
        Field("text_sha256", "VARCHAR", "SHA-256 of text; a new hash is a new version."),
        Field("raw_sha256", "VARCHAR", "Raw bytes this version was extracted from (raw_pages)."),
        Field("fetched_at", "TIMESTAMPTZ", "When the raw bytes were fetched."),
        Field("run_id", "VARCHAR", "Run that loaded the row.", supply="lineage"),
        Field("extractor_version", "VARCHAR", "Extraction code and trafilatura version."),
        Field("code_version", "VARCHAR", "wirehouse version that loaded the row.", supply="lineage"),
        Field(
            "truncated",
            "BOOLEAN",
            "True when the text comes from a truncated raw page (raw_pages.truncated): it may end early.",
        ),
    ),
    load=unique("article_id"),
    primary_key=("article_id",),
    partitioned_by=("year(published_date)", "month(published_date)"),
    stage="extract",
    per_article=True,
)

TABLES = (
    RAW_PAGES,
    ARTICLE_VERSIONS,
)
