// name: unit_record
// question: What did one named unit, service or agency do (e.g. a ship: exercises, port
//   calls, deployments), and with whom?
// params:
//   unit: the entity's name, id or alias (e.g. 'HMS Montrose', 'Montrose'), required
// :param unit => 'HMS Montrose';
// returns: one row per fact naming it: when, type (fact label), fact (name), role (visitor,
//   participant, ...), with (the other top-level actors involved), location and id; by date.
CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(toLower(toString($unit)), '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS u
MATCH (u)-[r:PARTICIPATED_IN]->(f:Fact)
RETURN f.when AS when, [l IN labels(f) WHERE l <> 'Fact'][0] AS type, f.name AS fact,
       r.role AS role,
       COLLECT { MATCH (o:Actor) WHERE o.id IN f.actors AND o.id <> coalesce(u.state, u.id) RETURN o.name ORDER BY o.id } AS with,
       f.location AS location, f.id AS id
ORDER BY f.when_start IS NULL, f.when_start, f.id
