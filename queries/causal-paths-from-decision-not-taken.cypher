// title: Causal paths from decisions not taken to harm, across cases
// description: In every case, the chains of causal links from a decision that was not taken (a strategy discussion not held, a referral not made) to a harm event, as node kinds and sectors. Structured fields only.
// param max_length int default=6 min=1 max=8 -- causal links in a path, at most
// param harm_kinds list:event_kind default=["outcome"] -- the event kinds a path ends at
// columns: case_id:case, links:int, steps:list, sectors:list
// shape: paths
MATCH (d:Decision {case_id: c.id}) USING INDEX d:Decision(case_id) WHERE d.taken = false
MATCH p = (d)-[:CONTRIBUTED_TO]->{1,8}(o:Event)
WHERE o.case_id = c.id AND o.kind IN $harm_kinds AND length(p) <= $max_length
RETURN c.id AS case_id, length(p) AS links, STEPS(p) AS steps, SECTORS(p) AS sectors
ORDER BY case_id, links, steps
LIMIT 1000
