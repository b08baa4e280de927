"""Shared fixtures: a real Neo4j server for the tests marked ``neo4j``.

With NEO4J_URI set, the tests use that server (NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE
from the environment or .env). Otherwise the session starts a throwaway local server
(graph.localserver) in a temporary home, on free ports, with a random password, and stops it at
the end. When no server can be had, the tests are skipped, or fail when CI=true.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

import pytest
from neo4j import Driver, GraphDatabase

from tiegraph.graph import localserver
from tiegraph.graph.errors import TiegraphError
from tiegraph.graph.settings import (
    DEFAULT_DATABASE,
    DEFAULT_USERNAME,
    Secret,
    Settings,
    load_settings,
)

NEO4J_FIXTURES = {"neo4j_settings", "neo4j_driver", "empty_neo4j", "neo4j_jars", "neo4j_http_uri"}
#: The HTTP URI of the local server the session started (set by ``neo4j_settings``).
_SESSION_HTTP_URI: list[str] = []


def neo4j_unavailable(reason: str) -> NoReturn:
    """Fail the test when CI=true (CI must have a server), else skip it."""
    message = f"no Neo4j server for this test: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def two_free_ports() -> tuple[int, int]:
    """Return two different free ports on 127.0.0.1 (for Bolt and HTTP)."""
    first = localserver.free_port()
    second = localserver.free_port()
    while second == first:
        second = localserver.free_port()
    return first, second


@pytest.fixture(scope="session")
def free_ports() -> Callable[[], tuple[int, int]]:
    """Return a function that returns two different free ports (Bolt, HTTP)."""
    return two_free_ports


def pytest_configure(config: pytest.Config) -> None:
    """Servers the tests start stop when the test process ends, even if it is killed."""
    os.environ.setdefault("TIEGRAPH_NEO4J_DIE_WITH_PARENT", "1")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses a Neo4j fixture with ``neo4j`` (select with -m)."""
    for item in items:
        if NEO4J_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.neo4j)


@pytest.fixture(scope="session")
def neo4j_jars() -> Path:
    """Return the folder of the local server's jars (Java and Maven checked), else skip/fail."""
    try:
        localserver.find_java()
        return localserver.ensure_jars()
    except TiegraphError as exc:
        neo4j_unavailable(str(exc))


@pytest.fixture(scope="session")
def neo4j_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Yield the Settings of a Neo4j server for the test session (see the module docstring)."""
    if os.environ.get("NEO4J_URI"):
        settings = load_settings()
        if settings.password is None:
            neo4j_unavailable("NEO4J_URI is set but NEO4J_PASSWORD is not")
        yield settings
        return
    home = tmp_path_factory.mktemp("neo4j-session") / "home"
    # Begins with "-" on purpose (token_urlsafe does in one case of 32): neo4j-admin must not
    # take the password for an option (graph.localserver._set_initial_password).
    password = "-" + secrets.token_urlsafe(18)
    bolt_port, http_port = two_free_ports()
    try:
        info = localserver.start(home, bolt_port=bolt_port, http_port=http_port,
                                 password=password, timeout=300)  # for a busy machine
    except TiegraphError as exc:
        neo4j_unavailable(f"the local server did not start: {exc}")
    _SESSION_HTTP_URI[:] = [info.http_uri]
    try:
        yield Settings(uri=info.bolt_uri, username=DEFAULT_USERNAME,
                       password=Secret(password), database=DEFAULT_DATABASE)
    finally:
        _SESSION_HTTP_URI.clear()
        localserver.stop(home)


@pytest.fixture(scope="session")
def neo4j_http_uri(neo4j_settings: Settings) -> str:
    """Return the HTTP URI (Browser, HTTP API) of the session's server: the local server's;
    with NEO4J_URI set, NEO4J_HTTP_URI, else port 7474 on the Bolt URI's host."""
    if _SESSION_HTTP_URI:
        return _SESSION_HTTP_URI[0]
    if uri := os.environ.get("NEO4J_HTTP_URI"):
        return uri.rstrip("/")
    return f"http://{urlsplit(neo4j_settings.uri).hostname}:7474"


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_settings: Settings) -> Iterator[Driver]:
    """Yield an official driver connected to the session's server."""
    driver = GraphDatabase.driver(neo4j_settings.uri, auth=neo4j_settings.auth())
    try:
        driver.verify_connectivity()
    except Exception as exc:  # any reason at all: the tests cannot run
        driver.close()
        neo4j_unavailable(f"cannot connect to {neo4j_settings.uri}: {exc}")
    yield driver
    driver.close()


def wipe_database(driver: Driver, database: str) -> None:
    """Delete every node, relationship, constraint and index (but the built-in lookups)."""
    with driver.session(database=database) as session:
        session.run("MATCH (n) DETACH DELETE n").consume()
        for name in session.run("SHOW CONSTRAINTS YIELD name").value("name"):
            session.run(f"DROP CONSTRAINT {_quoted(name)} IF EXISTS").consume()
        indexes = session.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' "
                              "RETURN name").value("name")
        for name in indexes:
            session.run(f"DROP INDEX {_quoted(name)} IF EXISTS").consume()


def _quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


@pytest.fixture
def empty_neo4j(neo4j_driver: Driver, neo4j_settings: Settings) -> Iterator[Driver]:
    """Yield the driver on an empty database (wiped before and after the test)."""
    wipe_database(neo4j_driver, neo4j_settings.database)
    yield neo4j_driver
    wipe_database(neo4j_driver, neo4j_settings.database)
