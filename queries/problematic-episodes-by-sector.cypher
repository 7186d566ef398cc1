// title: Problematic key practice episodes by sector
// description: Key practice episodes the panels rated problematic (or another rating), counted by the sector of each agency that acted in them, and in how many cases. Structured fields only.
// param rating rating default="problematic" -- the rating of the episodes counted
// columns: sector:sector, episodes:int, cases:int
// shape: counts
MATCH (k:KeyPracticeEpisode {case_id: c.id}) USING INDEX k:KeyPracticeEpisode(case_id) WHERE k.rating = $rating
MATCH (k)<-[:IN_EPISODE]-(n)-[:BY]->(a:Agency)
WITH DISTINCT c, k, a.sector AS sector
RETURN sector, count(k) AS episodes, count(DISTINCT c.id) AS cases
ORDER BY episodes DESC, sector
LIMIT 1000
