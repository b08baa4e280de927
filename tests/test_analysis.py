"""Density measures, windows and timelines on a hand-made list of ties."""

from __future__ import annotations

import pytest

from tiegraph.graph.analysis import densest_partnerships, explain_pair, timeline
from tiegraph.graph.ties import Tie, Window

KINDS = {"JPN": "state", "GBR": "state", "FRA": "state", "nato": "organisation"}
NAMES = {"JPN": "Japan", "GBR": "United Kingdom", "FRA": "France", "nato": "NATO"}
TIES = [
    Tie("GBR", "JPN", "a1", "agreements", "2013-07"),
    Tie("GBR", "JPN", "v1", "visits", "2016-01"),
    Tie("GBR", "JPN", "v2", "visits", "2017"),
    Tie("GBR", "JPN", "x1", "exercises", "2016-10"),
    Tie("FRA", "JPN", "a2", "agreements", "2016-12", terminated="2019-01"),
    Tie("FRA", "JPN", "d1", "dialogues", "2014-01-09"),
    Tie("JPN", "nato", "s1", "dialogues", None),
    Tie("FRA", "GBR", "x1", "exercises", "2016-10"),
]


def rank(rows):
    return [(r["a_id"], r["b_id"], r["score"]) for r in rows]


def test_count_measure_ranks_by_number_of_ties():
    rows = densest_partnerships(TIES, KINDS, NAMES)
    # GBR-JPN: 4 ties; FRA-JPN: 2; FRA-GBR and JPN-nato: 1 each (equal score, equal rank).
    assert rank(rows) == [("GBR", "JPN", 4.0), ("FRA", "JPN", 2.0), ("FRA", "GBR", 1.0),
                          ("JPN", "nato", 1.0)]
    assert [r["rank"] for r in rows] == [1, 2, 3, 3]
    assert rows[0]["visits"] == 2 and rows[0]["breadth"] == 3


def test_weighted_measure_uses_weights():
    rows = densest_partnerships(TIES, KINDS, NAMES, measure="weighted",
                                weights={"dialogues": 10})
    # FRA-JPN: 3 (agreement) + 10 (dialogue) = 13; GBR-JPN: 3 + 1 + 1 + 2 = 7; JPN-nato 10.
    assert rank(rows)[:3] == [("FRA", "JPN", 13.0), ("JPN", "nato", 10.0), ("GBR", "JPN", 7.0)]


def test_unknown_weight_category_is_an_error():
    with pytest.raises(ValueError, match="unknown categories"):
        densest_partnerships(TIES, KINDS, NAMES, measure="weighted", weights={"ships": 1})


def test_breadth_counts_categories():
    rows = densest_partnerships(TIES, KINDS, NAMES, measure="breadth")
    assert rank(rows)[0] == ("GBR", "JPN", 3.0)
    assert rank(rows)[1] == ("FRA", "JPN", 2.0)


def test_focus_puts_the_focal_actor_first_and_filters():
    rows = densest_partnerships(TIES, KINDS, NAMES, focus="JPN")
    assert [(r["a_id"], r["b_id"]) for r in rows] == [("JPN", "GBR"), ("JPN", "FRA"),
                                                      ("JPN", "nato")]


def test_pair_kinds():
    rows = densest_partnerships(TIES, KINDS, NAMES, pair_kind="state-org")
    assert [(r["a_id"], r["b_id"]) for r in rows] == [("JPN", "nato")]


def test_windows_respect_precision_and_drop_undated():
    # since 2016: "2017" and "2016-01", "2016-10", "2016-12" are in; 2013-07 and 2014 out.
    rows = densest_partnerships(TIES, KINDS, NAMES, window=Window(since="2016"))
    # equal scores are ordered by names: France–Japan before France–United Kingdom.
    assert rank(rows) == [("GBR", "JPN", 3.0), ("FRA", "JPN", 1.0), ("FRA", "GBR", 1.0)]
    # until 2016-10 includes the exercise dated 2016-10 but not the 2016-12 agreement.
    rows = densest_partnerships(TIES, KINDS, NAMES, window=Window(until="2016-10"))
    assert {(r["a_id"], r["b_id"]): r["total"] for r in rows} == {
        ("GBR", "JPN"): 3, ("FRA", "JPN"): 1, ("FRA", "GBR"): 1}


def test_as_of_drops_terminated_agreements():
    before = densest_partnerships(TIES, KINDS, NAMES, window=Window(as_of="2018"))
    after = densest_partnerships(TIES, KINDS, NAMES, window=Window(as_of="2019-06"))
    fra = {r["b_id"]: r["agreements"] for r in before if r["a_id"] == "FRA"}
    assert fra["JPN"] == 1
    assert {r["b_id"]: r["agreements"] for r in after if r["a_id"] == "FRA"}["JPN"] == 0


def test_explain_and_timeline():
    assert [t.fact for t in explain_pair(TIES, "JPN", "GBR")] == ["a1", "v1", "x1", "v2"]
    rows = timeline(TIES, "JPN", "GBR")
    assert [(r["year"], r["total"]) for r in rows] == [(2013, 1), (2016, 2), (2017, 1)]
    assert timeline(TIES, "JPN")[1] == {"year": 2014, "agreements": 0, "dialogues": 1,
                                        "visits": 0, "exercises": 0,
                                        "exchanges_industrial": 0, "operations": 0, "total": 1}


def test_planned_events_are_not_ties():
    from tiegraph.graph.ties import tie_category
    from tiegraph.loaders.model import Exercise

    cite = [{"source": "s", "locator": "p. 1", "quote": "a quote of some length"}]
    held = Exercise(id="x", type="exercise", name="X", participants=["JPN", "GBR"],
                    domain="land", date="2018-08", citations=cite)
    scrapped = held.model_copy(update={"status": "planned"})
    assert tie_category(held) == "exercises"
    assert tie_category(scrapped) is None
