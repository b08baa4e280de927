"""tiegraph core: the schema, settings, the local Neo4j server and the analysis API."""
