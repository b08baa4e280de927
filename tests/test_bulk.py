"""The bulk CSV path: bad rows are rejected with file:line before anything is written; a
bulk-loaded Neo4j graph equals the YAML path's graph of the same data; reloads write nothing,
changed facts lose their stale relationships, and an interrupted load completes on rerun."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from tiegraph.graph.cli_bulk import bulk_load as bulk_load_command
from tiegraph.graph.errors import DataError
from tiegraph.graph.projection import project
from tiegraph.loaders.bulk import (
    BulkWriter,
    SeriesRef,
    bulk_load,
    bulk_spec,
    files_hash,
    read_rows,
    validate_bulk,
)
from tiegraph.loaders.dataset import load_dataset
from tiegraph.loaders.neo4j_loader import load_graph, read_graph_state, spec_hash
from tiegraph.loaders.synthetic import generate

EVENTS = 300


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bulk") / "s"
    generate(out, EVENTS, seed=3)
    return out


def copy_bulk(generated: Path, tmp_path: Path) -> Path:
    target = tmp_path / "bulk"
    shutil.copytree(generated / "bulk", target)
    return target


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def problems_of(folder: Path, texts: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        validate_bulk(folder, texts)
    return info.value.problems


def db_state(driver, database):
    with driver.session(database=database) as session:
        return session.execute_read(read_graph_state)


# --- validation ---------------------------------------------------------------------------------


def test_generated_folder_is_valid(generated: Path) -> None:
    data = validate_bulk(generated / "bulk", generated / "texts")
    assert data.facts == EVENTS and data.quotes_checked
    assert data.participants > EVENTS and data.citations >= EVENTS


def test_bad_rows_are_reported_with_file_and_line(generated: Path, tmp_path: Path) -> None:
    folder = copy_bulk(generated, tmp_path)
    facts = read_csv(folder / "facts.csv")
    cols = facts[0]
    visit = next(i for i, r in enumerate(facts) if r[cols.index("type")] == "visit")
    facts[visit][cols.index("date")] = "2019-02-30"  # an impossible date
    facts[visit][cols.index("start")] = ""
    facts[visit][cols.index("end")] = ""
    exercise = next(i for i, r in enumerate(facts) if r[cols.index("type")] == "exercise")
    facts[exercise][cols.index("domain")] = "underwater"
    write_csv(folder / "facts.csv", facts)

    parts = read_csv(folder / "participants.csv")
    p = next(i for i, r in enumerate(parts)
             if r[1] == "participants" and r[0] != facts[exercise][0])
    parts[p][2] = "xyz-no-such-unit"
    write_csv(folder / "participants.csv", parts)

    cites = read_csv(folder / "citations.csv")
    cites[5][3] = "words that are not in the synthetic source text at all"
    write_csv(folder / "citations.csv", cites)

    problems = problems_of(folder, generated / "texts")
    text = "\n".join(problems)
    assert f"s/bulk/facts.csv:{visit + 1}: " not in text  # the folder is named bulk
    assert f"bulk/facts.csv:{visit + 1}: fact {facts[visit][0]}: date:" in text
    assert "not a real date" in text
    assert f"bulk/facts.csv:{exercise + 1}: fact {facts[exercise][0]}: domain:" in text
    assert (f"bulk/participants.csv:{p + 1}: {parts[p][0]}: unknown entity "
            "'xyz-no-such-unit'") in text
    assert f"bulk/citations.csv:6: {cites[5][0]}: quote not found verbatim" in text
    assert len(problems) == 4


def test_format_problems(generated: Path, tmp_path: Path) -> None:
    folder = copy_bulk(generated, tmp_path)
    facts = read_csv(folder / "facts.csv")
    facts[0].append("colour")                      # unknown column
    facts[3], facts[4] = facts[4], facts[3]         # unsorted ids
    facts.insert(8, list(facts[7]))                 # duplicate id
    facts[10] = facts[10] + ["", ""]                # more cells than the header
    write_csv(folder / "facts.csv", facts)
    parts = read_csv(folder / "participants.csv")
    parts.append(["zzz-no-fact", "participants", "USA"])
    write_csv(folder / "participants.csv", parts)
    (folder / "citations.csv").unlink()
    text = "\n".join(problems_of(folder, generated / "texts"))
    assert "bulk/facts.csv:1: unknown column 'colour'" in text
    assert "bulk/facts.csv:5: facts are not sorted by id" in text
    assert f"bulk/facts.csv:9: duplicate id '{facts[8][0]}' (first at line 8)" in text
    assert f"bulk/participants.csv:{len(parts)}: fact 'zzz-no-fact' is not in facts.csv" in text
    assert "bulk/citations.csv: missing" in text


def test_duplicate_fact_ids_in_a_sorted_file(generated: Path, tmp_path: Path) -> None:
    # facts.csv is sorted, so a duplicate is adjacent: it is found without remembering every
    # id, also across a chunk boundary and when an id comes three times
    folder = copy_bulk(generated, tmp_path)
    facts = read_csv(folder / "facts.csv")
    facts.insert(5, list(facts[4]))                 # lines 5 and 6
    facts.insert(9, list(facts[8]))                 # lines 9, 10 and 11
    facts.insert(9, list(facts[8]))
    write_csv(folder / "facts.csv", facts)
    for chunk_size in (3, 1000):                    # 3: line 9 ends a chunk, 10 starts one
        with pytest.raises(DataError) as info:
            validate_bulk(folder, generated / "texts", chunk_size=chunk_size)
        assert info.value.problems == [
            f"bulk/facts.csv:6: duplicate id '{facts[4][0]}' (first at line 5)",
            f"bulk/facts.csv:10: duplicate id '{facts[8][0]}' (first at line 9)",
            f"bulk/facts.csv:11: duplicate id '{facts[8][0]}' (first at line 9)",
        ], chunk_size


def test_sessions_find_their_series_across_chunks(generated: Path) -> None:
    # only a slim reference of each dialogue series is held (no citations); a session in a
    # later chunk is checked and projected exactly as in the YAML path
    wanted = project(load_dataset(generated / "yaml", generated / "texts"))
    data = validate_bulk(generated / "bulk", generated / "texts", chunk_size=7)
    assert data.series and all(isinstance(s, SeriesRef) for s in data.series.values())
    spec = bulk_spec(generated / "bulk", generated / "texts", chunk_size=7)
    assert spec.nodes == wanted.nodes
    assert spec.rels == wanted.rels


def test_line_numbers_count_multi_line_cells(tmp_path: Path) -> None:
    path = tmp_path / "facts.csv"
    path.write_text('id,type,description\na,visit,"two\nlines"\nb,visit,x,extra\n')
    from tiegraph.loaders.bulk import _Problems

    problems = _Problems()
    rows = [r for chunk in read_rows(path, Path("facts.csv"), problems, 1) for r in chunk]
    assert [r.line for r in rows] == [2, 4]
    assert problems.items == ["facts.csv:4: the row has more cells than the header (3)"]


def test_writer_refuses_unsorted_facts(tmp_path: Path) -> None:
    fact = {"id": "b", "type": "visit", "citations": []}
    with BulkWriter(tmp_path / "w") as writer:
        writer.fact(fact)
        with pytest.raises(ValueError):
            writer.fact({**fact, "id": "a"})


# --- Neo4j --------------------------------------------------------------------------------------


def test_invalid_folder_writes_nothing(generated: Path, tmp_path: Path, empty_neo4j,
                                       neo4j_settings) -> None:
    folder = copy_bulk(generated, tmp_path)
    cites = read_csv(folder / "citations.csv")
    cites[-1][1] = "no-such-source"
    write_csv(folder / "citations.csv", cites)
    with pytest.raises(DataError) as info:
        bulk_load(empty_neo4j, folder, neo4j_settings.database, sources_dir=generated / "texts")
    assert f"bulk/citations.csv:{len(cites)}:" in info.value.problems[0]
    with empty_neo4j.session(database=neo4j_settings.database) as session:
        assert session.run("MATCH (n) RETURN count(n) AS n").single()["n"] == 0


def test_bulk_graph_equals_yaml_graph(generated: Path, empty_neo4j, neo4j_settings) -> None:
    db = neo4j_settings.database
    spec = project(load_dataset(generated / "yaml", generated / "texts"))
    load_graph(empty_neo4j, spec, db)
    via_yaml = db_state(empty_neo4j, db)
    with empty_neo4j.session(database=db) as session:
        session.run("MATCH (n) DETACH DELETE n").consume()
    result = bulk_load(empty_neo4j, generated / "bulk", db, sources_dir=generated / "texts",
                       chunk_size=64)
    via_bulk = db_state(empty_neo4j, db)
    assert via_bulk.nodes == via_yaml.nodes
    assert via_bulk.rels == via_yaml.rels
    assert spec_hash(via_bulk) == spec_hash(spec)
    assert result.transactions > 3 and result.relationships == len(spec.rels)
    # a rerun of unchanged data writes nothing
    again = bulk_load(empty_neo4j, generated / "bulk", db, sources_dir=generated / "texts",
                      chunk_size=64)
    assert again.changed == 0
    assert spec_hash(db_state(empty_neo4j, db)) == spec_hash(spec)


def test_changed_facts_lose_stale_relationships(generated: Path, tmp_path: Path, empty_neo4j,
                                                neo4j_settings) -> None:
    db = neo4j_settings.database
    bulk_load(empty_neo4j, generated / "bulk", db, sources_dir=generated / "texts")
    folder = copy_bulk(generated, tmp_path)
    facts = read_csv(folder / "facts.csv")
    cols = facts[0]
    visits = [r for r in facts[1:] if r[cols.index("type")] == "visit"]
    hosts = sorted({r[cols.index("host")] for r in visits})
    visits[0][cols.index("host")] = next(h for h in hosts if h != visits[0][cols.index("host")])
    write_csv(folder / "facts.csv", facts)
    parts = read_csv(folder / "participants.csv")
    per_fact = Counter(r[0] for r in parts[1:] if r[1] == "participants")
    big = next(fid for fid, n in per_fact.items() if n >= 3)
    last = max(i for i, r in enumerate(parts) if r[0] == big and r[1] == "participants")
    del parts[last]  # a multilateral fact loses one participant
    write_csv(folder / "participants.csv", parts)
    wanted = bulk_spec(folder, generated / "texts")
    result = bulk_load(empty_neo4j, folder, db, sources_dir=generated / "texts")
    assert result.changed > 0
    state = db_state(empty_neo4j, db)
    assert state.rels == wanted.rels
    assert state.nodes == wanted.nodes


def test_interrupted_load_completes_on_rerun(generated: Path, empty_neo4j,
                                            neo4j_settings) -> None:
    db = neo4j_settings.database
    written = []

    def fail_after_two(stage: str, n: int) -> None:
        if stage == "write":
            written.append(n)
            if len(written) == 2:
                raise RuntimeError("the connection dropped")

    with pytest.raises(RuntimeError):
        bulk_load(empty_neo4j, generated / "bulk", db, sources_dir=generated / "texts",
                  chunk_size=50, progress=fail_after_two)
    partial = db_state(empty_neo4j, db)
    wanted = bulk_spec(generated / "bulk", generated / "texts")
    assert 0 < len(partial.rels) < len(wanted.rels)
    result = bulk_load(empty_neo4j, generated / "bulk", db, sources_dir=generated / "texts",
                       chunk_size=50)
    assert 0 < result.changed < len(wanted.nodes) + len(wanted.rels)
    assert spec_hash(db_state(empty_neo4j, db)) == spec_hash(wanted)


def test_cli(generated: Path, tmp_path: Path, empty_neo4j, neo4j_settings) -> None:
    conn = ["--uri", neo4j_settings.uri, "--username", neo4j_settings.username,
            "--password", neo4j_settings.password.get_secret_value(),
            "--database", neo4j_settings.database]
    runner = CliRunner()
    args = [str(generated / "bulk"), "--sources", str(generated / "texts")]
    res = runner.invoke(bulk_load_command, [*args, "--dry-run", "-q", *conn])
    assert res.exit_code == 0, res.output
    assert f"ok: {EVENTS} facts valid; quotes verified" in res.output
    res = runner.invoke(bulk_load_command, [*args, "--json", "-q", *conn])
    assert res.exit_code == 0, res.output
    assert '"name": "Visit"' in res.output
    folder = copy_bulk(generated, tmp_path)
    facts = read_csv(folder / "facts.csv")
    facts[2][1] = "vist"
    write_csv(folder / "facts.csv", facts)
    res = runner.invoke(bulk_load_command, [str(folder), "--sources",
                                            str(generated / "texts"), "-q", *conn])
    assert res.exit_code == 3
    assert "bulk/facts.csv:3: fact" in res.output and "unknown type 'vist'" in res.output


def test_integer_cells_are_strict_ints() -> None:
    """CSV cells are text: an integer field's ASCII digits become an int (the models take
    only ints), anything else stays text for validation to reject (issue 16)."""
    from tiegraph.loaders.bulk import _cell_value

    assert _cell_value("ordinal", "2") == 2 and _cell_value("cow", "740") == 740
    assert _cell_value("cow", "true") == "true" and _cell_value("ordinal", "٢") == "٢"
    assert _cell_value("name", "2") == "2"


# --- the bulk folder's layout (issue 16; loaders.layout.check_bulk_folder) ---------------

def _stray_file(folder: Path) -> None:
    (folder / "notes.txt").write_text("x\n", encoding="utf-8")


def _upper_case_name(folder: Path) -> None:
    (folder / "facts.csv").rename(folder / "Facts.CSV")


def _subfolder(folder: Path) -> None:
    (folder / "more").mkdir()
    shutil.copy(folder / "facts.csv", folder / "more" / "facts.csv")


def _fifo(folder: Path) -> None:
    (folder / "facts.csv").unlink()
    os.mkfifo(folder / "facts.csv")


def _symlink_outside(folder: Path) -> None:
    shutil.move(folder / "entities.csv", folder.parent / "entities.csv")
    (folder / "entities.csv").symlink_to(folder.parent / "entities.csv")


def _texts_symlink_outside(folder: Path) -> None:
    (folder.parent / "elsewhere").mkdir()
    (folder / "texts").symlink_to(folder.parent / "elsewhere", target_is_directory=True)


def _texts_a_file(folder: Path) -> None:
    (folder / "texts").write_text("not a folder\n", encoding="utf-8")


LAYOUT_CASES = {
    "stray-file": (_stray_file, "bulk/notes.txt: not part of a bulk folder"),
    "upper-case-name": (_upper_case_name, "bulk/Facts.CSV: not part of a bulk folder"),
    "subfolder": (_subfolder, "bulk/more: not part of a bulk folder"),
    "fifo": (_fifo, "bulk/facts.csv: a FIFO, not a data file"),
    "symlink-outside": (_symlink_outside, "bulk/entities.csv: a symlink to "),
    "texts-symlink-outside": (_texts_symlink_outside, "bulk/texts: a symlink to "),
    "texts-a-file": (_texts_a_file, "bulk/texts: must be a folder"),
}


@pytest.mark.parametrize("name", list(LAYOUT_CASES))
def test_bulk_folder_layout_is_checked(name: str, generated: Path, tmp_path: Path) -> None:
    folder = copy_bulk(generated, tmp_path)
    make, want = LAYOUT_CASES[name]
    make(folder)
    for check in (lambda: validate_bulk(folder, generated / "texts"), lambda: files_hash(folder)):
        with pytest.raises(DataError) as info:
            check()
        assert [p for p in info.value.problems if want in p], info.value.problems


def test_a_readme_and_texts_folder_are_allowed(generated: Path, tmp_path: Path) -> None:
    """The control: the optional entries pass, and a symlink inside the folder is followed."""
    folder = copy_bulk(generated, tmp_path)
    (folder / "README.md").write_text("notes\n", encoding="utf-8")
    shutil.copytree(generated / "texts", folder / "texts")
    shutil.move(folder / "sources.csv", folder / "texts" / "sources.csv")
    (folder / "sources.csv").symlink_to(folder / "texts" / "sources.csv")
    data = validate_bulk(folder)  # texts from FOLDER/texts
    assert data.facts == EVENTS and data.quotes_checked


def _cli(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``tiegraph`` in a child process (a FIFO that blocked would hang the test: the
    timeout fails it instead)."""
    return subprocess.run([sys.executable, "-c", "from tiegraph.graph.cli import main; main()",
                           *args], cwd=Path(__file__).resolve().parents[1],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def test_a_fifo_does_not_block_bulk_load(generated: Path, tmp_path: Path) -> None:
    """`bulk-load` counted the rows of facts.csv (for its progress bar) before validating."""
    folder = copy_bulk(generated, tmp_path)
    _fifo(folder)
    result = _cli(["bulk-load", str(folder), "--dry-run", "--sources", str(generated / "texts")])
    assert result.returncode == DataError.exit_code, result.stderr
    assert "bulk/facts.csv: a FIFO, not a data file" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_fifo_source_text_does_not_block(tmp_path: Path) -> None:
    """A source text that is a FIFO (named by sources.yaml) is a problem, not a hang."""
    good = Path(__file__).parent / "fixtures" / "good"
    shutil.copytree(good, tmp_path / "data", ignore=shutil.ignore_patterns("texts"))
    (tmp_path / "texts").mkdir()
    os.mkfifo(tmp_path / "texts" / "source-a.txt")
    result = _cli(["validate", "--data", str(tmp_path / "data"),
                   "--sources", str(tmp_path / "texts")])
    assert result.returncode == DataError.exit_code, result.stderr
    assert "source-a.txt is a FIFO, not a text file" in result.stderr
    with pytest.raises(DataError):
        load_dataset(tmp_path / "data", tmp_path / "texts")


# --- the removal guard of bulk-load (issue 16 item 2; loaders.bulk_guard) ----------------------


def _fingerprint(driver, database) -> str:
    from tiegraph.loaders.neo4j_loader import database_fingerprint

    return database_fingerprint(driver, database)


def _conn(settings) -> list[str]:
    return ["--uri", settings.uri, "--username", settings.username,
            "--password", settings.password.get_secret_value(), "--database", settings.database]


def test_bulk_load_refuses_to_strip_a_large_share(generated: Path, tmp_path: Path, empty_neo4j,
                                                  neo4j_settings) -> None:
    """Every fact with two citations loses its second (about a quarter of the facts): refused
    (exit 8) with what it would remove, nothing written; --prune writes exactly the folder."""
    db = neo4j_settings.database
    bulk_load(empty_neo4j, generated / "bulk", db, sources_dir=generated / "texts")
    before = _fingerprint(empty_neo4j, db)
    folder = copy_bulk(generated, tmp_path)
    cites = read_csv(folder / "citations.csv")
    seen: set[str] = set()
    kept = [cites[0]]
    for row in cites[1:]:
        if row[0] not in seen:
            kept.append(row)
        seen.add(row[0])
    stripped = len(cites) - len(kept)
    assert stripped > 0.1 * EVENTS
    write_csv(folder / "citations.csv", kept)
    args = [str(folder), "--sources", str(generated / "texts"), "-q", *_conn(neo4j_settings)]
    refused = CliRunner().invoke(bulk_load_command, args)
    assert refused.exit_code == 8, refused.output
    assert (f"refused: this bulk load would remove relationships or claims of {stripped} of "
            f"the {EVENTS} facts in the database (more than 10% of the facts)") in refused.stderr
    assert f"by type: CITES {stripped}" in refused.stderr and "--prune" in refused.stderr
    assert "Traceback" not in refused.output
    assert _fingerprint(empty_neo4j, db) == before
    pruned = CliRunner().invoke(bulk_load_command, [*args, "--prune"])
    assert pruned.exit_code == 0, pruned.output
    assert spec_hash(db_state(empty_neo4j, db)) == spec_hash(bulk_spec(folder, generated / "texts"))


def test_bulk_load_refuses_to_remove_disputed_claims(tmp_path: Path, empty_neo4j,
                                                     neo4j_settings) -> None:
    """The good fixture loaded from YAML (one fact with a disputed claim), then bulk-loaded from
    the same data in CSV, which cannot hold the claim: refused, unless prune."""
    import yaml

    from tiegraph.graph.errors import RefusedError

    db = neo4j_settings.database
    good = Path(__file__).parent / "fixtures" / "good"
    load_graph(empty_neo4j, project(load_dataset(good, good / "texts")), db)
    before = _fingerprint(empty_neo4j, db)

    def records(*parts: str) -> list[dict]:
        return [r for p in parts for path in sorted(good.glob(p))
                for r in yaml.safe_load(path.read_text(encoding="utf-8"))]

    folder = tmp_path / "bulk"
    with BulkWriter(folder) as writer:
        for rec in records("sources.yaml"):
            writer.source(rec)
        for rec in records("entities/*.yaml"):
            writer.entity(rec)
        for rec in sorted(records("facts/*.yaml"), key=lambda r: r["id"]):
            rec.pop("disputed", None)
            writer.fact(rec)
    with pytest.raises(RefusedError) as info:
        bulk_load(empty_neo4j, folder, db, sources_dir=good / "texts")
    assert "2 claim(s) of disputed fields, which a bulk folder cannot hold" in str(info.value)
    assert "e.g. gbr-jpn-information-security" in str(info.value)
    assert _fingerprint(empty_neo4j, db) == before
    bulk_load(empty_neo4j, folder, db, sources_dir=good / "texts", prune=True)
    with empty_neo4j.session(database=db) as session:
        assert session.run("MATCH (c:Claim) RETURN count(c) AS n").single()["n"] == 0
