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
CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(toLower(toString($a)), '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS xa
MATCH (a:Actor {id: coalesce(xa.state, xa.id)})
WITH DISTINCT a
CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(toLower(toString($b)), '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS xb
MATCH (b:Actor {id: coalesce(xb.state, xb.id)})
WITH DISTINCT a, b
MATCH (f:Operation|Deployment|Exchange|IndustrialProject)
WHERE a.id IN f.actors AND b.id IN f.actors
WITH *
RETURN f.when AS when, [l IN labels(f) WHERE l <> 'Fact'][0] AS type, f.name AS name,
       f.kind AS kind, f.status AS status,
       [(p)-[r:PARTICIPATED_IN]->(f)
        | p.name + CASE r.role WHEN 'participant' THEN '' ELSE ' [' + r.role + ']' END]
         AS participants,
       f.location AS location, f.id AS id
ORDER BY f.when_start IS NULL, f.when_start, f.id
