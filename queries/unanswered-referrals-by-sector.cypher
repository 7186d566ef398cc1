// title: Unanswered handoffs between sectors, across cases
// description: Referrals, escalations, requests and information sharing that the recipient never responded to, counted by the sender's and the recipient's sector: exactly the unanswered handoffs each case's own analysis finds. Structured fields only.
// param kinds list:event_kind default=["referral","escalation","request"] -- the communication kinds counted
// columns: from_sector:sector, to_sector:sector, kind:event_kind, unanswered:int, cases:int
// shape: counts
// reads: analysis
MATCH (g:Gap {case_id: c.id, type: 'unanswered_handoff'}) WHERE g.revision = c.revision AND g.kind IN $kinds
RETURN g.from_sector AS from_sector, g.to_sector AS to_sector, g.kind AS kind,
       count(g) AS unanswered, count(DISTINCT c.id) AS cases
ORDER BY unanswered DESC, from_sector, to_sector, kind
LIMIT 1000
