"""``tiegraph neo4j import``: initial loads with neo4j-admin's offline importer.

The importer stops and restarts the server, so these tests run their own local server (in a
temporary home, on free ports) rather than the session's.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from neo4j import Driver, GraphDatabase

from tiegraph.graph import localserver
from tiegraph.graph.cli import main
from tiegraph.graph.errors import ConfigError, DataError, LocalServerError, RefusedError
from tiegraph.graph.projection import GraphSpec, Node, project
from tiegraph.graph.settings import DEFAULT_DATABASE, DEFAULT_USERNAME, Secret, Settings
from tiegraph.loaders import admin_import
from tiegraph.loaders.admin_import import offline_import, write_import_files
from tiegraph.loaders.bulk import bulk_spec
from tiegraph.loaders.dataset import load_dataset
from tiegraph.loaders.mme import combine, load_mme
from tiegraph.loaders.neo4j_loader import load_graph, read_graph_state
from tiegraph.loaders.synthetic import generate

MME = Path(__file__).parent / "fixtures" / "datasets" / "mme_v7.csv"


@pytest.fixture(scope="module")
def server(neo4j_jars, free_ports, tmp_path_factory) -> Iterator[tuple[Path, Settings]]:
    home = tmp_path_factory.mktemp("import-server") / "home"
    password = secrets.token_urlsafe(18)
    bolt, http = free_ports()
    info = localserver.start(home, bolt_port=bolt, http_port=http, password=password,
                             timeout=300)
    settings = Settings(uri=info.bolt_uri, username=DEFAULT_USERNAME, password=Secret(password),
                        database=DEFAULT_DATABASE)
    yield home, settings
    if localserver.status(home).running:
        localserver.stop(home)


def _driver(settings: Settings) -> Driver:
    return GraphDatabase.driver(settings.uri, auth=settings.auth())


def _state(settings: Settings) -> GraphSpec:
    with _driver(settings) as driver, driver.session(database=settings.database) as session:
        return session.execute_read(read_graph_state)


def _empty(settings: Settings) -> None:
    with _driver(settings) as driver, driver.session(database=settings.database) as session:
        session.run("MATCH (n) DETACH DELETE n").consume()


def _texts(settings: Settings) -> list[str]:
    with _driver(settings) as driver:
        rows = driver.execute_query("MATCH (n) RETURN n.text AS t",
                                    database_=settings.database).records
    return [r["t"] for r in rows]


def _assert_same(got: GraphSpec, want: GraphSpec) -> None:
    assert set(got.nodes) == set(want.nodes)
    assert set(got.rels) == set(want.rels)
    assert [k for k in want.nodes if got.nodes[k] != want.nodes[k]] == []
    assert [k for k in want.rels if got.rels[k] != want.rels[k]] == []


def test_bundled_data_imports_to_the_same_graph_as_load(server):
    home, settings = server
    _empty(settings)
    result = offline_import(None, home, settings)
    want = project(load_dataset())
    assert (result.facts, result.nodes, result.relationships) == (
        len(load_dataset().facts), len(want.nodes), len(want.rels))
    _assert_same(_state(settings), want)
    with _driver(settings) as driver:
        # the online loader finds nothing to change, and the schema is in place
        again = load_graph(driver, want, settings.database)
        assert again.diff.empty
        with driver.session(database=settings.database) as session:
            names = {r["name"] for r in session.run("SHOW CONSTRAINTS YIELD name")}
            info = session.run("MATCH (m:LoadInfo {id: 'graph'}) RETURN m.nodes AS n").single()
    assert {"actor_id", "fact_id", "source_id", "claim_id"} <= names
    assert info["n"] == len(want.nodes)


def test_bulk_folder_imports_to_the_same_graph_as_bulk_load(server, tmp_path):
    home, settings = server
    _empty(settings)
    generate(tmp_path / "syn", 400, seed=5, yaml_files=False)
    bulk, texts = tmp_path / "syn" / "bulk", tmp_path / "syn" / "texts"
    # with the MME fixture: its exercises and the states they add are imported too
    result = offline_import(bulk, home, settings, sources_dir=texts, chunk_size=150, mme=MME)
    assert result.facts == 400 + 4 and result.quotes_checked
    want = bulk_spec(bulk, texts, mme=MME)
    assert {"mme1", "dorazio-galambos-mme-v7"} <= set(want.nodes)
    _assert_same(_state(settings), want)


def test_a_database_that_holds_anything_is_refused_untouched(server, tmp_path):
    home, settings = server
    _empty(settings)
    with _driver(settings) as driver:
        driver.execute_query("CREATE (:Note {text: 'keep me'})", database_=settings.database)
    pid = localserver.status(home).pid
    with pytest.raises(RefusedError, match="not empty"):
        offline_import(None, home, settings)
    assert localserver.status(home).pid == pid  # not restarted
    assert _texts(settings) == ["keep me"]
    _empty(settings)


def test_invalid_input_touches_nothing(server, tmp_path):
    home, settings = server
    _empty(settings)
    generate(tmp_path / "syn", 50, seed=1, yaml_files=False)
    facts = tmp_path / "syn" / "bulk" / "facts.csv"
    lines = facts.read_text().splitlines()
    lines[3] = lines[3].replace(",", ",,", 1)  # one cell too many
    facts.write_text("\n".join(lines) + "\n")
    pid = localserver.status(home).pid
    with pytest.raises(DataError, match="facts.csv:4"):
        offline_import(tmp_path / "syn" / "bulk", home, settings,
                       sources_dir=tmp_path / "syn" / "texts")
    assert localserver.status(home).pid == pid
    assert not list((home / "import").glob("tiegraph-import-*"))


def test_a_failed_import_puts_the_database_back(server, tmp_path):
    """The importer fails (a relationship to a node that is not in the input): the database
    folders moved aside come back, the server runs again and holds what it held."""
    home, settings = server
    _empty(settings)
    with _driver(settings) as driver:
        driver.execute_query("CREATE (:Note {text: 'before'})", database_=settings.database)
    spec = GraphSpec()
    spec.nodes["a"] = Node("a", ("Actor", "State"), {"id": "a", "name": "A"})
    bad = GraphSpec()
    bad.nodes["f"] = Node("f", ("Fact", "Visit"), {"id": "f"})
    from tiegraph.graph.projection import Rel
    bad.rels["k"] = Rel("k", "VISITED", "a", "nowhere", {"key": "k"})
    args, _, _ = write_import_files([spec, bad], tmp_path / "csv", {"nowhere": "Actor"})
    with pytest.raises(LocalServerError, match="import failed.*as it was"):
        admin_import._import(home, settings.database, args, settings,
                             admin_import.ImportResult(), "512m")
    assert localserver.status(home).running
    assert _texts(settings) == ["before"]
    _empty(settings)


def test_settings_for_another_server_are_refused(server, free_ports):
    home, settings = server
    other = Settings(uri=f"bolt://127.0.0.1:{free_ports()[0]}", username=settings.username,
                     password=settings.password, database=settings.database)
    with pytest.raises(ConfigError, match="listens on 127.0.0.1"):
        offline_import(None, home, other)


def test_no_server_running_is_a_clear_error(tmp_path):
    settings = Settings(uri="bolt://127.0.0.1:7687", username="neo4j", password=Secret("x" * 9),
                        database="neo4j")
    with pytest.raises(LocalServerError, match="no local Neo4j server is running"):
        offline_import(None, tmp_path / "nohome", settings)


def test_values_are_written_as_the_importer_reads_them():
    assert admin_import._field("") == '""'  # an empty string stays a string, not null
    assert admin_import._field(None) == ""
    assert admin_import._field('say "hi"') == '"say ""hi"""'
    assert admin_import._field(True) == "true"
    assert admin_import._field(3) == "3"
    assert admin_import._field(["a", "b"]) == '"a\x1fb"'
    with pytest.raises(ValueError, match="array delimiter"):
        admin_import._field(["a\x1fb"])
    with pytest.raises(ValueError, match="mixed"):
        admin_import._csv_type([1, "a"], "x")


def test_cli_reports_what_it_imported(server, monkeypatch):
    home, settings = server
    _empty(settings)
    monkeypatch.setenv("NEO4J_URI", settings.uri)
    monkeypatch.setenv("NEO4J_PASSWORD", settings.password.get_secret_value())
    monkeypatch.setenv("TIEGRAPH_MME", "")
    result = CliRunner().invoke(main, ["neo4j", "import", "--home", str(home),
                                       "--with-mme", str(MME)])
    assert result.exit_code == 0, result.output
    combined = combine(load_dataset(), load_mme(MME, load_dataset().entities))
    assert f"imported {len(combined.facts)} facts" in result.output
    _assert_same(_state(settings), project(combined))
    assert settings.password.get_secret_value() not in result.output
    again = CliRunner().invoke(main, ["neo4j", "import", "--home", str(home)])
    assert again.exit_code == RefusedError.exit_code and "not empty" in again.output
    _empty(settings)
