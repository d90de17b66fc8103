-- check: text_not_empty
-- asserts: Every article of the run has main text.
SELECT count(*) FROM article_versions
WHERE run_id = $run_id AND (text IS NULL OR trim(text) = '');
