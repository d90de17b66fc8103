-- check: claim_speaker_present
-- asserts: Every claim of the run names its speaker (an entity, a description or an unnamed source), or says the
-- text gives none (speaker_kind NONE: "X is expected to ...", "X seemed ...").
SELECT count(*) FROM claim_rows
WHERE run_id = $run_id
  AND (speaker_text IS NULL OR trim(speaker_text) = '')
  AND coalesce(speaker_kind, '') <> 'NONE';
