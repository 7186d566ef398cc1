// title: Cases showing each national pattern
// description: The recurring patterns national analyses of serious case reviews report (start again, referral without feedback, no strategy discussion, an agency gone silent, disagreement without escalation, repeated missed appointments): how often each case's own analysis finds them, in how many cases, and which.
// param pattern pattern_type -- only this pattern (all when empty)
// columns: pattern:pattern_type, occurrences:int, cases:int, case_ids:list
// shape: counts
// reads: analysis
MATCH (g:Gap {case_id: c.id, family: 'patterns'}) WHERE g.revision = c.revision
  AND ($pattern IS NULL OR g.type = $pattern)
WITH c, g ORDER BY c.id
RETURN g.type AS pattern, count(g) AS occurrences, count(DISTINCT c.id) AS cases,
       collect(DISTINCT c.id)[..50] AS case_ids
ORDER BY cases DESC, occurrences DESC, pattern
LIMIT 100
