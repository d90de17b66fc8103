-- claims: every attributed statement with its cross-outlet cluster (claim_clusters is rebuilt after loads).
CREATE OR REPLACE VIEW claims AS
SELECT r.*, coalesce(c.cluster_id, r.claim_id) AS cluster_id
FROM claim_rows AS r
LEFT JOIN claim_clusters AS c USING (claim_id);
