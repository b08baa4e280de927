// name: common_partners
// question: Which partners do two actors have in common, and how many ties does each have
//   with them (optionally within a time window)?
// params:
//   a: an actor (name, id or alias; a service, agency or unit counts as its state), required
//   b: another actor, required
//   since: optional lower bound on the tie's date (YYYY, YYYY-MM or YYYY-MM-DD)
//   until: optional upper bound on the tie's date
// :param a => 'UK';
// :param b => 'France';
// :param since => null;
// :param until => null;
// returns: one row per common partner (neither a nor b): partner, ties_with_a, ties_with_b
//   (counted like densest_partnerships), total, categories_with_a, categories_with_b and
//   partner_id; most ties first.
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
MATCH (f:Fact)
WHERE a.id IN f.actors
UNWIND f.actors AS c_id
MATCH (c:Actor {id: c_id})
WITH *
WHERE c <> a AND c <> b AND f.category IS NOT NULL
  AND ((since_day IS NULL AND until_day IS NULL)
       OR (f.when_start IS NOT NULL
           AND (since_day IS NULL OR f.when_end >= since_day)
           AND (until_day IS NULL OR f.when_start <= until_day)))
WITH a, b, c, since_day, until_day, count(f) AS ties_with_a,
     collect(DISTINCT f.category) AS categories_with_a
MATCH (g:Fact)
WHERE b.id IN g.actors AND c.id IN g.actors
WITH *
WHERE g.category IS NOT NULL
  AND ((since_day IS NULL AND until_day IS NULL)
       OR (g.when_start IS NOT NULL
           AND (since_day IS NULL OR g.when_end >= since_day)
           AND (until_day IS NULL OR g.when_start <= until_day)))
WITH c, ties_with_a, categories_with_a, count(g) AS ties_with_b,
     collect(DISTINCT g.category) AS categories_with_b
RETURN c.name AS partner, ties_with_a, ties_with_b, ties_with_a + ties_with_b AS total,
       categories_with_a, categories_with_b, c.id AS partner_id
ORDER BY total DESC, partner
