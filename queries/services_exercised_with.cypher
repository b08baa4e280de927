// name: services_exercised_with
// question: Which services of a state exercised with a partner, how often, when, and with
//   which named units?
// params:
//   actor: the state whose services are listed (name, id or alias), required
//   partner: the partner actor (name, id or alias), required
// :param actor => 'Japan';
// :param partner => 'UK';
// returns: one row per service of the state (a participant named only as the state shows as
//   '(service not named)'): service, exercises (count), first_year, last_year, units (named
//   units of that service that took part) and exercise names; most exercises first.
CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(toLower(toString($actor)), '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS xa
MATCH (a:Actor {id: coalesce(xa.state, xa.id)})
WITH DISTINCT a
CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(toLower(toString($partner)), '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS xb
MATCH (b:Actor {id: coalesce(xb.state, xb.id)})
WITH DISTINCT a, b
MATCH (e:Exercise)
WHERE a.id IN e.actors AND b.id IN e.actors
WITH *
MATCH (p:Actor)-[:PARTICIPATED_IN {role: 'participant'}]->(e)
WHERE coalesce(p.state, p.id) = a.id
WITH e, p,
     CASE WHEN p:Service OR p:Agency THEN p.name
          WHEN p:Unit THEN coalesce(head([(p)-[:BELONGS_TO]->(s:Service) | s.name]),
                                    '(service not recorded)')
          ELSE '(service not named)' END AS service
WITH service, e, collect(CASE WHEN p:Unit THEN p.name END) AS units
ORDER BY e.when_start, e.name
WITH service, count(e) AS exercises, min(e.year) AS first_year, max(e.year) AS last_year,
     collect(units) AS unit_lists, collect(e.name + ' (' + e.when + ')') AS names
RETURN service, exercises, first_year, last_year,
       reduce(acc = [], us IN unit_lists | acc + [u IN us WHERE NOT u IN acc]) AS units,
       names AS exercise_names
ORDER BY exercises DESC, service
