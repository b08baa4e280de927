// name: stated_totals
// question: Where is a series incomplete? Each total a source states (visits, sessions, port
//   calls, students) beside the number of its events the graph dates.
// params:
//   actor: optional actor (name, id or alias); null = every stated total
// :param actor => 'UK';
// returns: one row per stated total: id, caption, counts (type and kind), stated (count),
//   qualifier (exact, at_least, more_than, about), counted (events or people), since, as_of,
//   dated (the graph's dated facts of the series: same type, kind, dialogue series, visitor
//   or its units, host, person, role and actors, not planned, dated within since..as_of) and
//   dated_ids; by id. The same rule as graph/totals.py.
WITH COLLECT { CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(
            coalesce(toLower(toString($actor)), ''), '\\', '\\\\'), '"', '\\"') + '"')
          YIELD node RETURN coalesce(node.state, node.id) }[0] AS actor_id
WHERE $actor IS NULL OR actor_id IS NOT NULL
MATCH (t:StatedTotal)
WHERE $actor IS NULL OR actor_id IN t.actors
OPTIONAL MATCH (f:Fact {type: t.counts})
WHERE f.category IS NOT NULL
  AND (t.kind IS NULL OR f.kind = t.kind)
  AND (t.series IS NULL OR f.series = t.series)
  AND (t.visitor IS NULL OR EXISTS {
        MATCH (:Actor {id: f.visitor})-[:BELONGS_TO*0..]->(:Actor {id: t.visitor}) })
  AND (t.host IS NULL OR EXISTS {
        MATCH (:Actor {id: f.host})-[:BELONGS_TO*0..]->(:Actor {id: t.host}) })
  AND (t.person IS NULL OR toLower(f.person) CONTAINS toLower(t.person))
  AND (t.role IS NULL OR toLower(f.role) CONTAINS toLower(t.role))
  AND all(a IN t.actors WHERE a IN f.actors)
  AND (t.since IS NULL OR f.when_start >= t.since) AND f.when_start <= t.until
WITH t, f ORDER BY f.when_start, f.id
RETURN t.id AS id, t.caption AS caption,
       t.counts + CASE WHEN t.kind IS NULL THEN '' ELSE ' (' + t.kind + ')' END AS counts,
       t.count AS stated, t.qualifier AS qualifier, t.counted AS counted,
       t.start AS since, t.as_of AS as_of, count(f) AS dated, collect(f.id) AS dated_ids
ORDER BY id
