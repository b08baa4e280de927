"""LOAD CSV never reaches the network (issue 16 item 5).

``tiegraph query`` refuses a ``LOAD CSV`` from anything but a ``file:///`` string literal before
the server is asked (exit 2, like the runner's other refusals), and the server that ``tiegraph
neo4j start`` configures refuses remote addresses by itself (``internal.dbms.cypher_ip_blocklist``
in ``graph.localserver.NO_OUTGOING_SETTINGS``). A small HTTP server in the test counts the
requests that reach it: none may. ``file:///`` URLs (the server's import folder) still work.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from neo4j.exceptions import ClientError

from tiegraph.graph.cli import main
from tiegraph.queries.library import QueryError, check_load_csv

ACCEPTED = [
    "LOAD CSV FROM 'file:///a.csv' AS row RETURN row",
    'load csv with headers from "FILE:///sub/b.csv" as r return r',
    "CALL { LOAD CSV FROM 'file:///a.csv' AS r RETURN r } RETURN r",
    "RETURN 'LOAD CSV FROM \"http://x\" AS r' AS text  // LOAD CSV FROM 'http://y' AS q",
    "MATCH (n) RETURN n.name AS csv, 'load' AS load",
]
REFUSED = {
    "http": "LOAD CSV FROM 'http://{host}/a.csv' AS row RETURN row",
    "https": "LOAD CSV WITH HEADERS FROM 'https://{host}/a.csv' AS row RETURN row",
    "ftp": "LOAD CSV FROM 'ftp://{host}/a.csv' AS row RETURN row",
    "comment-between": "LOAD /* x */ CSV FROM \"http://{host}/a.csv\" AS row RETURN row",
    "file-with-host": "LOAD CSV FROM 'file://{host}/a.csv' AS row RETURN row",
    "parameter": "LOAD CSV FROM $url AS row RETURN row",
    "concatenation": "LOAD CSV FROM 'file:///' + 'x' AS row RETURN row",
    "variable": "WITH 'http://{host}/a.csv' AS u LOAD CSV FROM u AS row RETURN row",
    "second-of-two": ("CALL {{ LOAD CSV FROM 'file:///a.csv' AS r RETURN r }} "
                      "LOAD CSV FROM 'http://{host}/a.csv' AS row RETURN row"),
}


@pytest.mark.parametrize("text", ACCEPTED)
def test_file_urls_and_lookalikes_are_accepted(text: str) -> None:
    check_load_csv(text)


@pytest.mark.parametrize("name", list(REFUSED))
def test_remote_or_computed_urls_are_refused(name: str) -> None:
    with pytest.raises(QueryError, match="LOAD CSV"):
        check_load_csv(REFUSED[name].format(host="127.0.0.1:9"))


class Counter(BaseHTTPRequestHandler):
    """Answers every GET with a one-line CSV and counts it."""

    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        Counter.hits.append(self.path)
        body = b"a,b\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def web() -> Iterator[str]:
    """A local HTTP server; yields its ``host:port``. ``Counter.hits`` lists its requests."""
    Counter.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def cli_env(settings: Any) -> dict[str, str]:
    return {"NEO4J_URI": settings.uri, "NEO4J_USERNAME": settings.username,
            "NEO4J_PASSWORD": settings.password.get_secret_value(),
            "NEO4J_DATABASE": settings.database}


def test_the_control_reaches_the_web_server(web: str) -> None:
    """The counting server works (else "no request" would prove nothing)."""
    import urllib.request

    with urllib.request.urlopen(f"http://{web}/probe.csv", timeout=10) as answer:
        assert answer.read() == b"a,b\n"
    assert Counter.hits == ["/probe.csv"]


@pytest.mark.parametrize("write", [False, True], ids=["read", "write"])
@pytest.mark.parametrize("name", ["http", "https", "ftp", "variable"])
def test_query_runner_refuses_remote_load_csv(name: str, write: bool, web: str,
                                              neo4j_settings: Any, tmp_path: Path) -> None:
    query = tmp_path / "fetch.cypher"
    query.write_text(REFUSED[name].format(host=web) + "\n", encoding="utf-8")
    args = ["query", "--file", str(query), *(["--write"] if write else [])]
    result = CliRunner().invoke(main, args, env=cli_env(neo4j_settings))
    assert result.exit_code == QueryError.exit_code == 2, result.output
    assert result.stderr.startswith("error: the query's LOAD CSV reads from ")
    assert "never from the network" in result.stderr and "Traceback" not in result.output
    assert Counter.hits == []


def _import_folder(driver: Any) -> Path | None:
    """Return the server's import folder, if the server says (SHOW SETTINGS) and it is here."""
    with driver.session(database="system") as session:
        values = session.run("SHOW SETTINGS YIELD name, value "
                             "WHERE name = 'server.directories.import' RETURN value").value()
    folder = Path(values[0]) if values and values[0] else None
    return folder if folder is not None and folder.is_dir() else None


@pytest.fixture
def own_config(neo4j_settings: Any) -> None:
    """Skip unless the session's server is the one the tests started (tiegraph's config)."""
    if os.environ.get("NEO4J_URI"):
        pytest.skip("NEO4J_URI names a server whose configuration is not tiegraph's")


@pytest.mark.parametrize("scheme", ["http", "https", "ftp"])
def test_the_configured_server_refuses_remote_urls_itself(scheme: str, web: str, own_config: Any,
                                                          neo4j_driver: Any,
                                                          neo4j_settings: Any) -> None:
    """The driver sends the query past the runner's check: the server refuses the address."""
    text = f"LOAD CSV FROM '{scheme}://{web}/a.csv' AS row RETURN row"
    with (neo4j_driver.session(database=neo4j_settings.database) as session,
          pytest.raises(ClientError) as info):
        session.run(text).consume()
    assert info.value.code == "Neo.ClientError.Statement.ExternalResourceFailed", info.value
    assert "is blocked via the configuration property internal.dbms.cypher_ip_blocklist" in (
        info.value.message or ""), info.value
    assert Counter.hits == []


def test_file_urls_in_the_import_folder_still_load(own_config: Any, neo4j_driver: Any,
                                                   neo4j_settings: Any, tmp_path: Path) -> None:
    """The restriction leaves LOAD CSV from the import folder working, through the runner."""
    folder = _import_folder(neo4j_driver)
    if folder is None:
        pytest.skip("the server's import folder is not on this machine")
    csv = folder / "tiegraph-load-csv-test.csv"
    csv.write_text("id,name\n1,Japan\n2,United Kingdom\n", encoding="utf-8")
    query = tmp_path / "local.cypher"
    query.write_text("LOAD CSV WITH HEADERS FROM 'file:///tiegraph-load-csv-test.csv' AS row\n"
                     "RETURN row.id AS id, row.name AS name ORDER BY id\n", encoding="utf-8")
    try:
        result = CliRunner().invoke(main, ["query", "--file", str(query), "--json"],
                                    env=cli_env(neo4j_settings))
    finally:
        csv.unlink()
    assert result.exit_code == 0, result.output
    assert '"United Kingdom"' in result.stdout
