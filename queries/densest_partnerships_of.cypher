// name: densest_partnerships_of
// question: Who are one actor's densest partners, optionally within a time window? (the same
//   ranking as `tiegraph densest --with ACTOR --measure count`)
// params:
//   actor: a state or organisation (name, id or alias; a service, agency or unit counts as
//     its state), required
//   since: optional lower bound on the tie's date (YYYY, YYYY-MM or YYYY-MM-DD); null = none
//   until: optional upper bound on the tie's date; null = none
// :param actor => 'Japan';
// :param since => '2014';
// :param until => '2019-06';
// returns: one row per partner: rank (dense, over total), a (the actor), b (the partner), one
//   count per tie category, total, breadth, a_id, b_id; densest first. With a window set,
//   undated facts are left out.
CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(toLower(toString($actor)), '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS x
MATCH (a:Actor {id: coalesce(x.state, x.id)})
WITH DISTINCT a,
     CASE WHEN $since IS NULL THEN null ELSE date(toString($since)) END AS since_day,
     CASE WHEN $until IS NULL THEN null
          ELSE date(toString($until))
                        + CASE size(toString($until)) WHEN 4 THEN duration('P1Y')
                                                      WHEN 7 THEN duration('P1M')
                                                      ELSE duration('P1D') END
                        - duration('P1D') END AS until_day
MATCH (f:Fact)
WHERE a.id IN f.actors
UNWIND f.actors AS b_id
MATCH (b:Actor {id: b_id})
WITH *
WHERE b <> a AND f.category IS NOT NULL
  AND ((since_day IS NULL AND until_day IS NULL)
       OR (f.when_start IS NOT NULL
           AND (since_day IS NULL OR f.when_end >= since_day)
           AND (until_day IS NULL OR f.when_start <= until_day)))
WITH a, b, collect(f.category) AS cats
ORDER BY size(cats) DESC, b.name
WITH collect({a: a.name, b: b.name, a_id: a.id, b_id: b.id, cats: cats}) AS rows
WITH rows, reduce(s = [], r IN rows | CASE WHEN size(r.cats) IN s THEN s ELSE s + [size(r.cats)] END)
           AS totals
UNWIND rows AS r
RETURN size([t IN totals WHERE t > size(r.cats)]) + 1 AS rank, r.a AS a, r.b AS b,
       size([c IN r.cats WHERE c = 'agreements']) AS agreements,
       size([c IN r.cats WHERE c = 'dialogues']) AS dialogues,
       size([c IN r.cats WHERE c = 'visits']) AS visits,
       size([c IN r.cats WHERE c = 'exercises']) AS exercises,
       size([c IN r.cats WHERE c = 'exchanges_industrial']) AS exchanges_industrial,
       size([c IN r.cats WHERE c = 'operations']) AS operations,
       size(r.cats) AS total,
       size([k IN ['agreements', 'dialogues', 'visits', 'exercises', 'exchanges_industrial',
                   'operations'] WHERE k IN r.cats]) AS breadth,
       r.a_id AS a_id, r.b_id AS b_id
ORDER BY total DESC, b
