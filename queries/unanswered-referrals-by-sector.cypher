// title: Unanswered handoffs between sectors, across cases
// description: Referrals, escalations, requests and information sharing that the recipient never responded to, counted by the sender's and the recipient's sector: exactly the unanswered handoffs each case's own analysis finds. Structured fields only.
// param kinds list:event_kind default=["referral","escalation","request"] -- the communication kinds counted
// columns: from_sector:sector, to_sector:sector, kind:event_kind, unanswered:int, cases:int
// shape: counts
// reads: analysis
MATCH (t:GapTally {case_id: c.id, type: 'unanswered_handoff'}) WHERE t.revision = c.revision
WITH c, t.from_sectors AS froms, t.to_sectors AS tos, t.kinds AS kinds, t.counts AS counts
UNWIND range(0, size(counts) - 1) AS i
WITH c, froms, tos, kinds, counts, i WHERE kinds[i] IN $kinds
RETURN TALLIED(froms[i]) AS from_sector, TALLIED(tos[i]) AS to_sector, kinds[i] AS kind,
       sum(counts[i]) AS unanswered, count(DISTINCT c.id) AS cases
ORDER BY unanswered DESC, from_sector, to_sector, kind
LIMIT 1000
