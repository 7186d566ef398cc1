// title: Contributory factors by typology category, across cases
// description: How many contributory factors each review filed under each of the six typology categories, by valence, and in how many cases. Structured fields only.
// parameters: (none)
MATCH (f:ContributoryFactor)
RETURN coalesce(f.category, 'uncategorised') AS category, coalesce(f.valence, 'not set') AS valence,
       count(f) AS factors, count(DISTINCT f.case_id) AS cases
ORDER BY category, valence
