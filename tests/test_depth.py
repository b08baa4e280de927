"""The depth measure (graph.depth): every component on hand-checked facts, and its ranking of
Japan's partners on the bundled data against the RAND report (issue 13)."""

from __future__ import annotations

from typing import Any

import pytest

from tiegraph.graph.depth import (
    COMPONENT_KEYS,
    COMPONENTS,
    DepthFact,
    check_depth_weights,
    depth_score,
    pair_depth,
    saturate,
)
from tiegraph.graph.ties import Tie

P = ("GBR", "JPN")
FACTS = [
    # institutions: a framework, an ACSA in force, an information-security agreement signed
    # after the date, and an equipment agreement terminated before it
    DepthFact("frame", "agreement", P, kind="joint_declaration", signed="2017-08"),
    DepthFact("acsa", "agreement", P, kind="acsa", signed="2017-01", in_force="2017-08"),
    DepthFact("later", "agreement", P, kind="information_security", signed="2021"),
    DepthFact("ended", "agreement", P, kind="equipment_technology_transfer", signed="2013",
              terminated="2018"),
    DepthFact("trilateral", "agreement", ("GBR", "JPN", "USA"), kind="acsa", signed="2015"),
    # mechanisms: a 2+2 that met in 2019, staff talks that last met in 2010, an "other" series
    DepthFact("twoplus", "dialogue_series", P, kind="two_plus_two", established="2015"),
    DepthFact("s1", "dialogue_session", P, when="2019-03", series="twoplus"),
    DepthFact("staff", "dialogue_series", P, kind="staff_talks"),
    DepthFact("s2", "dialogue_session", P, when="2010", series="staff"),
    DepthFact("misc", "dialogue_series", P, kind="other", established="2000"),
    # forces: sea by units' services, air by the domain of a state-level exercise; land only
    # on Japan's side; a trilateral exercise does not count
    DepthFact("x-sea", "exercise", P, when="2018", domain="maritime",
              parts=(("GBR", "sea"), ("JPN", "sea"))),
    DepthFact("x-air", "exercise", P, when="2016", domain="air",
              parts=(("GBR", None), ("JPN", None))),
    DepthFact("x-land", "exercise", P, when="2017", domain="joint",
              parts=(("GBR", None), ("JPN", "land"))),
    DepthFact("x-tri", "exercise", ("GBR", "JPN", "USA"), when="2018", domain="land",
              parts=(("GBR", "land"), ("JPN", "land"), ("USA", "land"))),
    # industry: one bilateral research project, one cancelled, one with three actors (1/2)
    DepthFact("i1", "industrial", P, when="2014", kind="joint_research"),
    DepthFact("i2", "industrial", P, when="2015", kind="co_development", status="cancelled"),
    DepthFact("i3", "industrial", ("FRA", "GBR", "JPN"), when="2016", kind="co_development"),
    DepthFact("i4", "industrial", P, when="2016", kind="procurement"),
    # operations: a bilateral one and one of five actors (1/4); one after the date
    DepthFact("o1", "operation", P, when="2013"),
    DepthFact("o2", "deployment", ("AUS", "FRA", "GBR", "JPN", "USA"), when="2001"),
    DepthFact("o3", "operation", P, when="2020"),
]
TIES = [Tie("GBR", "JPN", f"t{i}", "visits", f"{2015 + i % 5}") for i in range(20)] + [
    Tie("GBR", "JPN", f"m{i}", "exercises", "2012", n=3) for i in range(10)]


def test_every_component_on_hand_checked_facts() -> None:
    got = pair_depth("JPN", "GBR", FACTS, TIES, "2019-12-31")
    assert got.values == pytest.approx({
        "institutions": 2 / 5,            # framework, acsa
        "mechanisms": (1 + 0.5) / 4,      # 2+2 met lately; staff talks not since 2010
        "forces": 2 / 3,                  # sea and air; land only on one side
        "industry": 1.5 / 3.5,            # k = 1 + 1/2, half-point 2
        "operations": 1.25 / 3.25,        # k = 1 + 1/4
        "intensity": 4 / 14,              # 20 ties in 2015-2019: 4 a year, half-point 10
    })
    assert got.evidence["institutions"] == ["acsa", "frame"]
    assert got.evidence["forces"] == ["x-air", "x-sea"]
    assert got.evidence["industry"] == ["i1", "i3"]
    assert got.details["mechanisms"] == "2+2, staff (not met lately)"
    # five years before: 10 ties of a three-actor event, 1/2 each: 5; the trend is 20 / 5
    assert got.details["intensity"] == "4/year since 2014, x4 on the 5 years before"


def test_as_of_an_earlier_date_drops_what_came_later() -> None:
    got = pair_depth("JPN", "GBR", FACTS, TIES, "2016-12")
    # the ACSA was signed in 2017, the framework in 2017-08; the equipment agreement was in
    # force until its termination in 2018
    assert got.values["institutions"] == pytest.approx(1 / 5)
    assert got.evidence["institutions"] == ["ended"]
    assert got.values["forces"] == pytest.approx(1 / 3)  # only the 2016 air exercise


