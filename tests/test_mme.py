"""The MME v7 import: every README quirk's rule on a fixture in the published layout, and the
counts on the real file (../shared/datasets, skipped when absent, failing when CI=true)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from tiegraph.graph.errors import DataError
from tiegraph.loaders.dataset import load_dataset
from tiegraph.loaders.mme import MME_SOURCE, load_mme
from tiegraph.loaders.model import Citation, Source, citation_problem
from tiegraph.loaders.paths import default_datasets_dir

FIXTURE = Path(__file__).parent / "fixtures" / "datasets" / "mme_v7.csv"


@pytest.fixture(scope="module")
def entities() -> dict:
    return load_dataset(Path(__file__).parents[1] / "data", check_quotes=False).entities


@pytest.fixture(scope="module")
def fixture_import(entities: dict):
    return load_mme(FIXTURE, entities)


def real_file() -> Path:
    """Return ../shared/datasets/mme_v7.csv; skip when absent (fail when CI=true)."""
    folder = default_datasets_dir()
    path = folder / "mme_v7.csv" if folder else None
    if path is None or not path.is_file():
        message = "the MME v7 CSV is not in ../shared/datasets (TIEGRAPH_DATASETS)"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


def test_duplicate_ids_kept_with_suffix(fixture_import) -> None:
    ex = fixture_import.exercises
    assert {"mme2", "mme2-2"} <= set(ex)
    assert ex["mme2-2"].citations[0].locator == "MME v7, MMEID mme2, row 4"
    assert fixture_import.report.counts["duplicate MMEID (kept, id suffixed)"] == 1


def test_unknown_participant_and_name(fixture_import) -> None:
    ex = fixture_import.exercises["mme2"]
    assert ex.participants == ["FRA", "JPN"]
    assert ex.name == "MME mme2"
    counts = fixture_import.report.counts
    assert counts["'-9' participant dropped"] == 2
    assert counts["no exercise name ('' or '-9')"] == 2


def test_xx_day_is_month_precision(fixture_import) -> None:
    ex = fixture_import.exercises["mme2"]
    assert (ex.start, ex.end) == ("1995-07", None)
    assert fixture_import.exercises["mme1"].start == "1990-05-03"
    assert fixture_import.report.counts["row with an 'xx' start or end day"] == 1


def test_organisations_countries_and_groups(fixture_import) -> None:
    ex = fixture_import.exercises["mme3"]
    # Germany, Japan, Yugoslavia (ISO 3166-3), the Baltic States, NATO from the free text
    assert ex.participants == ["DEU", "JPN", "YUG", "EST", "LVA", "LTU", "nato"]
    assert "Forces from 17 NATO nations" in ex.note
    assert fixture_import.exercises["mme2-2"].participants == ["TUR", "DEU"]
    assert fixture_import.entities["YUG"].name == "Yugoslavia"
    assert {"LVA", "LTU"} <= set(fixture_import.entities)  # EST is curated
    assert "TUR" not in fixture_import.entities  # already curated
    counts = fixture_import.report.counts
    assert counts["organisation named in free text -> participant"] == 1
    assert counts["group name expanded to its states"] == 1


def test_end_before_start_and_single_participant(fixture_import) -> None:
    ex = fixture_import.exercises["mme3"]
    assert (ex.start, ex.end) == ("2004-06-01", None)
    assert "before its start" in ex.note
    assert "mme4" not in fixture_import.exercises
    assert fixture_import.report.skipped == ["mme4"]


def test_flags_domain_and_citation(fixture_import) -> None:
    assert fixture_import.exercises["mme1"].types == ["sea"]
    assert fixture_import.exercises["mme2"].types == ["air", "land"]
    assert fixture_import.exercises["mme1"].domain == "maritime"
    assert fixture_import.exercises["mme2"].domain == "joint"
    assert fixture_import.exercises["mme3"].domain == "other"
    cite = fixture_import.exercises["mme1"].citations[0]
    assert (cite.source, cite.quote) == (MME_SOURCE.id, None)
    assert "MMEID mme1" in cite.locator


def test_citation_kinds() -> None:
    text = Source(id="t", file="t.txt", title=None, author=None, publisher=None, date="2020")
    assert citation_problem(Citation(source="t", locator="p. 1"), text)
    row = Citation(source=MME_SOURCE.id, locator="MMEID mme1")
    assert citation_problem(row, MME_SOURCE) is None
    quoted = Citation(source=MME_SOURCE.id, locator="x", quote="a quote of ten")
    assert citation_problem(quoted, MME_SOURCE)


def test_unmapped_names_are_one_error(entities: dict, tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    bad = tmp_path / "mme_v7.csv"
    bad.write_text(text.replace("United Kingdom", "Atlantis").replace("Turkey", "Lemuria"),
                   encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_mme(bad, entities)
    assert "2 participant name(s) map to no entity: 'Atlantis' (line 2); 'Lemuria' (line 4)" in str(
        err.value)


def test_missing_file_and_columns(entities: dict, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        load_mme(tmp_path / "none.csv", entities)
    (tmp_path / "cut.csv").write_text("MMEID,StateA\nmme1,Japan\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"cut.csv:1: missing column\(s\): Ex_Name"):
        load_mme(tmp_path / "cut.csv", entities)
    shutil.copy(FIXTURE, tmp_path / "flag.csv")
    p = tmp_path / "flag.csv"
    p.write_text(p.read_text().replace(",1990,5,3,,1990,5,9,0,", ",1990,5,3,,1990,5,9,7,"))
    with pytest.raises(DataError, match=r"flag.csv:2: mme1: flag CPX is '7', not 0 or 1"):
        load_mme(p, entities)


def test_real_file_counts(entities: dict) -> None:
    """The README's counts, and the issue's Japan figures, on the published file."""
    result = load_mme(real_file(), entities)
    counts = result.report.counts
    assert result.report.rows == 3707
    assert counts["duplicate MMEID (kept, id suffixed)"] == 3
    assert counts["'-9' participant dropped"] == 203
    assert counts["free-text participant information kept"] == 325
    assert counts["row with an 'xx' start or end day"] == 1236
    assert counts["no exercise name ('' or '-9')"] == 1033
    known = {**entities, **result.entities}
    assert all(p in known for e in result.exercises.values() for p in e.participants)
    japan = [e for e in result.exercises.values() if "JPN" in e.participants]
    assert len(japan) == 244
    # the README says 213 with the United States; the file's own columns give 212
    for other, n, bilateral in (("USA", 212, None), ("GBR", 19, 1), ("FRA", 18, 1), ("DEU", 8, 0)):
        with_other = [e for e in japan if other in e.participants]
        assert len(with_other) == n, other
        if bilateral is not None:
            assert sum(len(e.participants) == 2 for e in with_other) == bilateral


def test_cli_sources_select_the_graph(tmp_path: Path) -> None:
    """--with-mme adds the MME exercises to the files backend; --sources picks the kinds."""
    from click.testing import CliRunner

    from tiegraph.graph.cli import main

    env = {"TIEGRAPH_CACHE": str(tmp_path), "TIEGRAPH_MME": ""}
    runner = CliRunner()

    def japan_uk(*args: str) -> int:
        result = runner.invoke(main, ["densest", "--with", "Japan", "--json", *args], env=env)
        assert result.exit_code == 0, result.output
        rows = {r["b_id"]: r for r in yaml.safe_load(result.stdout)}
        return rows["GBR"]["exercises"] if "GBR" in rows else 0

    curated = japan_uk()
    both = japan_uk("--with-mme", str(FIXTURE))
    assert both == curated + 1  # the fixture's one Japan–UK exercise
    assert japan_uk("--with-mme", str(FIXTURE), "--sources", "mme") == 1
    assert japan_uk("--with-mme", str(FIXTURE), "--sources", "curated") == curated
    bad = runner.invoke(main, ["densest", "--sources", "rand"], env=env)
    assert bad.exit_code == 2 and "--sources 'rand'" in bad.output
    none = runner.invoke(main, ["densest", "--sources", "mme"], env=env)
    assert none.exit_code == 3 and "needs the MME CSV" in none.output


SELECTIONS = ("curated,mme", "curated", "mme")
COMMANDS = (("densest", "--with", "Japan"), ("densest", "--measure", "depth", "--with", "Japan"),
            ("densest",), ("centrality",))


def test_sources_on_neo4j_agree_with_files(empty_neo4j, neo4j_settings, tmp_path: Path) -> None:
    """densest (count and depth) and centrality with --sources on a Neo4j database loaded with
    --with-mme give what the files backend gives on the same selection, and the selection
    changes the answer; --sources mme on a database loaded without MME is an error (exit 3)."""
    from click.testing import CliRunner

    from tests.test_loader import cli_env
    from tiegraph.graph.cli import main

    env = {**cli_env(neo4j_settings), "TIEGRAPH_CACHE": str(tmp_path), "TIEGRAPH_MME": ""}
    runner = CliRunner()
    mme = ("--with-mme", str(FIXTURE))

    def run(*args: str) -> list[dict]:
        result = runner.invoke(main, [*args, "--json"], env=env)
        assert result.exit_code == 0, f"{args}: {result.output}"
        return yaml.safe_load(result.stdout)

    loaded = runner.invoke(main, ["load", "--quiet", "--prune", *mme], env=env)
    assert loaded.exit_code == 0, loaded.output
    answers: dict[tuple[str, ...], list] = {}
    for command in COMMANDS:
        for kinds in SELECTIONS:
            files = run(*command, "--sources", kinds, *mme)
            neo = run(*command, "--sources", kinds, "--source", "neo4j")
            assert files == neo, (command, kinds)
            answers[(*command, kinds)] = files
        assert len({yaml.safe_dump(answers[(*command, k)]) for k in SELECTIONS}) == 3, command
    both = {r["b_id"]: r["exercises"] for r in answers[("densest", "--with", "Japan",
                                                        "curated,mme")]}
    only = {r["b_id"]: r["exercises"] for r in answers[("densest", "--with", "Japan", "mme")]}
    assert only == {"GBR": 1, "FRA": 1, "DEU": 1, "YUG": 1, "EST": 1, "LVA": 1, "LTU": 1,
                    "nato": 1}
    assert both["GBR"] == only["GBR"] + {r["b_id"]: r["exercises"] for r in answers[
        ("densest", "--with", "Japan", "curated")]}["GBR"]

    curated = runner.invoke(main, ["load", "--quiet", "--prune"], env=env)
    assert curated.exit_code == 0, curated.output
    none = runner.invoke(main, ["densest", "--sources", "mme", "--source", "neo4j"], env=env)
    assert none.exit_code == 3, none.output
    assert "holds no fact from mme" in none.output and "--with-mme" in none.output
    assert "Traceback" not in none.output


# --- the bulk path ------------------------------------------------------------------------------


def bundled_as_bulk(folder: Path):
    """Write the bundled sources, entities and facts as a bulk folder and return the Dataset
    of what it holds: every fact but those with disputed claims (the bulk format has no form
    for them) and those that depend on a dropped fact (a session of a dropped series)."""
    from tiegraph.loaders.bulk import BulkWriter
    from tiegraph.loaders.dataset import Dataset

    ds = load_dataset(Path(__file__).parents[1] / "data", check_quotes=False)
    facts = {fid: f for fid, f in ds.facts.items() if not f.disputed}
    while dropped := [fid for fid, f in facts.items()
                      if getattr(f, "series", None) and f.series not in facts]:
        for fid in dropped:
            del facts[fid]
    dump = {"mode": "json", "exclude_none": True, "exclude_defaults": True}
    with BulkWriter(folder) as writer:
        for source in ds.sources.values():
            writer.source(source.model_dump(**dump))
        for entity in ds.entities.values():
            writer.entity(entity.model_dump(**dump))
        for fid in sorted(facts):
            writer.fact({"type": facts[fid].type, **facts[fid].model_dump(**dump)})
    return Dataset(ds.sources, ds.entities, facts)


def test_bulk_with_mme_is_the_yaml_graph_with_mme(tmp_path: Path) -> None:
    """A bulk folder with --with-mme projects to exactly the graph of the same facts combined
    with the same MME file (the YAML path's combine), MME source and added states included."""
    from tiegraph.graph.projection import project
    from tiegraph.loaders.bulk import bulk_spec, validate_bulk
    from tiegraph.loaders.mme import combine

    held = bundled_as_bulk(tmp_path / "bulk")
    expected = project(combine(held, load_mme(FIXTURE, held.entities)))
    got = bulk_spec(tmp_path / "bulk", check_quotes=False, chunk_size=50, mme=FIXTURE)
    assert got.nodes == expected.nodes and got.rels == expected.rels
    assert {"mme1", "mme2-2", "YUG", MME_SOURCE.id} <= set(got.nodes)
    data = validate_bulk(tmp_path / "bulk", check_quotes=False, mme=FIXTURE)
    assert data.mme.exercises == sum(1 for f in expected.nodes if f.startswith("mme"))
    assert data.facts == len(held.facts) + data.mme.exercises


def test_bulk_with_mme_errors(tmp_path: Path) -> None:
    """An MME file that names an organisation the folder lacks, or whose ids clash with the
    folder's, is one clear error, and nothing else is validated past it."""
    from tiegraph.loaders.bulk import BulkWriter, validate_bulk

    bundled_as_bulk(tmp_path / "bulk")
    with BulkWriter(tmp_path / "bare") as writer:
        writer.source(MME_SOURCE.model_dump(mode="json", exclude_none=True))
    nato = tmp_path / "mme_v7.csv"
    nato.write_text(FIXTURE.read_text(encoding="utf-8").replace("United Kingdom", "NATO"),
                    encoding="utf-8")
    assert validate_bulk(tmp_path / "bulk", check_quotes=False, mme=nato).mme.exercises
    with pytest.raises(DataError) as info:
        validate_bulk(tmp_path / "bare", check_quotes=False, mme=nato)
    assert "1 participant name(s) map to no entity: 'NATO' (line 2)" in str(info.value)
    clash = tmp_path / "clash"
    shutil.copytree(tmp_path / "bulk", clash)
    with (clash / "facts.csv").open(encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split(",")
    row = [""] * len(header)
    row[header.index("id")], row[header.index("type")] = "mme1", "dialogue_series"
    row[header.index("name")], row[header.index("kind")] = "A series", "other"
    with (clash / "facts.csv").open("a", encoding="utf-8") as handle:
        handle.write(",".join(row) + "\n")
    with (clash / "participants.csv").open("a", encoding="utf-8") as handle:
        handle.write("mme1,parties,JPN\nmme1,parties,GBR\n")
    with (clash / "citations.csv").open("a", encoding="utf-8") as handle:
        handle.write('mme1,sun-2022-ciis,para. 1,"a quote of ten characters"\n')
    with pytest.raises(DataError) as info:
        validate_bulk(clash, check_quotes=False, mme=FIXTURE)
    assert "clash" in str(info.value) and "mme1" in str(info.value)


def test_bulk_load_with_mme_on_neo4j(tmp_path: Path, empty_neo4j, neo4j_settings) -> None:
    """bulk-load --with-mme writes into Neo4j the graph that load_graph writes for the same
    facts and MME file; a rerun changes nothing; the CLI names the MME exercises."""
    from click.testing import CliRunner

    from tests.test_loader import cli_env
    from tiegraph.graph.cli import main
    from tiegraph.graph.projection import project
    from tiegraph.loaders.mme import combine
    from tiegraph.loaders.neo4j_loader import load_graph, read_graph_state, spec_hash

    db = neo4j_settings.database
    held = bundled_as_bulk(tmp_path / "bulk")
    spec = project(combine(held, load_mme(FIXTURE, held.entities)))
    env = {**cli_env(neo4j_settings), "TIEGRAPH_MME": ""}
    args = ["bulk-load", str(tmp_path / "bulk"), "--no-quotes", "--quiet", "--chunk-size",
            "100", "--with-mme", str(FIXTURE)]
    first = CliRunner().invoke(main, args, env=env)
    assert first.exit_code == 0, first.output
    assert "MME exercises" in first.output
    with empty_neo4j.session(database=db) as session:
        state = session.execute_read(read_graph_state)
    assert spec_hash(state) == spec_hash(spec)
    again = CliRunner().invoke(main, args, env=env)
    assert again.exit_code == 0 and "\n0 item(s) changed in " in again.output, again.output
    with empty_neo4j.session(database=db) as session:
        session.run("MATCH (n) DETACH DELETE n").consume()
    load_graph(empty_neo4j, spec, db)
    with empty_neo4j.session(database=db) as session:
        assert spec_hash(session.execute_read(read_graph_state)) == spec_hash(spec)
