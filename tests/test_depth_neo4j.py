"""The Cypher library's depth query on the hand-checked small fixture in a real Neo4j: the
components of Japan's three partners equal the values worked out by hand in
tests/test_depth.py (and so graph.depth's)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_depth import SMALL_AS_OF_LATEST

from tiegraph.graph.depth import COMPONENTS
from tiegraph.graph.projection import project
from tiegraph.loaders.dataset import load_dataset
from tiegraph.loaders.neo4j_loader import load_graph
from tiegraph.queries.library import check_params, load_query, run_query

pytestmark = pytest.mark.neo4j

SMALL = Path(__file__).parent / "fixtures" / "small"


@pytest.fixture(scope="module")
def small_db(neo4j_driver: Any, neo4j_settings: Any) -> tuple[Any, str]:
    """The small fixture loaded alone: (driver, database)."""
    database = neo4j_settings.database
    with neo4j_driver.session(database=database) as session:
        session.run("MATCH (n) DETACH DELETE n").consume()
    load_graph(neo4j_driver, project(load_dataset(SMALL, SMALL / "texts")), database)
    return neo4j_driver, database


def depth_of(db: tuple[Any, str], **params: Any) -> dict[str, dict[str, Any]]:
    """Return the rows of depth_components_of keyed by the partner's id."""
    driver, database = db
    info = load_query("depth_components_of")
    rows = run_query(driver, info.text, check_params(info, params), database)
    return {r["b_id"]: r for r in rows}


def test_cypher_depth_equals_the_hand_checked_values(small_db: Any) -> None:
    rows = depth_of(small_db, actor="Tokyo", as_of=None)
    assert set(rows) == {"GBR", "USA", "AUS"}
    for pair in (("GBR", "JPN"), ("JPN", "USA"), ("AUS", "JPN")):
        row = rows[next(x for x in pair if x != "JPN")]
        assert row["as_of"] == "2020-02-29"
        for c in COMPONENTS:
            assert row[c] == pytest.approx(SMALL_AS_OF_LATEST[pair][c], abs=1e-9), (pair, c)
    gbr = rows["GBR"]
    assert gbr["levels"] == [{"level": "2+2", "value": 1.0}]
    assert (gbr["operation_count"], gbr["operation_shares"]) == (1, 1.0)
    assert (gbr["ties_last5"], gbr["ties_prev5"]) == (2.0, 1.0)
    assert rows["USA"]["institution_kinds"] == ["acsa"]
    assert rows["USA"]["ties_last5"] == pytest.approx(1.5)
    assert next(iter(rows)) == "GBR"  # deepest first


def test_cypher_depth_moves_with_the_date(small_db: Any) -> None:
    late = depth_of(small_db, actor="JPN", as_of="2020-12-31")
    assert late["GBR"]["levels"] == [{"level": "2+2", "value": 0.5}]
    assert late["GBR"]["mechanisms"] == pytest.approx(0.125)
    early = depth_of(small_db, actor="MSDF", as_of="2014")
    assert set(early) == {"GBR"} and early["GBR"]["as_of"] == "2014-12-31"
    assert early["GBR"]["operations"] == pytest.approx(1 / 3)
    assert early["GBR"]["intensity"] == 0 and early["GBR"]["mechanisms"] == 0
