// title: Recommendations by type and status
// description: How many recommendations are of each type (1 local and clear-cut, 2 needing management judgement, 3 needing research and development) and where they stand, and in how many cases. Structured fields only.
// param type recommendation_type -- only recommendations of this type (all when empty)
// columns: type:recommendation_type, status:recommendation_status, recommendations:int, cases:int
// shape: counts
MATCH (r:Recommendation {case_id: c.id})
WHERE $type IS NULL OR r.type = $type
RETURN coalesce(r.type, 'not set') AS type, coalesce(r.status, 'not set') AS status,
       count(r) AS recommendations, count(DISTINCT c.id) AS cases
ORDER BY type, status
LIMIT 1000
