"""bench.loadcsv: the LOAD CSV baseline builds the same graph as bulk-load, and its report
states each target with its spread."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.loadcsv import BEGIN, END, report, verdicts
from bench.mme import keep_sections, write_section
from bench.steps import step_load_csv, step_prepare_csv
from tiegraph.loaders.bulk import bulk_spec
from tiegraph.loaders.neo4j_loader import read_graph_state
from tiegraph.loaders.synthetic import generate


def _step(rels: int, seconds: float, **extra: float) -> dict:
    return {"relationships": rels, "seconds": seconds, "seconds_validate": 1.0,
            "seconds_write": seconds - 1, "max_rss_mib": 100.0, "load_average": "1 1 1",
            "cpu": 1.0, "server_cpu": 2.0,
            "nodes": 10, "expected_nodes": 10, "expected_relationships": rels, **extra}


def _results(bulk_seconds: list[float]) -> dict:
    rounds = [{"load_csv": _step(1000, 10.0), "bulk_load": _step(1000, s)} for s in bulk_seconds]
    return {"commit": "abc", "started": "now", "rounds": len(rounds), "load_start": "1 1 1",
            "load_end": "1 1 1", "machine": {"nproc": 2}, "versions": {},
            "sizes": {"10000": {"rounds": rounds}}}


def test_verdicts_use_the_median_ratio_and_show_the_spread() -> None:
    (line,) = verdicts(_results([5.0, 12.0, 9.0]))  # ratios 2.0, 0.83, 1.11
    assert line.startswith("* MET") and "1.11x (min 0.83, max 2.00, 3 rounds)" in line
    (line,) = verdicts(_results([20.0, 12.0, 9.0]))
    assert line.startswith("* MISSED") and "0.83x" in line
    text = report(_results([5.0, 12.0, 9.0]), "python -m bench.loadcsv")
    assert text.startswith(BEGIN) and text.endswith(END)
    assert "| 0.83 / 1.11 / 2.00 |" in text  # the ratio per round, min / median / max


def test_the_section_is_kept_when_the_scale_report_is_rewritten(tmp_path: Path) -> None:
    report_text = "# Benchmarks\n\n## Targets\n\n* MET\n"
    out = tmp_path / "BENCHMARKS.md"
    out.write_text(report_text)
    write_section(out, f"{BEGIN}\nload csv numbers\n{END}", BEGIN, END)
    kept = keep_sections(out, report_text.replace("MET", "MISSED"))  # as python -m bench does
    assert "load csv numbers" in kept and "MISSED" in kept
    assert kept.index("load csv numbers") < kept.index("## Targets")


def test_load_csv_builds_the_same_graph_as_bulk_load(empty_neo4j, neo4j_settings,
                                                      tmp_path: Path, monkeypatch) -> None:
    """The baseline must be a fair comparison: the same nodes, labels, relationships and
    properties (dates as dates, lists as lists) as the bulk loader writes."""
    generate(tmp_path / "syn", 300, seed=3, yaml_files=False)
    bulk, texts = tmp_path / "syn" / "bulk", tmp_path / "syn" / "texts"
    with empty_neo4j.session(database=neo4j_settings.database) as session:
        root = Path(session.run("SHOW SETTINGS YIELD name, value WHERE name = "
                                "'server.directories.import' RETURN value").single()["value"])
    files = root / f"test-loadcsv-{tmp_path.name}"
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.uri)
    monkeypatch.setenv("NEO4J_USERNAME", neo4j_settings.username)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings.password.get_secret_value())
    monkeypatch.setenv("NEO4J_DATABASE", neo4j_settings.database)
    try:
        prepared = step_prepare_csv(argparse.Namespace(folder=bulk, sources=texts, out=files))
        got = step_load_csv(argparse.Namespace(folder=files, import_root=root, batch=50))
    finally:
        import shutil

        shutil.rmtree(files, ignore_errors=True)
    assert (got["nodes"], got["relationships"]) == (prepared["nodes"],
                                                     prepared["relationships"])
    with empty_neo4j.session(database=neo4j_settings.database) as session:
        state = session.execute_read(read_graph_state)
    want = bulk_spec(bulk, texts)
    assert set(state.nodes) == set(want.nodes) and set(state.rels) == set(want.rels)
    assert [k for k in want.nodes if state.nodes[k] != want.nodes[k]] == []
    assert [k for k in want.rels if state.rels[k] != want.rels[k]] == []
