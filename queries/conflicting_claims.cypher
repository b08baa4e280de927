// name: conflicting_claims
// question: Where do the sources disagree? Every fact with disputed fields: the preferred
//   value and each other claim, with the reason for the preference and the sources.
// params:
//   actor: optional actor whose facts are listed (name, id or alias); null = every fact
// :param actor => null;
// returns: one row per claim: fact (id), name, field, value, preferred (true for the value the
//   graph keeps), reason (why the preferred value wins; empty on the preferred row) and
//   sources ('source (locator)' for each citation); by fact and field, preferred first.
WITH DISTINCT COLLECT { CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(
            coalesce(toLower(toString($actor)), ''), '\\', '\\\\'), '"', '\\"') + '"') YIELD node
          RETURN coalesce(node.state, node.id) }[0] AS actor_id
WHERE $actor IS NULL OR actor_id IS NOT NULL
MATCH (f:Fact)-[:HAS_CLAIM]->(cl:Claim)
WHERE $actor IS NULL OR actor_id IN f.actors
RETURN f.id AS fact, f.name AS name, cl.field AS field, cl.value AS value,
       cl.preferred AS preferred, cl.reason AS reason,
       [(cl)-[c:CITES]->(s:Source) | s.id + ' (' + c.locator + ')'] AS sources
ORDER BY fact, field, preferred DESC, cl.id
