// name: fact_neighbourhood
// question: What surrounds one fact, as a graph: its actors (and the services and states of
//   named units), its sources, its disputed claims and their sources, its dialogue series or
//   sessions?
// params:
//   fact: the fact's id or exact name, required
// :param fact => 'gbr-jpn-reciprocal-access';
// returns: one column, path: every path from the fact to a neighbour (one step), from its
//   claims to their sources, and from its participating units and services up to their
//   state. Run it in the Neo4j Browser to see the graph view.
MATCH (f:Fact)
WHERE $fact IN [f.id, f.name]
CALL (f) {
  MATCH path = (f)-[]-()
  RETURN path
  UNION
  MATCH path = (f)-[:HAS_CLAIM]->(:Claim)-[:CITES]->(:Source)
  RETURN path
  UNION
  MATCH path = (f)<-[:PARTICIPATED_IN]-(:Service|Agency|Unit)-[:BELONGS_TO*1..2]->(:State)
  RETURN path
}
RETURN path
