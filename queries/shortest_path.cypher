// name: shortest_path
// question: How are two actors connected through ties? The shortest chain actor - fact -
//   actor - fact - ... through counted facts (agreements, dialogue sessions, visits,
//   exercises, exchanges, industrial projects, operations, deployments) and their INVOLVES
//   edges; dialogue series and memberships are not ties and are not crossed.
// params:
//   a: an actor (name, id or alias; a service, agency or unit counts as its state), required
//   b: another actor, required
// :param a => 'Germany';
// :param b => 'Pakistan';
// returns: one row (none if unconnected within 10 steps): steps (1 = a direct tie), actors
//   (the chain of states and organisations), via (the fact linking each step, with its date)
//   and path (the path itself: nodes and INVOLVES relationships, drawn as a graph in the
//   Browser). Among equally short chains one is returned.
MATCH (xa:Actor)
WHERE toLower(toString($a)) IN [v IN [xa.id, xa.name] + coalesce(xa.aliases, []) | toLower(v)]
MATCH (a:Actor {id: coalesce(xa.state, xa.id)})
WITH DISTINCT a
MATCH (xb:Actor)
WHERE toLower(toString($b)) IN [v IN [xb.id, xb.name] + coalesce(xb.aliases, []) | toLower(v)]
MATCH (b:Actor {id: coalesce(xb.state, xb.id)})
WITH DISTINCT a, b
WHERE a <> b
MATCH path = shortestPath((a)-[:INVOLVES*..20]-(b))
WHERE all(n IN nodes(path) WHERE NOT n:Fact OR n.category IS NOT NULL)
RETURN length(path) / 2 AS steps,
       [n IN nodes(path) WHERE NOT n:Fact | n.name] AS actors,
       [n IN nodes(path) WHERE n:Fact | n.name + ' (' + coalesce(n.when, 'undated') + ')']
         AS via,
       path
