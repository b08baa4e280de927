"""The synthetic generator: deterministic bytes, valid YAML (quotes verified against its own
texts), the same graph in YAML and in the bulk CSV form, and the shape it promises."""

from __future__ import annotations

import statistics
from collections import Counter
from pathlib import Path

import pytest

from tiegraph.graph.index import build_index
from tiegraph.graph.projection import project
from tiegraph.graph.ties import ties_from_dataset
from tiegraph.loaders.bulk import build_bulk_index, bulk_spec
from tiegraph.loaders.dataset import load_dataset
from tiegraph.loaders.neo4j_loader import spec_hash
from tiegraph.loaders.synthetic import default_actors, generate

EVENTS = 400


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synthetic") / "s"
    generate(out, EVENTS, seed=7)
    return out


@pytest.fixture(scope="module")
def dataset(generated: Path):
    return load_dataset(generated / "yaml", generated / "texts")


def test_same_seed_same_bytes(generated: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(again, EVENTS, seed=7)
    assert _files(again) == _files(generated)
    other = tmp_path / "other"
    generate(other, EVENTS, seed=8, yaml_files=False)
    assert (other / "bulk" / "facts.csv").read_bytes() != (
        generated / "bulk" / "facts.csv").read_bytes()


def test_yaml_passes_validation_with_quotes_checked(dataset, generated: Path) -> None:
    assert dataset.quotes_checked
    assert len(dataset.facts) == EVENTS
    assert {c.source for f in dataset.facts.values() for c in f.citations} <= set(
        dataset.sources)
    assert len(list((generated / "texts").glob("*.txt"))) == len(dataset.sources)


def test_yaml_and_bulk_hold_the_same_graph(dataset, generated: Path) -> None:
    spec = project(dataset)
    bulk = bulk_spec(generated / "bulk", generated / "texts")
    assert spec_hash(bulk) == spec_hash(spec)
    assert build_bulk_index(generated / "bulk") == build_index(dataset)


def test_realistic_shape(dataset) -> None:
    types = Counter(f.type for f in dataset.facts.values())
    assert set(types) >= {"visit", "exercise", "agreement", "dialogue_series",
                          "dialogue_session", "operation", "membership"}
    # multilateral exercises, bilateral ones the most common
    sizes = Counter(len(f.participants) for f in dataset.facts.values()
                    if f.type == "exercise")
    assert sizes.most_common(1)[0][0] == 2 and max(sizes) >= 5
    # dated series: sessions with dates, each pointing at a series
    sessions = [f for f in dataset.facts.values() if f.type == "dialogue_session"]
    assert sessions and all(f.date and dataset.facts[f.series].type == "dialogue_series"
                            for f in sessions)
    # skewed degrees: the busiest actor has many times the median actor's ties
    per_actor: Counter[str] = Counter()
    for t in ties_from_dataset(dataset):
        per_actor[t.a] += 1
        per_actor[t.b] += 1
    counts = sorted(per_actor.values(), reverse=True)
    assert counts[0] > 5 * statistics.median(counts)
    # real ISO codes for states, the Japan of the examples among them
    states = [e for e in dataset.entities.values() if e.kind == "state"]
    assert "JPN" in dataset.entities and len(states) >= default_actors(EVENTS) * 3 // 4


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate(tmp_path / "x", 0)
    with pytest.raises(ValueError):
        generate(tmp_path / "x", 10, actors=2)
