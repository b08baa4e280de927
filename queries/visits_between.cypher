// name: visits_between
// question: Which visits (ministers, officials, delegations, ships, aircraft) went between two
//   actors, in either direction?
// params:
//   a: an actor (name, id or alias; a service, agency or unit counts as its state), required
//   b: another actor, required
//   since: optional lower bound on the visit's date (YYYY, YYYY-MM or YYYY-MM-DD)
//   until: optional upper bound on the visit's date
// :param a => 'Japan';
// :param b => 'Germany';
// :param since => '2015';
// :param until => null;
// returns: one row per visit: when, direction ('visitor state -> host'), visitor (the entity
//   as named: agency, service, unit or state), kind, person, role, location and id; by date.
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
MATCH (f:Visit)
WHERE a.id IN f.actors AND b.id IN f.actors
  AND (since_day IS NULL OR f.when_end >= since_day)
  AND (until_day IS NULL OR f.when_start <= until_day)
MATCH (v:Actor)-[:PARTICIPATED_IN {role: 'visitor'}]->(f)<-[:PARTICIPATED_IN {role: 'host'}]-(h)
RETURN f.when AS when,
       COLLECT { MATCH (s:Actor {id: coalesce(v.state, v.id)}) RETURN s.name }[0] + ' -> ' + h.name
         AS direction,
       v.name AS visitor, f.kind AS kind, f.person AS person, f.role AS role,
       f.location AS location, f.id AS id
ORDER BY f.when_start, f.id
