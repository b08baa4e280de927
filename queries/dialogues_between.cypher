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
CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(toLower(toString($a)), '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS xa
MATCH (a:Actor {id: coalesce(xa.state, xa.id)})
WITH DISTINCT a
CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(toLower(toString($b)), '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS xb
MATCH (b:Actor {id: coalesce(xb.state, xb.id)})
WITH DISTINCT a, b
MATCH (s:DialogueSeries)
WHERE a.id IN s.actors AND b.id IN s.actors
WITH *
OPTIONAL MATCH (s)-[:HAS_SESSION]->(x:DialogueSession)
WITH s, x
ORDER BY x.when_start, x.id
WITH s, collect(x.when) AS sessions,
     collect(CASE WHEN x.location IS NOT NULL THEN x.when + ' ' + x.location END) AS locations
RETURN s.name AS series, s.kind AS kind, s.established AS established,
       size(sessions) AS n_sessions, head(sessions) AS first, last(sessions) AS last,
       sessions, locations, s.id AS id
ORDER BY kind, series
