-- Up to five entity names close to one that matched nothing, for a 'did you mean'.
-- param: name
SELECT name FROM entities
WHERE contains(lower(name), lower($name)) OR jaro_winkler_similarity(lower(name), lower($name)) > 0.85
ORDER BY jaro_winkler_similarity(lower(name), lower($name)) DESC, name
LIMIT 5
