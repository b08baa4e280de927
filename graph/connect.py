"""Connecting to Neo4j: the driver, imported light, and its errors in words a user can act on.

Kept apart from the loader so that the commands that only read from Neo4j (``densest
--source neo4j``, the query library) import neither the loader nor the pydantic models.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tiegraph.graph.errors import ConfigError, ServerError
from tiegraph.graph.settings import Settings

#: Optional libraries the driver imports at start-up when they are installed, only for
#: ``Result.to_df`` and for sending their values as parameters, which tiegraph never does
#: (its parameters are plain Python values): pandas (with pyarrow) costs about a second of
#: every command's start on a busy machine.
_DRIVER_OPTIONAL = ("pandas", "pyarrow")


def import_driver(*, numpy: bool = True) -> Any:
    """Return the ``neo4j`` package, imported (the first time) with pandas and pyarrow hidden
    from it unless they are imported already, and numpy too when ``numpy`` is False (a
    command whose parameters never hold a numpy value: 0.1-0.3 s more). The driver then
    starts without their support; they stay importable by everything else."""
    if "neo4j" in sys.modules:
        return sys.modules["neo4j"]
    names = _DRIVER_OPTIONAL if numpy else ("numpy", *_DRIVER_OPTIONAL)
    hidden = [name for name in names if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        import neo4j
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
    return neo4j


@contextmanager
def open_driver(settings: Settings, *, writes: bool = False) -> Iterator[Any]:
    """Yield a connected official Neo4j driver; raise :class:`ServerError` with a clear message
    (never the password) when the server is unreachable or refuses the credentials. ``writes``
    says the command came to write (its errors then say that nothing was written)."""
    neo4j = import_driver()
    GraphDatabase = neo4j.GraphDatabase
    ConfigurationError = neo4j.exceptions.ConfigurationError

    try:
        driver = GraphDatabase.driver(settings.uri, auth=settings.auth())
        problem = None
    except (ConfigurationError, ValueError) as exc:
        # The driver's message quotes the URI, or part of it, which may hold a password.
        problem = ("give the user and password in NEO4J_USERNAME and NEO4J_PASSWORD, not in "
                   "the URI") if "@" in settings.uri else str(exc).replace(
                       settings.uri, redact_uri(settings.uri))
    if problem is not None:  # raised here, the driver's exception is not even its __context__
        raise ConfigError(f"invalid NEO4J_URI {redact_uri(settings.uri)!r}: {problem}")
    try:
        with translate_errors(settings, writes=writes):
            driver.verify_connectivity()
        yield driver
    finally:
        driver.close()


UNCONFIRMED_COMMIT = (
    "Neo4j did not confirm the commit of the load (the server stopped or the connection was "
    "lost while committing): the database holds either the previous graph or the new one, "
    "complete, since a load is one transaction. Run the load again: it writes only what "
    "still differs."
)


def redact_uri(uri: str) -> str:
    """Return ``uri`` with any ``user:password@`` part replaced by ``***@`` and every query
    parameter's value (``?password=...``, ``&token=...``) by ``***``."""
    scheme, sep, rest = uri.rpartition("://") if "://" in uri else ("", "", uri)
    if "@" in rest:
        rest = "***@" + rest.rpartition("@")[2]  # a password may hold '/', '?', '@'...
    base, query, params = rest.partition("?")
    if query:
        rest = base + "?" + "&".join(
            f"{p.partition('=')[0]}=***" for p in re.split("[&;]", params.split("#")[0]))
    return f"{scheme}{sep}{rest}"


@contextmanager
def translate_errors(settings: Settings, *, writes: bool = False) -> Iterator[None]:
    """Turn the driver's exceptions into :class:`ServerError` messages a user can act on;
    with ``writes`` (a command that writes) they add that nothing was written."""
    ne = import_driver().exceptions

    nothing = " Nothing was written." if writes else ""
    where = redact_uri(settings.uri)
    try:
        yield
    except ne.AuthError:
        raise ServerError(
            f"Neo4j at {where} refused the credentials of user {settings.username!r}: "
            "check NEO4J_USERNAME and NEO4J_PASSWORD (environment, .env or --password)"
        ) from None
    except ne.IncompleteCommit:
        raise ServerError(UNCONFIRMED_COMMIT) from None
    except (ne.ServiceUnavailable, ne.SessionExpired, OSError) as exc:
        raise ServerError(
            f"cannot reach Neo4j at {where} ({type(exc).__name__}): is the server "
            "running? See `tiegraph neo4j status`; start one with `tiegraph neo4j start`, or "
            f"point NEO4J_URI (or --uri) at yours.{nothing}"
        ) from None
    except ne.Neo4jError as exc:
        if exc.code == "Neo.ClientError.Database.DatabaseNotFound":
            raise ServerError(
                f"database {settings.database!r} does not exist on {where}: create it or "
                "set NEO4J_DATABASE (Community Edition has only 'neo4j')"
            ) from None
        raise ServerError(f"Neo4j error {exc.code}: {exc.message}.{nothing}") from None
