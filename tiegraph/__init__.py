"""tiegraph: a cited graph database of bilateral security ties (Neo4j and networkx).

The installed package is ``tiegraph``; its parts are ``tiegraph.graph`` (schema, settings, the
local Neo4j server, analysis and the CLI), ``tiegraph.loaders`` (reading, validating and
writing the facts) and ``tiegraph.queries`` (the Cypher library). In the repository these are
the top-level folders ``graph/``, ``loaders/`` and ``queries/``; ``tiegraph/`` links to them so
that a checkout, an editable install and the wheel all import them by the same names.
"""

__version__ = "0.1.0"
