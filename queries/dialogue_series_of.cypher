// name: dialogue_series_of
// question: Which dialogue formats does an actor hold with whom, and how active is each?
// params:
//   actor: an actor (name, id or alias; a service, agency or unit counts as its state),
//     required
// :param actor => 'Germany';
// returns: one row per dialogue series: partners, series, kind, established, n_sessions,
//   first and last session dates and id; most sessions first.
MATCH (x:Actor)
WHERE toLower(toString($actor)) IN [v IN [x.id, x.name] + coalesce(x.aliases, []) | toLower(v)]
MATCH (a:Actor {id: coalesce(x.state, x.id)})
WITH DISTINCT a
MATCH (a)<-[:INVOLVES]-(s:DialogueSeries)
OPTIONAL MATCH (s)-[:HAS_SESSION]->(d:DialogueSession)
WITH a, s, d
ORDER BY d.when_start
WITH a, s, collect(d.when) AS sessions
RETURN [(s)-[:INVOLVES]->(p) WHERE p <> a | p.name] AS partners, s.name AS series,
       s.kind AS kind, s.established AS established, size(sessions) AS n_sessions,
       head(sessions) AS first, last(sessions) AS last, s.id AS id
ORDER BY n_sessions DESC, series
