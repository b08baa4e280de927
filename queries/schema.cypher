// name: schema
// question: Which labels and relationship types does the graph use, and how do they connect?
//   (a readable db.schema.visualization(): drawn as a graph in the Neo4j Browser)
// params: none
// returns: one row: nodes (one virtual node per label) and relationships (one virtual arrow
//   per relationship type and pair of labels). Each arrow is drawn once: PARTICIPATED_IN as
//   Actor -> Fact, CITES from Fact and Claim to Source, HAS_CLAIM as Fact -> Claim (the shared
//   labels stand for every actor and fact label); every other type between the specific labels
//   it joins (State -SIGNED-> Agreement, Unit -BELONGS_TO-> Service, ...), never repeated for
//   the shared labels, and only where such a relationship exists. The bookkeeping label
//   LoadInfo is left out.
CALL db.schema.visualization() YIELD nodes, relationships
WITH [n IN nodes WHERE labels(n)[0] <> 'LoadInfo'] AS nodes, relationships
// a virtual relationship's ends are found among the virtual nodes (labels(startNode(r)) is empty)
WITH nodes, [r IN relationships |
             {r: r, t: type(r),
              a: head([n IN nodes WHERE n = startNode(r) | labels(n)[0]]),
              b: head([n IN nodes WHERE n = endNode(r) | labels(n)[0]])}] AS arrows
RETURN nodes,
       [x IN arrows
        WHERE x.a IS NOT NULL AND x.b IS NOT NULL
          // the procedure pairs labels from counts (an Agency has BELONGS_TO, a Service is
          // the end of one: it draws Agency -> Service); keep the pairs that really occur
          AND EXISTS { MATCH (:$(x.a))-[:$(x.t)]->(:$(x.b)) }
          AND CASE x.t
                WHEN 'PARTICIPATED_IN' THEN x.a = 'Actor' AND x.b = 'Fact'
                WHEN 'CITES' THEN x.a IN ['Fact', 'Claim'] AND x.b = 'Source'
                WHEN 'HAS_CLAIM' THEN x.a = 'Fact' AND x.b = 'Claim'
                ELSE NOT x.a IN ['Actor', 'Fact'] AND NOT x.b IN ['Actor', 'Fact'] END
        | x.r] AS relationships
