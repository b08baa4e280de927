"""Loaders: read and validate the fact files, and write them into Neo4j."""
