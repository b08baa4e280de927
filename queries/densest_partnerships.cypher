// name: densest_partnerships
// question: Which pairs of actors have the densest security ties, optionally within a time
//   window? (the same ranking as `tiegraph densest --measure count`)
// params:
//   since: optional lower bound on the tie's date (YYYY, YYYY-MM or YYYY-MM-DD); null = none
//   until: optional upper bound on the tie's date; null = none
//   top: optional number of rows to return; null = every pair
// :param since => null;
// :param until => null;
// :param top => 10;
// returns: one row per pair of top-level actors (states, organisations): rank (dense, over
//   total), a, b (a has the smaller id), one count per tie category (agreements, dialogues,
//   visits, exercises, exchanges_industrial, operations), total, breadth (categories with at
//   least one tie), a_id, b_id. A tie is one fact of a counted category seen from one pair of
//   the actors it involves (its `actors` property); with a window set, undated facts are left out.
WITH CASE WHEN $since IS NULL THEN null ELSE date(toString($since)) END AS since_day,
     CASE WHEN $until IS NULL THEN null
          ELSE date(toString($until))
                        + CASE size(toString($until)) WHEN 4 THEN duration('P1Y')
                                                      WHEN 7 THEN duration('P1M')
                                                      ELSE duration('P1D') END
                        - duration('P1D') END AS until_day
MATCH (f:Fact)
WHERE f.category IS NOT NULL
  AND ((since_day IS NULL AND until_day IS NULL)
       OR (f.when_start IS NOT NULL
           AND (since_day IS NULL OR f.when_end >= since_day)
           AND (until_day IS NULL OR f.when_start <= until_day)))
UNWIND f.actors AS a_id
UNWIND f.actors AS b_id
WITH f, a_id, b_id
WHERE a_id < b_id
MATCH (a:Actor {id: a_id}), (b:Actor {id: b_id})
WITH a, b, collect(f.category) AS cats
WITH a, b, cats,
     size([c IN cats WHERE c = 'agreements']) AS agreements,
     size([c IN cats WHERE c = 'dialogues']) AS dialogues,
     size([c IN cats WHERE c = 'visits']) AS visits,
     size([c IN cats WHERE c = 'exercises']) AS exercises,
     size([c IN cats WHERE c = 'exchanges_industrial']) AS exchanges_industrial,
     size([c IN cats WHERE c = 'operations']) AS operations
ORDER BY size(cats) DESC, a.name, b.name
WITH collect({a: a.name, b: b.name, a_id: a.id, b_id: b.id, agreements: agreements,
              dialogues: dialogues, visits: visits, exercises: exercises,
              exchanges_industrial: exchanges_industrial, operations: operations,
              total: size(cats),
              breadth: size([k IN ['agreements', 'dialogues', 'visits', 'exercises',
                                   'exchanges_industrial', 'operations'] WHERE k IN cats])
             }) AS rows
WITH rows, reduce(s = [], r IN rows | CASE WHEN r.total IN s THEN s ELSE s + [r.total] END)
           AS totals
UNWIND range(0, size(rows) - 1) AS i
WITH rows[i] AS r, i, totals
WHERE $top IS NULL OR i < $top
RETURN size([t IN totals WHERE t > r.total]) + 1 AS rank, r.a AS a, r.b AS b,
       r.agreements AS agreements, r.dialogues AS dialogues, r.visits AS visits,
       r.exercises AS exercises, r.exchanges_industrial AS exchanges_industrial,
       r.operations AS operations, r.total AS total, r.breadth AS breadth,
       r.a_id AS a_id, r.b_id AS b_id
ORDER BY i
