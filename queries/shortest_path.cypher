// name: shortest_path
// question: How are two actors connected through ties? The shortest chain actor - fact -
//   actor - fact - ... through counted facts (agreements, dialogue sessions, visits,
//   exercises, exchanges, industrial projects, operations, deployments) and the SIGNED and
//   PARTICIPATED_IN relationships of their actors (a unit, service or agency reaches its state
//   through BELONGS_TO; the dialogue series, whose sessions are the ties, links its parties); memberships are not ties and are not crossed.
// params:
//   a: an actor (name, id or alias; a service, agency or unit counts as its state), required
//   b: another actor, required
// :param a => 'Germany';
// :param b => 'Pakistan';
// returns: one row (none if unconnected within 40 relationships): steps (1 = a direct tie), actors
//   (the chain of states and organisations), via (the fact linking each step, with its date)
//   and path (the path itself, drawn as a graph in the Browser). The chain is the shortest in
//   relationships; steps counts the facts on it. Among equally short chains one is returned.
CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(toLower(toString($a)), '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS xa
MATCH (a:Actor {id: coalesce(xa.state, xa.id)})
WITH DISTINCT a
CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(toLower(toString($b)), '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS xb
MATCH (b:Actor {id: coalesce(xb.state, xb.id)})
WITH DISTINCT a, b
WHERE a <> b
MATCH path = shortestPath((a)-[:SIGNED|PARTICIPATED_IN|BELONGS_TO|HAS_SESSION*..40]-(b))
WHERE all(n IN nodes(path)
          WHERE NOT n:Fact OR n.category IS NOT NULL OR n:DialogueSeries)
RETURN size([n IN nodes(path) WHERE n:Fact]) AS steps,
       [n IN nodes(path) WHERE n:State OR n:Organisation | n.name] AS actors,
       [n IN nodes(path) WHERE n:Fact | n.name + ' (' + coalesce(n.when, 'undated') + ')']
         AS via,
       path
