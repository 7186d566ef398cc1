// title: Type-3 (national) recommendations recurring across boards
// description: Recommendations of type 3 (research and development, beyond what one board can change), grouped by the typology category of the findings they answer, where they recur in the reviews of several boards: how many boards, which, how many recommendations and cases.
// param min_boards int default=2 min=1 max=1000 -- only themes recurring in at least this many boards
// columns: category:category, boards:int, board_names:list, recommendations:int, cases:int
// shape: counts
MATCH (r:Recommendation {case_id: c.id, type: 'research_development'}) USING INDEX r:Recommendation(case_id)
OPTIONAL MATCH (r)-[:ADDRESSES]->(f:Finding)
WITH c, r, coalesce(f.category, 'uncategorised') AS category
ORDER BY c.board
WITH category, count(DISTINCT c.board) AS boards, collect(DISTINCT c.board) AS board_names,
     count(DISTINCT r) AS recommendations, count(DISTINCT c.id) AS cases
WHERE boards >= $min_boards
RETURN category, boards, board_names[..50] AS board_names, recommendations, cases
ORDER BY boards DESC, recommendations DESC, category
LIMIT 1000
