// title: Sectors silent in the months before harm
// description: Agencies that had been active and then recorded nothing for longer than the analysis's silence threshold (the agency_silent pattern of each case's analysis), where that silence overlaps the months before a harm event of the case, counted by sector.
// param months int default=6 min=1 max=60 -- how many months before the harm event count
// param harm_kinds list:event_kind default=["outcome","incident"] -- the event kinds that count as harm
// columns: sector:sector, silences:int, cases:int
// shape: counts
// reads: analysis
UNWIND $harm_kinds AS harm_kind
MATCH (h:Event {case_id: c.id, kind: harm_kind}) WHERE h.date IS NOT NULL
WITH c, h, date(left(h.date + '-01-01', 10)) AS harm_day
MATCH (t:GapTally {case_id: c.id, type: 'agency_silent'}) WHERE t.revision = c.revision
MATCH (g:Gap {case_id: c.id, type: 'agency_silent'})
WHERE g.start <= toString(harm_day) AND g.end >= toString(harm_day - duration({months: $months}))
WITH DISTINCT c, g
RETURN g.from_sector AS sector, count(g) AS silences, count(DISTINCT c.id) AS cases
ORDER BY silences DESC, sector
LIMIT 1000
