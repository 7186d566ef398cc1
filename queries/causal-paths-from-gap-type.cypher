// title: Causal paths from a kind of gap to harm, across cases
// description: In every case, the chains of causal links that start at an event a gap of the chosen type rests on (for example a referral nobody answered) and end at a harm event, as node kinds and sectors. The gaps are those the case's own analysis finds, with its default parameters.
// param gap_type gap_type required -- the kind of gap (or pattern) the paths start from
// param max_length int default=6 min=1 max=8 -- causal links in a path, at most
// param harm_kinds list:event_kind default=["outcome"] -- the event kinds a path ends at
// columns: case_id:case, gap_type:text, links:int, steps:list, sectors:list
// shape: paths
// reads: analysis
CALL (c) {
  MATCH (t:GapTally {case_id: c.id, type: $gap_type}) WHERE t.revision = c.revision
  MATCH (g:Gap {case_id: c.id, type: $gap_type})
  UNWIND g.event_ids AS event_id
  MATCH (e:Event {case_id: c.id, id: event_id})
  RETURN DISTINCT e
}
MATCH p = (e)-[:CONTRIBUTED_TO]->{1,8}(o:Event)
WHERE o.case_id = c.id AND o.kind IN $harm_kinds AND length(p) <= $max_length
RETURN c.id AS case_id, $gap_type AS gap_type, length(p) AS links, STEPS(p) AS steps, SECTORS(p) AS sectors
ORDER BY case_id, links, steps
LIMIT 1000
