-- check: mention_offsets_inside_text
-- asserts: Every mention of the run points inside its article's text, at the surface it names.
SELECT count(*) FROM mentions AS m
JOIN article_versions AS a USING (article_id)
WHERE m.run_id = $run_id
  AND (m.start_char < 0 OR m.end_char > length(a.text) OR m.start_char >= m.end_char
       OR substring(a.text, m.start_char + 1, m.end_char - m.start_char) <> m.surface);
