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


# --- bilateral and multilateral ties (issue 13) ---------------------------------------------

MULTI = [
    # one bilateral exercise, and one of four actors: six ties with n = 4
    Tie("GBR", "JPN", "bi", "exercises", "2018", n=2),
    *(Tie(a, b, "quad", "exercises", "2019", n=4) for a, b in
      [("FRA", "GBR"), ("FRA", "JPN"), ("FRA", "nato"), ("GBR", "JPN"), ("GBR", "nato"),
       ("JPN", "nato")]),
]


def test_rows_show_bilateral_and_multilateral_ties_apart():
    rows = {(r["a_id"], r["b_id"]): r for r in densest_partnerships(MULTI, KINDS, NAMES)}
    assert (rows[("GBR", "JPN")]["bilateral"], rows[("GBR", "JPN")]["multilateral"]) == (1, 1)
    assert (rows[("FRA", "JPN")]["bilateral"], rows[("FRA", "JPN")]["multilateral"]) == (0, 1)
    # count keeps counting every tie once
    assert rows[("GBR", "JPN")]["score"] == 2.0 and rows[("FRA", "JPN")]["score"] == 1.0


def test_weighted_gives_a_tie_of_an_n_actor_event_one_over_n_minus_1():
    rows = densest_partnerships(MULTI, KINDS, NAMES, measure="weighted",
                                weights={"exercises": 1})
    got = {(r["a_id"], r["b_id"]): r["score"] for r in rows}
    # GBR-JPN: 1 (bilateral) + 1/3; every other pair: 1/3 from the four-actor exercise
    assert got[("GBR", "JPN")] == round(1 + 1 / 3, 6)
    assert got[("FRA", "nato")] == round(1 / 3, 6)
    # Japan's shares of the four-actor exercise add up to 1, as one bilateral exercise does
    assert sum(v for k, v in got.items() if "JPN" in k) == pytest.approx(1 + 1)


def test_dataset_ties_know_their_participant_count():
    from tiegraph.graph.api import FilesBackend

    backend = FilesBackend()
    per_fact: dict[str, set[str]] = {}
    for t in backend.ties:
        per_fact.setdefault(t.fact, set()).update((t.a, t.b))
    assert all(t.n == len(per_fact[t.fact]) for t in backend.ties)
    assert {t.n for t in backend.ties} > {2, 3}  # the bundled data has both kinds


def test_weighted_equals_networkx_collaboration_weighting():
    """The weighted measure per category is networkx's collaboration-weighted projection
    of the actor–fact bipartite graph (Newman 2001), times the category's weight."""
    from networkx.algorithms import bipartite

    from tiegraph.graph.analysis import DEFAULT_WEIGHTS
    from tiegraph.graph.api import FilesBackend, densest
    from tiegraph.graph.schema import CATEGORY_ORDER

    backend = FilesBackend()
    window = Window(until="2019-12-31")
    import networkx as nx

    want: dict[tuple[str, str], float] = {}
    for category in CATEGORY_ORDER:
        B = nx.Graph()
        for t in backend.ties:
            if t.category == category and window.keeps(t):
                B.add_edges_from([(("f", t.fact), t.a), (("f", t.fact), t.b)])
        actors = [v for v in B if not isinstance(v, tuple)]
        P = bipartite.collaboration_weighted_projected_graph(B, actors)
        for a, b, w in P.edges(data="weight"):
            key = tuple(sorted((a, b)))
            want[key] = want.get(key, 0.0) + DEFAULT_WEIGHTS[category] * w
    rows = densest(backend, measure="weighted", window=window)
    got = {tuple(sorted((r["a_id"], r["b_id"]))): r["score"] for r in rows}
    assert got.keys() == want.keys()
    assert all(got[k] == pytest.approx(want[k], abs=1e-6) for k in got)
