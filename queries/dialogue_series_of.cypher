// name: dialogue_series_of
// question: Which dialogue formats does an actor hold with whom, and how active is each?
// params:
//   actor: an actor (name, id or alias; a service, agency or unit counts as its state),
//     required
// :param actor => 'Germany';
// returns: one row per dialogue series: partners, series, kind, established, n_sessions,
//   first and last session dates and id; most sessions first.
CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(toLower(toString($actor)), '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS x
MATCH (a:Actor {id: coalesce(x.state, x.id)})
WITH DISTINCT a
MATCH (s:DialogueSeries)
WHERE a.id IN s.actors
WITH *
OPTIONAL MATCH (s)-[:HAS_SESSION]->(d:DialogueSession)
WITH a, s, d
ORDER BY d.when_start
WITH a, s, collect(d.when) AS sessions
RETURN COLLECT { MATCH (p:Actor) WHERE p.id IN s.actors AND p <> a RETURN p.name ORDER BY p.id } AS partners, s.name AS series,
       s.kind AS kind, s.established AS established, size(sessions) AS n_sessions,
       head(sessions) AS first, last(sessions) AS last, s.id AS id
ORDER BY n_sessions DESC, series