def test_depth_score_is_the_weighted_mean() -> None:
    values = dict(zip(COMPONENTS, (1.0, 0.5, 0.0, 0.0, 0.0, 0.5), strict=True))
    assert depth_score(values) == pytest.approx(2 / 6)
    assert depth_score(values, {"institutions": 4}) == pytest.approx(5 / 9)
    with pytest.raises(ValueError, match="unknown depth components"):
        check_depth_weights({"visits": 1})
    with pytest.raises(ValueError, match="not all 0"):
        check_depth_weights(dict.fromkeys(COMPONENTS, 0))
    assert saturate(0, 2) == 0 and saturate(2, 2) == 0.5


# --- the bundled data against the source ----------------------------------------------------


def japan(measure: str, **kwargs) -> list[str]:
    from tiegraph.graph.api import FilesBackend, densest
    from tiegraph.graph.ties import Window

    rows = densest(FilesBackend(), measure=measure, focus="Japan",
                   window=Window(until="2019-12-31"), **kwargs)
    return [r["b_id"] for r in rows]


def test_depth_ranks_the_uk_first_as_the_rand_report_does() -> None:
    """RAND (data current to 2019): Japan–UK ties "the most robust", France's growing, Germany's
    lacking depth, NATO's lacking dialogues and exchanges. Count keeps France first."""
    depth = japan("depth")
    assert depth[:2] == ["GBR", "FRA"]
    assert depth.index("DEU") > 1 and depth.index("nato") > 1
    assert japan("count")[0] == "FRA"


def test_depth_rows_carry_components_and_evidence() -> None:
    from tiegraph.graph.api import FilesBackend, densest
    from tiegraph.graph.ties import Window

    rows = densest(FilesBackend(), measure="depth", focus="Japan", top=2,
                   window=Window(until="2019-12-31"))
    uk, france = rows
    assert uk["depth_forces"] == 1.0 and france["depth_forces"] == pytest.approx(1 / 3)
    assert uk["why"]["forces"]["detail"] == "land, sea, air"
    assert france["why"]["forces"]["detail"] == "sea"
    assert uk["why"]["industry"]["detail"] == "7 project(s), shares 7"
    assert uk["as_of"] == "2019-12-31"
    assert all(0 <= uk[COMPONENT_KEYS[c]] <= 1 for c in COMPONENTS)
    assert len(uk["why"]["industry"]["facts"]) == 7 and len(france["why"]["industry"]["facts"]) == 2


def test_depth_facts_resolve_units_to_their_service_branch() -> None:
    from tiegraph.graph.api import FilesBackend

    facts = {f.id: f for f in FilesBackend().depth_facts}
    exercise = next(f for f in facts.values() if f.type == "exercise"
                    and ("GBR", "land") in f.parts and f.actors == ("GBR", "JPN"))
    assert ("JPN", "land") in exercise.parts  # the GSDF, with a British Army unit


def test_the_uk_stays_first_without_any_one_component() -> None:
    """Not fitted to one answer: leaving out any one component (weight 0) keeps the order
    UK, France, then Germany and NATO."""
    for component in COMPONENTS:
        order = japan("depth", weights={component: 0})
        assert order[:2] == ["GBR", "FRA"], component
        assert {"DEU", "nato"} <= set(order[2:4]) or order.index("DEU") > 1, component


# --- every component on the hand-checked fixture tests/fixtures/small -------------------------


def _only(**values: float) -> dict[str, float]:
    """Return every component at 0 but those given."""
    return {**dict.fromkeys(COMPONENTS, 0.0), **values}


