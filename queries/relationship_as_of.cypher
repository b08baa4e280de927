// name: relationship_as_of
// question: What did the relationship between two actors look like as of a date: which
//   agreements had reached which stage, when each dialogue last met, and how many ties of
//   each category there were by then?
// params:
//   a: an actor (name, id or alias; a service, agency or unit counts as its state), required
//   b: another actor, required
//   as_of: the date (YYYY, YYYY-MM or YYYY-MM-DD; a year or month means its last day),
//     required
// :param a => 'Japan';
// :param b => 'UK';
// :param as_of => '2017-06';
// returns: rows of three sections. 'agreement': item = agreement, value = the latest
//   milestone reached by then (proposed ... in_force, terminated), date = that milestone's
//   date, note = the status the sources report today. 'dialogue': item = series, value =
//   sessions held by then, date = the last one. 'ties': item = category, value = ties dated
//   by then (agreements terminated by then left out, as `--as-of` does), date = the latest.
MATCH (xa:Actor)
WHERE toLower(toString($a)) IN [v IN [xa.id, xa.name] + coalesce(xa.aliases, []) | toLower(v)]
MATCH (a:Actor {id: coalesce(xa.state, xa.id)})
WITH DISTINCT a
MATCH (xb:Actor)
WHERE toLower(toString($b)) IN [v IN [xb.id, xb.name] + coalesce(xb.aliases, []) | toLower(v)]
MATCH (b:Actor {id: coalesce(xb.state, xb.id)})
WITH DISTINCT a, b,
     date(toString($as_of))
       + CASE size(toString($as_of)) WHEN 4 THEN duration('P1Y')
                                     WHEN 7 THEN duration('P1M')
                                     ELSE duration('P1D') END
       - duration('P1D') AS asof
CALL (a, b, asof) {
  MATCH (a)<-[:INVOLVES]-(g:Agreement)-[:INVOLVES]->(b)
  WITH g, [m IN [['proposed', g.proposed],
                 ['negotiations_launched', g.negotiations_launched],
                 ['agreed_in_principle', g.agreed_in_principle],
                 ['signed', g.signed],
                 ['in_force', g.in_force],
                 ['terminated', g.terminated]]
           WHERE m[1] IS NOT NULL AND date(m[1]) <= asof] AS reached
  WHERE size(reached) > 0
  RETURN 0 AS part, 'agreement' AS section, g.name AS item, last(reached)[0] AS value,
         last(reached)[1] AS date, 'reported status: ' + g.status AS note
  UNION ALL
  MATCH (a)<-[:INVOLVES]-(s:DialogueSeries)-[:INVOLVES]->(b)
  MATCH (s)-[:HAS_SESSION]->(x:DialogueSession)
  WHERE x.when_start <= toString(asof)
  WITH s, x
  ORDER BY x.when_start
  WITH s, collect(x.when) AS sessions
  RETURN 1 AS part, 'dialogue' AS section, s.name AS item, size(sessions) AS value,
         last(sessions) AS date, 'sessions held; date = the last' AS note
  UNION ALL
  MATCH (a)<-[:INVOLVES]-(f:Fact)-[:INVOLVES]->(b)
  WHERE f.category IS NOT NULL AND f.when_start <= toString(asof)
    AND (f.terminated IS NULL OR date(f.terminated) > asof)
  WITH f
  ORDER BY f.when_start
  WITH f.category AS category, collect(f.when) AS dates
  RETURN 2 AS part, 'ties' AS section, category AS item, size(dates) AS value,
         last(dates) AS date, 'ties dated by then; date = the latest' AS note
}
RETURN section, item, value, date, note
ORDER BY part, date, item
