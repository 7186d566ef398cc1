// title: Causal paths from a typology category to harm, across cases
// description: In every case, the chains of causal links from contributory factors of one typology category to a harm event, as the sequence of node kinds (factor category, decision taken or not, event kind) and the sector of the agency at each step. Structured fields only: no descriptions.
// param category category required -- the typology category the paths start from
// param max_length int default=6 min=1 max=8 -- causal links in a path, at most
// param harm_kinds list:event_kind default=["outcome"] -- the event kinds a path ends at
// columns: case_id:case, links:int, steps:list, sectors:list
// shape: paths
MATCH (f:ContributoryFactor {case_id: c.id, category: $category})
MATCH p = (f)-[:CONTRIBUTED_TO]->{1,8}(o:Event)
WHERE o.case_id = c.id AND o.kind IN $harm_kinds AND length(p) <= $max_length
RETURN c.id AS case_id, length(p) AS links, STEPS(p) AS steps, SECTORS(p) AS sectors
ORDER BY case_id, links, steps
LIMIT 1000
