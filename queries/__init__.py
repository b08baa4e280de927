"""The Cypher query library: one named query per .cypher file, and its runner."""
