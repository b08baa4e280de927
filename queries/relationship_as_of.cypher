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
CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(toLower(toString($a)), '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS xa
MATCH (a:Actor {id: coalesce(xa.state, xa.id)})
WITH DISTINCT a
CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(toLower(toString($b)), '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS xb
MATCH (b:Actor {id: coalesce(xb.state, xb.id)})
WITH DISTINCT a, b,
     date(toString($as_of))
       + CASE size(toString($as_of)) WHEN 4 THEN duration('P1Y')
                                     WHEN 7 THEN duration('P1M')
                                     ELSE duration('P1D') END
       - duration('P1D') AS asof
CALL (a, b, asof) {
  MATCH (a)-[:SIGNED]->(g:Agreement)<-[:SIGNED]-(b)
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
  MATCH (s:DialogueSeries)
  WHERE a.id IN s.actors AND b.id IN s.actors
  WITH *
  MATCH (s)-[:HAS_SESSION]->(x:DialogueSession)
  WHERE x.when_start <= asof
  WITH s, x
  ORDER BY x.when_start
  WITH s, collect(x.when) AS sessions
  RETURN 1 AS part, 'dialogue' AS section, s.name AS item, size(sessions) AS value,
         last(sessions) AS date, 'sessions held; date = the last' AS note
  UNION ALL
  MATCH (f:Fact)
  WHERE a.id IN f.actors AND b.id IN f.actors
  WITH *
  WHERE f.category IS NOT NULL AND f.when_start <= asof
    AND (f.terminated IS NULL OR date(f.terminated) > asof)
  WITH f
  ORDER BY f.when_start
  WITH f.category AS category, collect(f.when) AS dates
  RETURN 2 AS part, 'ties' AS section, category AS item, size(dates) AS value,
         last(dates) AS date, 'ties dated by then; date = the latest' AS note
}
RETURN section, item, value, date, note
ORDER BY part, date, item
