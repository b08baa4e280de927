// name: fact_evidence
// question: What documents support one fact (or tie), where in them, and in what words; and
//   what do the sources say about its disputed fields?
// params:
//   fact: the fact's id or exact name, required
// :param fact => 'gbr-jpn-reciprocal-access';
// returns: one row per citation: about ('fact', or 'claim: field = value' with '(preferred)'
//   for the fact's own value), source (id), title, author, published (the source's date),
//   locator, quote; the fact's own citations first, in order.
MATCH (f:Fact)
WHERE $fact IN [f.id, f.name]
CALL (f) {
  MATCH (f)-[c:CITES]->(s:Source)
  RETURN 0 AS part, 'fact' AS about, s, c, '' AS claim_id
  UNION ALL
  MATCH (f)-[:HAS_CLAIM]->(cl:Claim)-[c:CITES]->(s:Source)
  RETURN 1 AS part,
         'claim: ' + cl.field + ' = ' + cl.value
           + CASE WHEN cl.preferred THEN ' (preferred)' ELSE '' END AS about,
         s, c, cl.id AS claim_id
}
RETURN f.id AS fact, about, s.id AS source, s.title AS title, s.author AS author,
       s.date AS published, c.locator AS locator, c.quote AS quote
ORDER BY part, claim_id, c.n
