// title: Unanswered handoffs between sectors, across cases
// description: Referrals, escalations, requests and information sharing that the recipient never responded to, counted by the sender's and the recipient's sector: exactly the unanswered handoffs each case's own analysis finds. Structured fields only.
// param kinds list:event_kind default=["referral","escalation","request"] -- the communication kinds counted
// columns: from_sector:sector, to_sector:sector, kind:event_kind, unanswered:int, cases:int
// shape: counts
// reads: analysis
MATCH (t:GapTally {case_id: c.id, type: 'unanswered_handoff'}) WHERE t.revision = c.revision
UNWIND range(0, size(t.counts) - 1) AS i
WITH c, t, i WHERE t.kinds[i] IN $kinds
RETURN TALLIED(t.from_sectors[i]) AS from_sector, TALLIED(t.to_sectors[i]) AS to_sector, t.kinds[i] AS kind,
       sum(t.counts[i]) AS unanswered, count(DISTINCT c.id) AS cases
ORDER BY unanswered DESC, from_sector, to_sector, kind
LIMIT 1000
