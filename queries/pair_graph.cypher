// name: pair_graph
// question: What do the ties between two actors look like as a graph: both actors and every
//   counted fact that involves both (optionally within a time window)?
// params:
//   a: an actor (name, id or alias; a service, agency or unit counts as its state), required
//   b: another actor, required
//   since: optional lower bound on the tie's date (YYYY, YYYY-MM or YYYY-MM-DD)
//   until: optional upper bound on the tie's date
// :param a => 'Japan';
// :param b => 'NATO';
// :param since => '2014';
// :param until => '2014';
// returns: one column, path: for each tie, the way each side takes part in its fact: the
//   actor's own SIGNED or PARTICIPATED_IN relationship, or that of its unit, service or agency
//   (with their BELONGS_TO steps up to the state); a dialogue session through its series.
//   Run it in the Neo4j Browser to see the graph view (style: queries/tiegraph.grass).
CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(toLower(toString($a)), '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS xa
MATCH (a:Actor {id: coalesce(xa.state, xa.id)})
WITH DISTINCT a
CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(toLower(toString($b)), '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS xb
MATCH (b:Actor {id: coalesce(xb.state, xb.id)})
WITH DISTINCT a, b,
     CASE WHEN $since IS NULL THEN null ELSE date(toString($since)) END AS since_day,
     CASE WHEN $until IS NULL THEN null
          ELSE date(toString($until))
                        + CASE size(toString($until)) WHEN 4 THEN duration('P1Y')
                                                      WHEN 7 THEN duration('P1M')
                                                      ELSE duration('P1D') END
                        - duration('P1D') END AS until_day
WHERE a <> b
MATCH (f:Fact)
WHERE a.id IN f.actors AND b.id IN f.actors AND f.category IS NOT NULL
  AND ((since_day IS NULL AND until_day IS NULL)
       OR (f.when_start IS NOT NULL
           AND (since_day IS NULL OR f.when_end >= since_day)
           AND (until_day IS NULL OR f.when_start <= until_day)))
CALL (a, b, f) {
  MATCH path = (x)<-[:BELONGS_TO*0..2]-(:Actor)-[:SIGNED|PARTICIPATED_IN]->(f)
  WHERE x IN [a, b]
  RETURN path
  UNION
  MATCH path = (x)<-[:BELONGS_TO*0..2]-(:Actor)-[:PARTICIPATED_IN]->(:DialogueSeries)
               -[:HAS_SESSION]->(f)
  WHERE x IN [a, b]
  RETURN path
}
RETURN path
ORDER BY f.when_start, f.id
