-- check: language_present
-- asserts: Every article of the run has a language.
SELECT count(*) FROM article_versions
WHERE run_id = $run_id AND (language IS NULL OR language = '');
