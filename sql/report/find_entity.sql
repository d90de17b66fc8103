-- The entity --entity names: an entity id, a canonical name or a user alias, case-insensitively;
-- the most-mentioned wins.
-- param: name
SELECT e.entity_id, e.name, e.kind
FROM entities AS e
LEFT JOIN (SELECT entity_id, count(*) AS n FROM mentions GROUP BY entity_id) AS m USING (entity_id)
WHERE e.entity_id = $name
   OR lower(e.name) = lower($name)
   OR e.entity_id IN (SELECT entity_id FROM entity_aliases WHERE lower(alias) = lower($name))
ORDER BY e.entity_id = $name DESC, coalesce(m.n, 0) DESC, e.entity_id
LIMIT 1
