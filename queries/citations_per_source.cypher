// name: citations_per_source
// question: How much of the graph does each source document support (coverage)?
// params: none
// returns: one row per source: source (id), title, author, published, facts (facts citing it),
//   claims (disputed claims citing it), citations (CITES relationships to it), by_type (facts
//   per fact label); most facts first.
MATCH (s:Source)
OPTIONAL MATCH (x)-[c:CITES]->(s)
WITH s, count(c) AS citations,
     count(DISTINCT CASE WHEN x:Fact THEN x END) AS facts,
     count(DISTINCT CASE WHEN x:Claim THEN x END) AS claims,
     collect(DISTINCT CASE WHEN x:Fact THEN x END) AS fact_nodes
UNWIND CASE WHEN size(fact_nodes) = 0 THEN [null] ELSE fact_nodes END AS f
WITH s, citations, facts, claims,
     [l IN labels(f) WHERE l <> 'Fact'][0] AS label
WITH s, citations, facts, claims, label, count(label) AS n
ORDER BY n DESC, label
WITH s, citations, facts, claims,
     [p IN collect([label, n]) WHERE p[0] IS NOT NULL | p[0] + ': ' + toString(p[1])] AS by_type
RETURN s.id AS source, s.title AS title, s.author AS author, s.date AS published, facts,
       claims, citations, by_type
ORDER BY facts DESC, source
