// name: cooperation_between
// question: Which operations, deployments, defence exchanges and industrial projects did two
//   actors share?
// params:
//   a: an actor (name, id or alias; a service, agency or unit counts as its state), required
//   b: another actor, required
// :param a => 'Japan';
// :param b => 'UK';
// returns: one row per fact: when, type (Operation, Deployment, Exchange, IndustrialProject),
//   name, kind, status, participants (as named, with roles other than participant in
//   brackets), location and id; by date.
MATCH (xa:Actor)
WHERE toLower(toString($a)) IN [v IN [xa.id, xa.name] + coalesce(xa.aliases, []) | toLower(v)]
MATCH (a:Actor {id: coalesce(xa.state, xa.id)})
WITH DISTINCT a
MATCH (xb:Actor)
WHERE toLower(toString($b)) IN [v IN [xb.id, xb.name] + coalesce(xb.aliases, []) | toLower(v)]
MATCH (b:Actor {id: coalesce(xb.state, xb.id)})
WITH DISTINCT a, b
MATCH (a)<-[:INVOLVES]-(f:Operation|Deployment|Exchange|IndustrialProject)-[:INVOLVES]->(b)
RETURN f.when AS when, [l IN labels(f) WHERE l <> 'Fact'][0] AS type, f.name AS name,
       f.kind AS kind, f.status AS status,
       [(p)-[r:PARTICIPATED_IN]->(f)
        | p.name + CASE r.role WHEN 'participant' THEN '' ELSE ' [' + r.role + ']' END]
         AS participants,
       f.location AS location, f.id AS id
ORDER BY coalesce(f.when_start, '9999'), f.id
