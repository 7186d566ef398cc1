// title: Causal paths from a typology category to the outcome, across cases
// description: In every case, the chains of contributory links from factors of one typology category to an outcome event, as the sequence of node kinds, event kinds and agency sectors they pass through. Structured fields only: no descriptions.
// parameters: category (text: a typology category id, e.g. human_reasoning), max_length (integer 1-8: links, default 6)
MATCH (f:ContributoryFactor {category: $category})
MATCH p = (f)-[:CONTRIBUTED_TO]->{1,8}(o:Event {kind: 'outcome'})
WHERE o.case_id = f.case_id AND length(p) <= coalesce($max_length, 6)
RETURN f.case_id AS case_id, length(p) AS links,
       [n IN nodes(p) | CASE
          WHEN n:ContributoryFactor THEN 'factor:' + coalesce(n.category, 'uncategorised')
          WHEN n:Decision THEN 'decision:' + CASE WHEN n.taken THEN 'taken' ELSE 'not_taken' END
          ELSE 'event:' + n.kind END] AS steps,
       [n IN nodes(p) WHERE n.agency IS NOT NULL |
          COLLECT { MATCH (a:Agency {case_id: n.case_id, id: n.agency}) RETURN a.sector }[0]] AS sectors
ORDER BY case_id, links
LIMIT 500
