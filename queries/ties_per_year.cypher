// name: ties_per_year
// question: How many ties of each category did an actor have per year, with anyone or with
//   one partner (a timeline, as `tiegraph timeline A [B]`)?
// params:
//   a: an actor (name, id or alias; a service, agency or unit counts as its state), required
//   b: optional partner; null = ties with anyone (a fact with three other actors counts 3)
//   since: optional lower bound on the tie's date (YYYY, YYYY-MM or YYYY-MM-DD)
//   until: optional upper bound on the tie's date
// :param a => 'Japan';
// :param b => 'UK';
// :param since => null;
// :param until => null;
// returns: one row per year with at least one dated tie: year, one count per category
//   (agreements, dialogues, visits, exercises, exchanges_industrial, operations) and total;
//   undated ties are left out.
CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(toLower(toString($a)), '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS xa
MATCH (a:Actor {id: coalesce(xa.state, xa.id)})
WITH DISTINCT a
WITH DISTINCT a, COLLECT { CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(
            coalesce(toLower(toString($b)), ''), '\\', '\\\\'), '"', '\\"') + '"') YIELD node
          RETURN coalesce(node.state, node.id) }[0] AS b_id,
     CASE WHEN $since IS NULL THEN null ELSE date(toString($since)) END AS since_day,
     CASE WHEN $until IS NULL THEN null
          ELSE date(toString($until))
                        + CASE size(toString($until)) WHEN 4 THEN duration('P1Y')
                                                      WHEN 7 THEN duration('P1M')
                                                      ELSE duration('P1D') END
                        - duration('P1D') END AS until_day
WHERE $b IS NULL OR b_id IS NOT NULL
MATCH (f:Fact)
WHERE a.id IN f.actors
UNWIND f.actors AS o_id
WITH a, b_id, since_day, until_day, f, o_id
WHERE o_id <> a.id AND ($b IS NULL OR o_id = b_id)
  AND f.category IS NOT NULL AND f.year IS NOT NULL
  AND (since_day IS NULL OR f.when_end >= since_day)
  AND (until_day IS NULL OR f.when_start <= until_day)
WITH f.year AS year, collect(f.category) AS cats
RETURN year,
       size([c IN cats WHERE c = 'agreements']) AS agreements,
       size([c IN cats WHERE c = 'dialogues']) AS dialogues,
       size([c IN cats WHERE c = 'visits']) AS visits,
       size([c IN cats WHERE c = 'exercises']) AS exercises,
       size([c IN cats WHERE c = 'exchanges_industrial']) AS exchanges_industrial,
       size([c IN cats WHERE c = 'operations']) AS operations,
       size(cats) AS total
ORDER BY year
