"""Stated totals: the model's rules, which dated facts a total's series holds, the stats
section, and that a total is never a tie. (The Cypher twin, queries/stated_totals.cypher, is
checked against :func:`graph.totals.stated_totals` in tests/test_queries.py.)"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from pydantic import ValidationError

from tiegraph.graph.api import FilesBackend
from tiegraph.graph.captions import fact_caption
from tiegraph.graph.cli import main
from tiegraph.graph.projection import project
from tiegraph.graph.ties import ties_from_dataset
from tiegraph.graph.totals import in_series, stated_totals
from tiegraph.loaders.dataset import load_dataset
from tiegraph.loaders.model import StatedTotal

GOOD = Path(__file__).parent / "fixtures" / "good"
CITE = [{"source": "s", "locator": "p. 1", "quote": "a quote of ten characters"}]


def total(**fields: Any) -> StatedTotal:
    """Return a StatedTotal of the given fields (a visit count by default)."""
    record = {"id": "total-x", "type": "stated_total", "counts": "visit", "host": "JPN",
              "as_of": "2020", "count": 3, "citations": CITE, **fields}
    return StatedTotal.model_validate(record)


@pytest.fixture(scope="module")
def good() -> Any:
    return load_dataset(GOOD, GOOD / "texts")


@pytest.fixture(scope="module")
def bundled() -> Any:
    return load_dataset()


def test_the_model_rules() -> None:
    assert total(kind="port_call").kind == "port_call"
    with pytest.raises(ValidationError, match="not a kind of visit"):
        total(kind="maritime")
    with pytest.raises(ValidationError, match="has no kind"):
        total(counts="deployment", host=None, actors=["FRA"], kind="port_call")
    with pytest.raises(ValidationError, match="only for counts: dialogue_session"):
        total(series="gbr-jpn-two-plus-two")
    with pytest.raises(ValidationError, match="'person' is only for counts: visit"):
        total(counts="exercise", host=None, actors=["GBR", "JPN"], person="Abe")
    with pytest.raises(ValidationError, match="'role' is only for counts: visit"):
        total(counts="exercise", host=None, actors=["GBR", "JPN"], role="Minister")
    with pytest.raises(ValidationError, match="name the counted series"):
        total(host=None)
    with pytest.raises(ValidationError, match="before 'start'"):
        total(start="2021")
    with pytest.raises(ValidationError, match="lists an actor twice"):
        total(counts="exercise", host=None, actors=["GBR", "GBR"])
    assert total(start="2015").dates() == ["2015", "2020"]
    assert total().when == "2020" and total().qualifier == "exact"


def test_a_visit_series_takes_the_visitors_units_within_the_window(good: Any) -> None:
    """gbr-raf's total counts the RAF chief's visit of 2019-04; a window that ends before it,
    another kind, another host or a planned visit leave it out."""
    ds = good
    visit = ds.facts["visit-gbr-raf-to-jpn-2019-04"]
    mine = ds.facts["total-gbr-raf-visits-jpn"]
    assert in_series(ds, mine, visit)
    assert in_series(ds, total(visitor="GBR", actors=[]), visit)  # the state holds its service
    assert not in_series(ds, total(visitor="gbr-royal-navy"), visit)
    assert not in_series(ds, total(as_of="2019-03"), visit)
    assert in_series(ds, total(as_of="2019-04"), visit)  # a month as of its last day
    assert not in_series(ds, total(start="2019-05", as_of="2020"), visit)
    assert not in_series(ds, total(kind="port_call"), visit)
    assert not in_series(ds, total(host="FRA"), visit)
    assert not in_series(ds, total(person="Someone"), visit)
    assert in_series(ds, total(role="chief of the air"), visit)  # words of the role, any case
    assert not in_series(ds, total(role="Chief of the Defence Staff"), visit)
    assert not in_series(ds, total(counts="exercise", host=None, actors=["GBR", "JPN"]), visit)
    planned = visit.model_copy(update={"status": "planned"})
    assert not in_series(ds, mine, planned)


def test_a_session_series_counts_its_own_sessions(good: Any) -> None:
    ds = good
    series = next(f for f in ds.facts.values() if f.type == "dialogue_series")
    sessions = [f for f in ds.facts.values() if f.type == "dialogue_session"]
    mine = total(counts="dialogue_session", host=None, series=series.id)
    assert sessions and all(in_series(ds, mine, s) for s in sessions)
    assert not in_series(ds, total(counts="dialogue_session", host=None, series="other"),
                         sessions[0])


def test_the_rows_of_the_fixture(good: Any) -> None:
    (row,) = stated_totals(good)
    assert row == {"total": "total-gbr-raf-visits-jpn", "counts": "visit (service_chief)",
                   "of": "gbr-raf → JPN", "stated": "4", "since": "2015", "as_of": "2020",
                   "dated": 1, "gap": 3, "sources": "example-2020-note"}
    assert stated_totals(good, "FRA") == []
    assert stated_totals(good, "GBR") == [row]


def test_gap_follows_the_qualifier(good: Any) -> None:
    ds = good
    base = ds.facts["total-gbr-raf-visits-jpn"]

    def gap(**update: Any) -> Any:
        changed = base.model_copy(update=update)
        facts = {**ds.facts, base.id: changed}
        return stated_totals(type(ds)(ds.sources, ds.entities, facts))[0]

    assert gap()["gap"] == 3
    assert gap(qualifier="more_than")["gap"] == 4 and gap(qualifier="more_than")["stated"] == "> 4"
    assert gap(qualifier="about")["gap"] is None
    assert gap(counted="people")["gap"] is None and gap(counted="people")["stated"] == "4 people"
    assert gap(count=0)["gap"] == 0  # the graph holds more than the source counts: no gap


def test_a_total_is_no_tie_and_a_node_with_its_window(good: Any, bundled: Any) -> None:
    for ds in (good, bundled):
        assert not any(t.fact.startswith("total-") for t in ties_from_dataset(ds))
    spec = project(good)
    node = spec.nodes["total-gbr-raf-visits-jpn"]
    assert node.labels == ("Fact", "StatedTotal")
    assert node.props["since"] == "2015-01-01" and node.props["until"] == "2020-12-31"
    assert "category" not in node.props and node.props["actors"] == ["GBR", "JPN"]
    assert node.props["count"] == 4 and node.props["as_of"] == "2020"
    roles = {(r.start, r.props["role"]) for r in spec.rels.values()
             if r.type == "PARTICIPATED_IN" and r.end == "total-gbr-raf-visits-jpn"}
    assert roles == {("gbr-raf", "visitor"), ("JPN", "host")}
    assert fact_caption(good, good.facts["total-gbr-raf-visits-jpn"]).endswith("→ JPN 4× 2020")


def test_a_session_total_takes_its_series_parties(good: Any) -> None:
    series = next(f for f in good.facts.values() if f.type == "dialogue_series")
    mine = total(counts="dialogue_session", host=None, series=series.id)
    assert good.actors_of(mine) == sorted(series.parties)
    assert {r for _, r in good.parties_of(mine)} == {"counted"}


def test_the_bundled_totals_cite_and_count(bundled: Any) -> None:
    """Every bundled total finds its series' dated facts; where the graph holds fewer than
    an exact count, the gap is what the row says."""
    rows = stated_totals(bundled)
    assert len(rows) == sum(f.type == "stated_total" for f in bundled.facts.values()) >= 2
    navy = next(r for r in rows if r["total"] == "total-gbr-royal-navy-ship-visits-jpn")
    ships = [f for f in bundled.facts.values() if f.type == "visit" and f.host == "JPN"
             and bundled.actor_of(f.visitor) == "GBR"
             and in_series(bundled, bundled.facts[navy["total"]], f)]
    assert navy["dated"] == len(ships) > 0 and navy["gap"] == 35 - len(ships)


def test_stats_shows_the_section(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(GOOD, data, ignore=shutil.ignore_patterns("texts"))
    runner = CliRunner()
    result = runner.invoke(main, ["stats", "--data", str(data), "--section", "stated_totals",
                                  "--json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)["stated_totals"]
    assert row["total"] == "total-gbr-raf-visits-jpn" and row["gap"] == 3
    text = runner.invoke(main, ["stats", "--data", str(data), "--section", "stated_totals"])
    assert "gbr-raf → JPN" in text.output and "stated totals" in text.output
    assert "stated_totals" in runner.invoke(main, ["stats", "--help"]).output


def test_the_bundled_file_is_the_one_place(bundled: Any) -> None:
    """Every stated total lives in data/facts/stated-totals.yaml (one place to look)."""
    path = Path(__file__).parents[1] / "data" / "facts" / "stated-totals.yaml"
    ids = {r["id"] for r in yaml.safe_load(path.read_text(encoding="utf-8"))}
    assert ids == {fid for fid, f in bundled.facts.items() if f.type == "stated_total"}
    assert FilesBackend().dataset.facts.keys() >= ids
