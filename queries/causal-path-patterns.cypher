// title: The most common causal path patterns to harm
// description: Causal paths from contributory factors (of one category, or any) to a harm event, grouped by their pattern: the sequence of node kinds and sectors. How many paths follow each pattern and in how many cases, most common first.
// param category category -- only paths from factors of this category (any when empty)
// param max_length int default=6 min=1 max=8 -- causal links in a path, at most
// param harm_kinds list:event_kind default=["outcome"] -- the event kinds a path ends at
// columns: steps:list, sectors:list, paths:int, cases:int, case_ids:list
// shape: counts
MATCH (f:ContributoryFactor {case_id: c.id}) USING INDEX f:ContributoryFactor(case_id)
WHERE $category IS NULL OR f.category = $category
MATCH p = (f)-[:CONTRIBUTED_TO]->{1,8}(o:Event)
WHERE o.case_id = c.id AND o.kind IN $harm_kinds AND length(p) <= $max_length
WITH c, STEPS(p) AS steps, SECTORS(p) AS sectors
ORDER BY c.id
RETURN steps, sectors, count(*) AS paths, count(DISTINCT c.id) AS cases, collect(DISTINCT c.id)[..20] AS case_ids
ORDER BY paths DESC, cases DESC, steps
LIMIT 100
