// title: The shortest causal path between two items of one case
// description: The fewest causal links leading from one event, decision or factor to another in the same case, with the kinds, ids and sectors along the way.
// param case case required -- the case id
// param from item required -- the id of the event, decision or factor the path starts at
// param to item required -- the id of the event, decision or factor the path ends at
// columns: case_id:case, links:int, steps:list, ids:list, sectors:list
// shape: paths
WITH c WHERE c.id = $case
CALL (c) {
  MATCH (a:Event {case_id: c.id, id: $from}) RETURN a
  UNION MATCH (a:Decision {case_id: c.id, id: $from}) RETURN a
  UNION MATCH (a:ContributoryFactor {case_id: c.id, id: $from}) RETURN a
}
CALL (c) {
  MATCH (b:Event {case_id: c.id, id: $to}) RETURN b
  UNION MATCH (b:Decision {case_id: c.id, id: $to}) RETURN b
  UNION MATCH (b:ContributoryFactor {case_id: c.id, id: $to}) RETURN b
}
WITH c, a, b WHERE a <> b
MATCH p = SHORTEST 1 (a)-[:CONTRIBUTED_TO]->{1,12}(b)
RETURN c.id AS case_id, length(p) AS links, STEPS(p) AS steps, [n IN nodes(p) | n.id] AS ids,
       SECTORS(p) AS sectors
LIMIT 1
