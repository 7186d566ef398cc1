// title: Unanswered referrals between sectors, across cases
// description: Referrals, escalations and requests that the recipient never responded to, counted by the sender's and the recipient's sector. Structured fields only.
// parameters: kinds (list of text: event kinds, comma-separated, default referral, escalation, request)
MATCH (e:Event)-[:TO]->(to:Agency)
WHERE e.kind IN coalesce($kinds, ['referral', 'escalation', 'request'])
  AND NOT EXISTS { MATCH (r:Event {case_id: e.case_id})-[:RESPONDS_TO]->(e) WHERE (r)-[:BY]->(to) }
MATCH (e)-[:BY]->(from:Agency)
RETURN from.sector AS from_sector, to.sector AS to_sector, e.kind AS kind,
       count(e) AS unanswered, count(DISTINCT e.case_id) AS cases
ORDER BY unanswered DESC, from_sector, to_sector
