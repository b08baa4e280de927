// name: agreements_between
// question: Which agreements do two actors share, with their kind, status and dates?
// params:
//   a: an actor (name, id or alias; a service, agency or unit counts as its state), required
//   b: another actor, required
// :param a => 'Japan';
// :param b => 'UK';
// returns: one row per agreement both are party to: when (signature, else the earliest
//   milestone), agreement, kind, status (the latest stage the sources report), the milestone
//   dates (proposed, negotiations_launched, agreed_in_principle, signed, in_force, revised,
//   terminated), disputed (other claims about its fields: 'field = value'), parties and id;
//   oldest first, undated last.
CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(toLower(toString($a)), '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS xa
MATCH (a:Actor {id: coalesce(xa.state, xa.id)})
WITH DISTINCT a
CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(toLower(toString($b)), '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS xb
MATCH (b:Actor {id: coalesce(xb.state, xb.id)})
WITH DISTINCT a, b
MATCH (a)-[:SIGNED]->(g:Agreement)<-[:SIGNED]-(b)
RETURN g.when AS when, g.name AS agreement, g.kind AS kind, g.status AS status,
       g.proposed AS proposed, g.negotiations_launched AS negotiations_launched,
       g.agreed_in_principle AS agreed_in_principle, g.signed AS signed,
       g.in_force AS in_force, g.revised AS revised, g.terminated AS terminated,
       [(g)-[:HAS_CLAIM]->(c:Claim) WHERE NOT c.preferred | c.field + ' = ' + c.value]
         AS disputed,
       [(p)-[:SIGNED]->(g) | p.name] AS parties,
       g.id AS id
ORDER BY g.when_start IS NULL, g.when_start, g.name
