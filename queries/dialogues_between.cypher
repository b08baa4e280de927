// name: dialogues_between
// question: Which dialogue series (2+2, summits, staff talks...) do two actors hold, and when
//   did each session meet?
// params:
//   a: an actor (name, id or alias; a service, agency or unit counts as its state), required
//   b: another actor, required
// :param a => 'Japan';
// :param b => 'France';
// returns: one row per dialogue series of both: series, kind, established, n_sessions,
//   first and last session dates, sessions (every dated session, in order), locations (of the
//   sessions, where known) and id; by kind and name.
MATCH (xa:Actor)
WHERE toLower(toString($a)) IN [v IN [xa.id, xa.name] + coalesce(xa.aliases, []) | toLower(v)]
MATCH (a:Actor {id: coalesce(xa.state, xa.id)})
WITH DISTINCT a
MATCH (xb:Actor)
WHERE toLower(toString($b)) IN [v IN [xb.id, xb.name] + coalesce(xb.aliases, []) | toLower(v)]
MATCH (b:Actor {id: coalesce(xb.state, xb.id)})
WITH DISTINCT a, b
MATCH (a)<-[:INVOLVES]-(s:DialogueSeries)-[:INVOLVES]->(b)
OPTIONAL MATCH (s)-[:HAS_SESSION]->(x:DialogueSession)
WITH s, x
ORDER BY x.when_start, x.id
WITH s, collect(x.when) AS sessions,
     collect(CASE WHEN x.location IS NOT NULL THEN x.when + ' ' + x.location END) AS locations
RETURN s.name AS series, s.kind AS kind, s.established AS established,
       size(sessions) AS n_sessions, head(sessions) AS first, last(sessions) AS last,
       sessions, locations, s.id AS id
ORDER BY kind, series
