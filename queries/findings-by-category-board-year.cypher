// title: Findings by typology category, board and year
// description: The thematic table national analyses build by hand: how many systemic findings each board's reviews filed under each typology category, by the year the review was decided on. Structured fields only.
// param valence valence -- only findings of this valence (both when empty)
// columns: category:category, board:text, year:int, findings:int, cases:int
// shape: counts
MATCH (f:Finding {case_id: c.id})
WHERE $valence IS NULL OR f.valence = $valence
RETURN coalesce(f.category, 'uncategorised') AS category, coalesce(c.board, 'not set') AS board,
       YEAR(c) AS year, count(f) AS findings, count(DISTINCT c.id) AS cases
ORDER BY category, board, year
LIMIT 1000
