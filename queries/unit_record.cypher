// name: unit_record
// question: What did one named unit, service or agency do (e.g. a ship: exercises, port
//   calls, deployments), and with whom?
// params:
//   unit: the entity's name, id or alias (e.g. 'HMS Montrose', 'Montrose'), required
// :param unit => 'HMS Montrose';
// returns: one row per fact naming it: when, type (fact label), fact (name), role (visitor,
//   participant, ...), with (the other top-level actors involved), location and id; by date.
MATCH (u:Actor)
WHERE toLower(toString($unit)) IN [v IN [u.id, u.name] + coalesce(u.aliases, []) | toLower(v)]
MATCH (u)-[r:PARTICIPATED_IN]->(f:Fact)
RETURN f.when AS when, [l IN labels(f) WHERE l <> 'Fact'][0] AS type, f.name AS fact,
       r.role AS role,
       [(f)-[:INVOLVES]->(o) WHERE o.id <> coalesce(u.state, u.id) | o.name] AS with,
       f.location AS location, f.id AS id
ORDER BY coalesce(f.when_start, '9999'), f.id
