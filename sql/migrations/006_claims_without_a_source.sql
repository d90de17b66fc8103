-- wirehouse schema, version 6: a claim may have no speaker when the text names none ("X is expected to resign",
-- "X seemed unperturbed"); such claims say so in speaker_kind instead of inventing a source.

COMMENT ON COLUMN claim_rows.speaker_text IS 'Speaker as written (a description such as ''the spokesman'' stays as written; pronouns give the resolved name); NULL when speaker_kind is NONE.';
COMMENT ON COLUMN claim_rows.speaker_kind IS 'PERSON, ORG, UNNAMED, DOCUMENT, or NONE when the text attributes the claim to no one.';
