// title: Cases showing each national pattern
// description: The recurring patterns national analyses of serious case reviews report (start again, referral without feedback, no strategy discussion, an agency gone silent, disagreement without escalation, repeated missed appointments): how often each case's own analysis finds them, in how many cases, and which.
// param pattern pattern_type -- only this pattern (all when empty)
// columns: pattern:pattern_type, occurrences:int, cases:int, case_ids:list
// shape: counts
// reads: analysis
MATCH (t:GapTally {case_id: c.id, family: 'patterns'}) WHERE t.revision = c.revision
  AND ($pattern IS NULL OR t.type = $pattern)
WITH c, t ORDER BY c.id
RETURN t.type AS pattern, sum(reduce(n = 0, k IN t.counts | n + k)) AS occurrences, count(DISTINCT c.id) AS cases,
       collect(DISTINCT c.id)[..50] AS case_ids
ORDER BY cases DESC, occurrences DESC, pattern
LIMIT 100
