"""The Neo4j loader against a real server: load, reload, modify-and-reload, round trip,
atomicity under failure (an exception, a killed process), dry run, and clear errors."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import networkx as nx
import pytest
import yaml
from click.testing import CliRunner

from tiegraph.graph.cli import main
from tiegraph.graph.projection import project, to_networkx
from tiegraph.loaders.dataset import load_dataset
from tiegraph.loaders.neo4j_loader import (
    database_fingerprint,
    load_graph,
    read_graph_state,
    read_networkx,
)

pytestmark = pytest.mark.neo4j

DATA = Path(__file__).resolve().parents[1] / "data"


def wipe(driver, database):
    with driver.session(database=database) as s:
        s.run("MATCH (n) DETACH DELETE n").consume()


@pytest.fixture(scope="module")
def spec():
    return project(load_dataset(DATA, check_quotes=False))


@pytest.fixture
def db(neo4j_driver, neo4j_settings):
    wipe(neo4j_driver, neo4j_settings.database)
    yield neo4j_driver, neo4j_settings.database
    wipe(neo4j_driver, neo4j_settings.database)


def copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def edit_fact(data_dir: Path, fact_id: str, change) -> Path:
    """Apply ``change(record_list, index)`` to the file holding ``fact_id``; return the file."""
    for path in sorted((data_dir / "facts").glob("*.yaml")):
        records = yaml.safe_load(path.read_text())
        for i, rec in enumerate(records):
            if rec["id"] == fact_id:
                change(records, i)
                path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False))
                return path
    raise AssertionError(f"{fact_id} not found")


def graphs_equal(g1: nx.MultiDiGraph, g2: nx.MultiDiGraph) -> bool:
    return dict(g1.nodes(data=True)) == dict(g2.nodes(data=True)) and sorted(
        (u, v, k, sorted(d.items())) for u, v, k, d in g1.edges(keys=True, data=True)
    ) == sorted((u, v, k, sorted(d.items())) for u, v, k, d in g2.edges(keys=True, data=True))


def test_load_then_round_trip_equals_offline_graph(db, spec):
    driver, database = db
    result = load_graph(driver, spec, database)
    created_nodes = sum(c["created"] for n, c in result.diff.summary.items() if n[0] != ":")
    created_rels = sum(c["created"] for n, c in result.diff.summary.items() if n[0] == ":")
    assert (created_nodes, created_rels) == (len(spec.nodes), len(spec.rels))
    offline = to_networkx(spec)
    online = read_networkx(driver, database)
    assert online.number_of_nodes() == offline.number_of_nodes()
    assert online.number_of_edges() == offline.number_of_edges()
    assert graphs_equal(online, offline)


def test_reload_changes_nothing(db, spec):
    driver, database = db
    load_graph(driver, spec, database)
    before = database_fingerprint(driver, database)
    again = load_graph(driver, spec, database)
    assert again.diff.empty
    # Only the LoadInfo bookkeeping node is rewritten (its loaded_at); the data is identical.
    with driver.session(database=database) as s:
        state = s.execute_read(read_graph_state)
    assert state.nodes == spec.nodes and state.rels == spec.rels
    assert before != "" and again.data_hash == load_graph(driver, spec, database).data_hash


def test_modify_and_reload_applies_exactly_the_difference(db, spec, tmp_path):
    driver, database = db
    load_graph(driver, spec, database)
    data = copy_data(tmp_path)
    visit = "visit-gbr-mod-to-jpn-1973-02"
    edit_fact(data, visit, lambda recs, i: recs[i].update(date="1973"))
    victim = next(f for f, n in spec.nodes.items() if "Exercise" in n.labels)
    edit_fact(data, victim, lambda recs, i: recs.pop(i))
    new_spec = project(load_dataset(data, check_quotes=False))
    result = load_graph(driver, new_spec, database)
    d = result.diff
    assert d.create_nodes == [] and d.create_rels == []
    # The visit's node and its VISITED edge carry the date; nothing else depends on it.
    assert d.update_nodes == [visit]
    assert d.update_rels == [r.key for r in spec.rels.values()
                             if r.type == "VISITED" and r.props.get("fact") == visit]
    assert d.delete_nodes == [victim]
    assert sorted(d.delete_rels) == sorted(
        k for k, r in spec.rels.items()
        if victim in (r.start, r.end) or r.props.get("fact") == victim)
    with driver.session(database=database) as s:
        state = s.execute_read(read_graph_state)
    assert state.nodes == new_spec.nodes and state.rels == new_spec.rels
    assert state.nodes[visit].props["date"] == "1973"
    assert state.nodes[visit].props["precision"] == "year"


def test_failure_before_commit_leaves_previous_graph(db, spec, tmp_path):
    driver, database = db
    load_graph(driver, spec, database)
    before = database_fingerprint(driver, database)
    data = copy_data(tmp_path)
    edit_fact(data, "visit-gbr-mod-to-jpn-1973-02", lambda recs, i: recs.pop(i))
    new_spec = project(load_dataset(data, check_quotes=False))

    class Boom(Exception):
        pass

    def boom():
        raise Boom("interrupted after every write, before the commit")

    with pytest.raises(Boom):
        load_graph(driver, new_spec, database, before_commit=boom)
    assert database_fingerprint(driver, database) == before


KILLED_LOADER = textwrap.dedent("""
    import sys, time
    from tiegraph.graph.projection import project
    from tiegraph.graph.settings import load_settings
    from tiegraph.loaders.dataset import load_dataset
    from tiegraph.loaders.neo4j_loader import load_graph, open_driver

    settings = load_settings()
    spec = project(load_dataset(sys.argv[1], check_quotes=False))

    def pause():
        print("ready", flush=True)
        time.sleep(300)

    with open_driver(settings) as driver:
        load_graph(driver, spec, settings.database, before_commit=pause)
