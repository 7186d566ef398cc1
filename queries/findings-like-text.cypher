// title: Findings like a text, across cases
// description: Systemic findings whose statement matches the words given (a full-text search, best match first), with their case, category, valence and priority. The statements themselves are not shown: open the case to read them.
// param text fulltext required -- the words to look for, e.g. information sharing
// columns: case_id:case, finding_id:text, category:category, valence:valence, priority:text, score:float
// shape: table
WITH collect(c.id) AS ids
CALL db.index.fulltext.queryNodes('finding_text', $text, {limit: 1000}) YIELD node, score
WITH node, score WHERE node.case_id IN ids
RETURN node.case_id AS case_id, node.id AS finding_id, node.category AS category, node.valence AS valence,
       node.priority AS priority, round(score, 3) AS score
ORDER BY score DESC, case_id, finding_id
LIMIT 200
