"""tiegraph core: the schema, settings, the local Neo4j server and the analysis API."""

import time as _time

#: When this package was first imported (graph.index uses it to avoid caching an index built
#: by code older than the files on disk).
IMPORTED_AT = _time.time()
