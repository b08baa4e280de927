// name: units_visited
// question: Which named units (ships, squadrons, aircraft...) visited a state, when, and of
//   which service?
// params:
//   host: the host state or organisation (name, id or alias), required
//   from: optional state whose units are listed (name, id or alias); null = every state
//   since: optional lower bound on the visit's date (YYYY, YYYY-MM or YYYY-MM-DD)
//   until: optional upper bound on the visit's date
// :param host => 'Japan';
// :param from => 'UK';
// :param since => '2018';
// :param until => null;
// returns: one row per visit by a unit: when, year, unit, unit_type, service, state, kind
//   (port_call, aircraft...), location and the visit's id; by date.
CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(toLower(toString($host)), '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS xh
MATCH (h:Actor {id: coalesce(xh.state, xh.id)})
WITH DISTINCT h
WITH DISTINCT h, COLLECT { CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(
            coalesce(toLower(toString($from)), ''), '\\', '\\\\'), '"', '\\"') + '"') YIELD node
          RETURN coalesce(node.state, node.id) }[0] AS from_id,
     CASE WHEN $since IS NULL THEN null ELSE date(toString($since)) END AS since_day,
     CASE WHEN $until IS NULL THEN null
          ELSE date(toString($until))
                        + CASE size(toString($until)) WHEN 4 THEN duration('P1Y')
                                                      WHEN 7 THEN duration('P1M')
                                                      ELSE duration('P1D') END
                        - duration('P1D') END AS until_day
WHERE $from IS NULL OR from_id IS NOT NULL
MATCH (u:Unit)-[:PARTICIPATED_IN {role: 'visitor'}]->(f:Visit)<-[:PARTICIPATED_IN {role: 'host'}]-(h)
WHERE ($from IS NULL OR u.state = from_id)
  AND (since_day IS NULL OR f.when_end >= since_day)
  AND (until_day IS NULL OR f.when_start <= until_day)
RETURN f.when AS when, f.year AS year, u.name AS unit, u.unit_type AS unit_type,
       head([(u)-[:BELONGS_TO]->(s:Service) | s.name]) AS service,
       COLLECT { MATCH (st:State {id: u.state}) RETURN st.name }[0] AS state,
       f.kind AS kind, f.location AS location, f.id AS id
ORDER BY f.when_start, unit
