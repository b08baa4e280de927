// name: pair_evidence
// question: What is the evidence behind the ties of two actors: each tie with its date,
//   category, source, locator and quote (as `tiegraph explain A B`)?
// params:
//   a: an actor (name, id or alias; a service, agency or unit counts as its state), required
//   b: another actor, required
//   since: optional lower bound on the tie's date (YYYY, YYYY-MM or YYYY-MM-DD)
//   until: optional upper bound on the tie's date
// :param a => 'Japan';
// :param b => 'UK';
// :param since => '2017';
// :param until => '2017';
// returns: one row per tie and citation: category, date, fact (id), name, source (id),
//   locator and quote; by date (undated last), category and fact, citations in order.
CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(toLower(toString($a)), '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS xa
MATCH (a:Actor {id: coalesce(xa.state, xa.id)})
WITH DISTINCT a
CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(toLower(toString($b)), '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS xb
MATCH (b:Actor {id: coalesce(xb.state, xb.id)})
WITH DISTINCT a, b,
     CASE WHEN $since IS NULL THEN null ELSE date(toString($since)) END AS since_day,
     CASE WHEN $until IS NULL THEN null
          ELSE date(toString($until))
                        + CASE size(toString($until)) WHEN 4 THEN duration('P1Y')
                                                      WHEN 7 THEN duration('P1M')
                                                      ELSE duration('P1D') END
                        - duration('P1D') END AS until_day
WHERE a <> b
MATCH (f:Fact)
WHERE a.id IN f.actors AND b.id IN f.actors
WITH *
WHERE f.category IS NOT NULL
  AND ((since_day IS NULL AND until_day IS NULL)
       OR (f.when_start IS NOT NULL
           AND (since_day IS NULL OR f.when_end >= since_day)
           AND (until_day IS NULL OR f.when_start <= until_day)))
MATCH (f)-[c:CITES]->(s:Source)
RETURN f.category AS category, f.when AS date, f.id AS fact, f.name AS name, s.id AS source,
       c.locator AS locator, c.quote AS quote
ORDER BY coalesce(f.when, '9999'), f.category, f.id, c.n
