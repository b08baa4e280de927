"""bench.load: its report (ratios, verdicts, its own section of BENCHMARKS.md), the LOAD CSV
statements it builds, and the light driver import that its densest numbers rest on. No
timing is asserted: the numbers below are made up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from bench import load, mme

SCALE = "# Benchmarks\n\n## Analysis\n\nrows\n\n## Targets\n\n* MET\n\n## Raw results\n\n{}\n"


def _result(load_s: float, reload_s: float, csv_s: float) -> dict[str, Any]:
    runs = {i: {"load_average": "1.00 1.00 1.00", "load_average_end": "1.10 1.00 1.00",
                "load": load_s + i / 10, "reload": reload_s, "loadcsv": csv_s,
                "densest_files": [0.2, 0.25, 0.3], "densest_neo4j": [0.5, 0.6, 0.7],
                "python": [0.03, 0.04, 0.05]} for i in (1, 2, 3)}
    return {"started": "2026-12-04T03:00:00+00:00", "commit": "abc1234",
            "machine": {"nproc": 2, "cpu": "test", "memory_gib": 1, "python": "3.11"},
            "versions": {"neo4j": "6"}, "load_start": "1.00 1.00 1.00",
            "load_end": "1.20 1.00 1.00", "runs": runs, "same_graph": [True, True, True],
            "graph": {"nodes": 835, "relationships": 3093, "hash": "x"},
            "commands": {"load": "tiegraph load --quiet", "reload": "tiegraph load --quiet",
                         "loadcsv": "LOAD CSV", "densest_files": "tiegraph densest",
                         "densest_neo4j": "tiegraph densest --source neo4j",
                         "python": "python -c pass"}}


def _row(text: str, name: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"| {name} |"))


def test_ratios_are_per_repeat_medians() -> None:
    res = _result(3.0, 1.0, 2.0)
    got = load.ratios(res)
    assert got["load / LOAD CSV"] == [3.1 / 2.0, 3.2 / 2.0, 3.3 / 2.0]
    assert got["reload / LOAD CSV"] == [0.5, 0.5, 0.5]
    assert got["densest neo4j / files"] == [0.6 / 0.25] * 3
    assert got["densest files / python -c pass"] == [0.25 / 0.04] * 3


def test_report_states_each_target_met_or_missed() -> None:
    text = load.report(_result(3.0, 1.0, 2.0), "python -m bench.load --repeats 3")
    assert text.startswith(load.BEGIN) and text.endswith(load.END)
    assert "`python -m bench.load --repeats 3`" in text
    assert "1.55 | 1.60 | 1.65 | ≤ 1.5 | **missed**" in _row(text, "load / LOAD CSV")
    assert "0.50 | 0.50 | 0.50 | ≤ 1 | met" in _row(text, "reload / LOAD CSV")
    assert "**missed**" in _row(text, "densest neo4j / files")
    assert "met" in _row(text, "densest files / python -c pass")
    assert "yes (3 of 3 repeats)" in text and "1.00 1.00 1.00 at the start" in text
    assert "| load | `tiegraph load --quiet` | 3 | 3.10 | 3.20 | 3.30 |" in text
    assert "| densest_files | `tiegraph densest` | 9 | 0.20 | 0.25 | 0.30 |" in text
    different = _result(1.0, 1.0, 2.0)
    different["same_graph"] = [True, False, True]
    assert "NO (2 of 3 repeats)" in load.report(different, "cmd")


def test_section_is_spliced_and_kept_beside_the_mme_one(tmp_path: Path) -> None:
    section = load.report(_result(1.0, 0.5, 2.0), "cmd")
    text = mme.splice(mme.splice(SCALE, f"{mme.BEGIN}\nmme\n{mme.END}"), section,
                              load.BEGIN, load.END)
    assert text.count(load.BEGIN) == 1 and text.index(load.END) < text.index("## Targets")
    again = mme.splice(text, f"{load.BEGIN}\nnew\n{load.END}", load.BEGIN, load.END)
    assert "\nnew\n" in again and "tiegraph vs LOAD CSV" not in again and "\nmme\n" in again
    out = tmp_path / "BENCHMARKS.md"
    out.write_text(again)
    rewritten = mme.keep_sections(out, SCALE.replace("rows", "new rows"))  # the scale run
    assert "\nnew\n" in rewritten and "\nmme\n" in rewritten and "new rows" in rewritten


def test_load_csv_statements(tmp_path: Path) -> None:
    from tiegraph.graph.export import export_graph
    from tiegraph.graph.projection import GraphSpec, Node, Rel
    from tiegraph.graph.schema import constraint_statements

    spec = GraphSpec()
    spec.nodes["JPN"] = Node("JPN", ("Actor", "State"), {
        "id": "JPN", "name": "Japan", "aliases": ["Nippon", "Nihon"], "keys": [], "cow": 740})
    spec.nodes["f1"] = Node("f1", ("Fact", "Visit"), {
        "id": "f1", "type": "visit", "when_start": "2019-01-01", "note": "-not a formula"})
    spec.rels["k1"] = Rel("k1", "VISITED", "JPN", "f1", {"key": "k1", "since": "2019-01-01"})
    export_graph(spec, tmp_path, "csv")
    stmts = load.load_csv_statements(tmp_path, "file:///sub", batch=100)
    schema = constraint_statements()
    assert stmts[:len(schema)] == schema and stmts[len(schema)] == "CALL db.awaitIndexes(300)"
    nodes, rels = stmts[len(schema) + 1:-1], stmts[-1]
    assert [s.split("CREATE (n:")[1].split(")")[0] for s in nodes] == ["Actor", "Fact"]
    assert all("IN TRANSACTIONS OF 100 ROWS" in s and "file:///sub/" in s for s in stmts[-3:])
    assert "`when_start`: date(row.`when_start`)" in nodes[0]
    assert "`cow`: toInteger(row.`cow:int`)" in nodes[0]
    assert "`aliases`: CASE" in nodes[0] and "split(" in nodes[0]
    assert "`type`: row.`fact_type`" in nodes[0] and "`id`: row.`node_id`" in nodes[0]
    assert "STARTS WITH \"'\"" in nodes[0]  # the export's spreadsheet guard on note, undone
    assert "MATCH (a:Actor {id: row.source}) MATCH (b:Fact {id: row.target})" in rels
    assert "CREATE (a)-[r:VISITED]->(b)" in rels and "`since`: date(row.`since`)" in rels
    assert "`key`: row.`rel_key`" in rels


def test_reading_from_neo4j_imports_neither_models_nor_loader_nor_pandas() -> None:
    code = (
        "import sys\n"
        "from tiegraph.graph import api, connect, ties, clitools, readout\n"
        "connect.import_driver(numpy=False)\n"
        "assert 'neo4j' in sys.modules\n"
        "bad = [m for m in ('pydantic', 'tiegraph.loaders.model', 'tiegraph.loaders.mme',\n"
        "       'tiegraph.loaders.neo4j_loader', 'pandas', 'numpy', 'pyarrow')\n"
        "       if m in sys.modules]\n"
        "assert not bad, bad\n"
        "import numpy, pandas\n"  # still importable by everything else
        "assert pandas.DataFrame({'a': [1]}).shape == (1, 1)\n"
        "from tiegraph.loaders.neo4j_loader import open_driver\n"
        "assert open_driver is connect.open_driver\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0, proc.stderr