""")


def test_loader_killed_midway_leaves_previous_graph(db, spec, neo4j_settings, tmp_path):
    driver, database = db
    load_graph(driver, spec, database)
    before = database_fingerprint(driver, database)
    data = copy_data(tmp_path)
    edit_fact(data, "visit-gbr-mod-to-jpn-1973-02", lambda recs, i: recs.pop(i))
    env = {**os.environ, "NEO4J_URI": neo4j_settings.uri,
           "NEO4J_USERNAME": neo4j_settings.username,
           "NEO4J_PASSWORD": neo4j_settings.password.get_secret_value(),
           "NEO4J_DATABASE": database}
    proc = subprocess.Popen([sys.executable, "-c", KILLED_LOADER, str(data)], env=env,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"  # every write done, not committed
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert database_fingerprint(driver, database) == before
    # and the next load succeeds and applies the change
    new_spec = project(load_dataset(data, check_quotes=False))
    result = load_graph(driver, new_spec, database)
    assert result.diff.delete_nodes == ["visit-gbr-mod-to-jpn-1973-02"]


def test_dry_run_writes_nothing(db, spec):
    driver, database = db
    before = database_fingerprint(driver, database)
    result = load_graph(driver, spec, database, dry_run=True)
    assert not result.written and len(result.diff.create_nodes) == len(spec.nodes)
    assert database_fingerprint(driver, database) == before


def cli_env(settings, **over):
    env = {"NEO4J_URI": settings.uri, "NEO4J_USERNAME": settings.username,
           "NEO4J_PASSWORD": settings.password.get_secret_value(),
           "NEO4J_DATABASE": settings.database}
    env.update(over)
    return env


def test_cli_load_and_reload(db, neo4j_settings):
    runner = CliRunner()
    env = cli_env(neo4j_settings)
    first = runner.invoke(main, ["load", "--quiet"], env=env)
    assert first.exit_code == 0, first.output
    assert "Agreement" in first.output and "created" in first.output
    second = runner.invoke(main, ["load", "--json"], env=env)
    assert second.exit_code == 0
    assert all(r["created"] == r["updated"] == r["removed"] == 0
               for r in yaml.safe_load(second.stdout))


def test_invalid_data_writes_nothing(db, neo4j_settings, spec, tmp_path):
    driver, database = db
    load_graph(driver, spec, database)
    before = database_fingerprint(driver, database)
    data = copy_data(tmp_path)
    edit_fact(data, "visit-gbr-mod-to-jpn-1973-02",
              lambda recs, i: recs[i].update(host="xyz-nowhere"))
    result = CliRunner().invoke(main, ["load", "--data", str(data)],
                                env=cli_env(neo4j_settings))
    assert result.exit_code == 3
    assert "unknown entity 'xyz-nowhere'" in result.output
    assert database_fingerprint(driver, database) == before


def test_wrong_password_is_refused_clearly(db, neo4j_settings):
    result = CliRunner().invoke(main, ["load"], env=cli_env(neo4j_settings,
                                                            NEO4J_PASSWORD="wrong-Secret-123"))
    assert result.exit_code == 4
    assert "refused the credentials" in result.output
    assert "wrong-Secret-123" not in result.output


def test_unreachable_server_is_a_clear_error(neo4j_settings):
    from tiegraph.graph.localserver import free_port

    uri = f"bolt://127.0.0.1:{free_port()}"
    result = CliRunner().invoke(main, ["load"], env=cli_env(neo4j_settings, NEO4J_URI=uri))
    assert result.exit_code == 4
    assert f"cannot reach Neo4j at {uri}" in result.output


def test_missing_database_is_a_clear_error(db, neo4j_settings):
    result = CliRunner().invoke(main, ["load"], env=cli_env(neo4j_settings,
                                                            NEO4J_DATABASE="nosuchdb"))
    assert result.exit_code == 4
    assert "database 'nosuchdb' does not exist" in result.output


def test_densest_same_on_both_backends(db, neo4j_settings, spec):
    driver, database = db
    load_graph(driver, spec, database)
    runner = CliRunner()
    env = cli_env(neo4j_settings)
    files = runner.invoke(main, ["densest", "--with", "Japan", "--json"], env=env)
    neo = runner.invoke(main, ["densest", "--with", "Japan", "--json", "--source", "neo4j"],
                        env=env)
    assert files.exit_code == 0 and neo.exit_code == 0, neo.output
    assert yaml.safe_load(files.stdout) == yaml.safe_load(neo.stdout)
    assert yaml.safe_load(files.stdout)[0]["b"] == "France"


def test_every_measure_and_depth_component_same_on_both_backends(db, neo4j_settings, spec):
    """Issue 13: the files and Neo4j backends agree on the facts depth reads, on every
    measure (ties' participant counts included) and on every depth component and its facts."""
    from tiegraph.graph.api import FilesBackend, Neo4jBackend, densest_by_measure
    from tiegraph.graph.ties import Window

    driver, database = db
    load_graph(driver, spec, database)
    files, neo = FilesBackend(), Neo4jBackend(neo4j_settings)
    try:
        assert neo.ties == files.ties  # with n
        assert neo.depth_facts == files.depth_facts
        for window in (Window(until="2019-12-31"), None):
            got = densest_by_measure(neo, window=window, focus="Japan")
            want = densest_by_measure(files, window=window, focus="Japan")
            assert got == want
            assert set(want) == {"count", "weighted", "breadth", "depth"}
    finally:
        neo.close()
    assert want["depth"][0]["why"]["forces"]["detail"] == "land, sea, air"


README_QUERY = """
MATCH p=(:State {name:'Japan'})-[:SIGNED]->(a:Agreement)<-[:SIGNED]-(:State {name:'United Kingdom'})
OPTIONAL MATCH q=(a)-[:CITES]->(:Source)
RETURN p, q
"""


def test_readme_browser_query_shows_agreements_and_their_quotes(db, spec):
    driver, database = db
    load_graph(driver, spec, database)
    with driver.session(database=database) as s:
        rows = list(s.run(README_QUERY))
    agreements: dict[str, list[str]] = {}
    for row in rows:
        agreement = row["p"].nodes[1]
        cites = row["q"].relationships[0] if row["q"] else None
        agreements.setdefault(agreement["id"], [])
        if cites is not None:
            agreements[agreement["id"]].append(cites["quote"])
    assert {"gbr-jpn-information-security", "gbr-jpn-acsa",
            "gbr-jpn-equipment-technology-transfer", "gbr-jpn-reciprocal-access",
            "gbr-jpn-treaty-alliance-1902"} <= set(agreements)
    assert all(quotes for quotes in agreements.values())


# --- guarded removals (issue 16) ----------------------------------------------------------------


def test_load_refuses_to_remove_a_large_share(db, neo4j_settings, spec, tmp_path):
    """Deleting the facts file of RAND's Germany chapter (over 10% of the facts): `load`
    refuses (exit 8), says what it would remove, writes nothing; --dry-run warns; --prune
    removes them."""
    driver, database = db
    load_graph(driver, spec, database)
    before = database_fingerprint(driver, database)
    data = copy_data(tmp_path)
    germany = data / "facts/rand-germany.yaml"
    gone = {f["id"] for f in yaml.safe_load(germany.read_text(encoding="utf-8"))}
    totals = data / "facts/stated-totals.yaml"  # the totals of the chapter's series go too
    kept = [t for t in yaml.safe_load(totals.read_text(encoding="utf-8"))
            if t.get("series") not in gone]
    removed = len(gone) + len(yaml.safe_load(totals.read_text(encoding="utf-8"))) - len(kept)
    facts = sum(1 for n in spec.nodes.values() if n.labels[0] == "Fact")
    assert removed > facts / 10
    germany.unlink()
    totals.write_text(yaml.safe_dump(kept, allow_unicode=True, sort_keys=False),
                      encoding="utf-8")
    env = cli_env(neo4j_settings)
    refused = CliRunner().invoke(main, ["load", "--quiet", "--data", str(data)], env=env)
    assert refused.exit_code == 8, refused.output
    assert f"refused: this load would remove {removed} of the {facts} facts" in refused.stderr
    assert "more than 10% of the facts" in refused.stderr and "by kind: " in refused.stderr
    assert "by source: " in refused.stderr and "e.g. " in refused.stderr
    assert "Traceback" not in refused.output
    assert database_fingerprint(driver, database) == before
    dry = CliRunner().invoke(main, ["load", "--dry-run", "--data", str(data)], env=env)
    assert dry.exit_code == 0 and "warning: a load would be refused" in dry.stderr
    pruned = CliRunner().invoke(main, ["load", "--quiet", "--prune", "--data", str(data)],
                                env=env)
    assert pruned.exit_code == 0, pruned.output
    assert database_fingerprint(driver, database) != before


def test_load_refuses_to_remove_all_facts_of_a_source(db, neo4j_settings, spec, tmp_path):
    """Eight facts (under 10%) but every fact citing their source: refused without --prune."""
    driver, database = db
    load_graph(driver, spec, database)
    before = database_fingerprint(driver, database)
    data = copy_data(tmp_path)
    source = "news-2024-france-japan-raa"
    for path in sorted((data / "facts").glob("*.yaml")):
        records = yaml.safe_load(path.read_text())
        keep = [r for r in records if source not in yaml.safe_dump(r)]
        if len(keep) != len(records):
            path.write_text(yaml.safe_dump(keep, allow_unicode=True, sort_keys=False))
    result = CliRunner().invoke(main, ["load", "--quiet", "--data", str(data)],
                                env=cli_env(neo4j_settings))
    assert result.exit_code == 8, result.output
    assert f"all facts of source {source}" in result.stderr
    assert f"{source} 8 of 8" in result.stderr
    assert database_fingerprint(driver, database) == before


def test_load_removes_a_few_facts_without_prune(db, neo4j_settings, spec, tmp_path):
    """The control: removing one fact of a source that keeps others is an ordinary load."""
    driver, database = db
    load_graph(driver, spec, database)
    data = copy_data(tmp_path)
    edit_fact(data, "visit-gbr-mod-to-jpn-1973-02", lambda recs, i: recs.pop(i))
    result = CliRunner().invoke(main, ["load", "--quiet", "--data", str(data)],
                                env=cli_env(neo4j_settings))
    assert result.exit_code == 0, result.output
    assert "refused" not in result.output


MME_FIXTURE = Path(__file__).parent / "fixtures" / "datasets" / "mme_v7.csv"


def test_load_with_mme_matches_files_backend(db, neo4j_settings, tmp_path):
    """Curated facts and MME exercises load as one graph: densest agrees on both backends,
    the MME citation has a locator and no quote, the type flags are properties; a bad MME
    file writes nothing."""
    driver, database = db
    runner = CliRunner()
    env = cli_env(neo4j_settings)
    mme = ["--with-mme", str(MME_FIXTURE)]
    loaded = runner.invoke(main, ["load", "--quiet", *mme], env=env)
    assert loaded.exit_code == 0, loaded.output
    with driver.session(database=database) as session:
        row = session.run(
            "MATCH (e:Exercise {id: $id})-[c:CITES]->(s:Source) RETURN e.types AS types, "
            "c.locator AS locator, c.quote AS quote, s.kind AS kind, s.version AS version",
            id="mme1").single()
    assert dict(row) == {"types": ["sea"], "locator": "MME v7, MMEID mme1, row 2",
                         "quote": None, "kind": "dataset", "version": "7"}
    files = runner.invoke(main, ["densest", "--with", "Japan", "--json", *mme], env=env)
    neo = runner.invoke(main, ["densest", "--with", "Japan", "--json", "--source", "neo4j"],
                        env=env)
    assert files.exit_code == 0 and neo.exit_code == 0, neo.output
    assert yaml.safe_load(files.stdout) == yaml.safe_load(neo.stdout)
    before = database_fingerprint(driver, database)
    bad = tmp_path / "mme_v7.csv"
    bad.write_text(MME_FIXTURE.read_text(encoding="utf-8").replace("Turkey", "Lemuria"),
                   encoding="utf-8")
    result = runner.invoke(main, ["load", "--with-mme", str(bad)], env=env)
    assert result.exit_code == 3
    assert "'Lemuria' (line 4)" in result.output
    assert database_fingerprint(driver, database) == before


def test_fresh_processes_load_and_read_with_the_light_driver(db, neo4j_settings, tmp_path):
    """In a fresh process graph.connect imports the driver with pandas, pyarrow and numpy
    hidden from it (in this test process it is imported already): ``load --with-mme`` (which
    reads the MME CSV with pandas after that) writes the graph an in-process load writes,
    and ``densest --source neo4j`` answers as the files backend does."""
    driver, database = db
    env = {**os.environ, **cli_env(neo4j_settings), "TIEGRAPH_CACHE": str(tmp_path)}
    env.pop("TIEGRAPH_SOURCE", None)
    cli = [sys.executable, "-m", "tiegraph.graph.cli"]
    mme = ["--with-mme", str(MME_FIXTURE)]

    def run(*args: str) -> str:
        proc = subprocess.run([*cli, *args], env=env, capture_output=True, text=True,
                              check=False)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    run("load", "--quiet", *mme)
    with driver.session(database=database) as session:
        assert session.run("MATCH (e:Exercise {id: 'mme1'}) RETURN count(e) AS n").single()["n"]
    again = CliRunner().invoke(main, ["load", "--json", *mme], env=cli_env(neo4j_settings))
    assert again.exit_code == 0, again.output
    assert all(r["created"] == r["updated"] == r["removed"] == 0
               for r in yaml.safe_load(again.stdout))
    neo = run("densest", "--with", "Japan", "--json", "--source", "neo4j")
    files = run("densest", "--with", "Japan", "--json", *mme)
    assert yaml.safe_load(neo) == yaml.safe_load(files) and yaml.safe_load(neo)
