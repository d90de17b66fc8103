-- claims: every attributed statement with its cross-outlet cluster (claim_clusters, rebuilt after each run, holds
-- only claims that share a cluster; any other claim is a cluster of its own).
CREATE OR REPLACE VIEW claims AS
SELECT r.*, coalesce(c.cluster_id, r.claim_id) AS cluster_id
FROM claim_rows AS r
LEFT JOIN claim_clusters AS c USING (claim_id);
