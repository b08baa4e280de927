// name: exercises_between
// question: Which exercises did two actors hold together, by year, with the services and
//   named units each side sent?
// params:
//   a: an actor (name, id or alias; a service, agency or unit counts as its state), required
//   b: another actor, required
//   since: optional lower bound on the exercise's date (YYYY, YYYY-MM or YYYY-MM-DD)
//   until: optional upper bound on the exercise's date
// :param a => 'Japan';
// :param b => 'UK';
// :param since => null;
// :param until => null;
// returns: one row per exercise: year, when, exercise, domain, a_forces and b_forces (each
//   side's participants as named: 'unit (service)', a service, or the state itself;
//   observers marked), others (the other actors involved), location and id; by date.
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
MATCH (e:Exercise)
WHERE a.id IN e.actors AND b.id IN e.actors
  AND (since_day IS NULL OR e.when_end >= since_day)
  AND (until_day IS NULL OR e.when_start <= until_day)
RETURN e.year AS year, e.when AS when, e.name AS exercise, e.domain AS domain,
       [(p:Actor)-[r:PARTICIPATED_IN]->(e) WHERE coalesce(p.state, p.id) = a.id
        | p.name
          + coalesce(' (' + head([(p:Unit)-[:BELONGS_TO]->(s:Service) | s.name]) + ')', '')
          + CASE r.role WHEN 'observer' THEN ' [observer]' ELSE '' END] AS a_forces,
       [(p:Actor)-[r:PARTICIPATED_IN]->(e) WHERE coalesce(p.state, p.id) = b.id
        | p.name
          + coalesce(' (' + head([(p:Unit)-[:BELONGS_TO]->(s:Service) | s.name]) + ')', '')
          + CASE r.role WHEN 'observer' THEN ' [observer]' ELSE '' END] AS b_forces,
       COLLECT { MATCH (o:Actor) WHERE o.id IN e.actors AND NOT o IN [a, b] RETURN o.name ORDER BY o.id } AS others,
       e.location AS location, e.id AS id
ORDER BY e.when_start, e.name
