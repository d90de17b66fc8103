-- wirehouse schema, version 4: records kept although fewer bytes arrived than their source declared (a WARC record
-- cut at the crawler's size limit, or the last record of an interrupted download) say so on their rows.

ALTER TABLE raw_pages ADD COLUMN truncated BOOLEAN;
COMMENT ON COLUMN raw_pages.truncated IS 'True when the source holds fewer bytes than it declared (WARC-Truncated, or a file cut short); the body is what was there.';

ALTER TABLE article_versions ADD COLUMN truncated BOOLEAN;
COMMENT ON COLUMN article_versions.truncated IS 'True when the text comes from a truncated raw page (raw_pages.truncated): it may end early.';
