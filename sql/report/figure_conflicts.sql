-- Rows of the figure_conflicts view, when the warehouse has it.
-- param: limit
SELECT * FROM figure_conflicts LIMIT $limit
