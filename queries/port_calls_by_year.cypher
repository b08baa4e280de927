// name: port_calls_by_year
// question: How many port calls did a state's ports receive each year, and from which ships?
// params:
//   host: the host state (name, id or alias), required
//   from: optional visiting state (name, id or alias); null = every state
// :param host => 'Japan';
// :param from => null;
// returns: one row per year: year, port_calls (count), ships (the visiting unit, service or
//   state as named, with its state in brackets) and visits (their ids); by year.
CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(toLower(toString($host)), '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS xh
MATCH (h:Actor {id: coalesce(xh.state, xh.id)})
WITH DISTINCT h
WITH DISTINCT h, COLLECT { CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(
            coalesce(toLower(toString($from)), ''), '\\', '\\\\'), '"', '\\"') + '"') YIELD node
          RETURN coalesce(node.state, node.id) }[0] AS from_id
WHERE $from IS NULL OR from_id IS NOT NULL
MATCH (v:Actor)-[:PARTICIPATED_IN {role: 'visitor'}]->(f:Visit {kind: 'port_call'})
      <-[:PARTICIPATED_IN {role: 'host'}]-(h)
WHERE $from IS NULL OR coalesce(v.state, v.id) = from_id
WITH f, v, COLLECT { MATCH (s:Actor {id: coalesce(v.state, v.id)}) RETURN s.name }[0] AS state
ORDER BY f.when_start, v.name
RETURN f.year AS year, count(f) AS port_calls,
       collect(v.name + CASE WHEN v.state IS NULL THEN '' ELSE ' [' + state + ']' END)
         AS ships,
       collect(f.id) AS visits
ORDER BY year
