// name: agreements_of
// question: Which agreements of a given kind is an actor party to (e.g. every ACSA, or every
//   reciprocal access agreement Japan has signed or is negotiating), with dates and status?
// params:
//   actor: an actor (name, id or alias; a service, agency or unit counts as its state),
//     required
//   kind: optional agreement kind, or a list of kinds (information_security,
//     equipment_technology_transfer, acsa, reciprocal_access, joint_statement,
//     joint_declaration, roadmap, action_plan, partnership_programme, memorandum, treaty,
//     other); null = every kind
// :param actor => 'Japan';
// :param kind => 'reciprocal_access';
// returns: one row per agreement: kind, agreement, partners (the other parties), status, the
//   milestone dates (proposed, negotiations_launched, agreed_in_principle, signed, in_force,
//   terminated), disputed (other claims: 'field = value') and id; by kind, oldest first,
//   undated last.
CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(toLower(toString($actor)), '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS x
MATCH (a:Actor {id: coalesce(x.state, x.id)})
WITH DISTINCT a
MATCH (a)-[:SIGNED]->(g:Agreement)
WHERE $kind IS NULL
   OR g.kind IN CASE WHEN valueType($kind) STARTS WITH 'LIST' THEN $kind ELSE [$kind] END
RETURN g.kind AS kind, g.name AS agreement,
       [(p)-[:SIGNED]->(g) WHERE p <> a | p.name] AS partners,
       g.status AS status, g.proposed AS proposed,
       g.negotiations_launched AS negotiations_launched,
       g.agreed_in_principle AS agreed_in_principle, g.signed AS signed,
       g.in_force AS in_force, g.terminated AS terminated,
       [(g)-[:HAS_CLAIM]->(c:Claim) WHERE NOT c.preferred | c.field + ' = ' + c.value]
         AS disputed,
       g.id AS id
ORDER BY kind, g.when_start IS NULL, g.when_start, agreement
