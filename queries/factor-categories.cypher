// title: Contributory factors by typology category, across cases
// description: How many contributory factors each review filed under each of the six typology categories, by valence, and in how many cases. Structured fields only.
// columns: category:category, valence:valence, factors:int, cases:int
// shape: counts
MATCH (f:ContributoryFactor {case_id: c.id})
RETURN coalesce(f.category, 'uncategorised') AS category, coalesce(f.valence, 'not set') AS valence,
       count(f) AS factors, count(DISTINCT c.id) AS cases
ORDER BY category, valence
LIMIT 1000
