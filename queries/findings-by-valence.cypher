// title: Findings by typology category and valence
// description: How many systemic findings fall under each typology category, split into constructive (what helped) and unsafe (what put the child at risk), and in how many cases. Structured fields only.
// columns: category:category, valence:valence, findings:int, cases:int
// shape: counts
MATCH (f:Finding {case_id: c.id})
RETURN coalesce(f.category, 'uncategorised') AS category, coalesce(f.valence, 'not set') AS valence,
       count(f) AS findings, count(DISTINCT c.id) AS cases
ORDER BY category, valence
LIMIT 1000
