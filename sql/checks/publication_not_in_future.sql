-- check: publication_not_in_future
-- asserts: No article of the run is dated more than a day after it was loaded.
SELECT count(*) FROM article_versions
WHERE run_id = $run_id AND published_at > now() + INTERVAL 1 DAY;
