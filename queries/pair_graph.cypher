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
// returns: one column, path: a <-INVOLVES- fact -INVOLVES-> b for each tie. Run it in the Neo4j
//   Browser to see the graph view (style: queries/tiegraph.grass).
MATCH (xa:Actor)
WHERE toLower(toString($a)) IN [v IN [xa.id, xa.name] + coalesce(xa.aliases, []) | toLower(v)]
MATCH (a:Actor {id: coalesce(xa.state, xa.id)})
WITH DISTINCT a
MATCH (xb:Actor)
WHERE toLower(toString($b)) IN [v IN [xb.id, xb.name] + coalesce(xb.aliases, []) | toLower(v)]
MATCH (b:Actor {id: coalesce(xb.state, xb.id)})
WITH DISTINCT a, b,
     CASE WHEN $since IS NULL THEN null ELSE toString(date(toString($since))) END AS since_day,
     CASE WHEN $until IS NULL THEN null
          ELSE toString(date(toString($until))
                        + CASE size(toString($until)) WHEN 4 THEN duration('P1Y')
                                                      WHEN 7 THEN duration('P1M')
                                                      ELSE duration('P1D') END
                        - duration('P1D')) END AS until_day
WHERE a <> b
MATCH path = (a)<-[:INVOLVES]-(f:Fact)-[:INVOLVES]->(b)
WHERE f.category IS NOT NULL
  AND ((since_day IS NULL AND until_day IS NULL)
       OR (f.when_start IS NOT NULL
           AND (since_day IS NULL OR f.when_end >= since_day)
           AND (until_day IS NULL OR f.when_start <= until_day)))
RETURN path
ORDER BY f.when_start, f.id
