"""Loaders: read and validate the fact files, and write them into Neo4j."""

import time as _time

#: When this package was first imported (graph.index uses it to avoid caching an index built
#: by code older than the files on disk).
IMPORTED_AT = _time.time()