# The fixture's twelve facts (tests/fixtures/small/facts/facts.yaml), by hand. Its latest
# dated tie is the visit of 2020-02, so depth is as of 2020-02-29 (a leap day: the windows
# start on the 28th): the last 3 years begin after 2017-02-28, the last 5 after 2015-02-28,
# the 5 before after 2010-02-28.
#
# GBR-JPN: no agreement (institutions 0); the 2+2 (established 2015) met in 2017-12, inside
#   the last 3 years: level 2+2 = 1 of 4 levels (mechanisms 0.25); no bilateral exercise
#   (forces 0); no project (industry 0); one bilateral operation, Gulf of Aden 2009, share 1:
#   1/(1+2) (operations 1/3); ties in the last 5 years: the 2017-12 session and the 2018-05
#   visit = 2, 0.4 a year: 0.4/10.4 = 1/26 (the 2015-01 session is in the 5 years before).
# JPN-USA: the ACSA signed 2016-09 is in force: 1 of 5 kinds (institutions 0.2); Pacific
#   Shield is trilateral, so no forces; ties in the last 5 years: the ACSA (1) and Pacific
#   Shield (3 actors: 1/2) = 1.5, 0.3 a year: 0.3/10.3 = 3/103.
# AUS-JPN, AUS-USA, FRA-NATO, GBR-NATO: one trilateral exercise each (share 1/2): 0.1 a year,
#   intensity 0.1/10.1 = 1/101; everything else 0 (the exercises are not bilateral; the
#   membership is not a tie).
# FRA-GBR: the Lancaster House treaty (2010-11) is a framework (institutions 0.2); Channel
#   Guard is trilateral (forces 0, intensity share 1/2): 1/101; the treaty falls in the five
#   years before.
# DEU-FRA: the 2019 exchange and the 2020-02 visit: 2 ties, 0.4 a year: 1/26.
SMALL_AS_OF_LATEST = {
    ("GBR", "JPN"): _only(mechanisms=0.25, operations=1 / 3, intensity=1 / 26),
    ("JPN", "USA"): _only(institutions=0.2, intensity=3 / 103),
    ("AUS", "JPN"): _only(intensity=1 / 101),
    ("AUS", "USA"): _only(intensity=1 / 101),
    ("FRA", "NATO"): _only(intensity=1 / 101),
    ("GBR", "NATO"): _only(intensity=1 / 101),
    ("FRA", "GBR"): _only(institutions=0.2, intensity=1 / 101),
    ("DEU", "FRA"): _only(intensity=1 / 26),
}


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Any:
    """The files backend on tests/fixtures/small, with a private index cache."""
    from pathlib import Path

    from tiegraph.graph.api import FilesBackend

    small = Path(__file__).parent / "fixtures" / "small"
    monkeypatch.setenv("TIEGRAPH_DATA", str(small))
    monkeypatch.setenv("TIEGRAPH_SOURCES", str(small / "texts"))
    monkeypatch.setenv("TIEGRAPH_CACHE", str(tmp_path / "cache"))
    return FilesBackend(small)


def _by_pair(rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Return the depth rows keyed by the pair of labels (state ids, NATO for the alliance)."""
    def key(actor_id: str) -> str:
        return "NATO" if actor_id == "nato" else actor_id

    return {(key(r["a_id"]), key(r["b_id"])): r for r in rows}


def test_every_component_on_the_small_fixture(small: Any) -> None:
    from tiegraph.graph.api import densest

    rows = densest(small, measure="depth")
    got = _by_pair(rows)
    assert {tuple(sorted(p)) for p in got} == {tuple(sorted(p)) for p in SMALL_AS_OF_LATEST}
    for pair, expected in SMALL_AS_OF_LATEST.items():
        row = got.get(pair) or got[pair[::-1]]
        assert row["as_of"] == "2020-02"
        for c in COMPONENTS:
            assert row[COMPONENT_KEYS[c]] == pytest.approx(expected[c], abs=1e-6), (pair, c)
        assert row["score"] == pytest.approx(sum(expected.values()) / 6, abs=1e-6), pair
    # the ranking follows: GBR-JPN (0.1036) above JPN-USA (0.0382) above FRA-GBR (0.0350)
    assert list(got)[:3] == [("GBR", "JPN"), ("JPN", "USA"), ("FRA", "GBR")]


def test_small_fixture_as_of_dates_move_the_components(small: Any) -> None:
    """The same pairs at other dates. As of 2020-12-31 the 2+2 last met in 2017-12, before
    the last 3 years (from 2018-01-01): level 0.5, mechanisms 0.125; the 2017-12 session and
    2018-05 visit are still in the last 5 years (intensity 1/26). As of 2014 the 2+2 is not
    established and the ACSA not signed: GBR-JPN keeps only the 2009 operation (1/3), which
    dates from 2009-01-01, before the last 5 years (after 2009-12-31): intensity 0; FRA-GBR's
    treaty (2010-11) is inside them: 0.2 a year, 0.2/10.2 = 1/51. JPN-USA has no tie by then,
    so it is no row."""
    from tiegraph.graph.api import densest
    from tiegraph.graph.ties import Window

    late = _by_pair(densest(small, measure="depth", window=Window(until="2020-12-31")))
    assert late[("GBR", "JPN")]["depth_mechanisms"] == pytest.approx(0.125)
    assert late[("GBR", "JPN")]["depth_intensity"] == pytest.approx(1 / 26, abs=1e-6)
    early = _by_pair(densest(small, measure="depth", window=Window(until="2014")))
    assert set(early) == {("GBR", "JPN"), ("FRA", "GBR")}
    gj = early[("GBR", "JPN")]
    assert (gj["depth_institutions"], gj["depth_mechanisms"], gj["depth_forces"],
            gj["depth_industry"]) == (0, 0, 0, 0)
    assert gj["depth_operations"] == pytest.approx(1 / 3, abs=1e-6)
    assert gj["operations"] == 1  # the tie count of the same name stays beside it
    assert gj["depth_intensity"] == 0
    # the treaty (2010-11) is a framework already, and the one tie of 2009-2014 for FRA-GBR
    assert early[("FRA", "GBR")]["depth_institutions"] == pytest.approx(0.2)
    assert early[("FRA", "GBR")]["depth_intensity"] == pytest.approx(1 / 51, abs=1e-6)
