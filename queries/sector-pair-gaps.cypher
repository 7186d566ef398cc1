// title: Sector pairs with unanswered handoffs, late responses and silences
// description: For each pair of sectors, how many handoffs went unanswered, how many responses came late and how many periods of silence the cases' own analyses find between them, and in how many cases. The sender (or, for silences, the first agency the analysis names) comes first.
// param min_total int default=1 min=1 max=100000 -- only pairs with at least this many gaps in all
// columns: from_sector:sector, to_sector:sector, unanswered:int, late:int, silent:int, total:int, cases:int
// shape: counts
// reads: analysis
UNWIND ['unanswered_handoff', 'late_response', 'silent_pair'] AS gap_type
MATCH (t:GapTally {case_id: c.id, type: gap_type}) WHERE t.revision = c.revision
WITH c, t.type AS gap_type, t.from_sectors AS froms, t.to_sectors AS tos, t.counts AS counts
UNWIND range(0, size(counts) - 1) AS i
WITH c, gap_type, TALLIED(froms[i]) AS from_sector, TALLIED(tos[i]) AS to_sector, counts[i] AS n
WITH from_sector, to_sector,
     sum(CASE gap_type WHEN 'unanswered_handoff' THEN n ELSE 0 END) AS unanswered,
     sum(CASE gap_type WHEN 'late_response' THEN n ELSE 0 END) AS late,
     sum(CASE gap_type WHEN 'silent_pair' THEN n ELSE 0 END) AS silent, count(DISTINCT c.id) AS cases
WITH from_sector, to_sector, unanswered, late, silent, unanswered + late + silent AS total, cases
WHERE total >= $min_total
RETURN from_sector, to_sector, unanswered, late, silent, total, cases
ORDER BY total DESC, from_sector, to_sector
LIMIT 1000
